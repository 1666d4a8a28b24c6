"""Monte Carlo sampler (eq. 18-19 moments, cross-satellite blocks included) and steering vectors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.sampler import StandardDraws, draw_standard, sample_channels, sample_link_gains
from coopsat.channel.steering import ula_vector, upa_steering
from tests.oracle_precoding import mean_row, omega

N_SAMPLES = 100_000
MC_SIGMAS = 4.5  # |sample mean - expectation| <= 4.5 standard errors (complex; P(miss) ~ 2e-9)
ROUND_OFF = 1e-13
SUMMATION = 1e-10  # relative round-off of a naive mean over 1e5 strided samples (~ n eps)


def todays_sample_link_gains(csi, n_samples, rng):
    """The sampler as it was before StandardDraws (commit b1d05df), verbatim: the reference for
    "today's numbers are reproduced bit for bit"."""
    gamma = np.asarray(csi.gamma, dtype=float)
    los = csi.los_fraction
    shape = (n_samples, *gamma.shape)
    scatter = np.sqrt(0.5 * gamma * (1.0 - los)) * (
        rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    )
    a = np.sqrt(gamma * los) * np.exp(1j * np.pi / 4) + scatter
    varphi = rng.standard_normal(shape) * np.sqrt(np.asarray(csi.zeta2, dtype=float))
    return a * np.exp(1j * varphi)


def _first_satellites(csi, s):
    return StatisticalCSI(csi.gamma[:s], csi.kappa[:s], csi.zeta2[:s], csi.steering[:s], csi.sigma2)


def _csi(rng, s=3, k=2, nv=2, nh=2):
    # deliberately diverse links: strong/weak LoS, small/large phase error
    kappa = np.array([[100.0, 0.5], [3.0, 10.0], [0.0, np.inf]])[:s, :k]
    zeta2 = np.array([[0.1, 1.0], [0.5, 0.0], [2.0, 0.3]])[:s, :k]
    gamma = np.array([[1.0, 0.5], [2.0, 1.5], [0.7, 1.2]])[:s, :k]
    v = upa_steering(rng.uniform(-0.8, 0.8, (s, k)), rng.uniform(-0.6, 0.6, (s, k)), nv, nh)
    return StatisticalCSI(gamma, kappa, zeta2, v, np.ones(k))


def test_sample_mean_and_second_moments_match_eq_18_19_including_cross_satellite_blocks():
    rng = np.random.default_rng(21)
    csi = _csi(rng)
    h = sample_channels(csi, N_SAMPLES, rng)  # (n, S, K, N_T)
    n = h.shape[0]
    for k in range(csi.n_users):
        hk = h[:, :, k, :].reshape(n, -1)  # hbar_k^T per sample, (n, S N_T)
        # eq. (18): E{hbar_k^T} = m_k^T
        mean = hk.mean(axis=0)
        se_mean = np.sqrt(np.maximum((np.abs(hk) ** 2).mean(axis=0) - np.abs(mean) ** 2, 0) / n)
        assert np.all(np.abs(mean - mean_row(csi, k)) <= MC_SIGMAS * se_mean + SUMMATION)
        # eq. (16)/(19): E{hbar_k^* hbar_k^T}, every block (s1, s2)
        second = hk.conj().T @ hk / n
        fourth = (np.abs(hk) ** 2).T @ (np.abs(hk) ** 2) / n  # E{|h_i|^2 |h_j|^2}
        se = np.sqrt(np.maximum(fourth - np.abs(second) ** 2, 0) / n)
        om = omega(csi, k)
        assert np.all(np.abs(second - om) <= MC_SIGMAS * se + SUMMATION)
        # the cross-satellite blocks are not trivially zero: they carry rho_s1^* rho_s2
        nt = csi.n_antennas
        cross = om[:nt, nt : 2 * nt]
        assert np.abs(cross).max() > 10 * se[:nt, nt : 2 * nt].max()


def test_link_gain_moments_power_and_mean():
    rng = np.random.default_rng(22)
    csi = _csi(rng)
    g = sample_link_gains(csi, N_SAMPLES, rng)
    assert g.shape == (N_SAMPLES, 3, 2)
    power = (np.abs(g) ** 2).mean(axis=0)
    se_power = (np.abs(g) ** 2).std(axis=0) / math.sqrt(N_SAMPLES)
    assert np.all(np.abs(power - csi.gamma) <= MC_SIGMAS * se_power + SUMMATION * csi.gamma)
    se_mean = np.sqrt((csi.gamma - np.abs(csi.rho) ** 2) / N_SAMPLES)
    tol = MC_SIGMAS * se_mean + SUMMATION * np.sqrt(csi.gamma)
    assert np.all(np.abs(g.mean(axis=0) - csi.rho) <= tol)


def test_pure_los_without_phase_error_is_deterministic_rho():
    rng = np.random.default_rng(23)
    v = upa_steering(np.zeros((1, 1)), np.zeros((1, 1)), 1, 2)
    csi = StatisticalCSI(np.array([[2.0]]), np.array([[np.inf]]), np.array([[0.0]]), v, [1.0])
    g = sample_link_gains(csi, 10, rng)
    np.testing.assert_allclose(g, np.broadcast_to(csi.rho, g.shape), rtol=1e-14)
    assert abs(csi.rho[0, 0]) == pytest.approx(math.sqrt(2.0))
    assert np.angle(csi.rho[0, 0]) == pytest.approx(math.pi / 4)


def test_sampler_rejects_bad_sample_counts_and_non_generator_rng():
    csi = _csi(np.random.default_rng(0))
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="n_samples"):
            sample_link_gains(csi, bad, np.random.default_rng(0))
    for bad_rng in (None, 42, np.random.RandomState(0)):
        with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
            sample_link_gains(csi, 10, bad_rng)


def test_sample_link_gains_reproduces_todays_draws_and_generator_state_bit_for_bit():
    csi = _csi(np.random.default_rng(25))
    for n in (1, 7, 1000):
        new_rng, old_rng = np.random.default_rng(n), np.random.default_rng(n)
        np.testing.assert_array_equal(
            sample_link_gains(csi, n, new_rng), todays_sample_link_gains(csi, n, old_rng)
        )
        assert new_rng.bit_generator.state == old_rng.bit_generator.state  # same normals consumed


def test_draws_for_the_largest_set_give_every_smaller_set_a_fresh_generators_gains():
    """One draw per drop serves the whole sweep: the gains of the first S' <= S satellites (also
    with another zeta2) equal, bit for bit, today's sampler on a fresh generator, same seed."""
    rng = np.random.default_rng(26)
    s_max, k = 3, 2
    base = _csi(rng, s_max, k)
    draws = draw_standard(500, s_max * k, np.random.default_rng(77))
    assert (draws.n_samples, draws.n_links) == (500, s_max * k)
    for s in range(1, s_max + 1):
        for zeta2 in (None, 1.7):
            csi = _first_satellites(base, s)
            if zeta2 is not None:
                csi = StatisticalCSI(
                    csi.gamma, csi.kappa, np.full((s, k), zeta2), csi.steering, csi.sigma2
                )
            expected = todays_sample_link_gains(csi, 500, np.random.default_rng(77))
            np.testing.assert_array_equal(draws.gains(csi), expected)
    # a hand-built stream is read as x, y, u blocks of (n, S, K): u = 0 means no phase error
    csi = _csi(rng, 1, 1)
    x, y = np.array([0.3, -1.2]), np.array([0.5, 2.0])
    hand = StandardDraws(np.concatenate([x, y, np.zeros(2)]), n_samples=2)
    los = np.sqrt(csi.gamma * csi.los_fraction)[0, 0] * np.exp(1j * np.pi / 4)
    scatter = np.sqrt(0.5 * csi.gamma * (1 - csi.los_fraction))[0, 0] * (x + 1j * y)
    np.testing.assert_allclose(hand.gains(csi)[:, 0, 0], los + scatter, rtol=ROUND_OFF)


def test_standard_draws_are_read_only():
    draws = draw_standard(4, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="read-only"):
        draws.normals[0] = 1.0
    mine = np.zeros(24)
    StandardDraws(mine, n_samples=4)
    mine[0] = 1.0  # the caller's array stays writeable: StandardDraws keeps its own copy


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: draw_standard(0, 4, np.random.default_rng(0)), ValueError, "n_samples"),
        (lambda: draw_standard(2.5, 4, np.random.default_rng(0)), ValueError, "n_samples"),
        (lambda: draw_standard(True, 4, np.random.default_rng(0)), ValueError, "n_samples"),
        (lambda: draw_standard("10", 4, np.random.default_rng(0)), ValueError, "n_samples"),
        (lambda: draw_standard(10, 0, np.random.default_rng(0)), ValueError, "n_links"),
        (lambda: draw_standard(10, 2.0, np.random.default_rng(0)), ValueError, "n_links"),
        (lambda: draw_standard(10, 4, None), TypeError, r"rng must be a numpy\.random\.Generator"),
        (lambda: draw_standard(10, 4, np.random.RandomState(0)), TypeError, "Generator"),
        (lambda: StandardDraws(np.zeros((3, 4)), 2), ValueError, r"StandardDraws\.normals.*1-D"),
        (lambda: StandardDraws(np.zeros(10), 2), ValueError, r"3 n_samples n_links"),
        (lambda: StandardDraws(np.array([0.0, np.nan, 0.0]), 1), ValueError, "NaN"),
        (lambda: StandardDraws(np.zeros(6), 0), ValueError, "n_samples"),
        (
            lambda: draw_standard(5, 5, np.random.default_rng(0)).gains(
                _csi(np.random.default_rng(0))
            ),
            ValueError,
            r"S K = 6 links but the draws hold n_links = 5",
        ),
    ],
)
def test_standard_draws_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- steering vectors (eq. 2-3) ----------------------------------------------------------------
def test_ula_vector_is_eq_3_elementwise():
    x = 0.37
    got = ula_vector(x, 5)
    expected = np.array([np.exp(-1j * np.pi * n * x) for n in range(5)]) / math.sqrt(5)
    np.testing.assert_allclose(got, expected, rtol=0, atol=ROUND_OFF)


def test_upa_steering_is_the_kronecker_product_of_eq_2_and_unit_norm():
    rng = np.random.default_rng(24)
    dx, dy = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (3, 4))
    v = upa_steering(dx, dy, 3, 5)
    assert v.shape == (3, 4, 15)
    np.testing.assert_allclose(np.linalg.norm(v, axis=-1), 1.0, atol=ROUND_OFF)
    for s in range(3):
        for k in range(4):
            expected = np.kron(ula_vector(dy[s, k], 3), ula_vector(dx[s, k], 5))
            np.testing.assert_allclose(v[s, k], expected, rtol=0, atol=ROUND_OFF)


def test_upa_steering_broadcasts_its_direction_cosines():
    v = upa_steering(np.array([0.1, 0.2]), np.array([[0.3], [0.4], [0.5]]), 2, 2)
    assert v.shape == (3, 2, 4)
    np.testing.assert_allclose(v[2, 1], upa_steering(0.2, 0.5, 2, 2), atol=ROUND_OFF)


@pytest.mark.parametrize(("nv", "nh", "field"), [(0, 2, "nv"), (2, 0, "nh"), (1.5, 2, "nv")])
def test_upa_steering_rejects_array_sizes_below_one(nv, nh, field):
    with pytest.raises(ValueError, match=field):
        upa_steering(0.1, 0.2, nv, nh)


def test_upa_steering_rejects_nan_direction_cosines():
    with pytest.raises(ValueError, match="finite"):
        upa_steering(np.array([0.1, np.nan]), 0.2, 2, 2)
