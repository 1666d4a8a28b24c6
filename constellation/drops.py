"""Drops: a coverage centre, K UTs uniform in a spherical cap, the S nearest visible satellites.

Conventions (docs/design.md#geometry): centre uniform by area over |lat| <= the covered latitude;
UTs are uniform by area in the spherical cap of radius R around the centre; the cooperative set is
the S satellites nearest (slant range) to the centre among those at or above the minimum
elevation at EVERY UT, sorted by that range, so the master (index 0) is the nearest.

Sampling uses the mean-radius sphere (R_E = 6371 km) for areas and great-circle distances; the
sampled latitudes are then used as WGS84 geodetic latitudes at height 0 for the UT positions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from skyfield.timelib import Time

from .constants import EARTH_MEAN_RADIUS_M
from .earth import destination, geodetic_to_itrs, itrs_to_geodetic
from .geometry import DropGeometry
from .links import ARRAY_POINTINGS, link_geometry
from .orbits import (
    APOGEE_MARGIN_M,
    MAX_ALTITUDE_M,
    MIN_ALTITUDE_M,
    Constellation,
    physical_position_mask,
)
from .params import ParameterError, check_field, choice, number, validate
from .selection import check_range, select_satellites
from .timebase import as_time

_SAME_INCLINATION_RAD = math.radians(0.1)


def default_max_abs_latitude_deg(constellation: Constellation) -> float:
    """Latitude limit of the coverage centre: the shell's inclination, or 90 deg if mixed.

    A retrograde inclination i counts as 180 - i. Inclinations that differ by more than 0.1 deg
    (e.g. a real TLE set with several shells) give 90 deg, i.e. the whole Earth.
    """
    incl = constellation.inclinations_rad
    folded = np.minimum(incl, np.pi - incl)
    if np.ptp(folded) > _SAME_INCLINATION_RAD:
        return 90.0
    return float(np.degrees(folded.max()))


def sample_centre(rng: np.random.Generator, max_abs_latitude_deg: float) -> tuple[float, float]:
    """Coverage centre uniform by area over |lat| <= max_abs_latitude_deg: (lat, lon) in rad.

    ``sin(lat) ~ U(-sin L, sin L)``, ``lon ~ U(-pi, pi)`` (Archimedes: area is linear in sin lat).
    """
    check_range("max_abs_latitude_deg", max_abs_latitude_deg, 0.0, 90.0)
    s = math.sin(math.radians(max_abs_latitude_deg))
    lat = float(np.arcsin(rng.uniform(-s, s)))
    lon = float(rng.uniform(-np.pi, np.pi))
    return lat, lon


def sample_cap(rng: np.random.Generator, centre_lat_rad: float, centre_lon_rad: float,
               radius_m: float, n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """``n_points`` points uniform by area in the spherical cap of ``radius_m`` (great circle).

    Cap of angular radius ``a = radius_m / R_E``: ``cos(delta) ~ U(cos a, 1)`` (the cap area
    inside delta is ``2 pi R_E^2 (1 - cos delta)``), bearing ``~ U(0, 2 pi)``.

    Returns
    -------
    (lat, lon) arrays of shape (n_points,), radians
    """
    check_range("radius_m", radius_m, 0.0, math.pi * EARTH_MEAN_RADIUS_M, low_open=True)
    a = radius_m / EARTH_MEAN_RADIUS_M
    cos_delta = 1.0 - rng.uniform(size=n_points) * (1.0 - math.cos(a))
    delta = np.arccos(np.clip(cos_delta, -1.0, 1.0))
    bearing = rng.uniform(0.0, 2.0 * np.pi, size=n_points)
    return destination(centre_lat_rad, centre_lon_rad, delta * EARTH_MEAN_RADIUS_M, bearing)


@dataclass(frozen=True)
class DropSpec:
    """What a drop draws: K UTs in a cap of a given radius, the S nearest satellites above the
    elevation mask at every UT, around a random (or a given) coverage centre (Section V).

    The allowed values are declared here once; ``sample_drop`` checks its arguments through
    this class, and the experiment layer's ``[drop]`` section maps onto it.
    """

    n_users: int = number(48, lo=1, hi=100_000, integer=True, doc="K, UTs per drop")
    n_satellites: int = number(5, lo=1, hi=1000, integer=True, doc="S, the cooperative set")
    radius_m: float = number(
        800e3, lo=0, hi=5_000e3, lo_open=True, unit="m", doc="coverage cap radius"
    )
    min_elevation_deg: float = number(
        10.0, lo=0, hi=90, hi_open=True, unit="deg", doc="elevation mask at every UT"
    )
    centre_lat_deg: float | None = number(
        None, lo=-90, hi=90, optional=True, unit="deg", doc="none: random, uniform by area"
    )
    centre_lon_deg: float | None = number(
        None, lo=-360, hi=360, optional=True, unit="deg", doc="none: random"
    )
    pointing: str = choice(
        "nadir", ARRAY_POINTINGS,
        doc="array boresight: nadir (the paper) or the coverage centre (body-steered)",
    )

    def __post_init__(self) -> None:
        validate(self)
        if (self.centre_lat_deg is None) != (self.centre_lon_deg is None):
            raise ParameterError(
                "DropSpec", "centre_lon_deg", self.centre_lon_deg,
                f"given together with centre_lat_deg (= {self.centre_lat_deg!r}), or neither",
                "is inconsistent",
            )


def sample_drop(
    constellation: Constellation,
    time: Time | str | datetime,
    *,
    n_users: int,
    n_satellites: int,
    rng: np.random.Generator,
    radius_m: float = DropSpec.radius_m,
    min_elevation_deg: float = DropSpec.min_elevation_deg,
    carrier_hz: float = 2e9,
    max_abs_latitude_deg: float | None = None,
    centre_lat_deg: float | None = None,
    centre_lon_deg: float | None = None,
    pointing: str = DropSpec.pointing,
) -> DropGeometry:
    """One random drop: centre, K UTs uniform in the cap, the S nearest satellites visible to all.

    Random draws, in order: centre (unless ``centre_lat_deg``/``centre_lon_deg`` are given, both
    or neither), then the K cap distances and K bearings.

    Parameters
    ----------
    time : a scalar skyfield Time, an ISO 8601 UTC text or a datetime (``as_time``)
    n_users : K >= 1
    n_satellites : S >= 1
    rng : a numpy Generator
    radius_m : cap radius (m)
    min_elevation_deg : in [0, 90)
    carrier_hz : f0 (Hz)
    max_abs_latitude_deg : latitude band of the centre (default ``default_max_abs_latitude_deg``)
    pointing : where the arrays' boresight points (``ARRAY_POINTINGS``: "nadir" or "cap_centre", the
        drop's centre)

    Returns
    -------
    ``DropGeometry`` (S satellites sorted by slant range to the centre, K UTs)
        Satellites whose SGP4 call fails or whose altitude is not physical at ``time``
        (``physical_position_mask``) never join the set; ``DropGeometry.n_excluded`` counts them.

    Raises
    ------
    ``NotEnoughSatellitesError`` when fewer than S satellites qualify, ``ValueError`` on bad values
        and ``TypeError`` when ``rng`` is not a Generator (as in channel and precoding).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    spec = DropSpec(n_users, n_satellites, radius_m, min_elevation_deg, centre_lat_deg,
                    centre_lon_deg, pointing)
    if spec.centre_lat_deg is None:
        if max_abs_latitude_deg is None:
            max_abs_latitude_deg = default_max_abs_latitude_deg(constellation)
        centre_lat, centre_lon = sample_centre(rng, max_abs_latitude_deg)
    else:
        centre_lat = math.radians(spec.centre_lat_deg)
        centre_lon = math.radians(spec.centre_lon_deg)
    ut_lat, ut_lon = sample_cap(rng, centre_lat, centre_lon, spec.radius_m, spec.n_users)
    return drop_geometry(
        constellation, time, ut_lat, ut_lon, centre_lat_rad=centre_lat,
        centre_lon_rad=centre_lon, n_satellites=spec.n_satellites,
        min_elevation_deg=spec.min_elevation_deg, carrier_hz=carrier_hz,
        pointing=spec.pointing,
    )


_LINK_FIELDS = (
    "elevation_rad", "azimuth_rad", "slant_range_m", "range_rate_mps", "delay_s", "doppler_hz",
    "theta_x_rad", "theta_y_rad", "dir_cos_x", "dir_cos_y",
)
"""The ``LinkGeometry`` fields a ``DropGeometry`` carries."""


def drop_geometry(
    constellation: Constellation,
    time: Time | str | datetime,
    ut_lat_rad,
    ut_lon_rad,
    *,
    centre_lat_rad: float,
    centre_lon_rad: float,
    n_satellites: int | None = None,
    sat_index=None,
    min_elevation_deg: float = DropSpec.min_elevation_deg,
    carrier_hz: float = 2e9,
    pointing: str = DropSpec.pointing,
) -> DropGeometry:
    """Geometry of fixed UTs at one epoch, with a selected or a given cooperative set.

    Exactly one of ``n_satellites`` (select the S nearest to the centre among those visible at
    every UT, master first) and ``sat_index`` ((S,) indices kept in the given order, geometry
    computed even below the mask: check ``DropGeometry.all_visible``) must be given.
    Satellites whose SGP4 call fails or whose height above WGS84 is outside
    ``[MIN_ALTITUDE_M, MAX_ALTITUDE_M]`` at ``time`` are excluded: never selected, counted in
    ``DropGeometry.n_excluded`` (and ``NotEnoughSatellitesError.n_excluded``); a ``sat_index``
    naming one is a ``ValueError`` that says which and why.

    Parameters
    ----------
    time : scalar skyfield ``Time``, ISO 8601 UTC text or datetime
    ut_lat_rad, ut_lon_rad : (K,) geodetic radians (UTs at height 0)
    centre_lat_rad, centre_lon_rad : geodetic radians
    pointing : "nadir" or "cap_centre" (every array's boresight at the centre, on the ellipsoid)

    Returns
    -------
    ``DropGeometry``
    """
    time = as_time(time)
    ut_lat, ut_lon = _checked_uts(time, ut_lat_rad, ut_lon_rad)
    min_elevation_deg = _checked_centre_and_mask(centre_lat_rad, centre_lon_rad,
                                                 min_elevation_deg)
    if (n_satellites is None) == (sat_index is None):
        raise ValueError("give exactly one of n_satellites and sat_index")
    pointing = check_field(DropSpec, "pointing", pointing, owner="drop_geometry")
    pos, vel = constellation.propagate(time)  # (N, 3)
    usable = physical_position_mask(pos, constellation.apogee_radius_m)  # (N,) physical
    ut_pos = geodetic_to_itrs(ut_lat, ut_lon)
    centre_pos = geodetic_to_itrs(centre_lat_rad, centre_lon_rad)
    if sat_index is None:
        n_satellites = check_field(DropSpec, "n_satellites", n_satellites, owner="drop_geometry")
        index = select_satellites(
            pos, ut_pos, ut_lat, ut_lon, centre_pos, n_satellites, min_elevation_deg,
            centre_deg=(math.degrees(centre_lat_rad), math.degrees(centre_lon_rad)),
            usable=usable,
        )
    else:
        index = _checked_index(constellation, pos, usable, sat_index)
    link = link_geometry(pos[index], vel[index], ut_pos, carrier_hz,
                         ut_lat_rad=ut_lat, ut_lon_rad=ut_lon,
                         boresight_target_m=centre_pos if pointing == "cap_centre" else None)
    return DropGeometry(
        epoch_tt_jd=float(time.tt), centre_lat_rad=float(centre_lat_rad),
        centre_lon_rad=float(centre_lon_rad), sat_index=index, sat_pos_m=pos[index],
        sat_vel_mps=vel[index], ut_pos_m=ut_pos, ut_lat_rad=ut_lat, ut_lon_rad=ut_lon,
        **{name: getattr(link, name) for name in _LINK_FIELDS},
        carrier_hz=float(carrier_hz),
        n_excluded=int(usable.size - np.count_nonzero(usable)),
    )


def _checked_uts(time: Time, ut_lat_rad, ut_lon_rad) -> tuple[np.ndarray, np.ndarray]:
    """Copies of the UT coordinates as (K,) float arrays, checked (and ``time`` scalar): the
    frozen DropGeometry must not alias arrays the caller may change later."""
    if np.ndim(time.whole) != 0:
        raise ValueError(f"time must be a scalar skyfield Time, got shape {np.shape(time.whole)}")
    ut_lat = np.atleast_1d(np.array(ut_lat_rad, dtype=float))
    ut_lon = np.atleast_1d(np.array(ut_lon_rad, dtype=float))
    if ut_lat.ndim != 1 or ut_lat.shape != ut_lon.shape or ut_lat.size == 0:
        raise ValueError(
            f"ut_lat_rad and ut_lon_rad must be equal (K,) arrays with K >= 1, got "
            f"{ut_lat.shape} and {ut_lon.shape}"
        )
    if not (np.all(np.isfinite(ut_lat)) and np.all(np.abs(ut_lat) <= np.pi / 2)):
        raise ValueError(f"ut_lat_rad must be finite and in [-pi/2, pi/2], got {ut_lat}")
    if not np.all(np.isfinite(ut_lon)):
        raise ValueError(f"ut_lon_rad must be finite, got {ut_lon}")
    return ut_lat, ut_lon


def _checked_centre_and_mask(centre_lat_rad, centre_lon_rad, min_elevation_deg) -> float:
    """The elevation mask, checked as DropSpec declares it, after the centre's range checks."""
    check_range("centre_lat_rad", centre_lat_rad, -np.pi / 2, np.pi / 2)
    check_range("centre_lon_rad", centre_lon_rad, -2 * np.pi, 2 * np.pi)
    return check_field(DropSpec, "min_elevation_deg", min_elevation_deg, owner="drop_geometry")


def _checked_index(constellation: Constellation, pos, usable, sat_index) -> np.ndarray:
    """A given cooperative set as an (S,) int array: in range, no repeats, all usable."""
    index = np.array(sat_index).reshape(-1)
    if index.size == 0 or not np.issubdtype(index.dtype, np.integer):
        raise ValueError(f"sat_index must be a non-empty integer array, got {sat_index!r}")
    if index.min() < 0 or index.max() >= len(constellation):
        raise ValueError(f"sat_index must be in [0, {len(constellation)}), got {index}")
    if np.unique(index).size != index.size:
        raise ValueError(f"sat_index must not repeat a satellite, got {index}")
    if not np.all(usable[index]):
        raise ValueError(_excluded_message(constellation, pos, index[~usable[index]]))
    return index


def _excluded_message(constellation: Constellation, pos: np.ndarray, bad: np.ndarray) -> str:
    """One line naming the excluded members of a given ``sat_index`` and why."""
    _, _, height = itrs_to_geodetic(pos[bad])
    parts = [
        f"{i} ({constellation.names[i]!r}: "
        + ("SGP4 failed" if not np.isfinite(h) else f"altitude {h / 1e3:.0f} km")
        + ")"
        for i, h in zip(bad.tolist(), height.tolist(), strict=True)
    ]
    return (
        f"sat_index has satellites excluded at this epoch: {', '.join(parts)}; allowed: "
        f"satellites whose SGP4 call succeeds with an altitude in "
        f"[{MIN_ALTITUDE_M / 1e3:g}, {MAX_ALTITUDE_M / 1e3:g}] km, at most "
        f"{APOGEE_MARGIN_M / 1e3:g} km above their elements' apogee"
    )


