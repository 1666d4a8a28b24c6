"""The guaranteed fallback of the multiplier search of ``precoding.dual``: coordinate ascent on
the concave dual (48), one satellite at a time, each an exact one-dimensional root by
bracketing.

With the other multipliers held, P_s(lambda) is non-increasing in lambda_s (J_ss <= 0, (49)) and
tends to 0 as lambda_s -> inf, so the maximiser of g along lambda_s is lambda_s = floor where
P_s(floor) <= P_s, else the root of P_s(lambda) = P_s, found in a bracket [lo, hi] with
P_s(lo) > P_s >= P_s(hi) that only shrinks: a Newton step on the secular form
P_s(lambda)^{-1/2} = P_s^{-1/2} (50) when it lands inside the bracket and the bracket halved in
the last step, otherwise a bisection (geometric where the bracket spans more than a factor 4).
It stops where the relative power gap is below ``ROOT_TOL`` or the bracket is a few units of
rounding wide, and returns the feasible end (or the root, where it was met from above within
``ROOT_TOL``). Exact coordinate maximisation of a concave,
continuously differentiable function whose maximiser along every coordinate is unique converges
to its maximum (Bertsekas, Nonlinear Programming, 2nd ed., Prop. 2.7.1): slower than Newton, but
it cannot stall, so it finishes what the Newton phase leaves.
"""

from __future__ import annotations

import numpy as np

ROOT_TOL = 1e-13  # relative power gap at which a one-dimensional root is accepted
MAX_ROOT_STEPS = 200  # evaluations per one-dimensional root (bisection alone needs < 130)
_GROW = 16.0  # expansion factor while looking for the upper end of the bracket
_WIDTH = 8 * np.finfo(float).eps  # relative bracket width at which it is as tight as can be


def coordinate_ascent(prob, at, tol: float, sweeps: int):
    """Sweeps of exact per-satellite maximisation until every member's KKT residual is <= tol
    or ``sweeps`` passes; returns the ``DualPoint`` reached (b members, as ``at``)."""
    n_sat = at.lam.shape[1]
    for _ in range(sweeps):
        if np.all(at.residual <= tol):
            break
        for s in range(n_sat):
            at = _coordinate_root(prob, at, s)
    return at


def _coordinate_root(prob, at, s: int):
    """lambda_s maximising g with the other multipliers of ``at`` held, for every member."""
    budget = prob.budget[:, s]
    lam = at.lam.copy()
    lam[:, s] = prob.floor[:, s]
    low = prob.evaluate(lam.copy())  # its own lam: the search below writes into ``lam``
    open_ = ~(low.power[:, s] <= budget)  # P_s(floor) above budget (or not finite): a root
    if not np.any(open_):
        return low
    lo = prob.floor[:, s].copy()
    start = np.maximum(at.lam[:, s], np.max(prob.d[:, s], axis=1) * 1e-12)
    hi, high = _upper_end(prob, lam, s, np.where(start > 0.0, start, 1.0), open_)
    best = high
    width = hi - lo
    for _ in range(MAX_ROOT_STEPS):
        gap = (best.power[:, s] - budget) / budget
        going = open_ & (np.abs(gap) > ROOT_TOL) & (hi - lo > _WIDTH * hi)
        if not np.any(going):
            break
        p = np.maximum(best.power[:, s], np.finfo(float).tiny)
        jss = best.jac[:, s, s]
        newton = best.lam[:, s] + 2.0 * p * (1.0 - np.sqrt(p / budget)) / np.where(
            jss < 0.0, jss, -np.inf
        )
        inside = (newton > lo) & (newton < hi) & (hi - lo < 0.5 * width)
        mid = np.where(hi > 4.0 * lo, np.sqrt(np.maximum(lo, hi * 1e-300) * hi), 0.5 * (lo + hi))
        mid = np.where(lo > 0.0, mid, np.where(hi > 4.0 * lo, hi / _GROW, mid))
        width = hi - lo
        lam[:, s] = np.where(going, np.where(inside, newton, mid), best.lam[:, s])
        trial = prob.evaluate(lam)
        above = ~(trial.power[:, s] <= budget)
        lo = np.where(going & above, lam[:, s], lo)
        hi = np.where(going & ~above, lam[:, s], hi)
        # the feasible end moves, also to a root met from above within ROOT_TOL (the search
        # stops there: keeping the older end would return a point far from the root)
        met = np.abs(trial.power[:, s] - budget) <= ROOT_TOL * budget
        keep = going & (~above | met)
        high.put(np.flatnonzero(keep), trial.take(np.flatnonzero(keep)))
        best = trial.take(None)
        best = _merge(best, high, going)
    # members whose P_s(floor) fits keep the floor; the others the feasible end of the bracket
    low.put(np.flatnonzero(open_), high.take(np.flatnonzero(open_)))
    return low


def _merge(trial, high, going):
    """The point to take the next Newton step from: the trial where still going, else high."""
    out = trial
    stopped = np.flatnonzero(~going)
    out.put(stopped, high.take(stopped))
    return out


def _upper_end(prob, lam, s: int, start: np.ndarray, open_: np.ndarray):
    """The smallest lambda_s = start * 16^j (j >= 0) with P_s(lambda) <= P_s, and its point."""
    lam = lam.copy()
    lam[:, s] = start
    point = prob.evaluate(lam)
    for _ in range(400):
        short = open_ & ~(point.power[:, s] <= prob.budget[:, s])
        if not np.any(short):
            break
        lam[:, s] = np.where(short, lam[:, s] * _GROW, lam[:, s])
        trial = prob.evaluate(lam)
        point.put(np.flatnonzero(short), trial.take(np.flatnonzero(short)))
    return lam[:, s].copy(), point
