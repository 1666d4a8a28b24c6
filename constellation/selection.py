"""Which satellites serve a drop: elevation at every UT, visibility above the mask, and the S
nearest to the coverage centre among those visible at every UT (master first)."""

from __future__ import annotations

import math

import numpy as np

from .earth import enu_basis
from .orbits import MAX_ALTITUDE_M, MIN_ALTITUDE_M, physical_position_mask


class NotEnoughSatellitesError(ValueError):
    """Fewer satellites are visible from every UT than the cooperative set needs.

    Attributes: ``needed``, ``visible`` (counts), ``centre_lat_deg``, ``centre_lon_deg``,
    ``min_elevation_deg`` and ``n_excluded``: satellites left out of the selection at this
    epoch because SGP4 failed or their altitude is not physical (``physical_position_mask``).
    """

    def __init__(self, needed: int, visible: int, centre_lat_deg: float, centre_lon_deg: float,
                 min_elevation_deg: float, n_excluded: int = 0):
        self.needed = needed
        self.visible = visible
        self.centre_lat_deg = centre_lat_deg
        self.centre_lon_deg = centre_lon_deg
        self.min_elevation_deg = min_elevation_deg
        self.n_excluded = n_excluded
        excluded = (
            f"; {n_excluded} satellites were excluded at this epoch (SGP4 failed, above their "
            "elements' apogee, or altitude "
            f"outside [{MIN_ALTITUDE_M / 1e3:g}, {MAX_ALTITUDE_M / 1e3:g}] km)"
            if n_excluded else ""
        )
        super().__init__(
            f"n_satellites = {needed} needed but only {visible} satellites are above "
            f"{min_elevation_deg:g} deg elevation at every UT of the drop centred at "
            f"({centre_lat_deg:.4f} deg, {centre_lon_deg:.4f} deg){excluded}"
        )

    def __reduce__(self):
        # Rebuild from the fields (the default would call __init__ with the message only), so
        # the error survives pickling to and from worker processes.
        return (type(self), (self.needed, self.visible, self.centre_lat_deg,
                             self.centre_lon_deg, self.min_elevation_deg, self.n_excluded))


def elevation_matrix_rad(sat_pos_m, ut_pos_m, ut_lat_rad, ut_lon_rad) -> np.ndarray:
    """(N, K) elevation of every satellite from every UT: ``asin((r_s - r_k) . u_k / |r_s - r_k|)``.

    Cheap version of ``link_geometry`` for selection: two matrix products, no (N, K, 3) array.
    NaN satellite positions give NaN.
    """
    sat = np.asarray(sat_pos_m, dtype=float)
    ut = np.asarray(ut_pos_m, dtype=float)
    _, _, up = enu_basis(ut_lat_rad, ut_lon_rad)  # (K, 3)
    height = sat @ up.T - np.sum(ut * up, axis=-1)  # (N, K)
    dist2 = (np.sum(sat**2, axis=-1)[:, None] + np.sum(ut**2, axis=-1)[None, :]
             - 2.0 * sat @ ut.T)
    return np.arcsin(np.clip(height / np.sqrt(np.maximum(dist2, 0.0)), -1.0, 1.0))


def visible_mask(sat_pos_m, ut_pos_m, ut_lat_rad, ut_lon_rad, min_elevation_deg: float,
                 usable: np.ndarray | None = None) -> np.ndarray:
    """(N,) bool: the satellites at or above ``min_elevation_deg`` at every UT (the candidates of
    a cooperative set), among the ``usable`` ones (default ``physical_position_mask``)."""
    usable = physical_position_mask(sat_pos_m) if usable is None else np.asarray(usable, bool)
    if usable.shape != np.shape(sat_pos_m)[:1]:
        raise ValueError(f"usable must have shape {np.shape(sat_pos_m)[:1]}, got {usable.shape}")
    elevation = elevation_matrix_rad(sat_pos_m, ut_pos_m, ut_lat_rad, ut_lon_rad)
    with np.errstate(invalid="ignore"):
        return np.all(elevation >= math.radians(min_elevation_deg), axis=1) & usable


def select_satellites(sat_pos_m, ut_pos_m, ut_lat_rad, ut_lon_rad, centre_pos_m,
                      n_satellites: int, min_elevation_deg: float, *,
                      centre_deg: tuple[float, float] = (math.nan, math.nan),
                      usable: np.ndarray | None = None) -> np.ndarray:
    """Indices of the S satellites nearest to the centre among those visible from every UT.

    Only usable satellites compete: ``usable`` (N,) bool, by default
    ``physical_position_mask(sat_pos_m)`` (finite position, altitude in
    ``[MIN_ALTITUDE_M, MAX_ALTITUDE_M]``).

    Returns
    -------
    (S,) int, sorted by slant range to ``centre_pos_m`` (master first)

    Raises
    ------
    ``NotEnoughSatellitesError`` (with the number of unusable satellites) when fewer than S qualify.
    """
    usable = physical_position_mask(sat_pos_m) if usable is None else np.asarray(usable, bool)
    visible = visible_mask(sat_pos_m, ut_pos_m, ut_lat_rad, ut_lon_rad, min_elevation_deg, usable)
    candidates = np.flatnonzero(visible)
    if candidates.size < n_satellites:
        raise NotEnoughSatellitesError(n_satellites, int(candidates.size), centre_deg[0],
                                       centre_deg[1], min_elevation_deg,
                                       n_excluded=int(usable.size - np.count_nonzero(usable)))
    dist = np.linalg.norm(np.asarray(sat_pos_m)[candidates] - centre_pos_m, axis=-1)
    order = np.argsort(dist, kind="stable")[:n_satellites]
    return candidates[order]


def check_range(name: str, value, low: float, high: float, *, low_open: bool = False,
                 high_open: bool = False) -> None:
    ok = isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high)
    if not ok:
        lo, hi = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be in {lo}{low:g}, {high:g}{hi}, got {value!r}")
