"""Compact structure (eq. 13, 16-20, 28-30) against the dense matrices of the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from precoding.structure import link_powers, steering_projections
from precoding.subspace import SteeringSubspace
from tests.oracle_precoding import (
    mean_row,
    omega,
    omega_tilde,
    q_matrix,
    q_tilde,
    random_csi,
    stacked,
)

MACHINE_REL = 1e-12  # relative agreement of two exact evaluations in double precision


@pytest.mark.parametrize("scale", ["unit", "realistic"])
@pytest.mark.parametrize("kappa", [None, 0.0, np.inf])
def test_q_decomposition_reproduces_omega_and_omega_tilde(scale, kappa):
    csi = random_csi(np.random.default_rng(11), 3, 4, 2, 3, scale=scale, kappa=kappa)
    for k in range(csi.n_users):
        om = omega(csi, k)
        q = q_matrix(csi, k)
        qt = q_tilde(csi, k)
        ref = np.max(np.abs(om))
        assert np.max(np.abs(np.conj(q).T @ q - om)) <= MACHINE_REL * ref
        assert np.max(np.abs(np.conj(qt).T @ qt - omega_tilde(csi, k))) <= MACHINE_REL * ref


def test_omega_is_the_second_moment_of_the_sampled_channel():
    """Omega_k = E{hbar_k^* hbar_k^T} by Monte Carlo (independent of eq. 19's closed form)."""
    from channel.sampler import sample_link_gains

    rng = np.random.default_rng(5)
    csi = random_csi(rng, 2, 2, 2, 2, kappa=3.0, zeta2=0.4)
    n = 200_000
    g = sample_link_gains(csi, n, rng)  # (n, S, K)
    k = 1
    h = (g[:, :, k, None] * np.asarray(csi.steering)[None, :, k, :]).reshape(n, -1)
    empirical = np.einsum("ni,nj->ij", np.conj(h), h) / n
    # each entry is a mean of n terms of magnitude <= gamma/N_T: 6 standard errors
    six_sigma = 6 * np.max(csi.gamma) / np.sqrt(n)
    assert np.max(np.abs(empirical - omega(csi, k))) < six_sigma


@pytest.mark.parametrize("scale", ["unit", "realistic"])
def test_link_powers_equal_dense_quadratic_forms(scale):
    rng = np.random.default_rng(3)
    csi = random_csi(rng, 3, 5, 2, 2, scale=scale)
    w = rng.standard_normal((3, 4, 5)) + 1j * rng.standard_normal((3, 4, 5))
    p = link_powers(csi, steering_projections(np.asarray(csi.steering), w))
    ws = stacked(w)
    for k in range(csi.n_users):
        signal = np.real(np.conj(ws[:, k]) @ omega(csi, k) @ ws[:, k])
        om_t = omega_tilde(csi, k)
        interference = sum(
            np.real(np.conj(ws[:, i]) @ om_t @ ws[:, i]) for i in range(csi.n_users) if i != k
        )
        assert p.signal_power[k] == pytest.approx(signal, rel=MACHINE_REL)
        assert p.interference[k] == pytest.approx(interference, rel=MACHINE_REL)
        assert p.mean_response[k] == pytest.approx(mean_row(csi, k) @ ws[:, k], rel=MACHINE_REL)
        assert p.total_power[k] == pytest.approx(signal + interference + csi.sigma2[k])


@pytest.mark.parametrize(("n_users", "nv", "nh"), [(5, 3, 3), (12, 2, 3), (1, 2, 2)])
def test_subspace_basis_is_orthonormal_and_keeps_every_response(n_users, nv, nh):
    """U_s^H U_s = I and v_{s,k}^T W_s = B_s U_s^H W_s, including K > N_T and K = 1."""
    rng = np.random.default_rng(8)
    csi = random_csi(rng, 2, n_users, nv, nh)
    sub = SteeringSubspace.from_steering(np.asarray(csi.steering))
    r = min(n_users, nv * nh)
    assert sub.basis.shape == (2, nv * nh, r)
    gram = np.conj(np.swapaxes(sub.basis, 1, 2)) @ sub.basis
    assert np.max(np.abs(gram - np.eye(r))) < MACHINE_REL
    w = rng.standard_normal((2, nv * nh, n_users)) + 1j * rng.standard_normal((2, nv * nh, n_users))
    direct = steering_projections(np.asarray(csi.steering), w)
    via = sub.projections(sub.to_coords(w))
    assert np.max(np.abs(via - direct)) < MACHINE_REL * np.max(np.abs(direct))


def test_subspace_handles_identical_steering_vectors():
    """Two co-located UTs (rank-deficient span): the basis stays orthonormal."""
    csi = random_csi(np.random.default_rng(2), 1, 4, 2, 2)
    steering = np.array(csi.steering)
    steering[0, 1] = steering[0, 0]
    sub = SteeringSubspace.from_steering(steering)
    gram = np.conj(sub.basis[0]).T @ sub.basis[0]
    assert np.max(np.abs(gram - np.eye(4))) < MACHINE_REL
    w = np.conj(steering[0]).T[None]  # w_k = conj(v_k), inside the span
    assert np.allclose(sub.to_weights(sub.to_coords(w)), w, rtol=0, atol=MACHINE_REL)
