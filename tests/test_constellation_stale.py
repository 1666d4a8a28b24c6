"""Stale and unphysical element sets: element age, the altitude range, exclusion from drops.

Real catalogues hold sets that SGP4 cannot propagate far from their epoch (high drag) and sets
that propagate to impossible places. Such satellites must never join a cooperative set, and the
number left out must reach the caller (``DropGeometry.n_excluded``, the error's attributes).
"""

import math
import pickle
from datetime import date
from fractions import Fraction

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from coopsat.constellation import (
    Constellation,
    DropGeometry,
    NotEnoughSatellitesError,
    WalkerDelta,
    data_path,
    drop_geometry,
    elevation_matrix_rad,
    geodetic_to_itrs,
    itrs_to_geodetic,
    read_tle,
    sample_drop,
    timescale,
    utc_time,
)
from coopsat.constellation.constants import WGS84_A_M, WGS84_B_M
from coopsat.constellation.orbits import MAX_ALTITUDE_M, MIN_ALTITUDE_M, physical_position_mask

EPOCH = "2025-01-01T00:00:00Z"
# sgp4init epochs: days from 1949-12-31T00:00 UT (JD 2433281.5).
SGP4_EPOCH_2025 = 27395.0  # 2025-01-01 (JD 2460676.5)
SGP4_EPOCH_2023 = 26664.0  # 2023-01-01 (JD 2459945.5)
EARTH_GM_KM3_PER_S2 = 398600.4418
SAMPLE = "celestrak_starlink_2020-05-07_sample.tle"
# Epochs are kept as whole + fraction Julian dates: differences are exact to ~1e-11 day.
ONE_MICROSECOND = 1e-6


def _circular(satnum: int, epoch_days: float, altitude_km: float, inclination_rad: float,
              bstar: float = 0.0, ecc: float = 0.0) -> Satrec:
    """An SGP4 satellite on a near-circular orbit of two-body radius R_E + altitude."""
    a_km = 6378.137 + altitude_km
    n_rad_per_min = math.sqrt(EARTH_GM_KM3_PER_S2 / a_km**3) * 60.0
    sat = Satrec()
    sat.sgp4init(WGS72, "i", satnum, epoch_days, bstar, 0.0, 0.0, ecc, 0.0, inclination_rad,
                 0.0, n_rad_per_min, 0.0)
    assert sat.error == 0
    return sat


@pytest.fixture(scope="module")
def shell():
    return WalkerDelta().build()


@pytest.fixture(scope="module")
def bad_sats():
    """Three satellites no drop may use on 2025-01-01: equatorial at about 50 km, at about
    60,000 km, and a high-drag set from 2023 that SGP4 can no longer propagate."""
    return {
        "LOW": _circular(90001, SGP4_EPOCH_2025, 50.0, 1e-4),
        "FAR": _circular(90002, SGP4_EPOCH_2025, 60_000.0, 0.1),
        "STALE": _circular(90003, SGP4_EPOCH_2023, 400.0, 0.9, bstar=0.5, ecc=0.001),
    }


@pytest.fixture(scope="module")
def mixed(shell, bad_sats):
    """The Walker shell followed by the three bad satellites (indices 1680, 1681, 1682)."""
    return Constellation(shell.names + tuple(bad_sats), shell.satrecs + tuple(bad_sats.values()))


@pytest.fixture(scope="module")
def sample():
    return read_tle(data_path("tle", SAMPLE))


# --- The altitude range --------------------------------------------------------------------------


def test_physical_mask_matches_heights_computed_on_the_axes():
    """On the equator the WGS84 height is |r| - a, on the poles |z| - b: test both edges."""
    eps = 1.0  # m
    heights = [MIN_ALTITUDE_M - eps, MIN_ALTITUDE_M + eps, MAX_ALTITUDE_M - eps,
               MAX_ALTITUDE_M + eps, 550e3, 11e3, 1.840308e9]
    expected = [False, True, True, False, True, False, False]
    equator = np.array([[(WGS84_A_M + h) * math.cos(lon), (WGS84_A_M + h) * math.sin(lon), 0.0]
                        for h, lon in zip(heights, np.linspace(0, 6, len(heights)), strict=True)])
    poles = np.array([[0.0, 0.0, (WGS84_B_M + h) * (-1) ** i] for i, h in enumerate(heights)])
    np.testing.assert_array_equal(physical_position_mask(equator), expected)
    np.testing.assert_array_equal(physical_position_mask(poles), expected)
    # NaN anywhere (SGP4 failure) is excluded; shapes broadcast over leading axes.
    stack = np.stack([equator, poles])
    stack[1, 2, 0] = np.nan
    mask = physical_position_mask(stack)
    assert mask.shape == (2, len(heights))
    assert not mask[1, 2] and mask[0, 2]


def test_altitude_range_constants_are_100_km_and_50000_km():
    assert (MIN_ALTITUDE_M, MAX_ALTITUDE_M) == (100e3, 50_000e3)


def test_usable_mask_flags_the_three_bad_satellites_for_the_stated_reasons(mixed):
    t = utc_time(EPOCH)
    _, _, errors = mixed.propagate_teme(t)
    pos, _ = mixed.propagate(t)
    assert errors[-1, 0] != 0 and np.all(errors[:-1] == 0)  # STALE: SGP4 fails (error 1)
    equatorial_height = np.linalg.norm(pos[-3]) - WGS84_A_M  # LOW is on the equator
    assert abs(pos[-3, 2]) < 1.0 and 30e3 < equatorial_height < 70e3
    assert np.linalg.norm(pos[-2]) - WGS84_A_M > 55_000e3  # FAR
    usable = mixed.usable_mask(t)
    assert usable.shape == (len(mixed),)
    np.testing.assert_array_equal(np.flatnonzero(~usable), [1680, 1681, 1682])
    over_time = mixed.usable_mask(timescale().utc(2025, 1, 1, 0, 0, [0.0, 600.0]))
    assert over_time.shape == (len(mixed), 2) and np.array_equal(over_time[:, 0], usable)


# --- Element age ---------------------------------------------------------------------------------


def _exact_epoch_jd(line1: str) -> Fraction:
    """UTC Julian date of a TLE epoch field, exactly: JD(1 Jan of the year) + day - 1."""
    yy, day = int(line1[18:20]), Fraction(line1[20:32].strip())
    year = 2000 + yy if yy < 57 else 1900 + yy
    return date(year, 1, 1).toordinal() + Fraction(3442849, 2) + day - 1  # JD = ordinal + 1721424.5


def test_element_age_equals_the_exact_difference_of_julian_dates(sample):
    """Epochs parsed from the file's own text with rational arithmetic (no sgp4, no skyfield)."""
    text = data_path("tle", SAMPLE).read_text(encoding="ascii")
    newest: dict[int, Fraction] = {}
    for line in text.splitlines():
        if line.startswith("1 "):
            number, jd = int(line[2:7]), _exact_epoch_jd(line)
            newest[number] = max(jd, newest.get(number, jd))
    epoch_jd = [newest[n] for n in sample.catalog_numbers]
    days_after_2020_05_07 = [0, 1, 13]  # noon UTC: JD 2458977.0 + d
    age = sample.element_age_s(timescale().utc(2020, 5, [7, 8, 20], 12, 0, 0.0))
    assert age.shape == (len(sample), 3)
    for j, d in enumerate(days_after_2020_05_07):
        ref = [float(abs(2458977 + d - e) * 86400) for e in epoch_jd]
        np.testing.assert_allclose(age[:, j], ref, rtol=0, atol=ONE_MICROSECOND)
    np.testing.assert_allclose(sample.element_epochs_jd, [float(e) for e in epoch_jd],
                               rtol=0, atol=1e-8)
    np.testing.assert_array_equal(sample.element_age_s(utc_time("2020-05-08T12:00:00Z")),
                                  age[:, 1])
    # The sample's kept sets span 2020-05-06T11:26 .. 2020-05-07T10:00 UTC.
    assert 0.5 * 86400 < age[:, 0].max() < 1.1 * 86400
    assert age[:, 2].min() > 12.5 * 86400
    with pytest.raises(ValueError, match=r"scalar or 1-D skyfield Time, got shape \(1, 2\)"):
        sample.element_age_s(timescale().utc(2020, 5, [[7, 8]], 12, 0, 0.0))


def test_element_age_counts_utc_days_as_sgp4_does_across_a_leap_second():
    sat = _circular(1, 24472.0, 550.0, 0.9)  # sgp4 epoch 2016-12-31T00:00 UTC (JD 2457753.5)
    const = Constellation(("A",), (sat,))
    t = timescale().utc([2017, 2016], [1, 12], [1, 30])
    # One UTC day after the epoch is 86400 s for sgp4 (tsince = 1440 min), although 86401 SI
    # seconds passed (23:59:60); one day before is 86400 s too: ages are absolute.
    np.testing.assert_allclose(const.element_age_s(t)[0], [86400.0, 86400.0], rtol=0,
                               atol=ONE_MICROSECOND)
    np.testing.assert_allclose(const.element_epochs_jd, [2457753.5], rtol=0, atol=1e-9)


# --- Exclusion from drops ------------------------------------------------------------------------


def _centre_under(const, index, t):
    lat, lon, _ = itrs_to_geodetic(const.propagate(t)[0][index])
    return float(np.degrees(lat)), float(np.degrees(lon))


def test_a_bad_satellite_overhead_is_excluded_and_the_drop_equals_the_clean_shell(shell, mixed):
    t = utc_time(EPOCH)
    lat_deg, lon_deg = _centre_under(mixed, 1680, t)  # straight under LOW
    kwargs = dict(n_users=6, n_satellites=4, radius_m=20e3, centre_lat_deg=lat_deg,
                  centre_lon_deg=lon_deg)
    g = sample_drop(mixed, t, rng=np.random.default_rng(3), **kwargs)
    clean = sample_drop(shell, t, rng=np.random.default_rng(3), **kwargs)
    # Without the exclusion LOW would be the master: above the mask at every UT and nearest.
    pos, _ = mixed.propagate(t)
    elevation = elevation_matrix_rad(pos[1680:1681], g.ut_pos_m, g.ut_lat_rad, g.ut_lon_rad)
    assert np.all(elevation > math.radians(60.0))
    centre = geodetic_to_itrs(g.centre_lat_rad, g.centre_lon_rad)
    dist = np.linalg.norm(pos[:1681] - centre, axis=-1)
    assert np.argmin(dist) == 1680
    # With it, the drop is the one the clean shell gives, and the three are counted.
    assert g.n_excluded == 3 and clean.n_excluded == 0
    assert np.all(g.sat_index < 1680)
    np.testing.assert_array_equal(g.sat_index, clean.sat_index)
    np.testing.assert_array_equal(g.elevation_rad, clean.elevation_rad)
    np.testing.assert_array_equal(g.doppler_hz, clean.doppler_hz)


def test_not_enough_satellites_reports_the_excluded_count_and_survives_pickling(mixed):
    t = utc_time(EPOCH)
    with pytest.raises(NotEnoughSatellitesError) as info:
        sample_drop(mixed, t, n_users=3, n_satellites=500, rng=np.random.default_rng(0),
                    centre_lat_deg=0.0, centre_lon_deg=0.0)
    err = info.value
    assert err.n_excluded == 3 and 0 < err.visible < 500
    assert str(err).endswith("; 3 satellites were excluded at this epoch (SGP4 failed, "
                             "above their elements' apogee, or altitude outside [100, 50000] km)")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is NotEnoughSatellitesError and str(back) == str(err)
    assert (back.needed, back.visible, back.n_excluded) == (500, err.visible, 3)
    # Without excluded satellites the message says nothing about them.
    assert "excluded" not in str(NotEnoughSatellitesError(2, 1, 0.0, 0.0, 10.0))


@pytest.mark.parametrize(
    ("index", "message"),
    [
        ([0, 1680], r"1680 \('LOW': altitude [3-7]\d km\)"),
        ([1681], r"1681 \('FAR': altitude 6\d{4} km\)"),
        ([1682, 5], r"1682 \('STALE': SGP4 failed\)"),
        ([1680, 1682], r"1680 \('LOW': altitude \d+ km\), 1682 \('STALE': SGP4 failed\)"),
    ],
)
def test_a_given_set_with_an_excluded_satellite_is_a_value_error_saying_why(mixed, index,
                                                                            message):
    t = utc_time(EPOCH)
    lat, lon = np.radians([0.0]), np.radians([0.0])
    with pytest.raises(ValueError, match=r"sat_index has satellites excluded at this epoch: "
                       + message + r"; allowed: satellites whose SGP4 call succeeds with an "
                       r"altitude in \[100, 50000\] km"):
        drop_geometry(mixed, t, lat, lon, centre_lat_rad=0.0, centre_lon_rad=0.0,
                      sat_index=index)


def test_a_given_set_of_usable_satellites_reports_the_excluded_count(mixed):
    t = utc_time(EPOCH)
    g = drop_geometry(mixed, t, np.radians([0.0]), np.radians([0.0]), centre_lat_rad=0.0,
                      centre_lon_rad=0.0, sat_index=[0, 1])
    assert g.n_excluded == 3


@pytest.mark.parametrize("value", [-1, 1.5, True, None, "3"])
def test_drop_geometry_rejects_a_bad_excluded_count(shell, value):
    g = sample_drop(shell, utc_time(EPOCH), n_users=2, n_satellites=1,
                    rng=np.random.default_rng(1))
    fields = {f: getattr(g, f) for f in g.__dataclass_fields__}
    fields["n_excluded"] = value
    with pytest.raises(ValueError, match=r"DropGeometry\.n_excluded must be an integer >= 0, "
                       rf"got {value!r}"):
        DropGeometry(**fields)


# --- The shipped real sample: valid near its epoch, stale far from it ---------------------------


def test_a_drop_on_the_real_sample_within_its_validity_uses_the_launch_train(sample):
    """2020-05-07T12:00Z, half a day from the sets' epochs: centred under STARLINK-1334, the
    nearest visible satellites are the train of the 22 April 2020 launch (COSPAR 2020-025)."""
    t = utc_time("2020-05-07T12:00:00Z")
    assert sample.element_age_s(t).max() < 1.1 * 86400
    lat_deg, lon_deg = _centre_under(sample, sample.names.index("STARLINK-1334"), t)
    g = sample_drop(sample, t, n_users=6, n_satellites=5, rng=np.random.default_rng(1),
                    radius_m=200e3, centre_lat_deg=lat_deg, centre_lon_deg=lon_deg)
    assert g.n_excluded == 0 and g.all_visible(math.radians(10.0))
    chosen = [sample.satrecs[i] for i in g.sat_index]
    assert all(s.intldesg.startswith("20025") for s in chosen)
    # The debris of that launch flies with it, and selection does not tell it apart.
    assert sample.names[g.sat_index[0]] == "FALCON 9 DEB [45592]"
    # Heights of the selected objects are those of a train still raising its orbit.
    _, _, height = itrs_to_geodetic(g.sat_pos_m)
    assert np.all((200e3 < height) & (height < 450e3))


def test_the_real_sample_a_month_late_loses_most_sets_and_the_drop_skips_them(sample):
    """30 days on, SGP4 fails for the high-drag sets (B* up to 0.54 per Earth radius): 21 of 30.
    Those are exactly the excluded ones and no drop uses them."""
    t = utc_time("2020-06-06T00:00:00Z")
    _, _, errors = sample.propagate_teme(t)
    failed = np.flatnonzero(errors[:, 0] != 0)
    assert failed.size == 21
    np.testing.assert_array_equal(np.flatnonzero(~sample.usable_mask(t)), failed)
    alive = np.flatnonzero(errors[:, 0] == 0)
    lat_deg, lon_deg = _centre_under(sample, alive[0], t)
    g = sample_drop(sample, t, n_users=2, n_satellites=1, rng=np.random.default_rng(2),
                    radius_m=100e3, centre_lat_deg=lat_deg, centre_lon_deg=lon_deg)
    assert g.n_excluded == 21 and g.sat_index[0] in alive


def test_a_position_far_above_its_elements_apogee_is_excluded(monkeypatch):
    """Stale elements forced into use can propagate a 550 km set to 17,600 km, inside the
    absolute range: the apogee check (radius <= apogee + APOGEE_MARGIN_M) excludes it."""
    from coopsat.constellation.orbits import APOGEE_MARGIN_M

    incl = math.radians(53.0)
    sats = [_circular(i + 1, SGP4_EPOCH_2025, 550.0, incl) for i in range(4)]
    sats.append(_circular(9, SGP4_EPOCH_2025, 550.0, incl, ecc=0.01))
    const = Constellation(tuple(f"S{i}" for i in range(5)), tuple(sats))
    apogee = const.apogee_radius_m
    a_m = (6378.137 + 550.0) * 1e3  # two-body radius used above; SGP4's a differs by < 30 km
    np.testing.assert_allclose(apogee[:4], a_m, atol=30e3)
    np.testing.assert_allclose(apogee[4], apogee[0] * 1.01, rtol=1e-3)
    # radii on the x axis: on the apogee, just inside and just outside the margin, far above
    radii = np.array([apogee[0], apogee[1] + APOGEE_MARGIN_M - 1.0,
                      apogee[2] + APOGEE_MARGIN_M + 1.0, WGS84_A_M + 17_600e3, apogee[4]])
    pos = np.stack([radii, np.zeros(5), np.zeros(5)], axis=-1)
    np.testing.assert_array_equal(physical_position_mask(pos), [True] * 5)  # absolute range
    np.testing.assert_array_equal(physical_position_mask(pos, apogee),
                                  [True, True, False, False, True])
    # (N, T, 3) positions broadcast against the (N,) apogees
    both = physical_position_mask(np.stack([pos, pos], axis=1), apogee)
    assert both.shape == (5, 2) and np.array_equal(both[:, 0], both[:, 1])
    # the drop never selects the stale satellite; it counts as excluded
    shell = WalkerDelta().build()
    forced = Constellation((*shell.names, "STALE"), (*shell.satrecs, sats[0]))
    t = utc_time(EPOCH)
    real_propagate = Constellation.propagate

    def propagate(self, time):
        pos_m, vel = real_propagate(self, time)
        if len(self) == len(forced):  # put STALE straight above the drop centre at 17,600 km
            pos_m = pos_m.copy()
            pos_m[-1] = geodetic_to_itrs(0.0, 0.0, 17_600e3)
        return pos_m, vel

    monkeypatch.setattr(Constellation, "propagate", propagate)
    assert not forced.usable_mask(t)[-1] and forced.usable_mask(t)[:-1].all()
    geo = drop_geometry(forced, t, np.zeros(3), np.linspace(-0.01, 0.01, 3), centre_lat_rad=0.0,
                        centre_lon_rad=0.0, n_satellites=3, min_elevation_deg=10.0)
    assert len(forced) - 1 not in geo.sat_index.tolist() and geo.n_excluded == 1
