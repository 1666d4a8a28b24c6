"""Large-scale parameters: table look-ups, interpolation, QuaDRiGa model, per-drop draws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coopsat.channel.config import ChannelConfig
from coopsat.channel.linkbudget import LinkBudget, fspl_db
from coopsat.channel.lsp import (
    SCENARIOS,
    LargeScaleDraw,
    band_for_carrier,
    clutter_loss_db,
    k_factor_db,
    los_probability,
    path_loss_db,
    scintillation_loss_db,
    shadow_fading_std_db,
)
from coopsat.channel.model import draw_large_scale
from coopsat.constellation.resources import data_path
from tests.test_channel_helpers import make_geometry

TABULATED_DEG = np.arange(10.0, 91.0, 10.0)
EXACT = 1e-12  # table look-ups at tabulated elevations return the stored numbers
PUBLISHED_ROUNDING_DB = 0.05  # QuaDRiGa K values quoted to 0.1 dB
KS_MIN_P_VALUE = 1e-3  # fixed seed; a correct sampler fails this with probability 0.1 %
MC_SIGMAS = 4.0  # Monte Carlo tolerance in standard errors


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(data_path("tables", name), comment="#")


# --- look-ups against the published tables ---------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "column"),
    [("dense_urban", "dense_urban"), ("urban", "urban"), ("suburban", "suburban_rural"),
     ("rural", "suburban_rural")],
)
def test_los_probability_exact_at_tabulated_elevations(scenario, column):
    table = _csv("los_probability_tr38811.csv")
    got = los_probability(table["elevation_deg"].to_numpy(), scenario)
    np.testing.assert_allclose(got, table[column].to_numpy() / 100.0, rtol=0, atol=EXACT)


K_TABLES = [(b, s) for b in ("s", "ka") for s in ("dense_urban", "urban", "suburban", "rural")]


@pytest.mark.parametrize(("band", "scenario"), K_TABLES)
def test_k_factor_exact_at_tabulated_elevations(band, scenario):
    table = _csv("k_factor_los_tr38811.csv")
    rows = table[(table.band == band) & (table.scenario == scenario)]
    assert len(rows) == 9
    mean, std = k_factor_db(rows.elevation_deg.to_numpy(), scenario, band)
    np.testing.assert_allclose(mean, rows.k_mean_db.to_numpy(), rtol=0, atol=EXACT)
    np.testing.assert_allclose(std, rows.k_std_db.to_numpy(), rtol=0, atol=EXACT)


@pytest.mark.parametrize("band", ["s", "ka"])
@pytest.mark.parametrize(
    ("scenario", "table_scenario"),
    [("dense_urban", "dense_urban"), ("urban", "urban"), ("suburban", "suburban_rural"),
     ("rural", "suburban_rural")],
)
def test_shadow_fading_and_clutter_exact_at_tabulated_elevations(band, scenario, table_scenario):
    table = _csv("shadow_fading_clutter_tr38811.csv")
    rows = table[(table.band == band) & (table.scenario == table_scenario)]
    el = rows.elevation_deg.to_numpy()
    sf_los = shadow_fading_std_db(el, scenario, band, los=True)
    np.testing.assert_allclose(sf_los, rows.sf_los_db.to_numpy(), rtol=0, atol=EXACT)
    sf_nlos = shadow_fading_std_db(el, scenario, band, los=False)
    np.testing.assert_allclose(sf_nlos, rows.sf_nlos_db.to_numpy(), rtol=0, atol=EXACT)
    cl = clutter_loss_db(el, scenario, band)
    np.testing.assert_allclose(cl, rows.cl_db.to_numpy(), rtol=0, atol=EXACT)


def test_ka_band_rural_k_factor_is_table_6_7_2_7b():
    # TR 38.811 Table 6.7.2-7b (as coded in ns-3): 25.43 +- 7.04 dB at 10 deg, 3.62 +- 2.28 at 90
    mean, std = k_factor_db(np.array([10.0, 45.0, 90.0]), "rural", "ka")
    np.testing.assert_allclose(mean, [25.43, (6.52 + 5.24) / 2, 3.62], atol=EXACT)
    np.testing.assert_allclose(std, [7.04, (6.88 + 5.28) / 2, 2.28], atol=EXACT)
    cfg = ChannelConfig(scenario="rural", link_budget=LinkBudget(carrier_hz=20e9))
    assert cfg.resolved_band == "ka"


def test_interpolation_is_linear_between_tabulated_points():
    # urban S band K mean: 31.83 dB at 10 deg, 18.78 dB at 20 deg -> 25.305 at 15, 28.5675 at 12.5
    mean, std = k_factor_db(np.array([15.0, 12.5]), "urban", "s")
    np.testing.assert_allclose(mean, [25.305, 31.83 - 0.25 * (31.83 - 18.78)], atol=EXACT)
    np.testing.assert_allclose(std, [13.81, 13.84 - 0.25 * 0.06], atol=EXACT)
    # dense urban LOS probability 28.2 % at 10 deg, 33.1 % at 20 deg
    assert los_probability(17.0, "dense_urban") == pytest.approx(0.282 + 0.7 * 0.049, abs=EXACT)


def test_elevations_below_10_deg_are_clamped_to_the_10_deg_values():
    low = np.array([0.0, 5.0, 9.99])
    np.testing.assert_allclose(los_probability(low, "urban"), 0.246, atol=EXACT)
    np.testing.assert_allclose(clutter_loss_db(low, "dense_urban", "ka"), 44.3, atol=EXACT)
    q_low, _ = k_factor_db(low, "urban_los_quadriga", "s")
    q_10, _ = k_factor_db(10.0, "urban_los_quadriga", "s")
    np.testing.assert_allclose(q_low, q_10, atol=EXACT)


# --- QuaDRiGa NTN Urban LOS ------------------------------------------------------------------
def test_quadriga_k_factor_at_2ghz_is_33_3_db_at_10_deg_and_22_8_db_at_90_deg():
    mean, std = k_factor_db(np.array([10.0, 90.0]), "urban_los_quadriga", "s", 2e9)
    np.testing.assert_allclose(mean, [33.3, 22.8], atol=PUBLISHED_ROUNDING_DB)
    np.testing.assert_allclose(std, 5.65, atol=EXACT)


def test_quadriga_k_factor_matches_the_published_2ghz_list():
    published = [33.3, 30.0, 28.0, 26.6, 25.6, 24.7, 24.0, 23.3, 22.8]  # data/tables/SOURCES.md
    mean, _ = k_factor_db(TABULATED_DEG, "urban_los_quadriga", "s", 2e9)
    np.testing.assert_allclose(mean, published, atol=PUBLISHED_ROUNDING_DB)


def test_quadriga_k_factor_frequency_slope_is_7_9_db_per_decade():
    m2, _ = k_factor_db(30.0, "urban_los_quadriga", "s", 2e9)
    m20, _ = k_factor_db(30.0, "urban_los_quadriga", "s", 20e9)
    assert float(m20 - m2) == pytest.approx(7.9, abs=EXACT)


def test_quadriga_is_always_los_with_0_05_db_shadowing_and_no_clutter():
    el = np.array([10.0, 45.0, 90.0])
    np.testing.assert_array_equal(los_probability(el, "urban_los_quadriga"), 1.0)
    np.testing.assert_allclose(shadow_fading_std_db(el, "urban_los_quadriga", "s"), 0.05)
    np.testing.assert_array_equal(clutter_loss_db(el, "urban_los_quadriga", "s"), 0.0)


def test_path_loss_quadriga_constant_is_0_1_db_above_free_space():
    d = np.array([600e3, 1075.1e3])
    np.testing.assert_allclose(path_loss_db(d, 2e9, "urban"), fspl_db(d, 2e9), atol=EXACT)
    offset = 32.55 - 20 * math.log10(4 * math.pi * 1e9 / 299_792_458.0)  # 32.55 - 32.4478
    np.testing.assert_allclose(
        path_loss_db(d, 2e9, "urban_los_quadriga") - fspl_db(d, 2e9), offset, atol=1e-9
    )


def test_scintillation_is_2_2_db_at_2ghz_and_zero_above_6ghz():
    assert scintillation_loss_db(2e9) == pytest.approx(2.2, abs=0.005)
    assert scintillation_loss_db(20e9) == 0.0


def test_band_follows_the_carrier():
    assert band_for_carrier(2e9) == "s"
    assert band_for_carrier(20e9) == "ka"
    assert ChannelConfig(link_budget=LinkBudget(carrier_hz=30e9)).resolved_band == "ka"
    assert ChannelConfig(band="ka").resolved_band == "ka"


# --- per-drop draws --------------------------------------------------------------------------
def _big_geometry(elevation_deg: float, s: int = 40, k: int = 250):
    return make_geometry(np.full((s, k), elevation_deg), np.random.default_rng(1))


def test_quadriga_draw_k_factor_is_normal_in_db_with_the_model_mean_and_std():
    g = _big_geometry(30.0)
    draw = draw_large_scale(g, ChannelConfig(), np.random.default_rng(2))
    mean, std = k_factor_db(30.0, "urban_los_quadriga", "s")
    kdb = draw.kappa_db.ravel()
    n = kdb.size
    assert np.all(draw.los)
    assert abs(kdb.mean() - mean) < MC_SIGMAS * 5.65 / math.sqrt(n)
    assert abs(kdb.std(ddof=1) - 5.65) < MC_SIGMAS * 5.65 / math.sqrt(2 * (n - 1))
    assert stats.kstest((kdb - mean) / std, "norm").pvalue > KS_MIN_P_VALUE
    sf = draw.shadow_fading_db.ravel()
    assert stats.kstest(sf / 0.05, "norm").pvalue > KS_MIN_P_VALUE
    np.testing.assert_array_equal(draw.clutter_loss_db, 0.0)
    np.testing.assert_allclose(draw.kappa, 10 ** (draw.kappa_db / 10), rtol=1e-14)


def test_tr38811_draw_los_fraction_clutter_and_shadowing_follow_the_tables():
    g = _big_geometry(30.0)
    draw = draw_large_scale(g, ChannelConfig(scenario="urban"), np.random.default_rng(3))
    n = draw.los.size
    p = 0.493  # urban, 30 deg
    assert abs(draw.los.mean() - p) < MC_SIGMAS * math.sqrt(p * (1 - p) / n)
    nlos = ~draw.los
    np.testing.assert_array_equal(draw.kappa_db[nlos], -np.inf)
    np.testing.assert_array_equal(draw.kappa[nlos], 0.0)
    np.testing.assert_allclose(draw.clutter_loss_db[nlos], 29.0, atol=EXACT)
    np.testing.assert_array_equal(draw.clutter_loss_db[draw.los], 0.0)
    assert stats.kstest(draw.shadow_fading_db[draw.los] / 4.0, "norm").pvalue > KS_MIN_P_VALUE
    assert stats.kstest(draw.shadow_fading_db[nlos] / 6.0, "norm").pvalue > KS_MIN_P_VALUE
    z_k = (draw.kappa_db[draw.los] - 10.49) / 10.42
    assert stats.kstest(z_k, "norm").pvalue > KS_MIN_P_VALUE


def test_draws_are_reproducible_and_share_variates_across_scenarios():
    g = make_geometry(np.full((3, 5), 40.0))
    a = draw_large_scale(g, ChannelConfig(), np.random.default_rng(7))
    b = draw_large_scale(g, ChannelConfig(), np.random.default_rng(7))
    np.testing.assert_array_equal(a.kappa_db, b.kappa_db)
    np.testing.assert_array_equal(a.shadow_fading_db, b.shadow_fading_db)
    # common random numbers: the standardised K variate of a LOS urban link equals QuaDRiGa's
    u = draw_large_scale(g, ChannelConfig(scenario="urban"), np.random.default_rng(7))
    q_mean, _ = k_factor_db(40.0, "urban_los_quadriga", "s")
    z_q = (a.kappa_db - q_mean) / 5.65
    z_u = (u.kappa_db - 7.46) / 8.01
    np.testing.assert_allclose(z_u[u.los], z_q[u.los], atol=1e-12)


# --- bad inputs ------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [-0.1, 90.5, math.nan])
def test_elevation_outside_0_90_deg_is_rejected(bad):
    with pytest.raises(ValueError, match=r"elevation must be in \[0, 90\] deg"):
        los_probability(np.array([30.0, bad]), "urban")


def test_draw_rejects_geometry_with_negative_elevation_and_a_non_generator_rng():
    g = make_geometry(np.array([[30.0, -5.0]]))
    with pytest.raises(ValueError, match="elevation"):
        draw_large_scale(g, ChannelConfig(), np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        draw_large_scale(make_geometry(np.array([[30.0]])), ChannelConfig(), 7)


def test_unknown_scenario_and_band_are_rejected():
    with pytest.raises(ValueError, match="scenario must be one of"):
        los_probability(30.0, "manhattan")
    with pytest.raises(ValueError, match="band must be one of"):
        k_factor_db(30.0, "urban", "x")
    assert set(SCENARIOS) == {"urban_los_quadriga", "dense_urban", "urban", "suburban", "rural"}


def test_large_scale_draw_validates_its_fields():
    ok = np.zeros((2, 3))
    with pytest.raises(ValueError, match="kappa_db has shape"):
        LargeScaleDraw(np.ones((2, 3), bool), np.zeros((3, 2)), ok, ok)
    with pytest.raises(ValueError, match="shadow_fading_db contains NaN"):
        LargeScaleDraw(np.ones((2, 3), bool), ok, np.full((2, 3), math.nan), ok)
    with pytest.raises(ValueError, match="clutter_loss_db must be >= 0"):
        LargeScaleDraw(np.ones((2, 3), bool), ok, ok, np.full((2, 3), -1.0))
    with pytest.raises(ValueError, match="kappa_db must be < \\+inf"):
        LargeScaleDraw(np.ones((2, 3), bool), np.full((2, 3), np.inf), ok, ok)


def test_look_ups_broadcast_over_satellite_user_arrays():
    el = np.random.default_rng(8).uniform(0.0, 90.0, (5, 48))
    for scenario in SCENARIOS:
        band = "s"
        assert los_probability(el, scenario).shape == (5, 48)
        mean, std = k_factor_db(el, scenario, band)
        assert mean.shape == std.shape == (5, 48)
        assert shadow_fading_std_db(el, scenario, band, el > 45).shape == (5, 48)
        assert clutter_loss_db(el, scenario, band).shape == (5, 48)


def test_ka_band_draw_uses_the_ka_tables():
    g = _big_geometry(90.0, s=10, k=100)
    cfg = ChannelConfig(scenario="dense_urban", link_budget=LinkBudget(carrier_hz=20e9))
    draw = draw_large_scale(g, cfg, np.random.default_rng(9))
    np.testing.assert_allclose(draw.clutter_loss_db[~draw.los], 32.9, atol=EXACT)  # Ka, 90 deg
    z = (draw.kappa_db[draw.los] - 7.6) / 1.3  # Ka dense urban K at 90 deg: 7.6 +- 1.3 dB
    assert stats.kstest(z, "norm").pvalue > KS_MIN_P_VALUE
