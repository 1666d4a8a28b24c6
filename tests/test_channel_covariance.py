"""Mean channel, Omega blocks (eq. 16-19) and the decomposition Q_k, Q~_k (eq. 28-30)."""

from __future__ import annotations

import numpy as np
import pytest

from channel.covariance import (
    decomposition,
    mean_channels,
    omega_dense,
    omega_tilde_dense,
    projections,
    q_dense,
    q_tilde_dense,
    quadratic_forms,
)
from channel.csi import StatisticalCSI
from channel.steering import upa_steering

MACHINE = 1e-12  # relative to the largest entry: the factorisation is exact up to round-off


def make_csi(rng, s=3, k=4, nv=2, nh=3, *, gamma_scale=1.0, kappa=None, zeta2=None):
    gamma = gamma_scale * rng.uniform(0.2, 2.0, (s, k))
    kappa = rng.uniform(0.0, 50.0, (s, k)) if kappa is None else np.broadcast_to(kappa, (s, k))
    zeta2 = rng.uniform(0.0, 2.0, (s, k)) if zeta2 is None else np.broadcast_to(zeta2, (s, k))
    v = upa_steering(rng.uniform(-1, 1, (s, k)) * 0.7, rng.uniform(-1, 1, (s, k)) * 0.7, nv, nh)
    return StatisticalCSI(gamma, np.array(kappa, float), np.array(zeta2, float), v,
                          np.full(k, 1e-3))


def omega_direct(csi, k):
    """Eq. (16)/(19) written as one outer-product sum: E{hbar*hbar^T} = m* m^T + blkdiag(resid)."""
    s, n = csi.n_satellites, csi.n_antennas
    v = csi.steering[:, k, :]
    rho = csi.rho[:, k]
    m = np.concatenate([rho[i] * v[i] for i in range(s)])
    out = np.outer(np.conj(m), m).astype(complex)
    for i in range(s):
        sl = slice(i * n, (i + 1) * n)
        out[sl, sl] = csi.gamma[i, k] * np.outer(np.conj(v[i]), v[i])
    return out


CASES = {
    "generic": {},
    "rayleigh_kappa_0": {"kappa": 0.0},
    "tiny_kappa": {"kappa": 1e-12},
    "pure_los_kappa_inf": {"kappa": np.inf, "zeta2": 0.0},
    "huge_zeta2": {"zeta2": 80.0},
    "realistic_gamma_1e-13": {"gamma_scale": 1e-13},
}


@pytest.mark.parametrize("case", CASES)
def test_q_h_q_equals_omega_to_machine_precision(case):
    csi = make_csi(np.random.default_rng(1), **CASES[case])
    for k in range(csi.n_users):
        omega = omega_dense(csi, k)
        q = q_dense(csi, k)
        assert q.shape == (csi.n_satellites + 1, csi.n_satellites * csi.n_antennas)
        scale = np.abs(omega).max()
        assert np.abs(q.conj().T @ q - omega).max() <= MACHINE * scale
        qt = q_tilde_dense(csi, k)
        assert qt.shape == (csi.n_satellites, csi.n_satellites * csi.n_antennas)
        assert np.abs(qt.conj().T @ qt - omega_tilde_dense(csi, k)).max() <= MACHINE * scale
        assert np.all(np.isfinite(q)) and np.all(np.isfinite(qt))


@pytest.mark.parametrize("case", CASES)
def test_omega_dense_matches_the_outer_product_form_of_eq_19(case):
    csi = make_csi(np.random.default_rng(2), **CASES[case])
    for k in range(csi.n_users):
        omega = omega_dense(csi, k)
        np.testing.assert_allclose(omega, omega_direct(csi, k), rtol=0,
                                   atol=MACHINE * np.abs(omega).max())
        scale = np.abs(omega).max()
        np.testing.assert_allclose(omega, omega.conj().T, rtol=0, atol=MACHINE * scale)
        assert np.linalg.eigvalsh(omega).min() >= -MACHINE * np.abs(omega).max()  # PSD


def test_omega_tilde_keeps_only_the_diagonal_blocks():
    csi = make_csi(np.random.default_rng(3))
    n = csi.n_antennas
    ot, o = omega_tilde_dense(csi, 1), omega_dense(csi, 1)
    np.testing.assert_array_equal(ot[:n, :n], o[:n, :n])
    np.testing.assert_array_equal(ot[:n, n : 2 * n], 0.0)


def test_mean_channels_rows_are_rho_times_v_stacked_over_satellites():
    csi = make_csi(np.random.default_rng(4))
    m = mean_channels(csi)
    s, k, n = csi.steering.shape
    assert m.shape == (k, s * n)
    for kk in range(k):
        expected = np.concatenate([csi.rho[i, kk] * csi.steering[i, kk] for i in range(s)])
        np.testing.assert_allclose(m[kk], expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(decomposition(csi).q_stacked()[:, 0, :], m, rtol=0, atol=0)


def test_rho_safe_coefficients_match_eq_29_30_where_rho_is_nonzero():
    csi = make_csi(np.random.default_rng(5))
    dec = decomposition(csi)
    rho = csi.rho
    varkappa = np.sqrt((csi.gamma - np.abs(rho) ** 2) / np.abs(rho) ** 2)  # eq. (29)
    varkappa_tilde = np.sqrt(csi.gamma / np.abs(rho) ** 2)  # eq. (30)
    np.testing.assert_allclose(dec.c, varkappa * rho, rtol=1e-12)
    np.testing.assert_allclose(dec.c_tilde, varkappa_tilde * rho, rtol=1e-12)
    np.testing.assert_allclose(dec.c, csi.c, rtol=1e-15)
    np.testing.assert_allclose(np.abs(dec.c) ** 2 + np.abs(rho) ** 2, csi.gamma, rtol=1e-14)


def test_quadratic_forms_match_dense_products():
    rng = np.random.default_rng(6)
    csi = make_csi(rng, s=3, k=4)
    s, k, n = csi.steering.shape
    w = rng.normal(size=(s, n, k)) + 1j * rng.normal(size=(s, n, k))
    q_form, qt_form = quadratic_forms(csi, w)
    g = projections(csi, w)
    for kk in range(k):
        omega, omega_t = omega_dense(csi, kk), omega_tilde_dense(csi, kk)
        for i in range(k):
            wi = w[:, :, i].reshape(-1)  # w_i = [w_{1,i}; ...; w_{S,i}]
            assert q_form[kk, i] == pytest.approx((wi.conj() @ omega @ wi).real, rel=1e-12)
            assert qt_form[kk, i] == pytest.approx((wi.conj() @ omega_t @ wi).real, rel=1e-12)
            direct = [csi.steering[j, kk] @ w[j, :, i] for j in range(s)]
            np.testing.assert_allclose(g[:, kk, i], direct, rtol=1e-13)


def test_dense_builders_refuse_production_sizes_and_bad_user_index():
    csi = make_csi(np.random.default_rng(7), s=2, k=2, nv=2, nh=2)
    with pytest.raises(ValueError, match="max_dim"):
        omega_dense(csi, 0, max_dim=4)
    with pytest.raises(ValueError, match="user index k"):
        q_dense(csi, 5)
    with pytest.raises(ValueError, match=r"w must have shape \(S, N_T, I\)"):
        quadratic_forms(csi, np.ones((2, 3, 1)))
