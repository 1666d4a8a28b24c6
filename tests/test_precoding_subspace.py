"""The per-satellite steering subspace of the fast joint path (precoding.subspace)."""

from __future__ import annotations

import numpy as np
import pytest

from coopsat.channel.structure import steering_projections
from coopsat.precoding.subspace import SteeringSubspace
from tests.oracle_precoding import random_csi

MACHINE_REL = 1e-12  # relative agreement of two exact evaluations in double precision


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
