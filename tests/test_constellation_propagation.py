"""Vectorised propagation against skyfield's own EarthSatellite, time helpers, shapes."""

import dataclasses

import numpy as np
import pytest
from skyfield.framelib import itrs

from coopsat.constellation import WalkerDelta, epochs, timescale, utc_time
from coopsat.constellation.timebase import leap_seconds

# Both paths use the same sgp4 call and the same skyfield rotations: only floating-point
# rounding (a few nanometres on 7e6 m) separates them.
ONE_MICROMETRE = 1e-6
ONE_MICROMETRE_PER_S = 1e-6


@pytest.fixture(scope="module")
def sample():
    return WalkerDelta().build().subset(np.arange(0, 1680, 89))


def test_itrs_position_and_velocity_match_skyfield_earth_satellite(sample):
    t = epochs("2025-01-01T00:00:00Z", 3 * 86400.0, 3 * 86400.0 / 6)
    pos, vel = sample.propagate(t)
    assert pos.shape == vel.shape == (len(sample), 7, 3)
    for i, sat in enumerate(sample.earth_satellites()):
        ref_pos, ref_vel = sat.at(t).frame_xyz_and_velocity(itrs)
        np.testing.assert_allclose(pos[i], ref_pos.m.T, rtol=0, atol=ONE_MICROMETRE)
        np.testing.assert_allclose(vel[i], ref_vel.m_per_s.T, rtol=0, atol=ONE_MICROMETRE_PER_S)


def test_closed_form_rotation_equals_skyfield_frame_composition():
    from coopsat.constellation.orbits import skyfield_teme_to_itrs_matrix, teme_to_itrs_matrix

    t = epochs("2024-06-30T23:00:00Z", 20 * 86400.0, 86400.0 / 3)
    # 1e-14 rad of rotation is 7e-8 m at the orbit radius.
    np.testing.assert_allclose(teme_to_itrs_matrix(t), skyfield_teme_to_itrs_matrix(t),
                               rtol=0, atol=1e-14)
    assert teme_to_itrs_matrix(t[0]).shape == (1, 3, 3)


def test_scalar_time_gives_n_by_3_equal_to_the_array_column(sample):
    t = epochs("2025-01-01T06:00:00Z", 120.0, 60.0)
    pos, vel = sample.propagate(t)
    pos1, vel1 = sample.propagate(t[1])
    assert pos1.shape == vel1.shape == (len(sample), 3)
    np.testing.assert_allclose(pos1, pos[:, 1], rtol=0, atol=ONE_MICROMETRE)
    np.testing.assert_allclose(vel1, vel[:, 1], rtol=0, atol=ONE_MICROMETRE_PER_S)


# SGP4's analytic velocity is not exactly the derivative of its position (some short-period
# terms are not differentiated): they differ by up to ~2 cm/s at 600 km, in TEME already.
SGP4_VELOCITY_CONSISTENCY_MPS = 0.03


def test_itrs_velocity_is_time_derivative_of_itrs_position(sample):
    # Central difference over +/- 0.5 s; truncation |d3r/dt3| h^2 / 6 with |d3r/dt3| ~ n^2 v
    # ~ 9e-3 m/s^3 is 4e-4 m/s. A missing or wrong Earth-rotation term would show as ~500 m/s.
    t = timescale().utc(2025, 1, 1, 3, 0, np.array([-0.5, 0.0, 0.5]))
    pos, vel = sample.propagate(t)
    r_teme, v_teme, _ = sample.propagate_teme(t)
    teme_residual = np.abs((r_teme[:, 2] - r_teme[:, 0]) - v_teme[:, 1])
    itrs_residual = np.abs((pos[:, 2] - pos[:, 0]) / 1.0 - vel[:, 1])
    assert teme_residual.max() < SGP4_VELOCITY_CONSISTENCY_MPS
    assert itrs_residual.max() < SGP4_VELOCITY_CONSISTENCY_MPS
    assert abs(itrs_residual.max() - teme_residual.max()) < 1e-3


def test_timescale_is_offline_and_cached():
    ts = timescale()
    assert ts is timescale()
    assert utc_time("2025-01-01T00:00:00Z").tt == pytest.approx(
        2460676.5 + (37 + 32.184) / 86400, abs=1e-10
    )


def test_epochs_spacing_and_length():
    t = epochs("2025-01-01T00:00:00Z", 10.0, 2.5)
    assert len(t) == 5
    # whole + fraction keeps microsecond resolution (a single float JD has only ~40 us).
    elapsed_s = ((t.whole - t.whole[0]) + (t.tt_fraction - t.tt_fraction[0])) * 86400.0
    np.testing.assert_allclose(np.diff(elapsed_s), 2.5, atol=1e-6)
    assert len(epochs("2025-01-01T00:00:00Z", 0.0, 1.0)) == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("2025-01-01T00:00:00Z", -1.0, 1.0), "duration_s"),
        (("2025-01-01T00:00:00Z", 10.0, 0.0), "step_s"),
        (("2025-01-01T00:00:00Z", float("nan"), 1.0), "duration_s"),
        (("not a date", 10.0, 1.0), "ISO 8601"),
    ],
)
def test_bad_epoch_arguments_raise_value_error(args, field):
    with pytest.raises(ValueError, match=field):
        epochs(*args)


def test_failed_sgp4_epochs_are_nan_not_garbage():
    from sgp4.api import WGS72, Satrec

    from coopsat.constellation import Constellation

    decaying = Satrec()
    # Perigee below the surface: sgp4 reports error 6 (satellite decayed) soon after epoch.
    decaying.sgp4init(WGS72, "i", 9, 27394.0, 0.1, 0.0, 0.0, 0.05, 0.0, 0.9, 0.0, 0.07, 0.0)
    const = Constellation(("DECAY",), (decaying,))
    _, _, errors = const.propagate_teme(timescale().utc(1949, 12, 31, 0, 0, [0.0, 3e6]))
    pos, _ = const.propagate(timescale().utc(1949, 12, 31, 0, 0, [0.0, 3e6]))
    assert np.all(np.isfinite(pos[0, errors[0] == 0]))
    assert np.all(np.isnan(pos[0, errors[0] != 0]))


def test_constellation_rejects_mismatched_and_duplicate_inputs(sample):
    from coopsat.constellation import Constellation

    with pytest.raises(ValueError, match="names"):
        Constellation(("A",), sample.satrecs[:2])
    with pytest.raises(ValueError, match="unique"):
        Constellation(("A", "A"), sample.satrecs[:2])
    with pytest.raises(ValueError, match="at least 1"):
        Constellation((), ())


def test_nothing_downloads_or_writes_files_at_run_time(offline):
    """Timescale, shell, TLE reading, propagation, skyfield objects and a drop run offline
    (the ``offline`` fixture refuses every network path); the empty working directory, where
    skyfield's loader would save downloaded files, must stay empty."""
    from coopsat.constellation import data_path, read_tle, sample_drop

    t = utc_time("2025-01-01T00:00:00Z")
    shell = read_tle(data_path("tle", "walker_53deg_1680_28_1_600km.tle"))
    pos, _ = shell.propagate(epochs("2025-01-01T00:00:00Z", 60.0, 30.0))
    assert np.all(np.isfinite(pos))
    sat = shell.subset([0]).earth_satellites()[0]
    assert np.all(np.isfinite(sat.at(t).frame_xyz(itrs).m))
    drop = sample_drop(shell, t, n_users=3, n_satellites=2, rng=np.random.default_rng(1))
    assert drop.n_satellites == 2
    assert list(offline.iterdir()) == []


@pytest.mark.parametrize(
    ("stamp", "tai_minus_utc"),
    [  # IERS Bulletin C: TAI - UTC since each leap second
        ((1972, 1, 1, 0, 0, 0.0), 10),
        ((1980, 1, 1, 12, 0, 0.0), 19),
        ((1999, 2, 28, 23, 59, 59.5), 32),
        ((2012, 6, 30, 23, 59, 59.0), 34),
        ((2012, 7, 1, 0, 0, 0.0), 35),
        ((2016, 12, 31, 23, 59, 59.999), 36),
        ((2017, 1, 1, 0, 0, 0.0), 37),
        ((2026, 12, 31, 12, 0, 0.0), 37),
    ],
)
def test_leap_seconds_from_public_skyfield_api_match_iers(stamp, tai_minus_utc):
    assert leap_seconds(timescale().utc(*stamp)) == tai_minus_utc


def test_leap_seconds_equal_skyfield_table_on_every_month_and_inside_a_leap_second():
    ts = timescale()
    month = np.arange(12 * 50)
    t = ts.utc(1976 + month // 12, month % 12 + 1, month % 28 + 1, month % 24, 17, 42.25)
    np.testing.assert_array_equal(leap_seconds(t), t._leap_seconds())
    inside = ts.utc(2016, 12, 31, 23, 59, [60.0, 60.5, 60.999])
    assert list(leap_seconds(inside)) == [36, 36, 36]  # UTC runs on through 23:59:60


def test_propagation_matches_skyfield_across_a_leap_second_and_year_ends(sample):
    ts = timescale()
    t = ts.utc(2016, 12, 31, 23, 59, [0.0, 59.0, 61.0, 3600.0])
    t = ts.tai_jd(np.concatenate([t.tai, ts.utc(2017, [1, 2, 3, 12], [31, 28, 1, 31]).tai]))
    pos, _ = sample.subset(np.arange(4)).propagate(t)
    for i, sat in enumerate(sample.subset(np.arange(4)).earth_satellites()):
        ref = sat.at(t).frame_xyz(itrs).m.T
        np.testing.assert_allclose(pos[i], ref, rtol=0, atol=ONE_MICROMETRE)


def test_catalogue_numbers_come_from_the_satrecs_and_subsets_keep_them_and_the_notices():
    from coopsat.constellation import Constellation

    shell = WalkerDelta(total_satellites=12, n_planes=3).build()
    assert shell.catalog_numbers == tuple(range(1, 13))  # Walker satnum 1..T
    assert shell.notices == ()
    noted = Constellation(shell.names, shell.satrecs, ("read from a test",))
    part = noted.subset([11, 0, 5])
    assert part.catalog_numbers == (12, 1, 6)
    assert part.names == (shell.names[11], shell.names[0], shell.names[5])
    assert part.notices == ("read from a test",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        part.catalog_numbers = (1, 2, 3)


@pytest.mark.parametrize(
    ("notices", "match"),
    [
        ("one string", r"Constellation\.notices must be a tuple of str, got 'one string'"),
        ((1,), r"Constellation\.notices must be a tuple of str, got \(1,\)"),
    ],
)
def test_constellation_rejects_notices_that_are_not_strings(sample, notices, match):
    from coopsat.constellation import Constellation

    with pytest.raises(ValueError, match=match):
        Constellation(sample.names, sample.satrecs, notices)
