"""One-dimensional roots of the coordinate-ascent fallback (precoding.bracket._coordinate_root)
on a fixed small problem: from starts below, at and far above the root, with budgets that need
a root many decades up or that fit at the floor, alone and batched. Each root is checked
against the Newton multipliers of the full problem (precoding.dual), and each call's cost is
pinned to the evaluations it needed when this test was written (a change that only slows or
reroutes the search fails here)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

import coopsat.precoding.dual as dual
from coopsat.precoding import bracket
from tests.oracle_precoding import random_csi
from tests.test_precoding_dual import _Counter, _problem

LAM_REL = 1e-9  # the coordinate root vs Newton's multiplier: both meet P_s to ~1e-13
# (satellite s, start lambda_s / root, budget scale) -> evaluations measured on this code
COSTS = {
    (0, 0.0, 1.0): 52, (0, 1e-6, 1.0): 21, (0, 0.5, 1.0): 41, (0, 1.0, 1.0): 2,
    (0, 2.0, 1.0): 46, (0, 1e6, 1.0): 41, (0, 1.0, 1e-8): 13, (0, 1.0, 1e3): 1,
    (1, 0.0, 1.0): 41, (1, 1e-6, 1.0): 21, (1, 0.5, 1.0): 16, (1, 1.0, 1.0): 2,
    (1, 2.0, 1.0): 25, (1, 1e6, 1.0): 39, (1, 1.0, 1e-8): 27, (1, 1.0, 1e3): 1,
    (2, 0.0, 1.0): 39, (2, 1e-6, 1.0): 47, (2, 0.5, 1.0): 38, (2, 1.0, 1.0): 4,
    (2, 2.0, 1.0): 33, (2, 1e6, 1.0): 34, (2, 1.0, 1e-8): 24, (2, 1.0, 1e3): 1,
}
BATCH_COST = 49  # the batch of satellite 1's cases above, measured


def _fixture():
    """The problem (S = 3, floor 0 everywhere) and its Newton multipliers."""
    csi = random_csi(np.random.default_rng(4), 3, 6, 2, 3, scale="realistic", zeta2=0.5)
    prob = _problem(csi, np.array([0.3, 0.9487, 3.0]))
    return prob, dual.solve_multipliers(prob, np.zeros((1, 3))).lam[0]


def _with(prob, budget):
    """``prob`` with its budgets (b, S) replaced (and its members repeated to match)."""
    b = budget.shape[0]
    return dual.DualProblem(*(budget if f.name == "budget" else np.repeat(
        getattr(prob, f.name), b, axis=0) for f in fields(prob)))


@pytest.mark.parametrize(("s", "factor", "scale"), list(COSTS))
def test_one_coordinate_root_from_a_known_start(s, factor, scale, monkeypatch):
    """lambda_s from start factor * root, the others at the Newton multipliers: P_s met to
    ROOT_TOL (or the floor kept where P_s(floor) fits), the point feasible and evaluated at the
    returned lambda, the other multipliers untouched, in at most the measured evaluations."""
    prob, newton = _fixture()
    budget = prob.budget * scale
    p = _with(prob, budget)
    lam0 = newton.copy()
    lam0[s] *= factor
    at = p.evaluate(lam0[None])
    counter = _Counter(monkeypatch)
    out = bracket._coordinate_root(p, at, s)
    assert counter.calls <= COSTS[(s, factor, scale)]
    others = np.arange(3) != s
    assert np.array_equal(out.lam[0, others], newton[others])
    again = p.evaluate(out.lam)
    assert np.array_equal(again.power, out.power) and np.array_equal(again.jac, out.jac)
    assert np.array_equal(again.residual, out.residual)
    if scale > 1.0:  # the budget fits at the floor: the floor is kept
        assert out.lam[0, s] == p.floor[0, s]
        assert out.power[0, s] <= budget[0, s]
        return
    gap = (out.power[0, s] - budget[0, s]) / budget[0, s]
    assert abs(gap) <= bracket.ROOT_TOL
    if scale == 1.0:
        np.testing.assert_allclose(out.lam[0, s], newton[s], rtol=LAM_REL)
    else:  # far up: P_s falls like lambda^-2 there, so the root is ~ 1 / sqrt(scale) away
        assert out.lam[0, s] > 1e3 * newton[s]


def test_a_batch_of_roots_is_its_members_alone(monkeypatch):
    """Members from the starts above, batched for one satellite: each returns exactly what it
    returns alone (stopped members ride along), in at most the measured evaluations (the
    growth of the bracket and the search after it each last as long as their slowest member)."""
    prob, newton = _fixture()
    s = 1
    cases = [k for k in COSTS if k[0] == s]
    budget = np.concatenate([prob.budget * scale for _, _, scale in cases])
    lam0 = np.repeat(newton[None], len(cases), axis=0)
    lam0[:, s] *= [factor for _, factor, _ in cases]
    p = _with(prob, budget)
    at = p.evaluate(lam0)
    alone = [bracket._coordinate_root(p.take(np.array([i])), at.take(np.array([i])), s)
             for i in range(len(cases))]
    counter = _Counter(monkeypatch)
    out = bracket._coordinate_root(p, at, s)
    assert counter.calls <= BATCH_COST
    for i, one in enumerate(alone):
        for name in ("lam", "power", "jac", "dual", "residual"):
            assert np.array_equal(getattr(out, name)[i], getattr(one, name)[0]), (i, name)
