"""Compact channel structure (channel.structure, StatisticalCSI.rho/.c) against the dense
matrices of the paper built line by line in the test oracle (eq. 16-20, 28-30)."""

from __future__ import annotations

import numpy as np
import pytest

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.steering import upa_steering
from coopsat.channel.structure import (
    LinkStatistics,
    link_powers,
    mean_channels,
    steering_projections,
)
from tests.oracle_precoding import (
    mean_row,
    omega,
    omega_tilde,
    q_matrix,
    q_tilde,
    random_csi,
    stacked,
)

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
    """Q_k^H Q_k = Omega_k and Q~_k^H Q~_k = Omega~_k (eq. 28-30) with the rho-safe c of
    StatisticalCSI, including kappa = 0, inf and a phase error that drives rho to 0."""
    csi = make_csi(np.random.default_rng(1), **CASES[case])
    for k in range(csi.n_users):
        om = omega(csi, k)
        q = q_matrix(csi, k)
        assert q.shape == (csi.n_satellites + 1, csi.n_satellites * csi.n_antennas)
        scale = np.abs(om).max()
        assert np.abs(q.conj().T @ q - om).max() <= MACHINE * scale
        qt = q_tilde(csi, k)
        assert np.abs(qt.conj().T @ qt - omega_tilde(csi, k)).max() <= MACHINE * scale
        assert np.all(np.isfinite(q)) and np.all(np.isfinite(qt))


@pytest.mark.parametrize("case", CASES)
def test_omega_matches_the_outer_product_form_of_eq_19(case):
    csi = make_csi(np.random.default_rng(2), **CASES[case])
    for k in range(csi.n_users):
        om = omega(csi, k)
        scale = np.abs(om).max()
        np.testing.assert_allclose(om, omega_direct(csi, k), rtol=0, atol=MACHINE * scale)
        np.testing.assert_allclose(om, om.conj().T, rtol=0, atol=MACHINE * scale)
        assert np.linalg.eigvalsh(om).min() >= -MACHINE * scale  # PSD


def test_omega_tilde_keeps_only_the_diagonal_blocks():
    csi = make_csi(np.random.default_rng(3))
    n = csi.n_antennas
    ot, o = omega_tilde(csi, 1), omega(csi, 1)
    np.testing.assert_array_equal(ot[:n, :n], o[:n, :n])
    np.testing.assert_array_equal(ot[:n, n : 2 * n], 0.0)


def test_mean_channels_blocks_are_rho_times_v():
    csi = make_csi(np.random.default_rng(4))
    h = mean_channels(csi.rho, np.asarray(csi.steering))
    s, k, n = csi.steering.shape
    assert h.shape == (s, k, n)
    for kk in range(k):
        np.testing.assert_allclose(h[:, kk, :].reshape(-1), mean_row(csi, kk), rtol=1e-15, atol=0)


def test_rho_safe_coefficient_matches_eq_29_where_rho_is_nonzero():
    csi = make_csi(np.random.default_rng(5))
    rho = csi.rho
    varkappa = np.sqrt((csi.gamma - np.abs(rho) ** 2) / np.abs(rho) ** 2)  # eq. (29)
    np.testing.assert_allclose(csi.c, varkappa * rho, rtol=1e-12)
    np.testing.assert_allclose(np.abs(csi.c) ** 2 + np.abs(rho) ** 2, csi.gamma, rtol=1e-14)


@pytest.mark.parametrize("scale", ["unit", "realistic"])
def test_link_powers_equal_dense_quadratic_forms(scale):
    rng = np.random.default_rng(3)
    csi = random_csi(rng, 3, 5, 2, 2, scale=scale)
    w = rng.standard_normal((3, 4, 5)) + 1j * rng.standard_normal((3, 4, 5))
    t = steering_projections(np.asarray(csi.steering), w)
    for kk in range(csi.n_users):
        for i in range(csi.n_users):
            direct = [csi.steering[j, kk] @ w[j, :, i] for j in range(csi.n_satellites)]
            np.testing.assert_allclose(t[:, kk, i], direct, rtol=1e-13)
    p = link_powers(csi, t)
    ws = stacked(w)
    for k in range(csi.n_users):
        signal = np.real(np.conj(ws[:, k]) @ omega(csi, k) @ ws[:, k])
        om_t = omega_tilde(csi, k)
        interference = sum(
            np.real(np.conj(ws[:, i]) @ om_t @ ws[:, i]) for i in range(csi.n_users) if i != k
        )
        assert p.signal_power[k] == pytest.approx(signal, rel=MACHINE)
        assert p.interference[k] == pytest.approx(interference, rel=MACHINE)
        assert p.mean_response[k] == pytest.approx(mean_row(csi, k) @ ws[:, k], rel=MACHINE)
        assert p.total_power[k] == pytest.approx(signal + interference + csi.sigma2[k])


def test_link_statistics_of_a_drop_and_of_known_realisations():
    """from_csi holds rho, |c|^2, gamma, sigma2 of the CSI; from_gains is the deterministic
    statistics of known realisations: rho = g, gamma = |g|^2, c = 0 (so Omega_k = conj(m) m^T)."""
    rng = np.random.default_rng(6)
    csi = make_csi(rng)
    st = LinkStatistics.from_csi(csi)
    np.testing.assert_array_equal(st.rho, csi.rho)
    np.testing.assert_array_equal(st.c2, np.abs(csi.c) ** 2)
    np.testing.assert_array_equal(st.gamma, csi.gamma)
    np.testing.assert_array_equal(st.sigma2, csi.sigma2)
    assert st.shape == (3, 4)
    g = rng.standard_normal((5, 3, 4)) + 1j * rng.standard_normal((5, 3, 4))
    known = LinkStatistics.from_gains(g, csi.sigma2)
    np.testing.assert_array_equal(known.rho, g)
    np.testing.assert_array_equal(known.gamma, np.abs(g) ** 2)
    np.testing.assert_array_equal(known.c2, 0.0)
    assert known.shape == (5, 3, 4)
    np.testing.assert_array_equal(known.take(np.array([4, 1])).rho, g[[4, 1]])
    assert known.batched(5) is known
    rep = st.batched(2)
    np.testing.assert_array_equal(rep.rho, np.stack([csi.rho, csi.rho]))
    with pytest.raises(ValueError, match="batch size 5, expected 2"):
        known.batched(2)


def test_link_powers_of_known_gains_are_the_instantaneous_signal_and_interference():
    """With rho = g, gamma = |g|^2, c = 0: |m_k^T w_k|^2 = |sum_s hbar_{s,k}^T w_{s,k}|^2 and the
    interference is sum_{i != k} sum_s |hbar_{s,k}^T w_{s,i}|^2 (Remark 1), full vectors."""
    rng = np.random.default_rng(7)
    csi = random_csi(rng, 3, 4, 2, 2, scale="realistic")
    g = rng.standard_normal((2, 3, 4)) + 1j * rng.standard_normal((2, 3, 4))
    w = rng.standard_normal((3, 4, 4)) + 1j * rng.standard_normal((3, 4, 4))
    p = link_powers(LinkStatistics.from_gains(g, csi.sigma2),
                    steering_projections(np.asarray(csi.steering), w))
    assert p.mean_response.shape == (2, 4)
    np.testing.assert_array_equal(p.scatter_power, 0.0)
    for n in range(2):
        h = g[n][:, :, None] * csi.steering  # (S, K, N_T) hbar_{s,k}
        for k in range(4):
            resp = np.array([[h[s, k] @ w[s, :, i] for i in range(4)] for s in range(3)])
            signal = abs(np.sum(resp[:, k])) ** 2
            interference = np.sum(np.abs(np.delete(resp, k, axis=1)) ** 2)
            assert np.abs(p.mean_response[n, k]) ** 2 == pytest.approx(signal, rel=MACHINE)
            assert p.interference[n, k] == pytest.approx(interference, rel=MACHINE)


def test_link_powers_broadcast_over_leading_batch_axes():
    """(B, S, K, K) projections with (S, K) or (B, S, K) statistics give, member by member,
    exactly the unbatched values."""
    rng = np.random.default_rng(8)
    csi = random_csi(rng, 3, 5, 2, 2, scale="realistic")
    w = rng.standard_normal((4, 3, 4, 5)) + 1j * rng.standard_normal((4, 3, 4, 5))
    t = steering_projections(np.asarray(csi.steering), w)
    assert t.shape == (4, 3, 5, 5)
    shared = link_powers(csi, t)
    per = link_powers(LinkStatistics.from_csi(csi).batched(4), t)
    for b in range(4):
        one = link_powers(csi, t[b])
        for name in ("mean_response", "scatter_power", "interference", "own_response"):
            np.testing.assert_array_equal(getattr(shared, name)[b], getattr(one, name))
            np.testing.assert_array_equal(getattr(per, name)[b], getattr(one, name))
