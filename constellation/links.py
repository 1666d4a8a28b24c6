"""Per-link geometry (satellites x UTs), one vectorised function.

Conventions (docs/design.md#geometry): ITRS positions (m) and velocities (m/s); the UT is at rest in
ITRS; UPA frame: boresight z = -r_sat/|r_sat| (nadir, toward the Earth's centre: the paper) or
z = (r_t - r_sat)/|r_t - r_sat| towards a target point r_t (the coverage centre: a body-steered
satellite), x = the velocity component orthogonal to z (normalised), y = z x x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constants import SPEED_OF_LIGHT_MPS
from .earth import enu_basis, itrs_to_geodetic


@dataclass(frozen=True, eq=False)
class LinkGeometry:
    """Geometry of every satellite/UT link; every field has the shape (..., K) of the call.

    Fields: ``elevation_rad``, ``azimuth_rad`` (clockwise from north, [0, 2 pi)),
    ``slant_range_m``, ``range_rate_mps`` (> 0 receding), ``delay_s``, ``doppler_hz``
    (> 0 approaching), ``theta_x_rad`` ((-pi, pi], in (0, pi) below the satellite),
    ``theta_y_rad`` ([0, pi]), ``dir_cos_x`` = sin(theta_y) cos(theta_x), ``dir_cos_y`` =
    cos(theta_y), ``dir_cos_z`` = d . z = sin(theta_y) sin(theta_x) (> 0 for UTs on the Earth's
    side of the satellite).
    """

    elevation_rad: np.ndarray
    azimuth_rad: np.ndarray
    slant_range_m: np.ndarray
    range_rate_mps: np.ndarray
    delay_s: np.ndarray
    doppler_hz: np.ndarray
    theta_x_rad: np.ndarray
    theta_y_rad: np.ndarray
    dir_cos_x: np.ndarray
    dir_cos_y: np.ndarray
    dir_cos_z: np.ndarray


ARRAY_POINTINGS = ("nadir", "cap_centre")
"""Where a satellite's array boresight points: the Earth's centre, or the drop's coverage centre."""


def upa_frame(sat_pos_m, sat_vel_mps, boresight_target_m=None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UPA axes (x, y, z), each (..., 3) unit vectors in ITRS.

    ``z = -r / |r|`` (nadir) or ``z = (r_t - r) / |r_t - r|`` (pointed at ``boresight_target_m``),
    ``x = (v - (v . z) z) / |v - (v . z) z|``, ``y = z x x``; the departure angles, steering
    vectors and element gains of every link follow from this frame.

    Parameters
    ----------
    sat_pos_m : (..., 3) m, ``sat_vel_mps`` (..., 3) m/s, ``boresight_target_m`` None or a point
        (3,) or (..., 3) in ITRS (m)
    """
    r = np.asarray(sat_pos_m, dtype=float)
    v = np.asarray(sat_vel_mps, dtype=float)
    z = -r if boresight_target_m is None else np.asarray(boresight_target_m, dtype=float) - r
    z = z / np.linalg.norm(z, axis=-1, keepdims=True)
    x = v - np.sum(v * z, axis=-1, keepdims=True) * z
    x = x / np.linalg.norm(x, axis=-1, keepdims=True)
    return x, np.cross(z, x), z


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot product over the last axis: (..., K, 3) x (..., K, 3) -> (..., K)."""
    return np.einsum("...kj,...kj->...k", a, b)


def _link_inputs(sat_pos_m, sat_vel_mps, ut_pos_m, carrier_hz: float):
    """Checked float arrays (r_sat (..., 3), v_sat (..., 3), r_ut (K, 3)) of ``link_geometry``."""
    if not (np.isfinite(carrier_hz) and carrier_hz > 0.0):
        raise ValueError(f"carrier_hz must be finite and > 0 Hz, got {carrier_hz!r}")
    r_sat = np.asarray(sat_pos_m, dtype=float)
    v_sat = np.asarray(sat_vel_mps, dtype=float)
    r_ut = np.asarray(ut_pos_m, dtype=float)
    if r_sat.shape[-1:] != (3,) or v_sat.shape != r_sat.shape:
        raise ValueError(
            f"sat_pos_m and sat_vel_mps must both be (..., 3), got {r_sat.shape}, {v_sat.shape}"
        )
    if r_ut.ndim != 2 or r_ut.shape[1] != 3:
        raise ValueError(f"ut_pos_m must be (K, 3), got {r_ut.shape}")
    return r_sat, v_sat, r_ut


def link_geometry(
    sat_pos_m, sat_vel_mps, ut_pos_m, carrier_hz: float, *, ut_lat_rad=None, ut_lon_rad=None,
    boresight_target_m=None,
) -> LinkGeometry:
    """Elevation, azimuth, range, range rate, delay, Doppler and UPA angles of every link.

    With ``rho = r_ut - r_sat``, ``d = rho / |rho|`` (satellite -> UT) and the UT's geodetic
    East/North/Up basis (e, n, u):
    ``elevation = asin(-d . u)``, ``azimuth = atan2(-d . e, -d . n)`` (evaluated as atan2),
    ``range_rate = -d . v_sat`` (the UT is at rest in ITRS), ``delay = |rho| / c``,
    ``doppler = -(f0 / c) range_rate``; in the UPA frame (x, y, z) of ``upa_frame``:
    ``cos(theta_y) = d . y``, ``sin(theta_y) cos(theta_x) = d . x``,
    ``sin(theta_y) sin(theta_x) = d . z`` so ``theta_x = atan2(d . z, d . x)`` (eq. (2)).

    Parameters
    ----------
    sat_pos_m, sat_vel_mps : (..., 3)
        ITRS satellite positions (m) and velocities (m/s); e.g. (S, 3), or (T, S, 3).
    ut_pos_m : (K, 3)
        ITRS UT positions (m).
    carrier_hz : float
        Carrier frequency f0 (Hz) for the Doppler shift.
    ut_lat_rad, ut_lon_rad : (K,), optional
        Geodetic UT coordinates; computed from ``ut_pos_m`` when omitted.
    boresight_target_m : (3,), optional
        ITRS point (m) every array's boresight points at; None: nadir (``upa_frame``).

    Returns
    -------
    ``LinkGeometry`` with arrays of shape (..., K): (S, K) for (S, 3) satellites
    """
    r_sat, v_sat, r_ut = _link_inputs(sat_pos_m, sat_vel_mps, ut_pos_m, carrier_hz)
    if ut_lat_rad is None or ut_lon_rad is None:
        ut_lat_rad, ut_lon_rad, _ = itrs_to_geodetic(r_ut)
    east, north, up = enu_basis(ut_lat_rad, ut_lon_rad)  # (K, 3)

    rho = r_ut - r_sat[..., None, :]  # (..., K, 3)
    rng = np.linalg.norm(rho, axis=-1)  # (..., K)
    d = rho / rng[..., None]
    x_ax, y_ax, z_ax = upa_frame(r_sat, v_sat, boresight_target_m)

    # atan2 forms keep full precision near zenith, where asin/acos lose half the digits.
    d_east = -_dot(d, np.broadcast_to(east, d.shape))
    d_north = -_dot(d, np.broadcast_to(north, d.shape))
    d_up = -_dot(d, np.broadcast_to(up, d.shape))
    elevation = np.arctan2(d_up, np.hypot(d_east, d_north))
    azimuth = np.arctan2(d_east, d_north) % (2.0 * np.pi)
    range_rate = -np.einsum("...kj,...j->...k", d, v_sat)
    cos_x = np.einsum("...kj,...j->...k", d, x_ax)
    cos_y = np.einsum("...kj,...j->...k", d, y_ax)
    cos_z = np.einsum("...kj,...j->...k", d, z_ax)
    return LinkGeometry(
        elevation_rad=elevation, azimuth_rad=azimuth, slant_range_m=rng,
        range_rate_mps=range_rate, delay_s=rng / SPEED_OF_LIGHT_MPS,
        doppler_hz=-(carrier_hz / SPEED_OF_LIGHT_MPS) * range_rate,
        theta_x_rad=np.arctan2(cos_z, cos_x),
        theta_y_rad=np.arctan2(np.hypot(cos_x, cos_z), cos_y),
        dir_cos_x=cos_x, dir_cos_y=cos_y, dir_cos_z=cos_z,
    )
