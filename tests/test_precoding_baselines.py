"""SS-MMSE, SS-WMMSE and MS-SepWMMSE against direct N_T x N_T implementations (oracle)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from coopsat.channel.structure import mean_channels
from coopsat.precoding import precode
from coopsat.precoding.wmmse import _wmmse_receivers, wmmse
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


# ---------------------------------------------------------------- the batched WMMSE loop itself


def _master_and_second(seed: int, n_users: int):
    csi = random_csi(np.random.default_rng(seed), 2, n_users, 2, 3, scale="realistic")
    return csi, mean_channels(csi.rho, np.asarray(csi.steering))


def test_wmmse_counts_every_members_updates_and_keeps_no_history_by_default():
    """Two satellites in one batch, stopping at different passes: each member's count is the
    dense loop's, n_iterations is the largest (an int), and the history has one iterate per
    pass plus the start, only when asked for."""
    csi, h = _master_and_second(6, 5)
    power, beta = np.array([1.0, 0.3]), np.ones(5)
    plain = wmmse(h, csi.sigma2, power, beta, max_iter=10, tol=1e-3)
    assert plain.history == ()
    out = wmmse(h, csi.sigma2, power, beta, max_iter=10, tol=1e-3, record_history=True)
    counts = [len(dense_wmmse(h[s], csi.sigma2, power[s])[0]) - 1 for s in range(2)]
    assert counts[0] != counts[1]  # the members really stop at different passes
    np.testing.assert_array_equal(out.member_iterations, counts)
    np.testing.assert_array_equal(plain.member_iterations, counts)
    assert type(out.n_iterations) is int and out.n_iterations == max(counts)
    assert plain.n_iterations == max(counts)
    assert len(out.history) == max(counts) + 1


def test_wmmse_stops_at_a_pass_that_gains_exactly_chi():
    """The rule is 'stop when sum_k log2(e'_k / e_k) <= chi': a pass gaining exactly chi stops
    the loop after one update, one gaining just above it does not."""
    csi, h = _master_and_second(7, 4)
    h, power, beta = h[:1], np.array([1.0]), np.ones(4)
    out = wmmse(h, csi.sigma2, power, beta, max_iter=3, tol=-np.inf, record_history=True)
    mse = [_wmmse_receivers(h, w, csi.sigma2)[1] for w in out.history[:2]]
    gain = float(np.sum(np.log2(mse[0] / mse[1])))  # the loop's own arithmetic
    assert gain > 0.0
    assert wmmse(h, csi.sigma2, power, beta, max_iter=3, tol=gain).n_iterations == 1
    below = np.nextafter(gain, -np.inf)
    assert wmmse(h, csi.sigma2, power, beta, max_iter=3, tol=below).n_iterations >= 2


def test_a_satellite_that_stopped_stays_stopped_under_a_negative_chi():
    """With unequal rate weights the unweighted gain of the stopping rule can be negative: with
    chi < 0 a satellite stops at its first pass gaining <= chi and keeps that iterate, although
    its frozen iterate 'gains' 0 > chi on the next pass (dense loop per satellite)."""
    csi = random_csi(np.random.default_rng(0), 2, 4, 2, 2)
    beta = np.array([20.0, 0.05, 1.0, 0.05])
    res = precode("ms-sepwmmse", csi, 1.0, beta=beta, max_iter=4, tol=-0.1)
    h = mean_channels(csi.rho, np.asarray(csi.steering))
    counts = []
    for s in range(2):
        iterates, final = dense_wmmse(h[s], csi.sigma2, 1.0, beta=beta, max_iter=4, tol=-0.1)
        counts.append(len(iterates) - 1)
        assert _rel(res.weights[s], final) < ITERATE_REL
    assert min(counts) < 4 and res.n_iterations == max(counts)


def test_the_matched_filter_start_leaves_a_ut_without_mean_channel_unserved():
    """kappa = 0 on the master for UT 0: its mean channel is zero, so its matched-filter column
    is zero and the others get conj(h_k) / ||h_k|| sqrt(P / K), as written."""
    csi = random_csi(np.random.default_rng(8), 2, 4, 2, 2, scale="realistic")
    kappa = np.asarray(csi.kappa).copy()
    kappa[0, 0] = 0.0
    csi = dataclasses.replace(csi, kappa=kappa)
    h0 = mean_channels(csi.rho, np.asarray(csi.steering))[0]
    assert np.all(h0[0] == 0.0)
    want = np.zeros((4, 4), dtype=complex)
    for k in range(1, 4):
        want[:, k] = np.conj(h0[k]) / np.linalg.norm(h0[k]) * np.sqrt(2.0 / 4)
    for scheme in ("ss-wmmse", "ms-sepwmmse"):
        start = precode(scheme, csi, 2.0, record_history=True).history[0][0]
        np.testing.assert_allclose(start, want, rtol=0, atol=1e-15 * np.max(np.abs(want)))


def test_wmmse_takes_a_real_initialiser_as_complex_precoders():
    """A real init (e.g. a real-valued design) is copied as complex precoders: the outcome of
    zero updates is that init, complex, and not the caller's array."""
    csi, h = _master_and_second(9, 3)
    init = np.real(np.swapaxes(np.conj(h), 1, 2)).copy()
    out = wmmse(h, csi.sigma2, np.ones(2), np.ones(3), max_iter=0, tol=1e-3, init=init,
                record_history=True)
    assert out.weights.dtype == np.complex128 and out.history[0].dtype == np.complex128
    np.testing.assert_array_equal(out.weights, init)
    assert not np.shares_memory(out.weights, init)
