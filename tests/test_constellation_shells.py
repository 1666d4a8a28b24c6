"""Multi-shell Walker constellations: union of shells, Walker-Star spread, shipped presets."""

import dataclasses
import math

import numpy as np
import pytest

from coopsat.constellation.shells import (
    WalkerShells,
    nominal_min_separation_m,
    preset,
    preset_names,
    shells_from_tables,
)
from coopsat.constellation.timebase import epochs, utc_time
from coopsat.constellation.walker import WalkerDelta

EPOCH = "2025-01-01T00:00:00Z"
WGS72_RADIUS_M = 6_378_135.0
ONE_MILLIMETRE = 1e-3
ONE_METRE = 1.0
# SGP4's J2 short-period terms move each satellite by several km from the nominal circular
# pattern (along-track and radial), differently for two satellites at different arguments of
# latitude: measured closest approaches differ from the nominal ones by 1.4 to 15.5 km
# (shells below and the paper's: 31.3 km nominal, 16.2 km SGP4).
J2_SHORT_PERIOD_M = 20e3

# Three small shells of different kinds: prograde, retrograde (sun-synchronous-like), star.
SHELL_A = WalkerDelta(
    inclination_deg=53.0, total_satellites=24, n_planes=4, phasing=1, altitude_m=550e3
)
SHELL_B = WalkerDelta(
    inclination_deg=97.6, total_satellites=15, n_planes=3, phasing=2, altitude_m=560e3
)
SHELL_C = WalkerDelta(
    inclination_deg=87.9,
    total_satellites=12,
    n_planes=6,
    phasing=0,
    altitude_m=1200e3,
    raan_spread_deg=180.0,
)

# Published satellite counts (planes x satellites per plane), written out independently of
# data/constellations/presets.toml; sources cited there.
PUBLISHED = {
    "paper": [(53.0, 28, 60, 600)],
    "starlink-gen1": [
        (53.0, 72, 22, 550),
        (53.2, 72, 22, 540),
        (70.0, 36, 20, 570),
        (97.6, 6, 58, 560),
        (97.6, 4, 43, 560),
    ],
    "oneweb-phase1": [(87.9, 18, 36, 1200)],
    "kuiper-2019": [(51.9, 34, 34, 630), (42.0, 36, 36, 610), (33.0, 28, 28, 590)],
}
PUBLISHED_TOTALS = {"paper": 1680, "starlink-gen1": 4408, "oneweb-phase1": 648, "kuiper-2019": 3236}


def test_union_of_shells_equals_the_shells_built_alone():
    shells = WalkerShells((SHELL_A, SHELL_B, SHELL_C), ("A", "B", "C"))
    union = shells.build()
    parts = [SHELL_A.build(), SHELL_B.build(), SHELL_C.build()]
    assert len(union) == shells.total_satellites == 24 + 15 + 12
    assert len(set(union.names)) == len(union)
    t = utc_time("2025-01-01T03:17:00Z")
    pos, vel = union.propagate(t)
    ref_pos = np.concatenate([p.propagate(t)[0] for p in parts])
    ref_vel = np.concatenate([p.propagate(t)[1] for p in parts])
    # Same elements, same sgp4 call: identical to the last bit, not just close.
    np.testing.assert_array_equal(pos, ref_pos)
    np.testing.assert_array_equal(vel, ref_vel)
    expected_names = [
        f"{lab}-{n.split('-', 1)[1]}" for lab, p in zip("ABC", parts, strict=True) for n in p.names
    ]
    assert list(union.names) == expected_names
    assert [s.satnum for s in union.satrecs] == list(range(1, 52))
    np.testing.assert_array_equal(shells.shell_index(), np.repeat([0, 1, 2], [24, 15, 12]))


def test_one_shell_equals_walker_delta_build_exactly():
    alone = WalkerDelta().build()
    union = WalkerShells((WalkerDelta(),)).build()
    assert union.names == alone.names
    assert [s.satnum for s in union.satrecs] == [s.satnum for s in alone.satrecs]
    t = utc_time("2025-01-01T00:42:00Z")
    np.testing.assert_array_equal(union.propagate(t)[0], alone.propagate(t)[0])


def test_default_walker_elements_keep_their_closed_form_exactly():
    # The RAAN generalisation must leave the default shell's elements bit-identical.
    walker = WalkerDelta()
    shell = walker.build()
    plane, slot = np.divmod(np.arange(1680), 60)
    assert [s.nodeo for s in shell.satrecs] == [2.0 * math.pi * p / 28 for p in plane]
    expected_mo = [
        (2.0 * math.pi * (q / 60 + 1 * p / 1680)) % (2.0 * math.pi)
        for p, q in zip(plane, slot, strict=True)
    ]
    assert [s.mo for s in shell.satrecs] == expected_mo


def test_walker_star_spreads_planes_over_180_degrees():
    raan = np.degrees([s.nodeo for s in SHELL_C.build().satrecs]).reshape(6, 2)
    np.testing.assert_allclose(
        raan, np.repeat(np.arange(6)[:, None] * 30.0, 2, axis=1), rtol=0, atol=1e-12
    )
    six = WalkerDelta(total_satellites=12, n_planes=6).build()
    delta = np.degrees([s.nodeo for s in six.satrecs])
    assert delta.max() == pytest.approx(300.0, abs=1e-12)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_presets_have_the_published_shells_and_counts(name):
    shells = preset(name)
    const = shells.build()
    assert len(const) == shells.total_satellites == PUBLISHED_TOTALS[name]
    assert len(set(const.names)) == len(const)
    assert len({s.satnum for s in const.satrecs}) == len(const)
    index = shells.shell_index()
    for k, (incl, planes, per_plane, alt_km) in enumerate(PUBLISHED[name]):
        shell = shells.shells[k]
        assert (shell.n_planes, shell.sats_per_plane) == (planes, per_plane)
        members = [const.satrecs[i] for i in np.flatnonzero(index == k)]
        assert len(members) == planes * per_plane
        np.testing.assert_allclose(np.degrees([s.inclo for s in members]), incl, atol=1e-12)
        # Mean semi-major axis = WGS72 radius + the filed altitude (walker.py convention).
        a_m = np.array([s.a for s in members]) * WGS72_RADIUS_M
        np.testing.assert_allclose(a_m - WGS72_RADIUS_M, alt_km * 1e3, atol=ONE_MILLIMETRE)


def test_preset_names_and_unknown_name_lists_them():
    assert preset_names() == tuple(sorted(PUBLISHED))
    with pytest.raises(
        ValueError,
        match=r"unknown constellation preset 'starlink'; known "
        r"presets: kuiper-2019, oneweb-phase1, paper, starlink-gen1",
    ):
        preset("starlink")


def test_paper_preset_is_the_default_shell():
    paper = preset("paper").build()
    default = WalkerDelta().build()
    assert paper.names == default.names
    t = utc_time("2025-01-01T00:00:00Z")
    np.testing.assert_array_equal(paper.propagate(t)[0], default.propagate(t)[0])


def test_preset_epoch_is_applied_to_every_shell():
    shells = preset("kuiper-2019", epoch_utc="2026-06-01T12:00:00Z")
    assert {s.epoch_utc for s in shells.shells} == {"2026-06-01T12:00:00Z"}
    jd = {s.jdsatepoch + s.jdsatepochF for s in shells.build().satrecs}
    assert len(jd) == 1
    assert jd.pop() == pytest.approx(2461193.0, abs=1e-9)  # 2026-06-01 12:00 UTC


def test_shell_offsets_are_fractions_of_the_plane_and_slot_spacings():
    """kuiper-2019's KU610 shell: raan_offset_planes = anomaly_offset_slots = 0.875 of the
    10 deg plane and slot spacings (36 planes over 360 deg, 36 slots), by hand."""
    ku610 = preset("kuiper-2019").shells[1]
    assert (ku610.n_planes, ku610.sats_per_plane, ku610.phasing) == (36, 36, 11)
    assert ku610.raan_offset_deg == pytest.approx(8.75, abs=1e-12)
    assert ku610.anomaly_offset_deg == pytest.approx(8.75, abs=1e-12)
    sats = ku610.build().satrecs
    # plane 0, slot 0: only the offsets; plane 35, slot 35: its mean anomaly wraps past 2 pi
    assert sats[0].nodeo == pytest.approx(math.radians(8.75), abs=1e-12)
    assert sats[0].mo == pytest.approx(math.radians(8.75), abs=1e-12)
    last = sats[36 * 36 - 1]
    assert last.nodeo == pytest.approx(math.radians(350.0 + 8.75), abs=1e-12)
    m = 350.0 + 360.0 * 11 * 35 / 1296 + 8.75
    assert last.mo == pytest.approx(math.radians(m % 360.0), abs=1e-12)


def test_oneweb_preset_is_a_walker_star():
    raan = np.degrees([s.nodeo for s in preset("oneweb-phase1").build().satrecs])
    np.testing.assert_allclose(np.unique(raan), np.arange(18) * 10.0, atol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"shells": ()}, "at least 1"),
        ({"shells": SHELL_A}, "tuple of WalkerDelta"),
        ({"shells": (SHELL_A, "B")}, r"shells\[1\] must be a WalkerDelta"),
        ({"shells": (SHELL_A, SHELL_B), "labels": ("A",)}, "one label per shell"),
        ({"shells": (SHELL_A, SHELL_B), "labels": ("A", "A")}, "'A' appears twice"),
        ({"shells": (SHELL_A,), "labels": ("A-1",)}, "label 'A-1' is not allowed"),
        ({"shells": (SHELL_A,), "labels": ("",)}, "label '' is not allowed"),
        ({"shells": (SHELL_A,), "labels": "A"}, "labels must be a tuple"),
        (
            {"shells": (WalkerDelta(total_satellites=60000, n_planes=100),) * 2,
             "labels": ("A", "B")},
            "120000 satellites",
        ),
    ],
)
def test_walker_shells_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WalkerShells(**kwargs)


@pytest.mark.parametrize("spread", [0.0, -10.0, 360.5, math.nan, True])
def test_raan_spread_out_of_range_is_an_error(spread):
    with pytest.raises(ValueError, match=r"raan_spread_deg = .* allowed: 0 < raan_spread_deg"):
        WalkerDelta(raan_spread_deg=spread)


@pytest.mark.parametrize("first", [0, 99_999, 1.5, True])
def test_first_satnum_must_keep_five_digits(first):
    with pytest.raises(ValueError, match="first_satnum"):
        SHELL_A.build(first_satnum=first)


@pytest.mark.parametrize(
    ("shell_toml", "match"),
    [
        (
            'label = "X"\ninclination_deg = 53.0\nn_planes = 4\nsats_per_plane = 6\n'
            "altitude_km = 550.0\ncolour = 1",
            "preset 'bad' shell 0: unknown key 'colour'",
        ),
        (
            'label = "X"\ninclination_deg = 53.0\nn_planes = 4\nsats_per_plane = 6',
            "preset 'bad' shell 0: missing key 'altitude_km'",
        ),
        (
            'label = "X"\ninclination_deg = 53.0\nn_planes = 4.0\nsats_per_plane = 6\n'
            "altitude_km = 550.0",
            "n_planes must be an integer",
        ),
        (
            'label = "X"\ninclination_deg = 53.0\nn_planes = 4\nsats_per_plane = 6\n'
            "altitude_km = 550.0\nphasing = 4",
            r"preset 'bad' shell 0: WalkerDelta.phasing = 4 is out of range; "
            r"allowed: 0 <= phasing < n_planes = 4",
        ),
        (
            'label = "X"\ninclination_deg = "53"\nn_planes = 4\nsats_per_plane = 6\n'
            "altitude_km = 550.0",
            "inclination_deg must be a number",
        ),
        (
            'label = "X Y"\ninclination_deg = 53.0\nn_planes = 4\nsats_per_plane = 6\n'
            "altitude_km = 550.0",
            "preset 'bad': shell label 'X Y' is not allowed",
        ),
        (  # a WalkerDelta field computed from the table: the error names the table's key
            'label = "X"\ninclination_deg = 53.0\nn_planes = 4\nsats_per_plane = 6\n'
            "altitude_km = 50.0",
            r"preset 'bad' shell 0: altitude_km = 50\.0 gives WalkerDelta\.altitude_m = "
            r"50000\.0 is out of range",
        ),
        (
            'label = "X"\ninclination_deg = 53.0\nn_planes = 400\nsats_per_plane = 400\n'
            "altitude_km = 550.0",
            r"n_planes x sats_per_plane = 400 x 400 gives WalkerDelta\.total_satellites = 160000",
        ),
        (
            'label = "X"\ninclination_deg = 53.0\nn_planes = 4\nsats_per_plane = 6\n'
            "altitude_km = 550.0\nraan_offset_planes = 1.0",
            r"raan_offset_planes must be in \[0, 1\) \(a fraction of the spacing\), got 1.0",
        ),
    ],
)
def test_bad_preset_entries_name_preset_shell_and_key(tmp_path, monkeypatch, shell_toml, match):
    import coopsat.constellation.shells as shells_module

    path = tmp_path / "presets.toml"
    path.write_text(f"[bad]\ndescription = 'x'\n\n[[bad.shells]]\n{shell_toml}\n")
    monkeypatch.setattr(shells_module, "_presets_path", lambda: path)
    with pytest.raises(ValueError, match=match):
        preset("bad")


def test_preset_without_shells_and_invalid_toml_are_errors(tmp_path, monkeypatch):
    import coopsat.constellation.shells as shells_module

    path = tmp_path / "presets.toml"
    monkeypatch.setattr(shells_module, "_presets_path", lambda: path)
    path.write_text("[empty]\ndescription = 'no shells'\n")
    with pytest.raises(ValueError, match=r"preset 'empty' .* has no \[\[empty.shells\]\]"):
        preset("empty")
    path.write_text("[broken\n")
    with pytest.raises(ValueError, match="is not valid TOML"):
        preset("broken")


def _sgp4_closest_approach_m(walker, step_s=1.0):
    """Brute force: SGP4 positions over one orbit at ``step_s``, smallest pairwise distance."""
    from scipy.spatial import cKDTree

    period_s = 2.0 * math.pi / walker.kozai_mean_motion_rad_per_min() * 60.0
    pos, _ = walker.build().propagate(epochs(EPOCH, period_s, step_s))
    return min(cKDTree(pos[:, j]).query(pos[:, j], k=2)[0][:, 1].min() for j in range(pos.shape[1]))


KNOWN_SHELLS = [  # (shell, its nominal closest approach in km)
    (WalkerDelta(97.6, 172, 4, 2, 560e3), 67.03),  # the 4 x 43 shell (preset: F = 0, a tie)
    (WalkerDelta(97.6, 172, 4, 1, 560e3), 0.0),  # ... with F = 1: two satellites collide
    (WalkerDelta(53.0, 60, 6, 1, 550e3), 316.34),
    (WalkerDelta(53.0, 60, 6, 2, 550e3), 0.0),  # prograde planes can collide too
]


@pytest.mark.parametrize(("walker", "nominal_km"), KNOWN_SHELLS)
def test_nominal_min_separation_of_known_shells(walker, nominal_km):
    assert nominal_min_separation_m(walker) == pytest.approx(nominal_km * 1e3, abs=10.0)


# SGP4 over an orbit at 1 s steps takes 1.5 s for a 172-satellite shell: those two run with the
# slow checks, the 60-satellite shells compare the same formula in the default run.
@pytest.mark.parametrize(
    "walker",
    [pytest.param(w, marks=pytest.mark.slow) for w, _ in KNOWN_SHELLS[:2]]
    + [w for w, _ in KNOWN_SHELLS[2:]],
)
def test_nominal_min_separation_against_sgp4_closest_approach(walker):
    nominal = nominal_min_separation_m(walker)
    sgp4 = _sgp4_closest_approach_m(walker)
    # The sampled SGP4 minimum is an upper bound of the continuous one; both sit within the
    # J2 short-period terms of the nominal pattern.
    assert abs(sgp4 - nominal) < J2_SHORT_PERIOD_M


def test_nominal_min_separation_of_a_two_satellite_walker_is_the_chord_of_their_angle():
    # Two satellites 90 deg apart in one plane keep that angle: chord = a sqrt(2).
    walker = WalkerDelta(53.0, 4, 1, 0, 600e3)
    radius = walker.build().satrecs[0].a * WGS72_RADIUS_M
    assert nominal_min_separation_m(walker) == pytest.approx(radius * math.sqrt(2.0), rel=1e-12)
    # Two planes 180 deg apart at 90 deg inclination, both satellites at their ascending node:
    # they meet head-on at the poles after a quarter orbit.
    polar = WalkerDelta(90.0, 2, 2, 0, 600e3)
    assert nominal_min_separation_m(polar) < ONE_METRE


@pytest.mark.parametrize(
    ("name", "index"), [("starlink-gen1", 3), ("starlink-gen1", 4), ("oneweb-phase1", 0)]
)
def test_preset_phasing_maximises_the_nominal_separation(name, index):
    shell = preset(name).shells[index]
    seps = [
        nominal_min_separation_m(dataclasses.replace(shell, phasing=f))
        for f in range(shell.n_planes)
    ]
    assert shell.phasing == int(np.argmax(seps))  # the smallest F among equal maxima


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_preset_shells_keep_their_satellites_apart(name):
    shells = preset(name)
    floor_m = 30e3 if name == "paper" else 45e3  # the paper's F = 1 gives 31.3 km
    for shell in shells.shells:
        assert nominal_min_separation_m(shell) > floor_m
    # At the epoch no two satellites of different shells start at the same place.
    from scipy.spatial import cKDTree

    pos, _ = shells.build().propagate(utc_time(EPOCH))
    dist, _ = cKDTree(pos).query(pos, k=2)
    assert dist[:, 1].min() > 15e3


def test_shells_sharing_altitude_and_inclination_are_one_group():
    polar_a, polar_b = preset("starlink-gen1").shells[3:]
    assert nominal_min_separation_m(polar_a) > 45e3 and nominal_min_separation_m(polar_b) > 45e3
    # Together (both at 560 km, 97.6 deg, as filed) they cross within 1 km: see presets.toml.
    assert nominal_min_separation_m(WalkerShells((polar_a, polar_b))) < 1e3


def test_a_star_shells_raan_offset_is_a_fraction_of_its_180_degree_plane_spacing():
    """A Walker-Star table (6 planes over 180 deg: 30 deg apart) with raan_offset_planes = 0.5:
    plane p lies at 30 p + 15 deg, by hand (a spacing taken over 360 deg would give 60 p + 30)."""
    table = {"label": "star", "inclination_deg": 87.9, "n_planes": 6, "sats_per_plane": 3,
             "altitude_km": 1200.0, "phasing": 0, "raan_spread_deg": 180.0,
             "raan_offset_planes": 0.5, "anomaly_offset_slots": 0.25}
    (shell,) = shells_from_tables([table], EPOCH, "test").shells
    assert shell.raan_offset_deg == pytest.approx(15.0, abs=1e-12)
    assert shell.anomaly_offset_deg == pytest.approx(30.0, abs=1e-12)  # a quarter of 120 deg
    sats = shell.build().satrecs
    raan_deg = np.degrees([s.nodeo for s in sats]).reshape(6, 3)
    by_hand = np.array([15.0, 45.0, 75.0, 105.0, 135.0, 165.0])
    np.testing.assert_allclose(raan_deg, np.repeat(by_hand[:, None], 3, axis=1), rtol=0,
                               atol=1e-12)
    # phasing 0: every plane's slots at 0, 120, 240 deg plus the 30 deg anomaly offset
    mo_deg = np.degrees([s.mo for s in sats]).reshape(6, 3)
    np.testing.assert_allclose(mo_deg, np.tile([30.0, 150.0, 270.0], (6, 1)), rtol=0,
                               atol=1e-12)
