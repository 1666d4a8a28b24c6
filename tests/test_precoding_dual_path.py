"""The route of the multiplier search (precoding.dual) on fixed small cases, one per branch: the
plain Newton step where the secular step (50) is no ascent direction, limited steps from far too
large multipliers, a satellite held at its floor (its budget fits there, or is met exactly), a
silent satellite (no mean channel to any UT, conventional MSE: P_s(lambda) = 0), a stall handed
to the coordinate sweeps, and batches (members that are done ride along until fewer than half are
left; a fallback sweep touches only the members that need it).

The first trial of a step is checked against the step written out from the point's Jacobian
(np.linalg.solve on J_FF); the number of DualProblem.evaluate calls against the count measured
when these tests were written (a change that only slows the search fails; one that speeds it up
should lower the numbers)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import coopsat.precoding.dual as dual
from coopsat.channel.csi import StatisticalCSI
from coopsat.precoding import SolverError, precode
from tests.oracle_precoding import random_csi
from tests.test_precoding_dual import _problem

# a trial vs lambda + Delta with Delta solved here from the same J (2x2 or 3x3): relative to the
# larger of lambda and Delta, which cancel where a step cuts a multiplier to near 0
STEP_REL = 1e-12
LAM_REL = 1e-9  # multipliers of two searches that both meet KKT_TOL


class _Route:
    """Records every DualProblem.evaluate call (the lambda and the batch size) and, per Newton
    step, the evaluations it made and whether it stalled."""

    def __init__(self, monkeypatch):
        self.lams: list[np.ndarray] = []
        self.steps: list[tuple[int, int]] = []  # (evaluations, members stuck) per Newton step
        evaluate, step = dual.DualProblem.evaluate, dual._newton_step

        def counted(prob, lam):
            self.lams.append(np.array(lam))
            return evaluate(prob, lam)

        def stepped(prob, at, todo, index):
            before = len(self.lams)
            out, stuck = step(prob, at, todo, index)
            self.steps.append((len(self.lams) - before, stuck.size))
            return out, stuck

        monkeypatch.setattr(dual.DualProblem, "evaluate", counted)
        monkeypatch.setattr(dual, "_newton_step", stepped)

    @property
    def calls(self) -> int:
        return len(self.lams)

    @property
    def sizes(self) -> list[int]:
        return [lam.shape[0] for lam in self.lams]


def _free_step(prob, at, rhs):
    """J_FF Delta_F = rhs_F, Delta = 0 off F (F: the satellites not held), for member 0."""
    grad = at.power[0] - prob.budget[0]
    free = ~(((at.lam[0] <= prob.floor[0]) & (grad <= 0.0)) | (at.power[0] <= 0.0))
    delta = np.zeros(grad.size)
    delta[free] = np.linalg.solve(at.jac[0][np.ix_(free, free)], rhs[free])
    return delta


def _secular_rhs(prob, at):
    p, budget = at.power[0], prob.budget[0]
    return 2.0 * p * (1.0 - np.sqrt(p / budget))


# S = 2, K = 2, single-element arrays: from lambda_0 = (80, 0.01) satellite 1 is far under its
# budget and satellite 2 far over it, and the secular step (50) is no ascent direction of g
MIXED = ((47, 2, 2, 1, 1), 0.02, (2.0, 0.06))
MIXED_START = (80.0, 0.01)
MIXED_CALLS = 6
FAR_START = (1.2e3, 2.4e4)  # ~1e4 times the solution
FAR_CALLS = 12  # four steps limited to a 10x decrease (2 evaluations each), three full steps


def _mixed():
    (seed, *dims), zeta2, budgets = MIXED
    csi = random_csi(np.random.default_rng(seed), *dims, scale="realistic", zeta2=zeta2)
    return _problem(csi, np.array(budgets))


def test_plain_newton_step_where_the_secular_step_is_no_ascent(monkeypatch):
    prob = _mixed()
    lam0 = np.array([MIXED_START])
    at = prob.evaluate(lam0)
    grad = at.power[0] - prob.budget[0]
    secular = _free_step(prob, at, _secular_rhs(prob, at))
    assert grad @ secular <= 0.0  # the case exercises the branch
    plain = _free_step(prob, at, -grad)
    assert grad @ plain > 0.0
    route = _Route(monkeypatch)
    out = dual.solve_multipliers(prob, lam0)
    np.testing.assert_allclose(route.lams[1][0], np.maximum(lam0[0] + plain, prob.floor[0]),
                               rtol=0, atol=STEP_REL * np.max(lam0))
    assert route.steps[0] == (1, 0)  # the full plain step is accepted
    assert out.residual[0] <= dual.KKT_TOL
    assert route.calls <= MIXED_CALLS


def test_secular_step_from_far_too_large_multipliers_is_limited_to_a_tenfold_decrease(
        monkeypatch):
    prob = _mixed()
    lam0 = np.array([FAR_START])
    at = prob.evaluate(lam0)
    full = np.maximum(lam0[0] + _free_step(prob, at, _secular_rhs(prob, at)), prob.floor[0])
    assert np.any(full < lam0[0] / 10.0)  # the full step cuts a multiplier more than 10x
    route = _Route(monkeypatch)
    out = dual.solve_multipliers(prob, lam0)
    np.testing.assert_allclose(route.lams[1][0], full, rtol=0, atol=STEP_REL * np.max(lam0))
    # the full step is refused, the limited one accepted: lambda / 10 where the full step cuts
    # deeper, the full step elsewhere
    np.testing.assert_allclose(route.lams[2][0], np.maximum(full, lam0[0] / 10.0), rtol=0,
                               atol=STEP_REL * np.max(lam0))
    assert route.steps[0] == (2, 0)
    assert np.all(out.lam[0] > 0.0) and out.residual[0] <= dual.KKT_TOL
    assert route.calls <= FAR_CALLS
    ref = dual.solve_multipliers(prob, np.array([MIXED_START]))
    np.testing.assert_allclose(out.lam, ref.lam, rtol=LAM_REL)


# --- a satellite held at its floor ---------------------------------------------------------

HELD = ((17, 3, 5, 2, 2), (0.5, 1.0, 2.0))
HELD_CALLS = {"fits": 6, "exact": 7, "tiny": 6}


def _held(kind: str):
    """The S = 3 problem of HELD from lambda = 0 (every satellite over budget there), with
    satellite 3's budget raised to 3 P_3(0) ("fits"), set to P_3(0) exactly ("exact"), or
    every budget and noise scaled by 1e-3, so that P_s(0) - P_s < 1 W ("tiny")."""
    (seed, *dims), budgets = HELD
    csi = random_csi(np.random.default_rng(seed), *dims, scale="realistic", zeta2=0.5)
    power = np.array(budgets)
    if kind == "tiny":
        csi = StatisticalCSI(gamma=csi.gamma, kappa=csi.kappa, zeta2=csi.zeta2,
                             steering=csi.steering, sigma2=csi.sigma2 * 1e-3)
        return _problem(csi, power * 1e-3)
    prob = _problem(csi, power)
    p0 = prob.evaluate(np.zeros((1, 3))).power
    budget = prob.budget.copy()
    budget[0, 2] = 3.0 * p0[0, 2] if kind == "fits" else p0[0, 2]
    return dataclasses.replace(prob, budget=budget)


@pytest.mark.parametrize("kind", ["fits", "exact"])
def test_a_satellite_whose_budget_fits_at_its_floor_is_held_there(kind, monkeypatch):
    """Satellite 3 is held at lambda_3 = 0 (no step, no coupling into the steps of the others):
    the first step is (50) on satellites 1 and 2 alone. Where its budget fits with room to spare
    it stays there on every trial; where it is met exactly, the others' steps raise P_3 over it
    and it is released later."""
    prob = _held(kind)
    assert np.all(prob.floor == 0.0)
    lam0 = np.zeros((1, 3))
    at = prob.evaluate(lam0)
    assert at.power[0, 2] <= prob.budget[0, 2] and np.all(at.power[0, :2] > prob.budget[0, :2])
    route = _Route(monkeypatch)
    out = dual.solve_multipliers(prob, lam0)
    first = _free_step(prob, at, _secular_rhs(prob, at))
    assert first[2] == 0.0
    np.testing.assert_allclose(route.lams[1][0], np.maximum(first, 0.0), rtol=STEP_REL)
    if kind == "fits":
        assert all(lam[0, 2] == 0.0 for lam in route.lams)
        assert out.lam[0, 2] == 0.0
    else:  # met exactly: the others' steps push P_3 over it, and it is released
        assert out.lam[0, 2] > 0.0
    assert np.all(out.lam[0, :2] > 0.0)
    assert out.residual[0] <= dual.KKT_TOL
    assert route.calls <= HELD_CALLS[kind]


def test_a_satellite_over_budget_at_its_floor_by_less_than_a_watt_is_not_held(monkeypatch):
    """Every budget binds at lambda = 0 by less than 1 W: the first step moves every multiplier
    off 0 (no satellite is held), Newton alone finishes (no stall, no sweep)."""
    prob = _held("tiny")
    at = prob.evaluate(np.zeros((1, 3)))
    excess = at.power[0] - prob.budget[0]
    assert np.all(excess > 0.0) and np.all(excess < 1.0)
    route = _Route(monkeypatch)
    out = dual.solve_multipliers(prob, np.zeros((1, 3)))
    assert np.all(route.lams[1][0] > 0.0)
    assert all(stuck == 0 for _, stuck in route.steps)
    assert route.calls == sum(n for n, _ in route.steps) + 1
    assert np.all(out.lam[0] > 0.0) and out.residual[0] <= dual.KKT_TOL
    assert route.calls <= HELD_CALLS["tiny"]


# --- a silent satellite -----------------------------------------------------------------------

SILENT = ((3, 3, 4, 2, 1), (1.0, 2.0, 0.5))  # satellite 3 (0.5 W) has kappa = 0 to every UT
SILENT_CALLS = {"floor": 6, "above": 10}


def _silent():
    (seed, *dims), budgets = SILENT
    csi = random_csi(np.random.default_rng(seed), *dims, scale="realistic", zeta2=0.5)
    kappa = np.array(csi.kappa)
    kappa[2] = 0.0
    csi = StatisticalCSI(gamma=csi.gamma, kappa=kappa, zeta2=csi.zeta2,
                         steering=csi.steering, sigma2=csi.sigma2)
    return csi, np.array(budgets)


@pytest.mark.parametrize("start", ["floor", "above"])
def test_a_silent_satellite_is_put_at_its_floor_once_and_kept_there(start, monkeypatch):
    """Under the conventional MSE a satellite with no mean channel transmits nothing at any
    lambda: a start above its floor is moved there by one extra evaluation (none when it starts
    there), it takes no step, and it is returned at its floor."""
    csi, power = _silent()
    prob = _problem(csi, power, modified=False)
    lam0 = np.ones((1, 3)) * (5.0 if start == "above" else 0.0)
    assert np.all(prob.evaluate(np.maximum(lam0, prob.floor)).power[0, 2] == 0.0)
    route = _Route(monkeypatch)
    out = dual.solve_multipliers(prob, lam0)
    n_start = 2 if start == "above" else 1
    np.testing.assert_array_equal(route.lams[0], np.maximum(lam0, prob.floor))
    assert all(lam[0, 2] == prob.floor[0, 2] for lam in route.lams[1:])
    assert route.calls == n_start + sum(n for n, _ in route.steps)  # no sweep
    assert out.lam[0, 2] == prob.floor[0, 2] and np.all(out.lam[0, :2] > prob.floor[0, :2])
    assert out.residual[0] <= dual.KKT_TOL
    assert route.calls <= SILENT_CALLS[start]


def test_a_silent_satellite_gets_no_power_and_multiplier_zero():
    csi, power = _silent()
    res = precode("ms-jowmmse-psc", csi, power, max_iter=3, tol=-np.inf)
    assert res.multipliers[2] == 0.0 and np.all(res.weights[2] == 0.0)
    used = np.sum(np.abs(res.weights) ** 2, axis=(1, 2))
    active = res.multipliers > 0.0
    assert np.any(active)
    np.testing.assert_allclose(used[active], power[active], rtol=1e-10)
    assert np.all(used <= power * (1 + 1e-10))


# --- a stall, handed to the coordinate sweeps ---------------------------------------------

# pure LoS, K = 1 on 2 x 1 arrays (D_2 singular: floor_2 > 0), lambda_0 ~1e4..1e7 times the
# solution: plain steps limited to a 10x decrease creep towards the floor, one step stalls (all
# 46 trials refused), one round of sweeps moves it on, Newton finishes
STALL = ((152, 3, 1, 2, 1), 3.178149011998185, (1.881133e-02, 8.74820536, 69.9362766))
STALL_START = (7.74800223e+04, 2.78229577e+04, 5.65786304e+01)
STALL_CALLS = 157


def test_a_stalled_step_keeps_its_point_and_is_not_retried(monkeypatch):
    (seed, *dims), snr, budgets = STALL
    csi = random_csi(np.random.default_rng(seed), *dims, scale="unit", kappa=np.inf, zeta2=0.0)
    csi = StatisticalCSI(gamma=csi.gamma, kappa=csi.kappa, zeta2=csi.zeta2,
                         steering=csi.steering, sigma2=csi.sigma2 / snr)
    prob = _problem(csi, np.array(budgets), modified=False)
    ref = dual.solve_multipliers(prob, np.zeros((1, 3)))
    kept = []
    route = _Route(monkeypatch)
    step = dual._newton_step

    def watched(prob, at, todo, index):
        before = at.lam.copy()
        out, stuck = step(prob, at, todo, index)
        kept.append(np.array_equal(out.lam[stuck], before[stuck]))
        return out, stuck

    monkeypatch.setattr(dual, "_newton_step", watched)
    out = dual.solve_multipliers(prob, np.array([STALL_START]))
    stalls = [n for n, stuck in route.steps if stuck]
    assert stalls == [len(dual._TRIALS)]  # one stall: every trial tried once, none accepted
    assert all(kept)
    assert route.calls > sum(n for n, _ in route.steps) + 1  # the sweeps ran
    assert out.residual[0] <= dual.KKT_TOL
    np.testing.assert_allclose(out.lam, ref.lam, rtol=LAM_REL)
    assert route.calls <= STALL_CALLS


# --- batches ------------------------------------------------------------------------------

def _stacked(*probs):
    """One DualProblem whose members are those of ``probs``."""
    return dual.DualProblem(*(np.concatenate([getattr(p, f.name) for p in probs])
                              for f in dataclasses.fields(dual.DualProblem)))


def test_members_that_are_done_ride_along_until_fewer_than_half_are_left(monkeypatch):
    """Six members of one problem: three start at the solution, three from 0, lambda_M and
    lambda_far (4, 5 and 7 Newton steps alone). Step j evaluates the whole batch while at least
    half of it is still going (2 c_j >= 6, c_j the members going), else only the c_j going; every
    member ends bitwise where it ends alone."""
    prob = _mixed()
    starts = [np.zeros(2), np.array(MIXED_START), np.array(FAR_START)]
    alone, n_steps = [], []
    for lam0 in starts:
        route = _Route(monkeypatch)
        alone.append(dual.solve_multipliers(prob, lam0[None]))
        n_steps.append(len(route.steps))
        monkeypatch.undo()
    assert n_steps == [4, 5, 7]
    solution = alone[0].lam[0]
    lam0 = np.array([solution] * 3 + starts)
    sizes = []
    evaluate = dual.DualProblem.evaluate

    def sized(p, lam):
        if sizes:  # not the start
            sizes[-1].add(lam.shape[0])
        return evaluate(p, lam)

    step = dual._newton_step

    def grouped(p, at, todo, index):
        sizes.append(set())
        return step(p, at, todo, index)

    monkeypatch.setattr(dual.DualProblem, "evaluate", sized)
    monkeypatch.setattr(dual, "_newton_step", grouped)
    out = dual.solve_multipliers(_stacked(*[prob] * 6), lam0)
    going = [sum(n > j for n in n_steps) for j in range(max(n_steps))]
    assert sizes == [{6 if 2 * c >= 6 else c} for c in going]
    for member, ref in zip(out.lam[3:], alone, strict=True):
        np.testing.assert_array_equal(member, ref.lam[0])
    np.testing.assert_array_equal(out.lam[:3], np.array([solution] * 3))


def _two_budgets():
    """Two members of the MIXED channel with different budgets, and their solutions."""
    prob = _mixed()
    other = dataclasses.replace(prob, budget=np.array([[0.5, 0.5]]))
    sol = [dual.solve_multipliers(p, np.zeros((1, 2))) for p in (prob, other)]
    return prob, other, sol


def test_the_fallback_sweeps_only_the_members_that_need_them(monkeypatch):
    """Every Newton phase stalls, one sweep per round: member 0 (budgets 0.5 W, from 0) is done
    after the first sweep; member 1 (from 1.01 times its solution) needs many, and from the
    second round on it is swept alone (one member per evaluation). Both reach their solutions."""
    prob, other, sol = _two_budgets()
    monkeypatch.setattr(dual, "_newton_phase", lambda prob, at: at)
    monkeypatch.setattr(dual, "SWEEPS", 1)
    route = _Route(monkeypatch)
    lam0 = np.array([np.zeros(2), sol[0].lam[0] * 1.01])
    out = dual.solve_multipliers(_stacked(other, prob), lam0)
    sizes = route.sizes
    assert sizes[0] == 2 and sizes[-1] == 1 and sizes == sorted(sizes, reverse=True)
    assert sizes.count(1) > sizes.count(2)  # member 1 needs more than the first round
    for member, ref in zip(out.lam, (sol[1].lam[0], sol[0].lam[0]), strict=True):
        np.testing.assert_allclose(member, ref, rtol=0, atol=LAM_REL * np.max(ref))
    assert np.all(out.residual <= dual.KKT_TOL)


def test_the_lowest_residual_seen_is_returned_not_the_last(monkeypatch):
    """Newton stalls and every sweep lands on a worse point (residual ~1e-7 instead of the
    start's ~1e-8, both within KKT_FAIL): the start is returned, unchanged."""
    prob, _, sol = _two_budgets()
    start = prob.evaluate(sol[0].lam * (1 + 1e-8))
    worse = prob.evaluate(sol[0].lam * (1 + 1e-7))
    assert dual.KKT_TOL < start.residual[0] < worse.residual[0] <= dual.KKT_FAIL
    monkeypatch.setattr(dual, "_newton_phase", lambda prob, at: at)
    monkeypatch.setattr(dual, "coordinate_ascent", lambda prob, at, tol, sweeps: worse.take(
        np.arange(1)))
    out = dual.solve_multipliers(prob, start.lam)
    np.testing.assert_array_equal(out.lam, start.lam)
    assert out.residual[0] == start.residual[0]


def test_a_member_with_non_finite_numbers_does_not_hold_the_batch_back(monkeypatch):
    """Member 1 has a NaN in its data (its every evaluation is NaN): member 0 still takes the
    route it takes alone (no stall, no sweep), and the error names member 1."""
    prob, other, _ = _two_budgets()
    route = _Route(monkeypatch)
    dual.solve_multipliers(prob, np.array([MIXED_START]))
    alone = route.steps
    monkeypatch.undo()
    y2 = other.y2.copy()
    y2[0, 0, 0, 0] = np.nan
    route = _Route(monkeypatch)
    with pytest.raises(SolverError) as info, np.errstate(invalid="ignore"):
        dual.solve_multipliers(_stacked(prob, dataclasses.replace(other, y2=y2)),
                               np.array([MIXED_START, MIXED_START]))
    assert "did not converge: KKT residual nan (batch member 1, lambda = [" in str(info.value)
    assert str(info.value).endswith("see precoding.dual.solve_multipliers")
    assert route.steps[:len(alone)] == alone


def test_a_silent_satellite_does_not_enter_the_choice_of_step(monkeypatch):
    """S = 3, single-element arrays, satellite 3 silent with a 1 kW budget: at lambda_0 the
    secular step of satellites 1 and 2 is no ascent direction, so the first trial is the plain
    Newton step on them, whatever the silent satellite's budget."""
    csi = random_csi(np.random.default_rng(0), 3, 2, 1, 1, scale="realistic", zeta2=0.02)
    kappa = np.array(csi.kappa)
    kappa[2] = 0.0
    csi = StatisticalCSI(gamma=csi.gamma, kappa=kappa, zeta2=csi.zeta2,
                         steering=csi.steering, sigma2=csi.sigma2)
    prob = _problem(csi, np.array([2.0, 0.06, 1000.0]), modified=False)
    lam0 = np.array([[0.8, 0.003, 0.0]])
    at = prob.evaluate(lam0)
    assert at.power[0, 2] == 0.0
    grad = at.power[0] - prob.budget[0]
    assert grad @ _free_step(prob, at, _secular_rhs(prob, at)) <= 0.0
    plain = _free_step(prob, at, -grad)
    route = _Route(monkeypatch)
    out = dual.solve_multipliers(prob, lam0)
    np.testing.assert_allclose(route.lams[1][0], np.maximum(lam0[0] + plain, 0.0), rtol=0,
                               atol=STEP_REL * np.max(lam0))
    assert out.lam[0, 2] == 0.0 and out.residual[0] <= dual.KKT_TOL
