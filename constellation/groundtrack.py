"""Geometry for views: sub-satellite points, ground tracks around an epoch, sky-plot coordinates.

Pure numpy on ITRS positions from ``Constellation.propagate``; no plotting here (drawing lives in
``experiments/maps.py``). The sub-satellite point is the geodetic nadir: the WGS84 latitude and
longitude of the satellite's position (``earth.itrs_to_geodetic``), i.e. the foot of the
ellipsoid normal through the satellite. Sky-plot angles come from ``links.link_geometry`` (the
one azimuth/elevation formula of the package): azimuth clockwise from north in [0, 2 pi),
elevation above the observer's ellipsoid tangent plane.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from skyfield.timelib import Time

from .constants import SECONDS_PER_DAY
from .earth import geodetic_to_itrs, itrs_to_geodetic
from .links import link_geometry
from .orbits import Constellation
from .timebase import whole_steps

_MAX_TRACK_EPOCHS = 100_000
# link_geometry also returns a Doppler shift, which needs a carrier; the angles used here do
# not depend on it.
_UNUSED_CARRIER_HZ = 1.0


@dataclass(frozen=True, eq=False)
class GroundTracks:
    """Sub-satellite tracks of N satellites at T epochs around a centre epoch.

    Attributes
    ----------
    offset_s : (T,) float
        Epoch offsets from the centre epoch, seconds, increasing; ``offset_s[centre] == 0``.
    lat_rad, lon_rad : (N, T) float
        Geodetic latitude and longitude (WGS84) of the sub-satellite points, longitude in
        (-pi, pi]. NaN where SGP4 fails.
    pos_m, vel_mps : (N, T, 3) float
        ITRS positions (m) and velocities (m/s) the track was computed from.
    """

    offset_s: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    pos_m: np.ndarray
    vel_mps: np.ndarray

    def __post_init__(self) -> None:
        for name in ("offset_s", "lat_rad", "lon_rad", "pos_m", "vel_mps"):
            value = np.array(getattr(self, name), dtype=float)  # copy: the caller keeps its own
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def centre(self) -> int:
        """Index of the centre epoch (offset 0) along the T axis."""
        return int(np.flatnonzero(np.asarray(self.offset_s) == 0.0)[0])


def subsatellite_points(sat_pos_m) -> tuple[np.ndarray, np.ndarray]:
    """Geodetic latitude and longitude (rad) of the points below satellites at ITRS ``(..., 3)``.

    Returns
    -------
    ``(lat_rad, lon_rad)``, each of shape ``(...)``; longitude in (-pi, pi]
        NaN positions give NaN.
    """
    pos = np.asarray(sat_pos_m, dtype=float)
    if pos.shape[-1:] != (3,):
        raise ValueError(f"sat_pos_m must have shape (..., 3), got {pos.shape}")
    lat, lon, _ = itrs_to_geodetic(pos)
    return lat, lon


def track_offsets_s(half_span_s: float = 300.0, step_s: float = 10.0) -> np.ndarray:
    """Symmetric offsets ``n * step_s`` for ``|n| <= floor(half_span_s / step_s)``, seconds.

    Returns
    -------
    (2 M + 1,) float with 0 at index M
    """
    m = whole_steps(half_span_s, step_s, span_name="half_span_s")
    if 2 * m + 1 > _MAX_TRACK_EPOCHS:
        raise ValueError(
            f"half_span_s / step_s = {half_span_s!r} / {step_s!r} gives {2 * m + 1} epochs; at "
            f"most {_MAX_TRACK_EPOCHS} are allowed (raise step_s)"
        )
    return step_s * np.arange(-m, m + 1, dtype=float)


def ground_tracks(constellation: Constellation, time: Time, *, half_span_s: float = 300.0,
                  step_s: float = 10.0) -> GroundTracks:
    """Ground tracks of every satellite of ``constellation`` over ``time +- half_span_s``.

    All N satellites x T epochs come from one ``Constellation.propagate`` call on the array
    Time ``time + offset_s`` (built from ``time``'s two-part TT Julian date, so the offsets keep
    microsecond precision); the sub-satellite points are ``subsatellite_points`` of those
    positions. Subset the constellation first (``constellation.subset(index)``) to track a few
    satellites.

    Parameters
    ----------
    time : a scalar skyfield Time (the centre epoch)
    half_span_s : >= 0 and ``step_s`` > 0 in seconds (default +-5 min at 10 s)

    Returns
    -------
    ``GroundTracks`` with (N, T) latitude/longitude, T = 2 floor(half_span_s/step_s) + 1
    """
    if np.ndim(time.whole) != 0:
        raise ValueError(f"time must be a scalar skyfield Time, got shape {np.shape(time.whole)}")
    offset_s = track_offsets_s(half_span_s, step_s)
    epochs = time + offset_s / SECONDS_PER_DAY
    pos, vel = constellation.propagate(epochs)  # (N, T, 3)
    lat, lon = subsatellite_points(pos)
    return GroundTracks(offset_s=offset_s, lat_rad=lat, lon_rad=lon, pos_m=pos, vel_mps=vel)


def sky_coordinates(sat_pos_m, sat_vel_mps, lat_rad: float, lon_rad: float,
                    height_m: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Azimuth, elevation and slant range of satellites seen from one ground point.

    Computed by ``link_geometry`` (``elevation = asin(u . rho / |rho|)``, ``azimuth =
    atan2(e . rho, n . rho)`` with ``rho`` the observer-to-satellite vector and (e, n, u) the
    observer's geodetic East/North/Up basis), so the angles are those of every other link in
    coopsat. Azimuth is clockwise from north in [0, 2 pi); elevation in [-pi/2, pi/2].

    Parameters
    ----------
    sat_pos_m, sat_vel_mps : (..., 3) ITRS metres and m/s (e.g. (S, 3), or (N, T, 3) for
        tracks; the velocity enters only link quantities not returned here)
    lat_rad, lon_rad, height_m : the observer's geodetic latitude and longitude (rad), height (m)

    Returns
    -------
    ``(azimuth_rad, elevation_rad, slant_range_m)``, each of shape (...)
    """
    for name, value in (("lat_rad", lat_rad), ("lon_rad", lon_rad), ("height_m", height_m)):
        if not (np.ndim(value) == 0 and np.isfinite(value)):
            raise ValueError(f"{name} must be a finite scalar, got {value!r}")
    if abs(lat_rad) > math.pi / 2:
        raise ValueError(f"lat_rad must be in [-pi/2, pi/2], got {lat_rad!r}")
    observer = geodetic_to_itrs(lat_rad, lon_rad, height_m)[None, :]  # (1, 3)
    link = link_geometry(sat_pos_m, sat_vel_mps, observer, _UNUSED_CARRIER_HZ,
                         ut_lat_rad=np.array([lat_rad], dtype=float),
                         ut_lon_rad=np.array([lon_rad], dtype=float))
    return link.azimuth_rad[..., 0], link.elevation_rad[..., 0], link.slant_range_m[..., 0]
