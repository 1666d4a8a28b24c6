"""Joint linear baselines MS-MRT (52) and MS-RZF (53) against closed forms and the dense
stacked-channel oracle."""

from __future__ import annotations

import numpy as np
import pytest

from coopsat.channel.structure import mean_channels
from coopsat.precoding import precode
from coopsat.precoding.linear import rzf_directions
from tests.oracle_precoding import (
    dense_matched_filter_per_satellite,
    dense_rzf,
    dense_stacked_mean_channel,
    random_csi,
    stacked,
)

MACHINE_REL = 1e-12  # two exact evaluations of the same closed form
SOLVE_REL = 1e-10  # K x K Gram-sum solve vs the dense S N_T-wide solve
ZF_REL = 1e-7  # off-diagonal leakage of RZF at vanishing regularisation (xi / eig ~ 1e-9)


def _used(w: np.ndarray) -> np.ndarray:
    return np.sum(np.abs(w) ** 2, axis=(-2, -1))


@pytest.mark.parametrize("scale", ["unit", "realistic"])
def test_mrt_is_the_conjugate_mean_channel_at_exactly_each_budget(scale):
    """w_{s,k} = c_s conj(rho_{s,k}) conj(v_{s,k}) with c_s = sqrt(P_s / sum_k |rho_{s,k}|^2), so
    the mean responses are m_k^T w_k = sum_s c_s |rho_{s,k}|^2 (closed form)."""
    csi = random_csi(np.random.default_rng(1), 3, 5, 2, 3, scale=scale, zeta2=0.4)
    power = np.array([0.5, 1.0, 2.0])
    w = precode("ms-mrt", csi, power).weights
    np.testing.assert_allclose(_used(w), power, rtol=MACHINE_REL)
    c = np.sqrt(power / np.sum(np.abs(csi.rho) ** 2, axis=1))  # (S,)
    expected = np.sum(c[:, None] * np.abs(csi.rho) ** 2, axis=0)  # (K,)
    m = dense_stacked_mean_channel(csi)
    response = np.diag(m @ stacked(w))
    np.testing.assert_allclose(response, expected, rtol=MACHINE_REL)
    np.testing.assert_allclose(w, dense_matched_filter_per_satellite(csi, power),
                               rtol=MACHINE_REL)
    # equal budgets and equal per-satellite gains: responses are ||m_k||^2 times one scale
    same = random_csi(np.random.default_rng(2), 1, 4, 2, 2, scale=scale)
    w1 = precode("ms-mrt", same, 1.0).weights
    norms = np.sum(np.abs(same.rho) ** 2, axis=0)
    np.testing.assert_allclose(np.diag(dense_stacked_mean_channel(same) @ stacked(w1)),
                               norms / np.sqrt(np.sum(norms)), rtol=MACHINE_REL)


def test_mrt_is_the_initialiser_of_the_per_satellite_schemes():
    csi = random_csi(np.random.default_rng(3), 3, 4, 2, 2, scale="realistic")
    power = np.array([0.2, 1.0, 3.0])
    mrt = precode("ms-mrt", csi, power)
    assert mrt.n_iterations == 0 and mrt.history == () and mrt.multipliers is None
    for scheme in ("ms-jowmmse-psc", "ms-jomwmmse-psc"):
        np.testing.assert_array_equal(precode(scheme, csi, power, max_iter=0).weights,
                                      mrt.weights)


@pytest.mark.parametrize(("n_sat", "n_users", "scale"), [(3, 5, "unit"), (2, 9, "realistic"),
                                                         (3, 6, "realistic")])
def test_rzf_equals_the_dense_stacked_solve_and_meets_every_budget(n_sat, n_users, scale):
    csi = random_csi(np.random.default_rng(4), n_sat, n_users, 2, 2, scale=scale)
    power = np.linspace(0.5, 2.0, n_sat)
    raw, scaled = dense_rzf(csi, power)
    assert np.linalg.norm(rzf_directions(csi, power) - raw) <= SOLVE_REL * np.linalg.norm(raw)
    w = precode("ms-rzf", csi, power).weights
    assert np.linalg.norm(w - scaled) <= SOLVE_REL * np.linalg.norm(scaled)
    np.testing.assert_allclose(_used(w), power, rtol=MACHINE_REL)
    # each satellite keeps its own directions: W_s = c_s W'_s with c_s > 0
    ratio = np.sum(w * np.conj(raw), axis=(1, 2)) / _used(raw)
    np.testing.assert_allclose(ratio.imag, 0.0, atol=MACHINE_REL)
    np.testing.assert_allclose(w, ratio.real[:, None, None] * raw, rtol=SOLVE_REL)


def test_rzf_zero_forces_the_stacked_mean_channel_as_the_regulariser_vanishes():
    """xi = sum sigma^2 / P -> 0 (K <= S N_T): M W' -> I, interference nulled."""
    csi = random_csi(np.random.default_rng(5), 2, 5, 2, 2)
    m = dense_stacked_mean_channel(csi)
    product = m @ stacked(rzf_directions(csi, np.full(2, 1e9)))
    off = product - np.diag(np.diag(product))
    assert np.max(np.abs(off)) < ZF_REL
    np.testing.assert_allclose(np.diag(product), 1.0, rtol=ZF_REL)
    # a finite regulariser does not zero-force: the test above is not trivially true
    product = m @ stacked(rzf_directions(csi, np.full(2, 1.0)))
    assert np.max(np.abs(product - np.diag(np.diag(product)))) > 1e-3


def test_rzf_on_one_satellite_is_the_transmit_wiener_filter_of_ss_mmse():
    """S = 1: (53) is eq. (SS-MMSE) on the master's mean channel, both scaled to P."""
    csi = random_csi(np.random.default_rng(6), 1, 6, 3, 2, scale="realistic")
    a = precode("ms-rzf", csi, 2.0).weights
    b = precode("ss-mmse", csi, 2.0).weights
    assert np.linalg.norm(a - b) <= SOLVE_REL * np.linalg.norm(b)
    h = mean_channels(csi.rho, np.asarray(csi.steering))
    assert np.linalg.norm(h[0] @ a[0]) > 0.0
