"""Terminal populations of a coverage area: uniform (the paper's placement) or clustered.

"uniform": U terminals uniform by area in the drop's spherical cap (``constellation.sample_cap``,
the paper's placement of its K users).

"clustered": a Thomas cluster process conditioned on U points in the cap. ``n_clusters``
parents are uniform in the cap; each terminal picks a parent uniformly at random and is offset
from it by an isotropic 2-D Gaussian of standard deviation ``cluster_sigma_m`` per axis (a
Rayleigh distance with that scale, a uniform bearing, along a great circle); offspring that
fall outside the cap are redrawn (around their parent) until all U are inside, so the cap
holds exactly U terminals. Every draw comes from the drop's geometry generator.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from coopsat import constellation
from coopsat.constellation.earth import destination, great_circle_distance_m
from coopsat.experiments.core.drops import sample_uniform_drop

POPULATIONS = ("uniform", "clustered")
_MAX_REDRAWS = 1000  # rounds of redrawing offspring outside the cap (each round is vectorised)


def clustered_points(rng: np.random.Generator, centre_lat_rad: float, centre_lon_rad: float,
                     radius_m: float, n_points: int, n_clusters: int,
                     sigma_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thomas-process terminals (module docstring): (lat, lon, cluster), each (n_points,),
    radians and the index of each terminal's parent."""
    p_lat, p_lon = constellation.sample_cap(rng, centre_lat_rad, centre_lon_rad, radius_m,
                                            n_clusters)
    cluster = rng.integers(0, n_clusters, size=n_points)
    lat = np.empty(n_points)
    lon = np.empty(n_points)
    todo = np.arange(n_points)
    for _ in range(_MAX_REDRAWS):
        distance = sigma_m * np.sqrt(-2.0 * np.log1p(-rng.random(todo.size)))  # Rayleigh
        bearing = rng.uniform(0.0, 2.0 * np.pi, size=todo.size)
        lat[todo], lon[todo] = destination(p_lat[cluster[todo]], p_lon[cluster[todo]],
                                           distance, bearing)
        outside = great_circle_distance_m(centre_lat_rad, centre_lon_rad, lat[todo],
                                          lon[todo]) > radius_m
        todo = todo[outside]
        if todo.size == 0:
            return lat, lon, cluster
    raise ValueError(f"clustered population: {todo.size} terminals still outside the cap after "
                     f"{_MAX_REDRAWS} redraws (cluster_sigma_m too large for the cap?)")


def place_population(config):
    """The ``place`` function of ``experiments.common.find_drop`` for the ``[schedule]``
    population of ``config``: the centre drawn as ``constellation.sample_drop`` draws it (or
    ``[drop]``'s fixed centre), then the U terminals; the S nearest satellites visible at every
    terminal. "uniform" is ``sample_drop`` itself with U users."""
    section, spec = config.section("schedule"), config.drop
    if section.population == "uniform":
        return partial(sample_uniform_drop, config, n_users=section.n_terminals)

    def place(const, time, rng: np.random.Generator, n_satellites: int):
        if spec.centre_lat_deg is None:
            lat0, lon0 = constellation.sample_centre(
                rng, constellation.default_max_abs_latitude_deg(const))
        else:
            lat0, lon0 = np.radians(spec.centre_lat_deg), np.radians(spec.centre_lon_deg)
        lat, lon, _ = clustered_points(rng, lat0, lon0, spec.radius_m, section.n_terminals,
                                       section.n_clusters, section.cluster_sigma_m)
        return constellation.drop_geometry(
            const, time, lat, lon, centre_lat_rad=float(lat0), centre_lon_rad=float(lon0),
            n_satellites=n_satellites, min_elevation_deg=spec.min_elevation_deg,
            carrier_hz=config.channel.link_budget.carrier_hz,
        )

    return place
