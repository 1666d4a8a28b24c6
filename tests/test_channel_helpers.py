"""Fixture helpers for the channel tests: DropGeometry objects built directly (no orbits).

``make_geometry`` places S satellites at 600 km over K UTs with given elevations, using the
TR 38.811 spherical-Earth slant range; the tests of this file check the helper itself.
"""

from __future__ import annotations

import numpy as np

from coopsat.constellation.constants import EARTH_MEAN_RADIUS_M, SPEED_OF_LIGHT_MPS
from coopsat.constellation.geometry import DropGeometry

ALTITUDE_M = 600e3
ONE_METRE = 1.0


def slant_range_m(elevation_deg: np.ndarray, altitude_m: float = ALTITUDE_M) -> np.ndarray:
    """TR 38.811 eq.: d = sqrt(R^2 sin^2 a + h^2 + 2 h R) - R sin a (R = 6371 km)."""
    r = EARTH_MEAN_RADIUS_M
    sin_a = np.sin(np.radians(elevation_deg))
    return np.sqrt(r**2 * sin_a**2 + altitude_m**2 + 2 * altitude_m * r) - r * sin_a


def make_geometry(
    elevation_deg: np.ndarray,
    rng: np.random.Generator | None = None,
    *,
    carrier_hz: float = 2e9,
    range_rate_mps: np.ndarray | None = None,
) -> DropGeometry:
    """A DropGeometry with the given (S, K) elevations; directions and range rates random."""
    el = np.atleast_2d(np.asarray(elevation_deg, dtype=float))
    s, k = el.shape
    rng = np.random.default_rng(0) if rng is None else rng
    d = slant_range_m(el)
    if range_rate_mps is None:
        range_rate_mps = rng.uniform(-6000.0, 6000.0, (s, k))
    rr = np.broadcast_to(np.asarray(range_rate_mps, dtype=float), (s, k)).copy()
    theta_y = rng.uniform(0.3, np.pi - 0.3, (s, k))
    theta_x = rng.uniform(0.0, 2 * np.pi, (s, k))
    return DropGeometry(
        epoch_tt_jd=2460000.5,
        centre_lat_rad=0.1,
        centre_lon_rad=0.2,
        sat_index=np.arange(s),
        sat_pos_m=rng.normal(size=(s, 3)) * 7e6,
        sat_vel_mps=rng.normal(size=(s, 3)) * 7e3,
        ut_pos_m=rng.normal(size=(k, 3)) * 6.4e6,
        ut_lat_rad=rng.uniform(-0.5, 0.5, k),
        ut_lon_rad=rng.uniform(-0.5, 0.5, k),
        elevation_rad=np.radians(el),
        azimuth_rad=rng.uniform(0, 2 * np.pi, (s, k)),
        slant_range_m=d,
        range_rate_mps=rr,
        delay_s=d / SPEED_OF_LIGHT_MPS,
        doppler_hz=-(carrier_hz / SPEED_OF_LIGHT_MPS) * rr,
        theta_x_rad=theta_x,
        theta_y_rad=theta_y,
        dir_cos_x=np.sin(theta_y) * np.cos(theta_x),
        dir_cos_y=np.cos(theta_y),
        carrier_hz=carrier_hz,
    )


def test_slant_range_matches_tr38811_leo600_values():
    # data/tables/SOURCES.md: 1931.6 km at 10 deg, 1075.1 km at 30 deg, 600.0 km at 90 deg.
    got = slant_range_m(np.array([10.0, 30.0, 90.0]))
    np.testing.assert_allclose(got, [1931.6e3, 1075.1e3, 600.0e3], atol=100 * ONE_METRE)


def test_make_geometry_shapes_and_direction_cosines_are_valid():
    g = make_geometry(np.full((3, 4), 45.0))
    assert (g.n_satellites, g.n_users) == (3, 4)
    assert np.all(g.dir_cos_x**2 + g.dir_cos_y**2 <= 1.0 + 1e-12)
