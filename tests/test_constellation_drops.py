"""Drops: area-uniform centre and UTs, cooperative-set selection, fixed sets, bad inputs."""

import math

import numpy as np
import pytest
from scipy import stats

from coopsat.constellation import (
    Constellation,
    DropGeometry,
    NotEnoughSatellitesError,
    WalkerDelta,
    default_max_abs_latitude_deg,
    drop_geometry,
    epochs,
    geodetic_to_itrs,
    link_geometry,
    sample_centre,
    sample_drop,
    utc_time,
)
from coopsat.constellation.constants import EARTH_MEAN_RADIUS_M

# KS tests run with fixed seeds (deterministic). A correct sampler fails one at this level with
# probability 1e-3 per seed; the power checks show that the same tests reject a wrong
# distribution with p < 1e-6, far below it.
SIGNIFICANCE = 1e-3
RADIUS_M = 800e3
MASK_RAD = math.radians(10.0)


@pytest.fixture(scope="module")
def shell():
    return WalkerDelta().build()


@pytest.fixture(scope="module")
def epoch():
    return utc_time("2025-01-01T00:00:00Z")


def unit_vectors(lat, lon):
    return np.stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)), axis=-1)


def cap_distance_and_bearing(geometry: DropGeometry):
    """Great-circle distance (angle) and bearing of each UT from the centre, computed with vectors
    (independent of the sampler's spherical trigonometry)."""
    c = unit_vectors(geometry.centre_lat_rad, geometry.centre_lon_rad)
    p = unit_vectors(geometry.ut_lat_rad, geometry.ut_lon_rad)
    angle = np.arccos(np.clip(p @ c, -1.0, 1.0))
    east = np.array([-np.sin(geometry.centre_lon_rad), np.cos(geometry.centre_lon_rad), 0.0])
    north = np.cross(c, east)
    bearing = np.arctan2(p @ east, p @ north) % (2 * np.pi)
    return angle, bearing


def test_uts_are_uniform_by_area_in_the_cap(shell, epoch):
    geometry = sample_drop(shell, epoch, n_users=4000, n_satellites=1,
                           rng=np.random.default_rng(2025), centre_lat_deg=40.0,
                           centre_lon_deg=-3.0)
    angle, bearing = cap_distance_and_bearing(geometry)
    cap = RADIUS_M / EARTH_MEAN_RADIUS_M
    assert angle.max() <= cap * (1 + 1e-12)

    def area_cdf(x):
        return (1.0 - np.cos(x)) / (1.0 - np.cos(cap))

    assert stats.kstest(angle, area_cdf).pvalue > SIGNIFICANCE
    assert stats.kstest(bearing, stats.uniform(0, 2 * np.pi).cdf).pvalue > SIGNIFICANCE
    # Power: distances uniform in radius (not by area) are rejected by the same test.
    wrong = np.random.default_rng(1).uniform(0, cap, angle.size)
    assert stats.kstest(wrong, area_cdf).pvalue < 1e-6


def test_centre_is_uniform_by_area_over_covered_latitudes():
    rng = np.random.default_rng(99)
    centres = np.array([sample_centre(rng, 53.0) for _ in range(10_000)])
    s = math.sin(math.radians(53.0))
    assert np.all(np.abs(centres[:, 0]) <= math.radians(53.0))
    assert stats.kstest(np.sin(centres[:, 0]), stats.uniform(-s, 2 * s).cdf).pvalue > SIGNIFICANCE
    assert stats.kstest(centres[:, 1], stats.uniform(-np.pi, 2 * np.pi).cdf).pvalue > SIGNIFICANCE
    # Power: latitude uniform in angle is not uniform by area.
    wrong = np.random.default_rng(2).uniform(-math.radians(53), math.radians(53), 10_000)
    assert stats.kstest(np.sin(wrong), stats.uniform(-s, 2 * s).cdf).pvalue < 1e-6


def test_cooperative_set_is_nearest_visible_by_brute_force(shell, epoch):
    rng = np.random.default_rng(5)
    pos, vel = shell.propagate(epoch)
    for _ in range(5):
        g = sample_drop(shell, epoch, n_users=12, n_satellites=5, rng=rng)
        full = link_geometry(pos, vel, g.ut_pos_m, g.carrier_hz)  # (N, K): every satellite
        visible = np.flatnonzero(np.all(full.elevation_rad >= MASK_RAD, axis=1))
        centre = geodetic_to_itrs(g.centre_lat_rad, g.centre_lon_rad)
        dist = np.linalg.norm(pos[visible] - centre, axis=1)
        np.testing.assert_array_equal(g.sat_index, visible[np.argsort(dist)[:5]])
        assert g.all_visible(MASK_RAD)
        np.testing.assert_allclose(g.slant_range_m, full.slant_range_m[g.sat_index], rtol=1e-14)
        np.testing.assert_allclose(g.doppler_hz, full.doppler_hz[g.sat_index], rtol=1e-12,
                                   atol=1e-9)
        assert abs(np.degrees(g.centre_lat_rad)) <= 53.0


def test_too_few_visible_satellites_is_a_typed_error_with_the_counts(shell, epoch):
    kwargs = dict(n_users=8, rng=np.random.default_rng(8), centre_lat_deg=20.0,
                  centre_lon_deg=30.0)
    with pytest.raises(NotEnoughSatellitesError) as info:
        sample_drop(shell, epoch, n_satellites=500, **kwargs)
    err = info.value
    assert err.needed == 500 and 0 < err.visible < 500
    assert err.centre_lat_deg == pytest.approx(20.0) and err.centre_lon_deg == pytest.approx(30.0)
    assert "500" in str(err) and str(err.visible) in str(err)
    # The reported count is exactly the largest S that works for the same UTs.
    ok = sample_drop(shell, epoch, n_satellites=err.visible, **{
        **kwargs, "rng": np.random.default_rng(8)})
    assert ok.n_satellites == err.visible


def test_fixed_set_keeps_order_and_reports_visibility_over_time(shell):
    t0 = utc_time("2025-01-01T00:00:00Z")
    g0 = sample_drop(shell, t0, n_users=4, n_satellites=3, rng=np.random.default_rng(4),
                     centre_lat_deg=10.0, centre_lon_deg=10.0)
    later = epochs("2025-01-01T00:00:00Z", 1200.0, 300.0)
    flags = []
    for t in later:
        g = drop_geometry(shell, t, g0.ut_lat_rad, g0.ut_lon_rad,
                          centre_lat_rad=g0.centre_lat_rad, centre_lon_rad=g0.centre_lon_rad,
                          sat_index=g0.sat_index[::-1])
        np.testing.assert_array_equal(g.sat_index, g0.sat_index[::-1])
        flags.append(g.all_visible(MASK_RAD))
        assert g.visible_mask(MASK_RAD).shape == (3, 4)
    assert flags[0] and not flags[-1]  # a LEO set leaves the sky within 20 minutes
    again = drop_geometry(shell, t0, g0.ut_lat_rad, g0.ut_lon_rad,
                          centre_lat_rad=g0.centre_lat_rad, centre_lon_rad=g0.centre_lon_rad,
                          n_satellites=3)
    np.testing.assert_array_equal(again.sat_index, g0.sat_index)
    np.testing.assert_allclose(again.elevation_rad, g0.elevation_rad, rtol=1e-14)


def test_same_seed_same_drop(shell, epoch):
    a = sample_drop(shell, epoch, n_users=6, n_satellites=3, rng=np.random.default_rng(17))
    b = sample_drop(shell, epoch, n_users=6, n_satellites=3, rng=np.random.default_rng(17))
    np.testing.assert_array_equal(a.ut_pos_m, b.ut_pos_m)
    np.testing.assert_array_equal(a.sat_index, b.sat_index)


def test_differential_delay_matches_its_definition(shell, epoch):
    g = sample_drop(shell, epoch, n_users=5, n_satellites=3, rng=np.random.default_rng(21))
    dd = g.differential_delay_s()
    tau = g.delay_s
    S, K = tau.shape
    assert dd.shape == (S, S, K, K)
    for s1 in range(S):
        for s2 in range(S):
            for l_ in range(K):
                for k in range(K):
                    ref = abs((tau[s1, l_] - tau[s1, k]) - (tau[s2, l_] - tau[s2, k]))
                    assert dd[s1, s2, l_, k] == pytest.approx(ref, rel=1e-12, abs=1e-18)
    # Within one 800 km cap they are at most twice the cap diameter over c (a few ms) and
    # typically far above a 33 us OFDM symbol (Remark 1: independent interference).
    assert dd.max() <= 4 * RADIUS_M / 299_792_458.0
    assert np.median(dd[0, 1][~np.eye(K, dtype=bool)]) > 33e-6


def test_default_latitude_band_follows_the_inclination(shell):
    assert default_max_abs_latitude_deg(shell) == pytest.approx(53.0, abs=1e-9)
    polar = WalkerDelta(inclination_deg=97.6, total_satellites=12, n_planes=3).build()
    assert default_max_abs_latitude_deg(polar) == pytest.approx(180 - 97.6, abs=1e-9)
    mixed = Constellation(("SHELL-53", "POLAR-97.6"),
                          shell.satrecs[:1] + polar.satrecs[:1])
    assert default_max_abs_latitude_deg(mixed) == 90.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_satellites": 0}, "n_satellites"),
        ({"n_users": 0}, "n_users"),
        ({"n_users": 2.5}, "n_users"),
        ({"radius_m": -800e3}, "radius_m"),
        ({"radius_m": float("nan")}, "radius_m"),
        ({"min_elevation_deg": 95.0}, "min_elevation_deg"),
        ({"min_elevation_deg": float("nan")}, "min_elevation_deg"),
        ({"carrier_hz": -1.0}, "carrier_hz"),
        ({"max_abs_latitude_deg": 91.0}, "max_abs_latitude_deg"),
        ({"centre_lat_deg": 10.0}, "centre_lon_deg"),
        ({"centre_lat_deg": 100.0, "centre_lon_deg": 0.0}, "centre_lat_deg"),
    ],
)
def test_bad_drop_inputs_raise_value_error_naming_the_field(shell, epoch, kwargs, field):
    args = dict(n_users=3, n_satellites=2, rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(ValueError, match=field):
        sample_drop(shell, epoch, **args)


@pytest.mark.parametrize("rng", [42, np.random.RandomState(0), None])
def test_a_drop_without_a_generator_is_a_type_error_as_in_channel_and_precoding(shell, epoch, rng):
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator, got "):
        sample_drop(shell, epoch, n_users=3, n_satellites=2, rng=rng)


def test_drop_geometry_rejects_bad_sets_and_times(shell, epoch):
    lat, lon = np.radians([10.0]), np.radians([20.0])
    centre = dict(centre_lat_rad=lat[0], centre_lon_rad=lon[0])
    with pytest.raises(ValueError, match="exactly one"):
        drop_geometry(shell, epoch, lat, lon, **centre)
    with pytest.raises(ValueError, match="exactly one"):
        drop_geometry(shell, epoch, lat, lon, n_satellites=2, sat_index=[0, 1], **centre)
    with pytest.raises(ValueError, match="sat_index"):
        drop_geometry(shell, epoch, lat, lon, sat_index=[0, 1680], **centre)
    with pytest.raises(ValueError, match="sat_index"):
        drop_geometry(shell, epoch, lat, lon, sat_index=[3, 3], **centre)
    with pytest.raises(ValueError, match="scalar"):
        drop_geometry(shell, epochs("2025-01-01T00:00:00Z", 10, 5), lat, lon, n_satellites=1,
                      **centre)
    with pytest.raises(ValueError, match="ut_lat_rad"):
        drop_geometry(shell, epoch, np.radians([95.0]), lon, n_satellites=1, **centre)
    # the same declarations as DropSpec (and the [drop] section): one set of allowed values
    for kwargs, message in [
        ({"n_satellites": 0}, r"drop_geometry\.n_satellites = 0 is out of range; allowed: "
         r"an integer 1 <= n_satellites <= 1000"),
        ({"n_satellites": 1001}, r"n_satellites = 1001 is out of range"),
        ({"n_satellites": 1, "min_elevation_deg": 90.0},
         r"drop_geometry\.min_elevation_deg = 90\.0 is out of range"),
    ]:
        with pytest.raises(ValueError, match=message):
            drop_geometry(shell, epoch, lat, lon, **kwargs, **centre)
    assert drop_geometry(shell, epoch, lat, lon, n_satellites=2.0, **centre).n_satellites == 2


def test_geometry_does_not_alias_caller_arrays(shell, epoch):
    lat, lon = np.radians([10.0, 10.5]), np.radians([20.0, 20.3])
    index = np.array([0, 1])
    g0 = sample_drop(shell, epoch, n_users=2, n_satellites=2, rng=np.random.default_rng(3),
                     centre_lat_deg=10.0, centre_lon_deg=20.0)
    index[:] = g0.sat_index
    g = drop_geometry(shell, epoch, lat, lon, centre_lat_rad=lat[0], centre_lon_rad=lon[0],
                      sat_index=index)
    lat[0], index[0] = 0.0, 5
    assert g.ut_lat_rad[0] == pytest.approx(np.radians(10.0))
    assert g.sat_index[0] == g0.sat_index[0]
    with pytest.raises(ValueError):
        g.elevation_rad[0, 0] = 1.0


def test_sample_drop_accepts_an_iso_text_or_a_datetime_for_the_time():
    from datetime import UTC, datetime, timedelta, timezone

    from coopsat.constellation import WalkerDelta, sample_drop, utc_time

    shell = WalkerDelta().build()

    def drop(t):
        return sample_drop(shell, t, n_users=4, n_satellites=3, rng=np.random.default_rng(5))

    ref = drop(utc_time("2025-01-01T00:00:00Z"))
    plus_one = timezone(timedelta(hours=1))
    for t in ("2025-01-01T00:00:00Z", datetime(2025, 1, 1, tzinfo=UTC),
              datetime(2025, 1, 1), datetime(2025, 1, 1, 1, tzinfo=plus_one)):
        geo = drop(t)
        np.testing.assert_array_equal(geo.sat_index, ref.sat_index)
        np.testing.assert_array_equal(geo.slant_range_m, ref.slant_range_m)
    with pytest.raises(TypeError, match=r"time must be a skyfield Time, an ISO 8601 UTC text or "
                       r"a datetime, got float \(e.g. utc_time\('2025-01-01T00:00:00Z'\)\)"):
        drop(1735689600.0)
    with pytest.raises(ValueError, match="'yesterday' is not ISO 8601"):
        drop("yesterday")
