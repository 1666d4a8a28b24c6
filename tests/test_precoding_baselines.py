"""SS-MMSE, SS-WMMSE and MS-SepWMMSE against direct N_T x N_T implementations (oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from coopsat.channel.structure import mean_channels
from coopsat.precoding import precode
from tests.oracle_precoding import dense_mmse, dense_wmmse, random_csi

ITERATE_REL = 1e-9  # batched K x K push-through form vs dense N_T x N_T solves
POWER_REL = 1e-12


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize(("n_users", "scale"), [(5, "unit"), (5, "realistic"), (9, "realistic")])
def test_ss_mmse_is_the_transmit_wiener_filter_of_the_master(n_users, scale):
    csi = random_csi(np.random.default_rng(1), 3, n_users, 2, 3, scale=scale)
    power = np.array([2.0, 1.0, 1.0])
    res = precode("ss-mmse", csi, power)
    h0 = mean_channels(csi.rho, np.asarray(csi.steering))[0]
    assert _rel(res.weights[0], dense_mmse(h0, csi.sigma2, 2.0)) < ITERATE_REL
    assert np.all(res.weights[1:] == 0.0)
    assert np.sum(np.abs(res.weights[0]) ** 2) == pytest.approx(2.0, rel=POWER_REL)
    assert res.n_iterations == 0
    assert res.history == ()


def test_ss_mmse_tends_to_zero_forcing_at_high_snr():
    """P -> inf: H W becomes diagonal (interference nulled) when K <= N_T."""
    csi = random_csi(np.random.default_rng(2), 1, 4, 3, 3)
    w = precode("ss-mmse", csi, 1e9).weights[0]
    hw = mean_channels(csi.rho, np.asarray(csi.steering))[0] @ w
    off = hw - np.diag(np.diag(hw))
    assert np.max(np.abs(off)) < 1e-6 * np.min(np.abs(np.diag(hw)))


@pytest.mark.parametrize(("n_users", "scale"), [(5, "unit"), (6, "realistic"), (9, "realistic")])
def test_ss_wmmse_matches_dense_christensen_every_iterate(n_users, scale):
    csi = random_csi(np.random.default_rng(3), 2, n_users, 2, 3, scale=scale)
    power = np.array([1.5, 0.7])
    res = precode("ss-wmmse", csi, power, record_history=True)
    h0 = mean_channels(csi.rho, np.asarray(csi.steering))[0]
    iterates, final = dense_wmmse(h0, csi.sigma2, 1.5)
    assert res.n_iterations == len(iterates) - 1
    for w_fast, w_dense in zip(res.history, iterates, strict=True):
        assert _rel(w_fast[0], w_dense) < ITERATE_REL
        assert np.all(w_fast[1] == 0.0)
    assert _rel(res.weights[0], final) < ITERATE_REL
    assert np.sum(np.abs(res.weights[0]) ** 2) == pytest.approx(1.5, rel=POWER_REL)


def test_ms_sepwmmse_runs_ss_wmmse_on_every_satellite_with_its_own_power():
    csi = random_csi(np.random.default_rng(4), 3, 6, 2, 2, scale="realistic")
    power = np.array([0.5, 1.0, 3.0])
    beta = np.array([1.0, 2.0, 1.0, 1.0, 0.5, 1.0])
    res = precode("ms-sepwmmse", csi, power, beta=beta, record_history=True)
    h = mean_channels(csi.rho, np.asarray(csi.steering))
    counts = []
    for s in range(3):
        iterates, final = dense_wmmse(h[s], csi.sigma2, power[s], beta=beta)
        counts.append(len(iterates) - 1)
        assert _rel(res.weights[s], final) < ITERATE_REL
        # a satellite that stopped early keeps its last iterate in the batch history
        for n, w_batch in enumerate(res.history):
            assert _rel(w_batch[s], iterates[min(n, counts[-1])]) < ITERATE_REL
    assert res.n_iterations == max(counts)
    np.testing.assert_allclose(np.sum(np.abs(res.weights) ** 2, axis=(1, 2)), power, rtol=1e-12)


def test_wmmse_improves_its_own_objective_over_the_matched_filter():
    """The WMMSE iteration is monotone in the mean-channel weighted sum rate it optimises."""
    csi = random_csi(np.random.default_rng(5), 1, 6, 2, 3)
    h0 = mean_channels(csi.rho, np.asarray(csi.steering))[0]

    def mean_channel_rate(w):
        resp = np.abs(h0 @ w) ** 2
        sig = np.diag(resp)
        return np.sum(np.log2(1 + sig / (resp.sum(axis=1) - sig + csi.sigma2)))

    res = precode("ss-wmmse", csi, 1.0, tol=-np.inf, record_history=True)
    rates = [mean_channel_rate(w[0]) for w in res.history]
    assert np.all(np.diff(rates) > -1e-12)
    assert rates[-1] > rates[0] + 0.1
