"""Link budget (Table I): noise power, free-space path loss, dB helpers, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coopsat.channel.linkbudget import (
    LinkBudget,
    db_to_linear,
    dbm_to_w,
    fspl_db,
    linear_to_db,
    thermal_noise_w,
    w_to_dbm,
)

PUBLISHED_ROUNDING_DB = 0.005  # values quoted to 0.01 dB
NOISE_TOLERANCE_DB = 0.05  # Table I noise: -122.2 dBm to 0.05 dB


def test_noise_power_table1_is_minus_122_2_dbm():
    lb = LinkBudget()
    assert abs(lb.noise_power_dbm() - (-122.2)) < NOISE_TOLERANCE_DB


def test_noise_power_hand_computed_ktbf():
    # k_B T B F = 1.380649e-23 * 290 * 30e3 * 10^0.7 W, written out by hand.
    expected_w = 1.380649e-23 * 290.0 * 30e3 * 5.011872336272722
    assert LinkBudget().noise_power_w() == pytest.approx(expected_w, rel=1e-12)


def test_noise_with_cold_antenna_uses_friis_system_temperature():
    # T_sys = T_ant + (F - 1) T0 with T_ant = 50 K, NF = 3 dB (F = 1.9953), B = 1 MHz.
    f = 10 ** 0.3
    expected = 1.380649e-23 * 1e6 * (50.0 + (f - 1.0) * 290.0)
    assert thermal_noise_w(1e6, 3.0, 50.0) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("distance_m", "expected_db"),
    [(600.0e3, 154.03), (1075.1e3, 159.10), (1931.6e3, 164.19)],
)
def test_fspl_2ghz_matches_published_leo600_values(distance_m, expected_db):
    assert abs(float(fspl_db(distance_m, 2e9)) - expected_db) < PUBLISHED_ROUNDING_DB


def test_fspl_equals_friis_formula_and_broadcasts():
    d = np.array([[1e3, 2e3], [4e3, 8e3]])
    friis = (4 * math.pi * d * 3e9 / 299_792_458.0) ** 2
    np.testing.assert_allclose(fspl_db(d, 3e9), 10 * np.log10(friis), rtol=0, atol=1e-12)
    # doubling the distance adds 20 log10(2) = 6.0206 dB
    np.testing.assert_allclose(np.diff(fspl_db(d, 3e9), axis=1)[:, 0], 6.0206, atol=1e-4)


def test_db_round_trips():
    x = np.array([1e-15, 1.0, 3.7e4])
    np.testing.assert_allclose(db_to_linear(linear_to_db(x)), x, rtol=1e-13)
    assert w_to_dbm(1.0) == 30.0 and w_to_dbm(1e-3) == pytest.approx(0.0, abs=1e-12)
    assert w_to_dbm(0.0) == -np.inf
    for p_dbm in (-30.0, 0.0, 35.0, 50.0):
        assert w_to_dbm(dbm_to_w(p_dbm)) == pytest.approx(p_dbm, abs=1e-12)
    assert dbm_to_w(35.0) == pytest.approx(3.1622776601683795)  # 10^0.5 W
    with pytest.raises(ValueError, match="power must be >= 0 W"):
        w_to_dbm(float("nan"))


def test_link_budget_defaults_are_table1():
    lb = LinkBudget()
    assert (lb.carrier_hz, lb.subcarrier_spacing_hz, lb.bandwidth_hz) == (2e9, 30e3, 20e6)
    assert (lb.noise_figure_db, lb.antenna_temperature_k) == (7.0, 290.0)
    assert (lb.tx_element_gain_dbi, lb.rx_gain_dbi) == (6.0, 0.0)
    assert lb.n_subcarriers == 666
    assert lb.antenna_gain_db() == 6.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"carrier_hz": -2e9}, "carrier_hz"),
        ({"carrier_hz": math.nan}, "carrier_hz"),
        ({"subcarrier_spacing_hz": 0.0}, "subcarrier_spacing_hz"),
        ({"bandwidth_hz": 10e3}, "bandwidth_hz"),
        ({"noise_figure_db": -1.0}, "noise_figure_db"),
        ({"antenna_temperature_k": -5.0}, "antenna_temperature_k"),
        ({"tx_element_gain_dbi": math.inf}, "tx_element_gain_dbi"),
        ({"rx_gain_dbi": math.nan}, "rx_gain_dbi"),
    ],
)
def test_link_budget_rejects_bad_values_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        LinkBudget(**kwargs)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_fspl_rejects_bad_distance(bad):
    with pytest.raises(ValueError, match="distance_m"):
        fspl_db(np.array([1e3, bad]), 2e9)


def test_fspl_rejects_bad_carrier_and_db_of_nonpositive():
    with pytest.raises(ValueError, match="carrier_hz"):
        fspl_db(1e3, 0.0)
    with pytest.raises(ValueError, match="> 0"):
        linear_to_db(np.array([1.0, -2.0]))
    with pytest.raises(ValueError, match="bandwidth_hz"):
        thermal_noise_w(-1.0, 7.0)
