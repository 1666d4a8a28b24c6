"""Walker-Delta shell: structure, elements and the mean altitude of the SGP4 orbits."""

import math

import numpy as np
import pytest

from coopsat.constellation import WalkerDelta, epochs, itrs_to_geodetic

WGS72_RADIUS_M = 6_378_135.0
# Half a degree in the orbit-plane angles: J2 short-period terms move the osculating angles by
# about 0.01 deg; the structure checked is 6 deg and 12.86 deg spacings, so 0.05 deg is tight.
STRUCTURE_TOL_DEG = 0.05


@pytest.fixture(scope="module")
def shell():
    return WalkerDelta().build()


def test_default_shell_has_1680_satellites_in_28_planes_of_60(shell):
    walker = WalkerDelta()
    assert len(shell) == 1680
    assert walker.sats_per_plane == 60
    raan = np.degrees([s.nodeo for s in shell.satrecs]).reshape(28, 60)
    np.testing.assert_allclose(raan, np.repeat(np.arange(28)[:, None] * 360 / 28, 60, axis=1),
                               atol=1e-12)
    assert len(set(shell.names)) == 1680
    assert shell.names[61] == "WALKER-P01-S01"
    assert [s.satnum for s in shell.satrecs[:3]] == [1, 2, 3]


def test_mean_anomalies_follow_in_plane_spacing_and_phasing(shell):
    mo = np.degrees([s.mo for s in shell.satrecs]).reshape(28, 60)
    expected = (np.arange(60)[None, :] * 6.0 + np.arange(28)[:, None] * 360.0 * 1 / 1680) % 360
    np.testing.assert_allclose(mo, expected, atol=1e-10)
    # Propagated positions: consecutive slots 6 deg apart along the orbit at the epoch.
    pos = shell.subset(range(60)).propagate_teme(epochs("2025-01-01T00:00:00Z", 0, 1))[0]
    r = pos[:, 0, :] / np.linalg.norm(pos[:, 0, :], axis=1, keepdims=True)
    sep = np.degrees(np.arccos(np.clip(np.sum(r * np.roll(r, -1, axis=0), axis=1), -1, 1)))
    np.testing.assert_allclose(sep, 6.0, atol=STRUCTURE_TOL_DEG)


def test_phasing_offsets_adjacent_planes_by_360F_over_T():
    walker = WalkerDelta(phasing=5)
    shell = walker.build()
    p, q = walker.plane_slot(60 * 3 + 7)
    assert (p, q) == (3, 7)
    expected = (7 * 6.0 + 5 * 360.0 * 3 / 1680) % 360
    assert math.degrees(shell.satrecs[60 * 3 + 7].mo) == pytest.approx(expected, abs=1e-10)


def test_inclination_from_orbit_normal_is_53_deg(shell):
    r, v, _ = shell.subset(range(0, 1680, 37)).propagate_teme(
        epochs("2025-01-01T00:00:00Z", 3000, 500)
    )
    normal = np.cross(r, v)
    incl = np.degrees(np.arccos(normal[..., 2] / np.linalg.norm(normal, axis=-1)))
    np.testing.assert_allclose(incl, 53.0, atol=STRUCTURE_TOL_DEG)


def test_mean_semi_major_axis_is_600_km_above_wgs72_radius(shell):
    sat = shell.satrecs[0]
    assert sat.radiusearthkm * 1000 == WGS72_RADIUS_M
    assert sat.a * sat.radiusearthkm * 1000 - WGS72_RADIUS_M == pytest.approx(600e3, abs=1e-3)
    assert sat.ecco == 0.0 and sat.bstar == 0.0 and sat.ndot == 0.0
    assert sat.operationmode == "i"


def test_height_is_600_km_within_flattening_and_j2_terms(shell):
    # Over one orbital period (5.8e3 s) the mean geocentric radius sits within the J2 short-period
    # amplitude (~3/4 J2 R^2 / a ~ 5 km) of 6978.135 km, and the WGS84 height within the same plus
    # the flattening at 53 deg (+21.4 km sin^2 53 = +13.6 km).
    t = epochs("2025-01-01T00:00:00Z", 5800, 20)
    pos, _ = shell.subset(range(0, 1680, 113)).propagate(t)
    radius = np.linalg.norm(pos, axis=-1)
    np.testing.assert_allclose(radius.mean(axis=1) - WGS72_RADIUS_M, 600e3, atol=2e3)
    _, _, height = itrs_to_geodetic(pos)
    assert height.min() > 600e3 - 5e3
    assert height.max() < 600e3 + 13.6e3 + 10e3


def test_epoch_is_the_documented_utc_instant(shell):
    sat = shell.satrecs[0]
    assert sat.jdsatepoch + sat.jdsatepochF == pytest.approx(2460676.5, abs=1e-9)
    later = WalkerDelta(epoch_utc="2025-03-01T12:00:00+00:00").build()
    assert later.satrecs[0].jdsatepoch + later.satrecs[0].jdsatepochF == pytest.approx(
        2460736.0, abs=1e-9
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"total_satellites": 1681}, "does not divide total_satellites"),
        ({"phasing": 28}, "phasing"),
        ({"phasing": -1}, "phasing"),
        ({"inclination_deg": 0.0}, "inclination_deg"),
        ({"inclination_deg": float("nan")}, "inclination_deg"),
        ({"altitude_m": -600e3}, "altitude_m"),
        ({"n_planes": 0}, "n_planes"),
        ({"total_satellites": 16.0}, "total_satellites"),
        ({"epoch_utc": "yesterday"}, "epoch"),
    ],
)
def test_bad_walker_parameters_raise_value_error_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        WalkerDelta(**kwargs)
