"""Element patterns: each at boresight, at its half-power angle and at its limits; the TR 38.901
element against hand computations; the pattern entering gamma through each link's direction."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from coopsat.channel.config import ChannelConfig
from coopsat.channel.element import (
    ELEMENT_PATTERNS,
    element_angles,
    element_gain_db,
)
from coopsat.channel.linkbudget import LinkBudget
from coopsat.channel.lsp import LargeScaleDraw
from coopsat.channel.model import link_gain_db
from coopsat.constellation.params import ParameterError
from tests.test_channel_helpers import make_geometry

HALF_POWER_DB = 10.0 * math.log10(0.5)  # -3.0103 dB


def _cosines(theta_deg, phi_deg):
    """Array-frame cosines (d.x, d.y, d.z) of the element-frame direction (theta'', phi''):
    in the element frame (x', y', z') = (z, x, y), d = (sin t cos p, sin t sin p, cos t)."""
    t, p = np.radians(theta_deg), np.radians(phi_deg)
    return np.sin(t) * np.sin(p), np.cos(t), np.sin(t) * np.cos(p)


def _gain(pattern, theta_deg, phi_deg, **kw):
    return element_gain_db(pattern, *_cosines(theta_deg, phi_deg), **kw)


def test_angles_of_the_element_frame():
    theta = np.array([90.0, 57.5, 10.0, 170.0, 90.0])
    phi = np.array([0.0, 32.5, -120.0, 45.0, 180.0])
    eta, t, p = element_angles(*_cosines(theta, phi))
    np.testing.assert_allclose(np.degrees(t), theta, atol=1e-12)
    np.testing.assert_allclose(np.degrees(p), phi, atol=1e-12)
    # eta = arccos(d . z) = arccos(sin theta'' cos phi'')
    expected = np.degrees(np.arccos(np.sin(np.radians(theta)) * np.cos(np.radians(phi))))
    np.testing.assert_allclose(np.degrees(eta), expected, atol=1e-9)


@pytest.mark.parametrize("pattern", ELEMENT_PATTERNS)
def test_every_pattern_is_zero_db_at_boresight(pattern):
    assert float(np.max(np.abs(_gain(pattern, 90.0, 0.0)))) == 0.0


def test_isotropic_is_flat_everywhere():
    assert _gain("isotropic", np.array([0.0, 45.0, 170.0]), np.array([0.0, 90.0, 180.0])) == 0.0


@pytest.mark.parametrize("hpbw", [65.0, 40.0, 120.0])
def test_3gpp_half_power_at_half_the_beamwidth_in_both_cuts(hpbw):
    # 12 (hpbw/2 / hpbw)^2 = 3 dB exactly, in the vertical cut (theta'') and the horizontal (phi'')
    horizontal = _gain("3gpp", 90.0, np.array([hpbw / 2, -hpbw / 2]), hpbw_deg=hpbw)
    vertical = _gain("3gpp", np.array([90.0 - hpbw / 2, 90.0 + hpbw / 2]), 0.0, hpbw_deg=hpbw)
    np.testing.assert_allclose(horizontal, -3.0, atol=1e-12)
    np.testing.assert_allclose(vertical, -3.0, atol=1e-12)


def test_3gpp_limits():
    # behind the array: 12 (180 / 65)^2 = 92 dB, limited to A_max = 30 dB
    assert _gain("3gpp", 90.0, 180.0) == pytest.approx(-30.0, abs=1e-12)
    # along the vertical axis the 65 deg element loses 12 (90 / 65)^2 = 23.0 dB, under SLA_V
    assert _gain("3gpp", 0.0, 0.0) == pytest.approx(-12.0 * (90.0 / 65.0) ** 2, abs=1e-12)
    # a 40 deg element reaches SLA_V = 30 dB there (12 (90 / 40)^2 = 60.75 dB)
    assert _gain("3gpp", 0.0, 0.0, hpbw_deg=40.0) == pytest.approx(-30.0, abs=1e-12)
    # both cuts at 20 dB each: the sum is limited to 30 dB
    hp = 65.0 * math.sqrt(20.0 / 12.0)
    assert _gain("3gpp", 90.0 - hp, hp) == pytest.approx(-30.0, abs=1e-12)


@pytest.mark.parametrize(
    ("theta", "phi", "expected_dbi"),
    [
        # 8 - 12 (30/65)^2 - 12 (40/65)^2 = 8 - 2.55621 - 4.54438
        (60.0, 40.0, 0.89941),
        # 8 - 12 (20/65)^2 - 12 (-25/65)^2 = 8 - 1.13609 - 1.77515
        (110.0, -25.0, 5.08876),
        # 8 - min(12 (50/65)^2 + 12 (70/65)^2, 30) = 8 - min(7.10059 + 13.91716, 30)
        (140.0, 70.0, -13.01775),
    ],
)
def test_3gpp_combined_pattern_against_hand_computation(theta, phi, expected_dbi):
    g = ChannelConfig(element_pattern="3gpp", link_budget=LinkBudget(tx_element_gain_dbi=8.0))
    gain = g.link_budget.tx_element_gain_dbi + _gain("3gpp", theta, phi)
    assert gain == pytest.approx(expected_dbi, abs=1e-5)


@pytest.mark.parametrize("q", [0.5, 1.0, 1.5, 3.0])
def test_cosine_half_power_and_formula(q):
    eta_3db = math.acos(0.5 ** (1.0 / q))  # cos^q = 1/2
    assert element_gain_db("cosine", 0.0, math.sin(eta_3db), math.cos(eta_3db),
                           exponent=q) == pytest.approx(HALF_POWER_DB, abs=1e-12)
    eta = np.radians([10.0, 30.0, 60.0, 80.0])
    gain = element_gain_db("cosine", np.sin(eta), 0.0, np.cos(eta), exponent=q)
    np.testing.assert_allclose(10.0 ** (gain / 10.0), np.cos(eta) ** q, rtol=1e-12)


@pytest.mark.parametrize("q", [0.5, 1.5, 3.0])
def test_cosine_limit_is_30_db_from_where_cos_q_reaches_it(q):
    edge = math.acos(10.0 ** (-3.0 / q))  # cos^q(edge) = 10^-3
    eta = np.array([edge, 0.5 * (edge + math.pi / 2), math.pi / 2, 2.0, math.pi])
    gain = element_gain_db("cosine", np.sin(eta), 0.0, np.cos(eta), exponent=q)
    np.testing.assert_allclose(gain, -30.0, atol=1e-9)
    inside = element_gain_db("cosine", math.sin(edge - 0.01), 0.0, math.cos(edge - 0.01),
                             exponent=q)
    assert inside == pytest.approx(10.0 * q * math.log10(math.cos(edge - 0.01)), abs=1e-12)
    assert -30.0 < inside


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": "dipole"}, "pattern"),
        ({"pattern": "3gpp", "hpbw_deg": 0.0}, "hpbw_deg"),
        ({"pattern": "3gpp", "hpbw_deg": 181.0}, "hpbw_deg"),
        ({"pattern": "cosine", "exponent": 0.0}, "exponent"),
        ({"pattern": "cosine", "exponent": -1.0}, "exponent"),
    ],
)
def test_bad_pattern_arguments(kwargs, message):
    pattern = kwargs.pop("pattern")
    with pytest.raises(ValueError, match=message):
        element_gain_db(pattern, 0.0, 0.0, 1.0, **kwargs)


@pytest.mark.parametrize(
    ("field", "value"),
    [("element_pattern", "dipole"), ("element_hpbw_deg", 0.0), ("element_hpbw_deg", 180.5),
     ("element_hpbw_deg", math.nan), ("element_scan_exponent", 0.0),
     ("element_scan_exponent", -2.0)],
)
def test_channel_config_declares_the_keys(field, value):
    with pytest.raises(ParameterError, match=f"ChannelConfig.{field} ="):
        ChannelConfig(**{field: value})


def _held(shape):
    z = np.zeros(shape)
    return LargeScaleDraw(np.ones(shape, bool), z + 10.0, z, z)


@pytest.mark.parametrize("pattern", ["3gpp", "cosine"])
def test_pattern_enters_gamma_through_each_links_direction(pattern):
    geometry = make_geometry(np.array([[30.0, 60.0, 85.0], [20.0, 45.0, 70.0]]))
    held = _held((2, 3))
    iso = link_gain_db(geometry, ChannelConfig(), held)
    config = ChannelConfig(element_pattern=pattern, element_scan_exponent=1.3)
    patterned = link_gain_db(geometry, config, held)
    # the difference is the pattern at each link's own direction cosines, nothing else
    cx, cy = np.asarray(geometry.dir_cos_x), np.asarray(geometry.dir_cos_y)
    tx, ty = np.asarray(geometry.theta_x_rad), np.asarray(geometry.theta_y_rad)
    cz = np.sin(ty) * np.sin(tx)  # eq. (2)'s angles: some links of the helper are behind
    np.testing.assert_allclose(cx**2 + cy**2 + cz**2, 1.0, atol=1e-12)
    expected = element_gain_db(pattern, cx, cy, cz, exponent=1.3)
    np.testing.assert_allclose(patterned - iso, expected, atol=1e-9)
    assert np.all(patterned - iso < 0.0)


def test_isotropic_default_leaves_gamma_bit_identical():
    geometry = make_geometry(np.array([[30.0, 60.0], [20.0, 45.0]]))
    held = _held((2, 2))
    a = link_gain_db(geometry, ChannelConfig(), held)
    b = link_gain_db(geometry, dataclasses.replace(ChannelConfig(), element_hpbw_deg=20.0), held)
    assert np.array_equal(a, b)
