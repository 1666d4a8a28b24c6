"""Rate evaluation: R_AP1 (13), R_AP2 (23) and Monte Carlo R_E against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.sampler import sample_channels
from coopsat.channel.structure import steering_projections
from coopsat.precoding import (
    evaluate_history,
    evaluate_rates,
    precode,
    rate_ap1,
    rate_ap2,
    rate_mc,
    scale_per_satellite,
)
from coopsat.precoding.mwmmse import receivers
from tests.oracle_precoding import (
    mse_conventional,
    mse_modified,
    omega,
    omega_tilde,
    random_csi,
    rbar,
    receiver_conventional,
    receiver_modified,
    stacked,
)

MACHINE_REL = 1e-12  # two exact evaluations of the same expression in double precision


def _random_weights(rng: np.random.Generator, csi: StatisticalCSI, power: float) -> np.ndarray:
    shape = (csi.n_satellites, csi.n_antennas, csi.n_users)
    w = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return w * np.sqrt(power / np.sum(np.abs(w) ** 2, axis=(1, 2)))[:, None, None]


@pytest.mark.parametrize("scale", ["unit", "realistic"])
def test_rate_ap1_equals_dense_eq13(scale):
    rng = np.random.default_rng(1)
    csi = random_csi(rng, 3, 5, 2, 3, scale=scale)
    w = _random_weights(rng, csi, 1.0)
    np.testing.assert_allclose(rate_ap1(csi, w), rbar(csi, w), rtol=MACHINE_REL)


@pytest.mark.parametrize("scale", ["unit", "realistic"])
def test_rate_ap2_is_log_inverse_conventional_mse_at_its_optimal_receiver(scale):
    rng = np.random.default_rng(2)
    csi = random_csi(rng, 3, 5, 2, 3, scale=scale, zeta2=0.5)
    w = _random_weights(rng, csi, 1.0)
    ws = stacked(w)
    expected = np.empty(5)
    for k in range(5):
        a = receiver_conventional(csi, ws, k)
        e = mse_conventional(csi, ws, k, a)
        expected[k] = np.log2(1 / e)
        # (39) minimises (23): perturbing the receiver raises the MSE
        for da in (1e-3 * abs(a), 1e-3j * abs(a)):
            assert mse_conventional(csi, ws, k, a + da) > e
    # the literal (23) loses ~eps / e_k to cancellation; 1e-9 covers e_k >= 1e-6
    np.testing.assert_allclose(rate_ap2(csi, w), expected, rtol=1e-9)
    assert np.all(rate_ap2(csi, w) <= rate_ap1(csi, w))  # Appendix A: (23) underrates the signal


def test_rate_mc_equals_direct_evaluation_on_explicit_full_channel_vectors():
    """Same draws (same seed): the rank-one shortcut equals |sum_s hbar^T w|^2 etc. literally."""
    rng = np.random.default_rng(3)
    csi = random_csi(rng, 3, 4, 2, 3, scale="realistic", zeta2=0.7)
    w = _random_weights(rng, csi, 2.0)
    n = 400
    fast = rate_mc(csi, w, n, np.random.default_rng(99))
    h = sample_channels(csi, n, np.random.default_rng(99))  # (n, S, K, N_T) hbar_{s,k}
    direct = np.zeros(4)
    for k in range(4):
        signal = np.abs(sum(h[:, s, k, :] @ w[s, :, k] for s in range(3))) ** 2
        interference = sum(
            np.abs(h[:, s, k, :] @ w[s, :, i]) ** 2 for s in range(3) for i in range(4) if i != k
        )
        direct[k] = np.mean(np.log2(1 + signal / (interference + csi.sigma2[k])))
    np.testing.assert_allclose(fast, direct, rtol=MACHINE_REL)


def test_standard_errors_and_control_variate_equal_a_direct_full_vector_computation():
    """Same draws: per-sample R_k from explicit hbar vectors, the control c_k from the dense
    Omega_k / Omega~_k means, the control-variate estimate as the mean of R_k - b c_k with b the
    least-squares slope fitted on the other half of the samples, standard errors std / sqrt(n)."""
    rng = np.random.default_rng(33)
    csi = random_csi(rng, 3, 4, 2, 2, scale="realistic", kappa=20.0, zeta2=0.4)
    w = _random_weights(rng, csi, 2.0)
    n, ws = 500, stacked(w)
    h = sample_channels(csi, n, np.random.default_rng(98)).transpose(0, 2, 1, 3)  # (n, K, S, N_T)
    resp = np.einsum("nkst,sti->nksi", h, w)  # hbar_{s,k}^T w_{s,i}
    r = np.empty((n, 4))
    cv = np.empty((n, 4))
    for k in range(4):
        signal = np.abs(resp[:, k, :, k].sum(axis=1)) ** 2
        interference = sum(np.abs(resp[:, k, :, i]) ** 2 for i in range(4) if i != k).sum(axis=1)
        r[:, k] = np.log2(1 + signal / (interference + csi.sigma2[k]))
        mean_s = np.real(np.conj(ws[:, k]) @ omega(csi, k) @ ws[:, k])
        om_t = omega_tilde(csi, k)
        mean_i = sum(np.real(np.conj(ws[:, i]) @ om_t @ ws[:, i]) for i in range(4) if i != k)
        total = mean_s + mean_i + csi.sigma2[k]
        cv[:, k] = (signal - mean_s) / total - mean_s * (interference - mean_i) / (
            (mean_i + csi.sigma2[k]) * total
        )
    plain = evaluate_rates(csi, w, n_samples=n, rng=np.random.default_rng(98))
    np.testing.assert_allclose(plain.r_e_stderr, r.std(axis=0, ddof=1) / np.sqrt(n), rtol=1e-10)
    expected_sum_se = r.sum(axis=1).std(ddof=1) / np.sqrt(n)
    assert plain.sum_r_e_stderr == pytest.approx(expected_sum_se, rel=1e-10)
    ctrl = evaluate_rates(
        csi, w, n_samples=n, rng=np.random.default_rng(98), estimator="control-variate"
    )
    # cross-fitting: each half corrected with the least-squares slope of the other half
    half = [slice(0, n // 2), slice(n // 2, n)]
    resid = np.empty((n, 4))
    for k in range(4):
        for mine, other in (half, half[::-1]):
            fit = np.linalg.lstsq(np.c_[np.ones(n // 2), cv[other, k]], r[other, k], rcond=None)
            resid[mine, k] = r[mine, k] - fit[0][1] * cv[mine, k]
    np.testing.assert_allclose(ctrl.r_e, resid.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(ctrl.r_e_stderr, resid.std(axis=0, ddof=1) / np.sqrt(n), rtol=1e-9)
    expected_sum_se = resid.sum(axis=1).std(ddof=1) / np.sqrt(n)
    assert ctrl.sum_r_e_stderr == pytest.approx(expected_sum_se, rel=1e-9)
    assert ctrl.sum_r_e_stderr < plain.sum_r_e_stderr / 2  # the control variate pays here


def test_rate_mc_single_link_matches_rician_integral():
    """S = K = 1: |g|^2 = gamma / (2 (kappa + 1)) X with X ~ noncentral chi2(2, 2 kappa), so
    E{R} = E{log2(1 + snr X)} by quadrature; the Monte Carlo mean is within 5 standard errors."""
    rng = np.random.default_rng(4)
    kappa, zeta2 = 2.0, 0.8  # the phase error must not matter for a single link
    csi = random_csi(rng, 1, 1, 2, 2, kappa=kappa, zeta2=zeta2)
    w = _random_weights(rng, csi, 1.0)
    t2 = abs(csi.steering[0, 0] @ w[0, :, 0]) ** 2
    snr = csi.gamma[0, 0] * t2 / (2 * (kappa + 1) * csi.sigma2[0])
    dist = stats.ncx2(2, 2 * kappa)
    mean = integrate.quad(lambda x: np.log2(1 + snr * x) * dist.pdf(x), 0, np.inf)[0]
    second = integrate.quad(lambda x: np.log2(1 + snr * x) ** 2 * dist.pdf(x), 0, np.inf)[0]
    n = 200_000
    five_se = 5 * np.sqrt(second - mean**2) / np.sqrt(n)
    assert abs(rate_mc(csi, w, n, np.random.default_rng(5))[0] - mean) < five_se


def test_rate_mc_is_deterministic_rbar_without_scattering_or_phase_error():
    """kappa = inf, zeta2 = 0: hbar = E{hbar}, every draw gives exactly Rbar_k of (13)."""
    rng = np.random.default_rng(6)
    csi = random_csi(rng, 3, 4, 2, 2, scale="realistic", kappa=np.inf, zeta2=0.0)
    w = _random_weights(rng, csi, 1.0)
    np.testing.assert_allclose(rate_mc(csi, w, 5, rng), rate_ap1(csi, w), rtol=1e-11)


def test_rbar_tracks_r_e_better_than_rap2_for_jomwmmse():
    """Fig. 5: R_AP1 stays close to R_E, R_AP2 deviates further (zeta2 = 0.5)."""
    csi = random_csi(
        np.random.default_rng(7), 3, 8, 3, 3, scale="realistic", kappa=10**2.5, zeta2=0.5
    )
    w = precode("ms-jomwmmse", csi, 3.0).weights
    rep = evaluate_rates(csi, w, n_samples=4000, rng=np.random.default_rng(8))
    assert abs(rep.sum_r_ap1 - rep.sum_r_e) < abs(rep.sum_r_ap2 - rep.sum_r_e)


def test_evaluate_rates_bundles_the_three_rates_and_power_used():
    rng = np.random.default_rng(9)
    csi = random_csi(rng, 2, 3, 2, 2)
    w = _random_weights(rng, csi, 1.5)
    rep = evaluate_rates(csi, w, n_samples=300, rng=np.random.default_rng(10))
    np.testing.assert_array_equal(rep.r_e, rate_mc(csi, w, 300, np.random.default_rng(10)))
    np.testing.assert_array_equal(rep.r_ap1, rate_ap1(csi, w))
    np.testing.assert_array_equal(rep.r_ap2, rate_ap2(csi, w))
    np.testing.assert_allclose(rep.power_used_w, [1.5, 1.5], rtol=MACHINE_REL)
    assert rep.sum_r_e == pytest.approx(np.sum(rep.r_e))
    assert rep.sum_r_ap1 == pytest.approx(np.sum(rep.r_ap1))
    assert rep.sum_r_ap2 == pytest.approx(np.sum(rep.r_ap2))
    assert rep.r_e.shape == rep.r_ap1.shape == rep.r_ap2.shape == rep.r_e_stderr.shape == (3,)
    assert 0 < rep.sum_r_e_stderr < rep.sum_r_e


def test_rates_reject_bad_inputs():
    rng = np.random.default_rng(11)
    csi = random_csi(rng, 2, 3, 2, 2)
    w = _random_weights(rng, csi, 1.0)
    with pytest.raises(ValueError, match=r"weights must have shape \(S, N_T, K\) = \(2, 4, 3\)"):
        rate_ap1(csi, w[:, :, :2])
    bad = w.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="weights contains NaN"):
        rate_ap2(csi, bad)
    with pytest.raises(ValueError, match="n_samples"):
        rate_mc(csi, w, 0, rng)
    with pytest.raises(TypeError, match="rng"):
        evaluate_rates(csi, w, rng=123)
    with pytest.raises(TypeError, match="StatisticalCSI"):
        rate_ap1({"gamma": 1}, w)


def test_evaluate_history_uses_common_draws_and_step_14_scaling():
    csi = random_csi(np.random.default_rng(12), 3, 5, 2, 2, scale="realistic", zeta2=0.5)
    power = np.array([0.2, 1.0, 1.0])
    res = precode("ms-jomwmmse", csi, power, record_history=True)
    reports = evaluate_history(csi, res.history, power, n_samples=300, rng=np.random.default_rng(3))
    assert len(reports) == res.n_iterations + 1
    # last iterate after step 14 is the output; same draws as a fresh generator with that seed
    final = evaluate_rates(csi, res.weights, n_samples=300, rng=np.random.default_rng(3))
    np.testing.assert_allclose(reports[-1].r_e, final.r_e, rtol=MACHINE_REL)
    np.testing.assert_allclose(reports[-1].r_ap1, final.r_ap1, rtol=MACHINE_REL)
    for rep in reports:
        assert np.all(rep.power_used_w <= power * (1 + MACHINE_REL))
    # common random numbers: iterate n evaluated alone with the same seed gives the same R_E
    w1 = scale_per_satellite(res.history[1], power)
    np.testing.assert_allclose(
        reports[1].r_e, rate_mc(csi, w1, 300, np.random.default_rng(3)), rtol=MACHINE_REL
    )
    raw = evaluate_history(
        csi, res.history, power, n_samples=10, rng=np.random.default_rng(3), scaled=False
    )
    np.testing.assert_allclose(raw[0].r_ap1, rate_ap1(csi, res.history[0]), rtol=MACHINE_REL)


def test_evaluations_draw_1000_samples_by_default():
    """n_samples defaults to 1000: the same reports as with n_samples=1000 and the same seed,
    and the generator left where 1000 draws leave it."""
    csi = random_csi(np.random.default_rng(2), 2, 3, 1, 2, scale="realistic", zeta2=0.3)
    w = _random_weights(np.random.default_rng(3), csi, 1.0)
    rng = np.random.default_rng(5)
    got = evaluate_rates(csi, w, rng=rng)
    explicit = evaluate_rates(csi, w, n_samples=1000, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(got.r_e, explicit.r_e)
    assert got.sum_r_e_stderr == explicit.sum_r_e_stderr
    after = np.random.default_rng(5)
    evaluate_rates(csi, w, n_samples=1000, rng=after)
    assert rng.random() == after.random()
    history = (w, 0.5 * w)
    got = evaluate_history(csi, history, 1.0, rng=np.random.default_rng(5))
    explicit = evaluate_history(csi, history, 1.0, n_samples=1000, rng=np.random.default_rng(5))
    for a, b in zip(got, explicit, strict=True):
        np.testing.assert_array_equal(a.r_e, b.r_e)
        assert a.sum_r_e_stderr == b.sum_r_e_stderr


def test_rate_mc_equals_an_independently_sampled_full_vector_monte_carlo():
    """Statistical check, not same-draw: hbar_{s,k} = a phi v drawn here from scratch
    (Rician a with LoS phase pi/4, phi = exp(j N(0, zeta2))), full N_T vectors, signal
    coherent over satellites and interference incoherent (Remark 1). Two independent Monte
    Carlo means agree within 5 standard errors of their difference, per UT."""
    rng = np.random.default_rng(31)
    csi = random_csi(rng, 3, 4, 2, 3, scale="realistic", kappa=4.0, zeta2=0.6)
    w = precode("ms-jomwmmse", csi, 2.0).weights
    n = 20_000
    fast = rate_mc(csi, w, n, np.random.default_rng(100))
    draw = np.random.default_rng(200)
    shape = (n, 3, 4)
    gamma, kappa = np.asarray(csi.gamma), np.asarray(csi.kappa)
    los = np.sqrt(gamma * kappa / (kappa + 1)) * np.exp(1j * np.pi / 4)
    nlos = np.sqrt(gamma / (kappa + 1) / 2) * (
        draw.standard_normal(shape) + 1j * draw.standard_normal(shape)
    )
    phi = np.exp(1j * draw.normal(0.0, np.sqrt(np.asarray(csi.zeta2)), shape))
    h = ((los + nlos) * phi)[..., None] * np.asarray(csi.steering)[None]  # (n, S, K, N_T)
    resp = np.einsum("nskt,sti->nski", h, w)  # hbar_{s,k}^T w_{s,i}
    own = np.einsum("nskk->nsk", resp)
    signal = np.abs(own.sum(axis=1)) ** 2
    interference = np.sum(np.abs(resp) ** 2, axis=(1, 3)) - np.sum(np.abs(own) ** 2, axis=1)
    r = np.log2(1 + signal / (interference + csi.sigma2))  # (n, K)
    se = r.std(axis=0) / np.sqrt(n)  # both means: same estimator, same n, same error
    diff = fast - r.mean(axis=0)
    assert np.all(np.abs(diff) < 5 * np.sqrt(2) * se), (diff, se)
    # and the test has teeth: dropping the coherent cross-satellite terms moves R_E by far more
    incoherent = np.log2(1 + np.sum(np.abs(own) ** 2, axis=1) / (interference + csi.sigma2))
    assert np.all(np.abs(incoherent.mean(0) - r.mean(0)) > 20 * se)


@pytest.mark.parametrize("scale", ["unit", "realistic"])
def test_production_mse_at_the_optimal_receivers_gives_rbar_and_rap2(scale):
    """Steps 7-8 of the fast path: log2(1 / e~_k) = Rbar_k (13) for the modified MSE at (32),
    log2(1 / e_k) = R_AP2 for (23) at (39); both against the literal (27) / (23) of the oracle."""
    rng = np.random.default_rng(32)
    csi = random_csi(rng, 3, 5, 2, 3, scale=scale, zeta2=0.5)
    w = _random_weights(rng, csi, 1.0)
    t = steering_projections(np.asarray(csi.steering), w)
    mod = receivers(csi, t, modified=True)
    conv = receivers(csi, t, modified=False)
    np.testing.assert_allclose(np.log2(1 / mod.mse), rate_ap1(csi, w), rtol=1e-12)
    np.testing.assert_allclose(np.log2(1 / conv.mse), rate_ap2(csi, w), rtol=1e-12)
    np.testing.assert_allclose(np.log2(1 / mod.mse), rbar(csi, w), rtol=1e-12)
    ws = stacked(w)
    for k in range(5):
        a = receiver_modified(csi, ws, k)
        assert mod.mse[k] == pytest.approx(mse_modified(csi, ws, k, a), rel=1e-9)
        assert mod.receiver_norm2[k] == pytest.approx(np.vdot(a, a).real, rel=1e-12)
        b = receiver_conventional(csi, ws, k)
        assert conv.mse[k] == pytest.approx(mse_conventional(csi, ws, k, b), rel=1e-9)
        assert conv.receiver_norm2[k] == pytest.approx(abs(b) ** 2, rel=1e-12)
