"""statistical_csi end to end: hand-checked link budgets, held draws, overrides, bad inputs."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from coopsat.channel.config import ChannelConfig
from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.linkbudget import LinkBudget
from coopsat.channel.lsp import LargeScaleDraw
from coopsat.channel.model import draw_large_scale, link_gain_db, statistical_csi
from coopsat.channel.phase import physical_phase_variance
from coopsat.channel.steering import upa_steering
from tests.test_channel_helpers import make_geometry

HAND_ROUNDING_DB = 1e-4  # hand sums below are written to 5 decimals


def _one_link(elevation_deg=30.0, distance_m=1075.1e3):
    g = make_geometry(np.array([[elevation_deg]]))
    return dataclasses.replace(g, slant_range_m=np.array([[distance_m]]))


def _held(los=True, kappa_db=25.0, sf_db=0.0, cl_db=0.0):
    return LargeScaleDraw(np.array([[los]]), np.array([[kappa_db]]), np.array([[sf_db]]),
                          np.array([[cl_db]]))


def test_hand_checked_link_budget_quadriga_30_deg():
    # 6 dBi element + 0 dBi UT + 10 log10(100) array - [20 log10(1075.1e3) + 32.55 + 20 log10(2)]
    # = 26 - (120.62898 + 32.55 + 6.02060) = -133.19958 dB
    csi = statistical_csi(_one_link(), ChannelConfig(), large_scale=_held())
    assert 10 * math.log10(csi.gamma[0, 0]) == pytest.approx(-133.19958, abs=HAND_ROUNDING_DB)
    assert csi.kappa[0, 0] == pytest.approx(10**2.5, rel=1e-14)
    assert 10 * math.log10(csi.sigma2[0]) + 30 == pytest.approx(-122.20397, abs=HAND_ROUNDING_DB)


def test_hand_checked_link_budget_urban_nlos_with_clutter_shadowing_and_scintillation():
    # free space at 1075.1 km, 2 GHz: 159.09736 dB; SF 3 dB, CL 29 dB, scintillation 2.19914 dB
    # 26 - 159.09736 - 3 - 29 - 2.19914 = -167.29650 dB
    cfg = ChannelConfig(scenario="urban", scintillation=True)
    held = _held(los=False, kappa_db=-np.inf, sf_db=3.0, cl_db=29.0)
    gain = link_gain_db(_one_link(), cfg, held)
    assert float(gain[0, 0]) == pytest.approx(-167.29650, abs=HAND_ROUNDING_DB)
    csi = statistical_csi(_one_link(), cfg, large_scale=held)
    assert csi.kappa[0, 0] == 0.0  # NLOS: Rayleigh
    assert abs(csi.rho[0, 0]) == 0.0


def test_array_gain_flag_removes_10_log10_nt():
    with_array = link_gain_db(_one_link(), ChannelConfig(nv=4, nh=8), _held())
    element_only = link_gain_db(_one_link(), ChannelConfig(nv=4, nh=8, array_gain=False), _held())
    assert (with_array - element_only)[0, 0] == pytest.approx(10 * math.log10(32), abs=1e-12)


def test_held_large_scale_makes_the_csi_deterministic_and_equal_to_the_drawn_one():
    g = make_geometry(np.random.default_rng(0).uniform(15, 80, (4, 6)))
    cfg = ChannelConfig(scenario="dense_urban")
    drawn = statistical_csi(g, cfg, np.random.default_rng(5))
    held = draw_large_scale(g, cfg, np.random.default_rng(5))
    again = statistical_csi(g, cfg, large_scale=held)
    for name in ("gamma", "kappa", "zeta2", "steering", "sigma2"):
        np.testing.assert_array_equal(getattr(drawn, name), getattr(again, name))


def test_held_draws_follow_the_geometry_across_epochs():
    g0 = make_geometry(np.full((2, 3), 30.0), np.random.default_rng(1))
    g1 = dataclasses.replace(g0, slant_range_m=np.asarray(g0.slant_range_m) * 1.1)
    held = draw_large_scale(g0, ChannelConfig(), np.random.default_rng(2))
    c0 = statistical_csi(g0, ChannelConfig(), large_scale=held)
    c1 = statistical_csi(g1, ChannelConfig(), large_scale=held)
    np.testing.assert_array_equal(c0.kappa, c1.kappa)
    np.testing.assert_allclose(c0.gamma / c1.gamma, 1.1**2, rtol=1e-12)  # 20 log10 d


def test_overrides_and_phase_models_reach_the_csi():
    g = make_geometry(np.full((3, 2), 50.0))
    rng = np.random.default_rng(3)
    csi = statistical_csi(g, ChannelConfig(kappa_db=25.0, zeta2=1.5), rng)
    np.testing.assert_allclose(csi.kappa, 10**2.5, rtol=1e-14)
    np.testing.assert_array_equal(csi.zeta2, 1.5)
    np.testing.assert_allclose(csi.phibar, math.exp(-0.75), rtol=1e-14)
    cfg = ChannelConfig(phase_model="physical", sigma_tau_s=20e-12, sigma_nu_hz=3.0,
                        prediction_horizon_s=5e-3)
    phys = statistical_csi(g, cfg, rng)
    expected = physical_phase_variance(g.doppler_hz, carrier_hz=2e9, sigma_tau_s=20e-12,
                                       sigma_nu_hz=3.0, horizon_s=5e-3)
    np.testing.assert_allclose(phys.zeta2, expected, rtol=1e-12)


def test_steering_and_noise_come_from_geometry_and_link_budget():
    g = make_geometry(np.full((2, 3), 60.0))
    cfg = ChannelConfig(nv=3, nh=4, link_budget=LinkBudget(subcarrier_spacing_hz=15e3))
    csi = statistical_csi(g, cfg, np.random.default_rng(4))
    np.testing.assert_array_equal(csi.steering, upa_steering(g.dir_cos_x, g.dir_cos_y, 3, 4))
    assert csi.steering.shape == (2, 3, 12)
    np.testing.assert_allclose(csi.sigma2, 1.380649e-23 * 290 * 15e3 * 10**0.7, rtol=1e-12)


def test_statistical_csi_needs_rng_or_matching_held_draws():
    g = make_geometry(np.full((2, 3), 60.0))
    with pytest.raises(ValueError, match="rng"):
        statistical_csi(g, ChannelConfig())
    with pytest.raises(ValueError, match="large_scale has shape"):
        statistical_csi(g, ChannelConfig(), large_scale=_held())


# --- bad inputs ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nv": 0}, "nv"),
        ({"nh": -2}, "nh"),
        ({"nv": 2.5}, "nv"),
        ({"scenario": "manhattan"}, "scenario"),
        ({"band": "x"}, "band"),
        ({"kappa_db": math.nan}, "kappa_db"),
        ({"kappa_db": math.inf}, "kappa_db"),
        ({"zeta2": -0.1}, "zeta2"),
        ({"zeta2": math.nan}, "zeta2"),
        ({"phase_model": "lorentzian"}, "phase_model"),
        ({"sigma_tau_s": -1e-12}, "sigma_tau_s"),
        ({"sigma_nu_hz": math.inf}, "sigma_nu_hz"),
        ({"prediction_horizon_s": -1.0}, "prediction_horizon_s"),
        ({"subcarrier_index": 666}, "subcarrier_index"),
        ({"scintillation": 1}, "scintillation"),
        ({"link_budget": {"carrier_hz": 2e9}}, "link_budget"),
    ],
)
def test_channel_config_rejects_bad_values_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=f"ChannelConfig.{field}"):
        ChannelConfig(**kwargs)


def _csi_kwargs():
    return {
        "gamma": np.ones((2, 3)),
        "kappa": np.ones((2, 3)),
        "zeta2": np.zeros((2, 3)),
        "steering": upa_steering(np.zeros((2, 3)), np.zeros((2, 3)), 2, 2),
        "sigma2": np.ones(3),
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gamma", -1.0, "gamma must be > 0"),
        ("gamma", math.nan, "gamma contains NaN"),
        ("kappa", -0.5, "kappa must be >= 0"),
        ("zeta2", math.inf, "zeta2 must be >= 0 and finite"),
        ("sigma2", -1e-16, "sigma2 must be > 0"),
    ],
)
def test_statistical_csi_rejects_bad_powers_and_negative_linear_k_factor(field, value, message):
    kwargs = _csi_kwargs()
    bad = np.array(kwargs[field], dtype=float)
    bad.flat[1] = value
    kwargs[field] = bad
    with pytest.raises(ValueError, match=message):
        StatisticalCSI(**kwargs)


def test_statistical_csi_rejects_mismatched_shapes():
    kwargs = {**_csi_kwargs(), "gamma": np.ones((3, 2))}
    with pytest.raises(ValueError, match="gamma has shape"):
        StatisticalCSI(**kwargs)


def test_statistical_csi_stores_its_large_scale_fields_as_the_float_arrays_it_checked():
    """Lists, integers or numeric text pass the checks as floats, and are kept as those floats:
    every later computation sees float arrays whatever it converts itself."""
    kwargs = {**_csi_kwargs(), "gamma": [[1, 2, 3], [4, 5, 6]], "sigma2": ["1e-3", "2e-3", "4"]}
    csi = StatisticalCSI(**kwargs)
    for name in ("gamma", "kappa", "zeta2", "sigma2"):
        value = getattr(csi, name)
        assert isinstance(value, np.ndarray) and value.dtype == np.float64, name
    np.testing.assert_array_equal(csi.sigma2, [1e-3, 2e-3, 4.0])
