"""Per-link geometry of one drop: the contract between ``constellation`` and ``channel``.

Conventions (``docs/design.md#geometry``): ITRS (Earth-fixed) positions in metres and
velocities in m/s; the UPA of each satellite is nadir-pointing with z toward the Earth's centre,
x along the velocity component orthogonal to z and y = z cross x. For the unit direction d from
satellite s to UT k: ``cos(theta_y) = d . y`` and ``sin(theta_y) cos(theta_x) = d . x``.
Angles are radians; ``*_deg`` accessors exist only for reporting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class DropGeometry:
    """Cooperative geometry of one drop (S satellites x K UTs) at one epoch.

    Attributes
    ----------
    epoch_tt_jd : float
        Epoch, Terrestrial Time Julian date.
    centre_lat_rad, centre_lon_rad : float
        Geodetic coordinates of the coverage centre (WGS84).
    sat_index : (S,) int
        Indices into the constellation's satellite list, sorted by slant range to the centre;
        ``sat_index[0]`` is the master.
    sat_pos_m, sat_vel_mps : (S, 3) float
        ITRS position (m) and velocity (m/s) of the cooperating satellites.
    ut_pos_m : (K, 3) float
        ITRS positions of the UTs (on the WGS84 ellipsoid, at their height).
    ut_lat_rad, ut_lon_rad : (K,) float
        Geodetic coordinates of the UTs.
    elevation_rad, azimuth_rad : (S, K) float
        Topocentric elevation of satellite s seen from UT k, azimuth clockwise from north.
    slant_range_m, range_rate_mps : (S, K) float
        Distance and its time derivative (positive when receding).
    delay_s : (S, K) float
        Propagation delay ``slant_range_m / c``.
    doppler_hz : (S, K) float
        ``-(carrier_hz / c) * range_rate_mps``; positive while approaching.
    theta_x_rad, theta_y_rad : (S, K) float
        UPA departure angles of eq. (2).
    dir_cos_x, dir_cos_y : (S, K) float
        ``sin(theta_y) cos(theta_x) = d . x`` and ``cos(theta_y) = d . y`` (the two arguments of
        eq. (2)); stored so that steering vectors need no trigonometry.
    carrier_hz : float
        Carrier frequency f0 used for ``doppler_hz``.
    n_excluded : int
        Satellites of the constellation left out at this epoch because SGP4 failed or their
        altitude was not physical (``constellation.orbits.physical_position_mask``); 0 if none.
    """

    epoch_tt_jd: float
    centre_lat_rad: float
    centre_lon_rad: float
    sat_index: np.ndarray
    sat_pos_m: np.ndarray
    sat_vel_mps: np.ndarray
    ut_pos_m: np.ndarray
    ut_lat_rad: np.ndarray
    ut_lon_rad: np.ndarray
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
    carrier_hz: float
    n_excluded: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.n_excluded, bool) or not isinstance(
            self.n_excluded, int | np.integer
        ) or self.n_excluded < 0:
            raise ValueError(
                f"DropGeometry.n_excluded must be an integer >= 0, got {self.n_excluded!r}"
            )
        s, k = self.n_satellites, self.n_users
        expected = {
            "sat_index": (s,),
            "sat_pos_m": (s, 3),
            "sat_vel_mps": (s, 3),
            "ut_pos_m": (k, 3),
            "ut_lat_rad": (k,),
            "ut_lon_rad": (k,),
        }
        for name in (
            "elevation_rad",
            "azimuth_rad",
            "slant_range_m",
            "range_rate_mps",
            "delay_s",
            "doppler_hz",
            "theta_x_rad",
            "theta_y_rad",
            "dir_cos_x",
            "dir_cos_y",
        ):
            expected[name] = (s, k)
        for name, shape in expected.items():
            value = np.asarray(getattr(self, name))
            if value.shape != shape:
                raise ValueError(f"DropGeometry.{name} has shape {value.shape}, expected {shape}")
            if name != "sat_index" and not np.all(np.isfinite(value)):
                raise ValueError(f"DropGeometry.{name} contains NaN or inf")
            value.setflags(write=False)

    @property
    def n_satellites(self) -> int:
        """S, the number of cooperating satellites."""
        return int(np.asarray(self.sat_index).shape[0])

    @property
    def n_users(self) -> int:
        """K, the number of UTs."""
        return int(np.asarray(self.ut_pos_m).shape[0])

    @property
    def dir_cos_z(self) -> np.ndarray:
        """(S, K) ``d . z = sin(theta_y) sin(theta_x)``: the cosine of each link's angle off the
        array's boresight z (> 0 for UTs in front of the array)."""
        return np.sin(self.theta_y_rad) * np.sin(self.theta_x_rad)

    @property
    def elevation_deg(self) -> np.ndarray:
        """(S, K) elevation in degrees (reporting only)."""
        return np.degrees(self.elevation_rad)

    def visible_mask(self, min_elevation_rad: float) -> np.ndarray:
        """(S, K) bool: satellite s is at or above ``min_elevation_rad`` seen from UT k."""
        return np.asarray(self.elevation_rad) >= min_elevation_rad

    def all_visible(self, min_elevation_rad: float) -> bool:
        """True when every cooperating satellite is at or above the mask at every UT."""
        return bool(np.all(self.visible_mask(min_elevation_rad)))

    def differential_delay_s(self) -> np.ndarray:
        """Inter-satellite differential delays of Remark 1, shape (S, S, K, K), seconds.

        ``out[s1, s2, l, k] = |(tau[s1, l] - tau[s1, k]) - (tau[s2, l] - tau[s2, k])|``: when it
        exceeds the OFDM symbol time, the interference at UT k from the signals for UT l sent by
        satellites s1 and s2 is uncorrelated.
        """
        return differential_delays(self.delay_s)


def differential_delays(delay_s, other_s=None) -> np.ndarray:
    """Inter-satellite differential delays of Remark 1 between UTs l (delays (S, L), s) and
    UTs k (``other_s`` (S, K), default the same UTs): (S, S, L, K) s,
    ``out[s1, s2, l, k] = |(tau[s1, l] - tau[s1, k]) - (tau[s2, l] - tau[s2, k])|`` (e.g. for
    a subset of a drop's UTs: ``differential_delays(geometry.delay_s[:, users])``)."""
    tau = np.asarray(delay_s, dtype=float)
    other = tau if other_s is None else np.asarray(other_s, dtype=float)
    rel = tau[:, :, None] - other[:, None, :]  # (S, L, K): tau[s, l] - tau[s, k]
    return np.abs(rel[:, None, :, :] - rel[None, :, :, :])
