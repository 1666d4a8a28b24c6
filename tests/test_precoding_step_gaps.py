"""Values of the W-step pieces that the scheme-level tests leave open: the start (51) of the
per-satellite multiplier search and the ratio it returns, a multiplier held at a positive floor
reported as 0, batch members equal bitwise to their own runs, the error of a per-user update that
vanishes, and the shapes of the per-satellite matched filter over batches of budgets."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import coopsat.precoding.psc as psc
from coopsat.channel.structure import LinkStatistics
from coopsat.precoding import SolverError, precode
from coopsat.precoding.mwmmse import eigen_step, per_user_update, receivers
from coopsat.precoding.power import matched_filter_per_satellite
from coopsat.precoding.subspace import SteeringSubspace
from tests.oracle_precoding import dense_matched_filter_per_satellite, random_csi

MF_REL = 1e-13  # matched filter, production vs column-by-column oracle


def _step(csi, power, *, modified: bool, n_batch: int = 1, members=None):
    """(stats, step) of the first W-step from the per-satellite matched filter; ``members``
    (n_batch, S) budgets of the matched filter of each member (default: ``power``)."""
    sub = SteeringSubspace.from_steering(np.asarray(csi.steering))
    stats = LinkStatistics.from_csi(csi).batched(n_batch)
    budgets = np.broadcast_to(power, (n_batch, power.size)) if members is None else members
    w0 = matched_filter_per_satellite(csi, budgets)
    rx = receivers(stats, sub.projections(sub.to_coords(w0)), modified=modified)
    return stats, eigen_step(stats, sub, rx, np.ones(csi.n_users), modified=modified)


@pytest.mark.parametrize("modified", [True, False])
def test_first_start_is_eq_51_and_the_ratio_returned_is_lambda_over_it(modified, monkeypatch):
    """lambda_0 = sum_k c_k sigma_k^2 / sum_s P_s at the first step (warm = NaN), warm * that
    later; the third output is lambda / lambda_0 (lambda_0 < 1 here, so no fallback value)."""
    csi = random_csi(np.random.default_rng(3), 3, 5, 2, 2, scale="realistic", zeta2=0.5)
    power = np.array([0.5, 1.0, 2.0])
    stats, step = _step(csi, power, modified=modified)
    lam_ref = np.sum(step.b[0] * csi.sigma2) / np.sum(power)
    assert 0.0 < lam_ref < 1.0
    starts = []
    solve = psc.solve_multipliers

    def spy(prob, lam0):
        starts.append(lam0.copy())
        return solve(prob, lam0)

    monkeypatch.setattr(psc, "solve_multipliers", spy)
    _, lam, ratio = psc.per_satellite_update(stats, step, power[None], np.full((1, 3), np.nan))
    np.testing.assert_allclose(starts[0], np.full((1, 3), lam_ref), rtol=1e-14)
    np.testing.assert_allclose(ratio, lam / lam_ref, rtol=1e-14)
    warm = np.array([[0.5, 2.0, 3.0]])
    psc.per_satellite_update(stats, step, power[None], warm)
    np.testing.assert_allclose(starts[1], warm * lam_ref, rtol=1e-14)


def test_a_multiplier_held_at_a_positive_floor_is_reported_as_zero():
    """Two UTs on 2 x 1 arrays, UT 2 without mean channel (kappa = 0) under the conventional
    MSE: it is not served (c_2 = 0), D_s = c_1 gamma y_1 y_1^H is singular and
    floor_s = 1e-12 max(d_s) > 0. With 1 kW each, satellite 2 cannot usefully spend its budget,
    so it stays at its floor: lambda_2 = 0 exactly, and lambda_1 > 0."""
    csi, power = _unserved()
    stats, step = _step(csi, power, modified=False)
    prob = psc.DualProblem.build(stats, step, power[None])
    assert np.all(prob.floor > 0.0)
    _, lam, ratio = psc.per_satellite_update(stats, step, power[None], np.full((1, 2), np.nan))
    assert lam[0, 1] == 0.0 and ratio[0, 1] == 0.0 and lam[0, 0] > prob.floor[0, 0]


def _unserved():
    csi = random_csi(np.random.default_rng(1), 2, 2, 2, 1, scale="realistic", zeta2=0.5)
    kappa = np.array(csi.kappa)
    kappa[:, 1] = 0.0
    return dataclasses.replace(csi, kappa=kappa), np.array([1e3, 1e3])


@pytest.mark.parametrize("modified", [True, False])
def test_batch_members_equal_their_own_runs_bitwise(modified):
    """Three members (different matched-filter budgets, so different steps) updated together
    and each alone: the per-user and the per-satellite W-steps are bitwise equal."""
    csi = random_csi(np.random.default_rng(6), 3, 10, 3, 3, scale="realistic", zeta2=0.5)
    budgets = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 1.0], [3.0, 0.2, 0.7]])
    stats, step = _step(csi, budgets[0], modified=modified, n_batch=3, members=budgets)
    p_user = np.sum(budgets, axis=1) / csi.n_users
    z = per_user_update(stats, step, csi.sigma2, p_user)
    zp, lam, _ = psc.per_satellite_update(stats, step, budgets, np.full((3, 3), np.nan))
    for m in range(3):
        one = dataclasses.replace(step, **{f.name: getattr(step, f.name)[m:m + 1]
                                           for f in dataclasses.fields(step)})
        alone = stats.take(np.array([m]))
        np.testing.assert_array_equal(per_user_update(alone, one, csi.sigma2, p_user[m:m + 1]),
                                      z[m:m + 1])
        zp1, lam1, _ = psc.per_satellite_update(alone, one, budgets[m:m + 1],
                                                np.full((1, 3), np.nan))
        np.testing.assert_array_equal(zp1, zp[m:m + 1])
        np.testing.assert_array_equal(lam1, lam[m:m + 1])


def test_a_vanished_update_of_a_served_ut_is_named():
    """Member 1 of two, UT 2 served (c_2 > 0) but with a zero right-hand side: its update is 0
    and cannot be scaled to P_k; the error names UT 2."""
    csi = random_csi(np.random.default_rng(2), 2, 4, 2, 2, scale="realistic", zeta2=0.5)
    stats, step = _step(csi, np.array([1.0, 2.0]), modified=True, n_batch=2)
    omega = step.omega.copy()
    omega[1, :, 2] = 0.0
    kappa = step.kappa.copy()
    kappa[1, 2] = 0.0
    scatter = step.omega_scatter.copy()
    scatter[1, :, 2] = 0.0
    bad = dataclasses.replace(step, omega=omega, kappa=kappa, omega_scatter=scatter)
    assert np.all(bad.b > 0.0)
    with pytest.raises(SolverError) as info:
        per_user_update(stats, bad, csi.sigma2, np.full(2, 0.75))
    assert str(info.value) == "precoder update of UT 2 vanished although its receiver did not"


@pytest.mark.parametrize("lead", [(), (2,), (2, 3)])
def test_per_satellite_matched_filter_over_batches_of_budgets(lead):
    """Budgets (*lead, S): weights (*lead, S, N_T, K), each W_s at exactly its budget and equal
    to the column-by-column oracle."""
    csi = random_csi(np.random.default_rng(9), 3, 4, 2, 2)
    rng = np.random.default_rng(10)
    power = rng.uniform(0.5, 2.0, (*lead, 3))
    w = matched_filter_per_satellite(csi, power)
    assert w.shape == (*lead, 3, 4, 4)
    flat_w, flat_p = w.reshape(-1, 3, 4, 4), power.reshape(-1, 3)
    for wm, pm in zip(flat_w, flat_p, strict=True):
        ref = dense_matched_filter_per_satellite(csi, pm)
        assert np.linalg.norm(wm - ref) <= MF_REL * np.linalg.norm(ref)


def test_precode_reports_a_floor_multiplier_as_zero_on_the_scheme_path():
    csi, power = _unserved()
    res = precode("ms-jowmmse-psc", csi, power, max_iter=2, tol=-np.inf)
    assert res.multipliers[1] == 0.0 and res.multipliers[0] > 0.0
