"""Many precoders on shared draws (``evaluate_many``): today's numbers bit for bit, batched ==
single, standard errors against the spread of independent repetitions, the control variate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import coopsat.precoding.montecarlo as montecarlo
from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.sampler import draw_standard, sample_channels
from coopsat.channel.structure import steering_projections
from coopsat.precoding.power import scale_per_satellite
from coopsat.precoding.rates import (
    ESTIMATORS,
    evaluate_history,
    evaluate_many,
    evaluate_rates,
    rate_ap1,
    rate_mc,
)
from coopsat.precoding.schemes import precode
from tests.oracle_precoding import random_csi
from tests.test_channel_sampler import todays_sample_link_gains

# (S, K, nv, nh, n): paper-like, single UT (numpy sums a (n, 1) array pairwise), single satellite,
# one sample (no standard error), odd sizes
SHAPES = [(5, 12, 3, 3, 400), (3, 1, 2, 2, 57), (1, 4, 2, 2, 300), (4, 6, 2, 3, 1), (2, 3, 1, 2, 9)]
N_REPS = 200  # independent repetitions for the standard-error check
# the ratio (empirical std of N_REPS estimates) / (true SE) lies in this band with probability
# 1 - 1e-4 for normal estimates: sqrt(chi2(N_REPS - 1) / (N_REPS - 1)) quantiles
SE_BAND = tuple(
    float(np.sqrt(stats.chi2.ppf(q, N_REPS - 1) / (N_REPS - 1))) for q in (0.5e-4, 1 - 0.5e-4)
)
Z_MAX = 4.5  # a mean difference within 4.5 of its standard errors (P(miss) ~ 7e-6)
DIRECT_REL = 1e-10  # compact rank-one path vs explicit full channel vectors, same draws


def todays_rate_mc(csi, weights, n_samples, rng):
    """R_E per UT as computed before StandardDraws (commit b1d05df), verbatim."""
    g = todays_sample_link_gains(csi, n_samples, rng)
    t = steering_projections(np.asarray(csi.steering), weights)  # (S, K, K)
    n_users = t.shape[1]
    diag = np.arange(n_users)
    own = t[:, diag, diag]  # (S, K)
    cross = np.abs(t) ** 2
    cross[:, diag, diag] = 0.0
    leak = np.sum(cross, axis=2)
    signal = np.abs(np.einsum("nsk,sk->nk", g, own)) ** 2
    interference = np.einsum("nsk,sk->nk", np.abs(g) ** 2, leak)
    sinr = signal / (interference + np.asarray(csi.sigma2, dtype=float))
    return np.mean(np.log1p(sinr), axis=0) / np.log(2.0)


def _weights(rng, csi, n_prec, power=2.0):
    shape = (n_prec, csi.n_satellites, csi.n_antennas, csi.n_users)
    w = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return w * np.sqrt(power / np.sum(np.abs(w) ** 2, axis=(2, 3)))[..., None, None]


def _case(shape, seed=0, n_prec=4):
    s, k, nv, nh, n = shape
    csi = random_csi(np.random.default_rng(seed), s, k, nv, nh, scale="realistic", zeta2=None)
    return csi, _weights(np.random.default_rng(seed + 1), csi, n_prec), n


@pytest.mark.parametrize("shape", SHAPES)
def test_shared_draws_reproduce_todays_rate_mc_bit_for_bit(shape):
    csi, w, n = _case(shape)
    draws = draw_standard(n, csi.n_satellites * csi.n_users, np.random.default_rng(42))
    many = evaluate_many(csi, w, draws)
    for p in range(len(w)):
        today = todays_rate_mc(csi, w[p], n, np.random.default_rng(42))
        np.testing.assert_array_equal(many.r_e[p], today)
        np.testing.assert_array_equal(rate_mc(csi, w[p], n, np.random.default_rng(42)), today)
        one = evaluate_rates(csi, w[p], n_samples=n, rng=np.random.default_rng(42))
        np.testing.assert_array_equal(one.r_e, today)


def test_draws_for_the_largest_satellite_set_reproduce_todays_rates_for_every_smaller_set():
    """Fig. 6: one draw for S_max serves S = 1..S_max exactly as a fresh generator per S did."""
    csi, w, n = _case((4, 5, 2, 2, 200), n_prec=2)
    draws = draw_standard(n, 4 * 5, np.random.default_rng(8))
    for s in range(1, 5):
        sub = StatisticalCSI(
            csi.gamma[:s], csi.kappa[:s], csi.zeta2[:s], csi.steering[:s], csi.sigma2
        )
        many = evaluate_many(sub, w[:, :s], draws)
        for p in range(2):
            today = todays_rate_mc(sub, w[p, :s], n, np.random.default_rng(8))
            np.testing.assert_array_equal(many.r_e[p], today)


def _assert_reports_identical(a, b):
    for field in ("r_e", "r_ap1", "r_ap2", "power_used_w", "r_e_stderr"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    np.testing.assert_array_equal(a.sum_r_e_stderr, b.sum_r_e_stderr)  # NaN == NaN here


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("shape", SHAPES)
def test_batched_evaluation_equals_one_precoder_at_a_time_bit_for_bit(shape, estimator):
    """Every field of reports[p] is identical to evaluating precoder p alone, whatever its
    position in the batch and however the batch is split into cache blocks."""
    csi, w, n = _case(shape, seed=3, n_prec=5)
    if estimator == "control-variate" and n < 4:
        return  # rejected (test_bad_inputs)
    links = csi.n_satellites * csi.n_users
    many = evaluate_many(
        csi, w, draw_standard(n, links, np.random.default_rng(5)), estimator=estimator
    )
    reverse = evaluate_many(
        csi, w[::-1], draw_standard(n, links, np.random.default_rng(5)), estimator=estimator
    )
    assert len(many) == 5 and many.n_samples == n and many.estimator == estimator
    for p in range(5):
        one = evaluate_rates(
            csi, w[p], n_samples=n, rng=np.random.default_rng(5), estimator=estimator
        )
        _assert_reports_identical(many[p], one)
        _assert_reports_identical(reverse[4 - p], one)
    assert many.sum_r_e.shape == many.sum_r_ap1.shape == many.sum_r_ap2.shape == (5,)
    np.testing.assert_array_equal(many.sum_r_e, [many[p].sum_r_e for p in range(5)])


def test_cache_blocks_do_not_change_the_results(monkeypatch):
    csi, w, n = _case(SHAPES[0], seed=4, n_prec=7)
    draws = draw_standard(n, csi.n_satellites * csi.n_users, np.random.default_rng(6))
    whole = evaluate_many(csi, w, draws, estimator="control-variate")
    plain = evaluate_many(csi, w, draws)
    monkeypatch.setattr(montecarlo, "_BLOCK_ELEMENTS", 2 * n * csi.n_users)  # blocks of 2, 2, 2, 1
    _assert_reports_identical(evaluate_many(csi, w, draws, estimator="control-variate"), whole)
    _assert_reports_identical(evaluate_many(csi, w, draws), plain)


def test_a_precoder_whose_samples_exceed_a_block_is_evaluated_alone(monkeypatch):
    """Memory: a block holds _BLOCK_ELEMENTS // (n K) precoders, and a precoder whose samples
    alone exceed the block goes through on its own (one precoder's samples, not two)."""
    csi, w, n = _case((2, 3, 1, 2, 10), seed=2, n_prec=4)
    draws = draw_standard(n, 6, np.random.default_rng(2))
    whole = evaluate_many(csi, w, draws)
    sizes, sample_terms = [], montecarlo._sample_terms

    def spy(csi, t, *args):
        sizes.append(t.shape[0])  # precoders in this block
        return sample_terms(csi, t, *args)

    monkeypatch.setattr(montecarlo, "_sample_terms", spy)
    for elements, blocks in [(n * 3 - 1, [1, 1, 1, 1]), (3 * n * 3, [3, 1])]:
        sizes.clear()
        monkeypatch.setattr(montecarlo, "_BLOCK_ELEMENTS", elements)
        _assert_reports_identical(evaluate_many(csi, w, draws), whole)
        assert sizes == blocks


def test_history_uses_one_draw_and_equals_each_scaled_iterate_alone():
    csi = random_csi(np.random.default_rng(12), 3, 5, 2, 2, scale="realistic", zeta2=0.5)
    power = np.array([0.2, 1.0, 1.0])
    res = precode("ms-jomwmmse", csi, power, record_history=True)
    reports = evaluate_history(csi, res.history, power, n_samples=300, rng=np.random.default_rng(3))
    assert len(reports) == len(res.history)
    for rep, iterate in zip(reports, res.history, strict=True):
        scaled = scale_per_satellite(iterate, power)
        today = todays_rate_mc(csi, scaled, 300, np.random.default_rng(3))
        np.testing.assert_array_equal(rep.r_e, today)
        _assert_reports_identical(
            rep, evaluate_rates(csi, scaled, n_samples=300, rng=np.random.default_rng(3))
        )


@pytest.mark.parametrize("scaled", [True, False])
def test_history_with_the_control_variate_equals_each_iterate_alone(scaled):
    """The estimator reaches every iterate: each report equals the control-variate evaluation
    of that (scaled) iterate alone on the same draws, and differs from the sample mean's."""
    csi, w, n = _case((2, 3, 1, 2, 40), seed=4, n_prec=3)
    power = np.array([0.5, 2.0])
    history = tuple(w)
    reports = evaluate_history(csi, history, power, n_samples=n, rng=np.random.default_rng(6),
                               scaled=scaled, estimator="control-variate")
    for rep, iterate in zip(reports, history, strict=True):
        alone = scale_per_satellite(iterate, power) if scaled else iterate
        cv = evaluate_rates(csi, alone, n_samples=n, rng=np.random.default_rng(6),
                            estimator="control-variate")
        _assert_reports_identical(rep, cv)
        mean = evaluate_rates(csi, alone, n_samples=n, rng=np.random.default_rng(6))
        assert not np.array_equal(rep.r_e, mean.r_e)


def _unit_spread(z):
    """z centred along the last axis and scaled to RMS 1 there."""
    z = z - np.mean(z, axis=-1, keepdims=True)
    return z / np.sqrt(np.mean(z * z, axis=-1, keepdims=True))


def test_control_slope_is_zero_below_the_round_off_floor_and_least_squares_above():
    """``_slope`` on (P, K, m) = (4, 1, 8), one call: controls of RMS spread 0.5 and 0.99 times
    ``_CONTROL_FLOOR`` (round-off) get slope 0 however y moves with them; spreads 1e-9 and 1 get
    the least-squares slope of y on c, computed on the unit-spread control (lstsq) and rescaled."""
    floor = montecarlo._CONTROL_FLOOR
    spread = np.array([0.5 * floor, 0.99 * floor, 1e-9, 1.0])[:, None, None]
    rng = np.random.default_rng(11)
    z = _unit_spread(rng.standard_normal((4, 1, 8)))
    y = 2.0 + 0.7 * z + 0.1 * rng.standard_normal((4, 1, 8))
    got = montecarlo._slope(y, spread * z)
    assert got.shape == (4, 1, 1)
    assert np.all(got[:2] == 0.0)
    for p in (2, 3):
        fit = np.linalg.lstsq(np.c_[np.ones(8), z[p, 0]], y[p, 0], rcond=None)[0][1]
        assert got[p, 0, 0] == pytest.approx(fit / spread[p, 0, 0], rel=1e-10)


def test_control_slope_of_a_constant_response_is_zero_whatever_its_level():
    """A response that does not vary has slope 0: its level (1e8 here) must not leak in
    through the round-off of the centred control's sum."""
    c = _unit_spread(np.random.default_rng(12).standard_normal((3, 2, 9)))
    assert np.all(montecarlo._slope(np.full((3, 2, 9), 1e8), c) == 0.0)


# --- standard errors --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def repetitions():
    """N_REPS independent evaluations (independent seeds) of two precoders with both
    estimators on the same draws: a joint precoder and a random one, realistic link budget."""
    csi = random_csi(np.random.default_rng(40), 3, 4, 2, 2, scale="realistic", kappa=30.0)
    csi = StatisticalCSI(csi.gamma, csi.kappa, np.full((3, 4), 0.4), csi.steering, csi.sigma2)
    w = np.stack(
        [precode("ms-jomwmmse", csi, 1.0).weights, _weights(np.random.default_rng(41), csi, 1)[0]]
    )
    out = {e: [] for e in ESTIMATORS}
    for rep in range(N_REPS):
        draws = draw_standard(
            400, 12, np.random.default_rng(np.random.SeedSequence(9, spawn_key=(rep,)))
        )
        for e in ESTIMATORS:
            r = evaluate_many(csi, w, draws, estimator=e)
            out[e].append((r.sum_r_e, r.sum_r_e_stderr, r.r_e, r.r_e_stderr))
    return {e: [np.array(v) for v in zip(*out[e], strict=True)] for e in ESTIMATORS}


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_reported_standard_error_matches_the_spread_of_independent_repetitions(
    repetitions, estimator
):
    total, total_se, per_ut, per_ut_se = repetitions[estimator]  # (R, P), (R, P, K)
    ratio = np.std(total, axis=0, ddof=1) / np.mean(total_se, axis=0)
    assert np.all((SE_BAND[0] < ratio) & (ratio < SE_BAND[1])), (ratio, SE_BAND)
    ratio_ut = np.std(per_ut, axis=0, ddof=1) / np.mean(per_ut_se, axis=0)
    # 8 per-UT ratios: the band at 1 - 1e-4 each still holds with probability ~ 1 - 1e-3
    assert np.all((SE_BAND[0] < ratio_ut) & (ratio_ut < SE_BAND[1])), ratio_ut


def test_control_variate_is_unbiased_and_much_more_precise_than_the_mean(repetitions):
    """Same draws, two estimators: their difference averages to zero within Z_MAX standard
    errors, and the control variate's spread is several times smaller (the SE test has teeth:
    the plain SE would be far outside SE_BAND for the control-variate estimates)."""
    plain, cv = repetitions["mean"][0], repetitions["control-variate"][0]
    diff = cv - plain
    z = np.mean(diff, axis=0) / (np.std(diff, axis=0, ddof=1) / np.sqrt(N_REPS))
    assert np.all(np.abs(z) < Z_MAX), z
    gain = np.var(plain, axis=0, ddof=1) / np.var(cv, axis=0, ddof=1)
    assert np.all(gain > 3.0), gain
    assert np.all(np.mean(repetitions["mean"][1], axis=0) / np.std(cv, axis=0) > SE_BAND[1])


def test_cross_fitted_control_variate_is_unbiased_even_with_eight_samples():
    """n = 8: paired with the (unbiased) sample mean on the same draws, the control-variate
    estimates average to the same value within Z_MAX standard errors over 1500 repetitions. A
    slope fitted on the same samples instead of the other half fails this (measured z = 7.8)."""
    csi = random_csi(np.random.default_rng(40), 3, 4, 2, 2, scale="realistic", kappa=30.0)
    csi = StatisticalCSI(csi.gamma, csi.kappa, np.full((3, 4), 0.4), csi.steering, csi.sigma2)
    w = precode("ms-jomwmmse", csi, 1.0).weights[None]
    diff = np.empty(1500)
    for rep in range(diff.size):
        draws = draw_standard(
            8, 12, np.random.default_rng(np.random.SeedSequence(3, spawn_key=(rep,)))
        )
        cv = evaluate_many(csi, w, draws, estimator="control-variate").sum_r_e[0]
        diff[rep] = cv - evaluate_many(csi, w, draws).sum_r_e[0]
    z = np.mean(diff) / (np.std(diff, ddof=1) / np.sqrt(diff.size))
    assert abs(z) < Z_MAX, z


def _without_randomness():
    """kappa = inf, zeta2 = 0 (every sample is Rbar_k of eq. 13) and two random precoders."""
    csi = random_csi(
        np.random.default_rng(6), 3, 4, 2, 2, scale="realistic", kappa=np.inf, zeta2=0.0
    )
    return csi, _weights(np.random.default_rng(7), csi, 2)


def test_control_variate_is_exact_without_randomness_and_the_mean_without_spread():
    """kappa = inf, zeta2 = 0: every sample is Rbar_k (13); both estimators return it, SE 0."""
    csi, w = _without_randomness()
    draws = draw_standard(20, 12, np.random.default_rng(1))
    for e in ESTIMATORS:
        r = evaluate_many(csi, w, draws, estimator=e)
        for p in range(2):
            np.testing.assert_allclose(r.r_e[p], rate_ap1(csi, w[p]), rtol=1e-11)
        np.testing.assert_allclose(r.sum_r_e_stderr, 0.0, atol=1e-12 * np.max(r.sum_r_e))


@pytest.mark.parametrize("n_users", [3, 1])
def test_one_sample_reports_nan_standard_errors_without_warnings(n_users):
    csi, w, _ = _case((2, n_users, 1, 2, 1))
    rep = evaluate_rates(csi, w[0], n_samples=1, rng=np.random.default_rng(0))
    assert np.isnan(rep.sum_r_e_stderr) and np.all(np.isnan(rep.r_e_stderr))
    assert np.all(np.isfinite(rep.r_e))


def _direct_sinr(csi, w, n, seed):
    """(P, n, K) per-sample SINR of precoders w (P, S, N_T, K) from explicit full channel vectors
    hbar_{s,k} (``sample_channels``, the draws ``draw_standard(n, S K, rng(seed))`` makes):
    signal |sum_s hbar^T w_k|^2, interference sum_{i != k} sum_s |hbar^T w_i|^2 (Remark 1)."""
    h = sample_channels(csi, n, np.random.default_rng(seed)).transpose(0, 2, 1, 3)  # (n,K,S,N_T)
    resp = np.einsum("nkst,psti->pnksi", h, w)  # hbar_{s,k}^T w_{s,i}
    own = np.arange(csi.n_users)
    signal = np.abs(resp.sum(axis=3)[..., own, own]) ** 2
    power = np.sum(np.abs(resp) ** 2, axis=3)  # (P, n, K, K) summed over satellites
    interference = np.sum(np.where(np.eye(csi.n_users, dtype=bool), 0.0, power), axis=-1)
    return signal / (interference + csi.sigma2)


def test_two_samples_give_half_the_difference_as_standard_error():
    """n = 2, the smallest size with a spread: the sample standard deviation of two values
    over sqrt(2) is |R_1 - R_2| / 2, per UT and for the sum over UTs."""
    csi, w, _ = _case((2, 3, 1, 2, 2), seed=9, n_prec=2)
    rates = np.log2(1.0 + _direct_sinr(csi, w, 2, 13))  # (P, 2, K)
    got = evaluate_many(csi, w, draw_standard(2, 6, np.random.default_rng(13)))
    np.testing.assert_allclose(got.r_e, rates.mean(axis=1), rtol=DIRECT_REL)
    diff = rates[:, 0] - rates[:, 1]
    np.testing.assert_allclose(got.r_e_stderr, np.abs(diff) / 2, rtol=DIRECT_REL)
    np.testing.assert_allclose(got.sum_r_e_stderr, np.abs(diff.sum(axis=-1)) / 2, rtol=DIRECT_REL)


def test_control_variate_accepts_exactly_four_samples():
    """n_samples = 4, the smallest size the cross-fitted halves allow (3 is refused): on a
    channel without randomness every sample is Rbar_k (13), and so is the estimate."""
    csi, w = _without_randomness()
    many = evaluate_many(csi, w, draw_standard(4, 12, np.random.default_rng(1)),
                         estimator="control-variate")
    one = evaluate_rates(csi, w[1], n_samples=4, rng=np.random.default_rng(1),
                         estimator="control-variate")
    for p in range(2):
        np.testing.assert_allclose(many.r_e[p], rate_ap1(csi, w[p]), rtol=1e-11)
    np.testing.assert_allclose(one.r_e, rate_ap1(csi, w[1]), rtol=1e-11)


# --- link abstraction (SINR -> bit/s/Hz inside the expectation) -------------------------------
LINK_ALPHA, LINK_CAP, LINK_SINR_MIN = 0.8, 0.45, 0.05  # attenuated, capped and cut off


def _capped_shannon(sinr):
    """An attenuated, truncated Shannon mapping (the shape of TR 36.942's), bit/s/Hz."""
    se = np.minimum(LINK_ALPHA * np.log2(1.0 + sinr), LINK_CAP)
    return np.where(sinr < LINK_SINR_MIN, 0.0, se)


def _capped_shannon_scalar(sinr):
    """The same mapping written for one Python number."""
    return 0.0 if sinr < LINK_SINR_MIN else min(LINK_ALPHA * float(np.log2(1.0 + sinr)), LINK_CAP)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_link_log2_one_plus_sinr_reproduces_the_default_estimate(estimator):
    csi, w, n = _case((3, 4, 2, 2, 60), seed=21, n_prec=2)
    draws = draw_standard(n, 12, np.random.default_rng(23))
    default = evaluate_many(csi, w, draws, estimator=estimator)
    shannon = evaluate_many(csi, w, draws, estimator=estimator, link=lambda x: np.log2(1.0 + x))
    # log2(1 + x) against log1p(x) / ln 2: a few ulp per sample
    for field in ("r_e", "r_e_stderr", "sum_r_e_stderr"):
        np.testing.assert_allclose(getattr(shannon, field), getattr(default, field), rtol=1e-12,
                                   err_msg=field)
    np.testing.assert_array_equal(shannon.r_ap1, default.r_ap1)  # the link is for R_E only


def test_a_capped_link_gives_the_direct_monte_carlo_mean_of_the_mapping():
    """The mean estimator with a link: the average of link(SINR) over the per-sample SINRs of
    explicit channel vectors on the same draws, its standard errors std / sqrt(n)."""
    csi, w, n = _case((3, 4, 2, 2, 300), seed=21, n_prec=2)
    draws = draw_standard(n, 12, np.random.default_rng(23))
    se = _capped_shannon(_direct_sinr(csi, w, n, 23))  # (P, n, K)
    capped = np.mean(se == LINK_CAP)
    cut = np.mean(se == 0.0)
    assert 0.1 < capped < 0.5 and 0.02 < cut < 0.3, (capped, cut)  # every branch is used
    got = evaluate_many(csi, w, draws, link=_capped_shannon)
    np.testing.assert_allclose(got.r_e, se.mean(axis=1), rtol=DIRECT_REL)
    np.testing.assert_allclose(got.r_e_stderr, se.std(axis=1, ddof=1) / np.sqrt(n),
                               rtol=DIRECT_REL)
    np.testing.assert_allclose(got.sum_r_e_stderr, se.sum(axis=-1).std(axis=1, ddof=1)
                               / np.sqrt(n), rtol=DIRECT_REL)
    assert np.all(got.r_e < 0.8 * evaluate_many(csi, w, draws).r_e)


def test_a_link_written_for_numbers_and_vectorised_with_frompyfunc_is_accepted():
    """np.frompyfunc returns object arrays; they are read as floats: the same estimate, within
    a few ulp (scalar and vector log2), as the numpy mapping, a float64 result."""
    csi, w, n = _case((3, 4, 2, 2, 60), seed=21, n_prec=2)
    draws = draw_standard(n, 12, np.random.default_rng(23))
    for estimator in ESTIMATORS:
        vector = evaluate_many(csi, w, draws, estimator=estimator, link=_capped_shannon)
        scalar = evaluate_many(csi, w, draws, estimator=estimator,
                               link=np.frompyfunc(_capped_shannon_scalar, 1, 1))
        assert scalar.r_e.dtype == scalar.r_e_stderr.dtype == np.float64
        np.testing.assert_allclose(scalar.r_e, vector.r_e, rtol=1e-13)
        np.testing.assert_allclose(scalar.sum_r_e_stderr, vector.sum_r_e_stderr, rtol=1e-12)


def test_control_variate_applies_the_link_to_every_sample():
    """No randomness (kappa = inf, zeta2 = 0): every sample's SINR is that of Rbar_k (13), so
    the control-variate estimate with a link is the link of that SINR."""
    csi, w = _without_randomness()
    got = evaluate_many(csi, w, draw_standard(8, 12, np.random.default_rng(1)),
                        estimator="control-variate", link=_capped_shannon)
    expected = _capped_shannon(2.0 ** np.array([rate_ap1(csi, w[p]) for p in range(2)]) - 1.0)
    assert np.any(expected == LINK_CAP) and np.any(expected < LINK_CAP)
    np.testing.assert_allclose(got.r_e, expected, rtol=1e-11)


# --- bad input --------------------------------------------------------------------------------
_CSI, _W, _ = _case((2, 3, 1, 2, 10))
_DRAWS = draw_standard(10, 6, np.random.default_rng(0))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: evaluate_many(_CSI, _W[0], _DRAWS),
            ValueError,
            r"shape \(P, S, N_T, K\) = \(P, 2, 2, 3\)",
        ),
        (
            lambda: evaluate_many(_CSI, _W[:, :1], _DRAWS),
            ValueError,
            r"weights must have shape \(P",
        ),
        (lambda: evaluate_many(_CSI, _W[:0], _DRAWS), ValueError, "P >= 1"),
        (
            lambda: evaluate_many(_CSI, [_W[0], _W[0, :1]], _DRAWS),
            ValueError,
            r"^weights must have shape \(P, S, N_T, K\) = \(P, 2, 2, 3\), got a sequence of "
            r"differently shaped arrays$",
        ),
        (lambda: _DRAWS.gains({"gamma": 1}), TypeError, "StatisticalCSI"),
        (lambda: draw_standard(float("nan"), 6, np.random.default_rng(0)), ValueError, "n_samples"),
        (lambda: evaluate_many(_CSI, _W * np.nan, _DRAWS), ValueError, "weights contains NaN"),
        (lambda: evaluate_many(_CSI, _W.astype(str), _DRAWS), TypeError, "numeric"),
        (
            lambda: evaluate_many(_CSI, _W, np.random.default_rng(0)),
            TypeError,
            r"^draws must be a channel\.sampler\.StandardDraws \(from draw_standard\), "
            r"got Generator$",
        ),
        (
            lambda: evaluate_many(_CSI, _W, draw_standard(10, 5, np.random.default_rng(0))),
            ValueError,
            "n_links",
        ),
        (
            lambda: evaluate_many(_CSI, _W, _DRAWS, estimator="median"),
            ValueError,
            "estimator must be one of mean, control-variate",
        ),
        (
            lambda: evaluate_many(
                _CSI, _W, draw_standard(3, 6, np.random.default_rng(0)), estimator="control-variate"
            ),
            ValueError,
            "n_samples >= 4",
        ),
        (lambda: evaluate_many({"gamma": 1}, _W, _DRAWS), TypeError, "StatisticalCSI"),
        (
            lambda: evaluate_rates(_CSI, _W[0], n_samples=0, rng=np.random.default_rng(0)),
            ValueError,
            "n_samples",
        ),
        (
            lambda: evaluate_rates(_CSI, _W[0], n_samples=-2, rng=np.random.default_rng(0)),
            ValueError,
            "n_samples",
        ),
        (
            lambda: evaluate_rates(_CSI, _W[0], rng=None),
            TypeError,
            "rng must be a numpy.random.Generator",
        ),
        (lambda: evaluate_rates(_CSI, _W[0], rng=np.random.RandomState(0)), TypeError, "Generator"),
        (
            lambda: evaluate_rates(_CSI, _W, rng=np.random.default_rng(0)),
            ValueError,
            r"weights must have shape \(S, N_T, K\)",
        ),
        (lambda: rate_mc(_CSI, _W[0], 0, np.random.default_rng(0)), ValueError, "n_samples"),
        (
            lambda: evaluate_rates(_CSI, _W[0], rng=np.random.default_rng(0), estimator=None),
            ValueError,
            "estimator must be one of",
        ),
        (lambda: rate_mc(_CSI, _W[0], 10, 7), TypeError, "rng"),
        (
            lambda: evaluate_history(_CSI, (), 1.0, rng=np.random.default_rng(0)),
            ValueError,
            r"^history must hold at least one \(S, N_T, K\) iterate, got none$",
        ),
        (
            lambda: evaluate_history(_CSI, (_W[0], _W[0, :1]), 1.0, rng=np.random.default_rng(0)),
            ValueError,
            "history item must have shape",
        ),
    ],
)
def test_bad_input_raises_a_one_line_error_naming_the_field(call, error, match):
    with pytest.raises(error, match=match) as info:
        call()
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda rng: evaluate_rates(_CSI, _W[0], n_samples=3, rng=rng, estimator="control-variate"),
        lambda rng: evaluate_rates(_CSI, _W[0], n_samples=10, rng=rng, estimator="median"),
        lambda rng: evaluate_history(_CSI, (_W[0], _W[0][:1]), 1.0, n_samples=10, rng=rng),
        lambda rng: evaluate_history(_CSI, (_W[0],), 1.0, n_samples=10, rng=rng, estimator=3),
    ],
)
def test_a_call_that_fails_draws_nothing_from_the_generator(call):
    """Every argument is checked before the first draw: after the error the caller's generator
    gives the numbers it would have given anyway."""
    rng = np.random.default_rng(5)
    with pytest.raises(ValueError):
        call(rng)
    assert rng.standard_normal() == np.random.default_rng(5).standard_normal()
