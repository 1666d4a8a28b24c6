"""The multipliers of the per-satellite W-step: the dual (43)-(49) of ``precoding.psc`` solved
by a safeguarded projected Newton method, for a batch of b members at once (power points or
channel realisations). The derivation and the fast eigenbasis forms are in ``precoding.psc``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from coopsat.channel.structure import LinkStatistics
from coopsat.precoding.bracket import coordinate_ascent
from coopsat.precoding.mwmmse import EigenStep
from coopsat.precoding.options import SolverError

KKT_TOL = 1e-11  # target relative KKT residual of (44): the goal of every search
# Residual up to which the best iterate is accepted when the target is not reached within the
# budget of rounds. The residual is relative (budget excess over P_s, duality gap over the
# dual's scale), so 1e-6 is a converged answer in double precision even where the budgets or
# the eigenvalues of D_s span many orders of magnitude; above it, SolverError.
KKT_FAIL = 1e-6
MAX_NEWTON = 60
MAX_ROUNDS = 50  # Newton phases, each followed by coordinate sweeps where it stalled
SWEEPS = 4  # coordinate-ascent sweeps between two Newton phases
MAX_HALVINGS = 40
_ARMIJO = 1e-4
_ROUNDING = 1e-13  # relative change of g below which it is rounding noise
_MAX_SHRINK = 10.0  # a limited step divides a multiplier by at most this
# Line-search trials (coupled step?, scale, limited?): the full projected step (50), the same
# limited to a 10x decrease of any multiplier, halvings of the projected step, then halvings
# of the limited diagonal step.
_TRIALS = (
    (True, 1.0, False),
    (True, 1.0, True),
    *((True, 0.5**n, False) for n in range(1, 5)),
    *((False, 0.5**n, True) for n in range(MAX_HALVINGS)),
)
_SINGULAR = 1e-12  # relative eigenvalue below which D_s counts as singular


@dataclass(frozen=True, eq=False)
class DualPoint:
    """(45)-(49) at multipliers lam (b, S) for b members.

    power (b, S) P_s(lambda); jac (b, S, S) J of (49); dual (b,) g of (48);
    alpha (b, S, K) of (46); residual (b,) max relative KKT residual of (44).
    """

    lam: np.ndarray
    power: np.ndarray
    jac: np.ndarray
    dual: np.ndarray
    alpha: np.ndarray
    residual: np.ndarray

    def take(self, index: np.ndarray | None) -> DualPoint:
        """The members ``index`` (None: all, no copy)."""
        if index is None:
            return self
        return DualPoint(*(getattr(self, name)[index] for name in _POINT_FIELDS))

    def put(self, index: np.ndarray, new: DualPoint) -> None:
        """Overwrite the members ``index`` with ``new`` (in place)."""
        for name in _POINT_FIELDS:
            getattr(self, name)[index] = getattr(new, name)


_POINT_FIELDS = tuple(f.name for f in fields(DualPoint))


@dataclass(frozen=True, eq=False)
class DualProblem:
    """Everything in (45)-(49) that does not depend on lambda, for b members.

    d (b, S, r) eigenvalues of D_s (clipped at 0) and inv_d = 1 / d (0 where d = 0);
    y2 (b, S, r, K) |y^_{s,k,j}|^2; c (b, K) c_k; rho (b, S, K) and its conj, |rho|^2 and
    c_k |rho|^2; e (b, S, K) c_k gamma_{s,k}; cc2 (b, S, K) c_k |c_{s,k}|^2; kappa (b, K) and
    omega_scatter, omega (b, S, K) of ``mwmmse.EigenStep``; leave (b, S, K) ell of (46a) and pd
    (b, S, 1) D_s positive definite (where not, delta is formed directly); budget (b, S) P_s;
    floor (b, S) lowest admissible lambda_s.
    """

    d: np.ndarray
    inv_d: np.ndarray
    y2: np.ndarray
    c: np.ndarray
    rho: np.ndarray
    conj_rho: np.ndarray
    rho2: np.ndarray
    cr2: np.ndarray
    e: np.ndarray
    cc2: np.ndarray
    kappa: np.ndarray
    omega_scatter: np.ndarray
    omega: np.ndarray
    leave: np.ndarray
    pd: np.ndarray
    budget: np.ndarray
    floor: np.ndarray

    @classmethod
    def build(cls, stats: LinkStatistics, step: EigenStep, power_w: np.ndarray) -> DualProblem:
        """From the link statistics (b, S, K), the eigen step and the budgets (b, S)."""
        d = np.maximum(step.lam, 0.0)
        d_max = np.max(d, axis=2)
        pd = np.min(d, axis=2) > _SINGULAR * d_max  # (b, S) D_s positive definite
        # C order everywhere below: numpy's layout of an order-"K" result can depend on the
        # batch size, and with it the BLAS call; fixed layouts keep members batch-invariant.
        y2 = np.ascontiguousarray(step.y_hat.real**2 + step.y_hat.imag**2)
        c = step.b
        e = c[:, None, :] * stats.gamma  # c_k gamma_{s,k}
        # 1 / d only where D_s is positive definite (d >= 1e-12 d_max): elsewhere inv_d is not
        # used (delta is formed directly), and 1 / d of a rounding-level eigenvalue overflows
        inv_d = np.where(pd[..., None], 1.0 / np.where(pd[..., None] & (d > 0.0), d, 1.0), 0.0)
        leave = _leave_one_out(inv_d, y2, e, c)
        # lambda_s = 0 is representable if every served UT keeps delta > 0 there (46a)
        open_at_zero = np.all((leave > 0.0) | (stats.c2 > 0.0) | (c[:, None, :] == 0.0), axis=2)
        floor = np.where(pd & open_at_zero, 0.0, np.where(d_max > 0.0, _SINGULAR * d_max, 1.0))
        rho2 = np.abs(stats.rho) ** 2
        return cls(
            d=d,
            inv_d=inv_d,
            y2=y2,
            c=c,
            rho=stats.rho,
            conj_rho=np.conj(stats.rho),
            rho2=rho2,
            cr2=c[:, None, :] * rho2,
            e=e,
            cc2=c[:, None, :] * stats.c2,
            kappa=step.kappa,
            omega_scatter=step.omega_scatter,
            omega=step.omega,
            leave=np.where(pd[..., None], leave, 0.0),
            pd=pd[..., None],
            budget=power_w,
            floor=floor,
        )

    def take(self, index: np.ndarray | None) -> DualProblem:
        """The members ``index`` (None: all, no copy)."""
        if index is None:
            return self
        return DualProblem(*(getattr(self, f.name)[index] for f in fields(self)))

    def evaluate(self, lam: np.ndarray) -> DualPoint:
        """P_s(lambda), J, g, alpha and the KKT residual at lam (b, S) >= floor."""
        inv = 1.0 / (self.d + lam[..., None])  # (b, S, r)
        rows = np.empty((*inv.shape[:2], 4, inv.shape[2]))
        rows[..., 0, :] = inv
        np.multiply(inv, inv, out=rows[..., 1, :])
        np.multiply(rows[..., 1, :], inv, out=rows[..., 2, :])
        np.multiply(inv, self.inv_d, out=rows[..., 3, :])  # 1 / (d (d + lambda))
        mom = np.matmul(rows, self.y2)  # (45): (b, S, 4, K)
        q, r, t, m = mom[..., 0, :], mom[..., 1, :], mom[..., 2, :], mom[..., 3, :]
        # (46a) delta = 1 - c |rho|^2 q, without cancellation where D_s is positive definite
        split = self.leave + self.e * lam[..., None] * m + self.cc2 * q
        delta = np.where(self.pd, split, 1.0 - self.cr2 * q)
        pq = q / delta
        den = 1.0 + self.c * np.sum(self.rho2 * pq, axis=1)  # (b, K)
        n_scatter = np.sum(self.rho * self.omega_scatter * pq, axis=1)
        along = (self.kappa - self.c * n_scatter) / den  # (46b)
        alpha = (self.conj_rho * along[:, None, :] + self.omega_scatter) / delta
        a2 = alpha.real**2 + alpha.imag**2
        power = np.sum(a2 * r, axis=2)  # (47)
        r_delta = r / delta
        x = self.rho * alpha * r_delta
        jac = np.matmul(x * (self.c / den)[:, None, :], np.swapaxes(np.conj(x), 1, 2))
        jac = 2.0 * jac.real  # (49), coupling part
        diag = -2.0 * np.sum(a2 * (t + self.cr2 * r * r_delta), axis=2)
        n_sat = lam.shape[1]
        jac[:, np.arange(n_sat), np.arange(n_sat)] += diag
        signal = -np.sum((np.conj(self.omega) * alpha * q).real, axis=(1, 2))
        dual = signal - np.sum(lam * self.budget, axis=1)  # (48)
        return DualPoint(lam, power, jac, dual, alpha, self.residual(lam, power, signal))

    def residual(self, lam: np.ndarray, power: np.ndarray, signal: np.ndarray) -> np.ndarray:
        """Relative KKT residual of (44) per member (b,), scale-free.

        The larger of the relative excess over a budget, max_s (P_s(lambda) - P_s) / P_s, and
        the relative duality gap sum_s lambda_s (P_s - P_s(lambda)) / (|h| + sum_s lambda_s P_s)
        with h = -sum_k Re(b_k^H w_k(lambda)): w(lambda) minimises the Lagrangian, so a feasible
        w(lambda) is within that gap of the optimum of (41) (weak duality), whatever the units
        of lambda and P_s. A multiplier at its floor counts as 0.
        """
        gap = (power - self.budget) / self.budget
        lam_free = np.where(lam <= self.floor, 0.0, lam)
        scale = np.abs(signal) + np.sum(lam_free * self.budget, axis=1)
        duality = np.sum(lam_free * np.maximum(self.budget - power, 0.0), axis=1)
        duality = duality / np.where(scale > 0.0, scale, 1.0)
        return np.maximum(np.max(np.maximum(gap, 0.0), axis=1), duality)


def _leave_one_out(inv_d: np.ndarray, y2: np.ndarray, e: np.ndarray, c: np.ndarray) -> np.ndarray:
    """ell_{s,k} = 1 - c_k gamma_{s,k} y_{s,k}^H D_s^{-1} y_{s,k} of (46a), (b, S, K).

    Exactly 0 for a served UT when the served UTs are as many as the coordinates (then
    y_{s,k} = Y e_k with Y square and invertible: c_k gamma_{s,k} y^H (Y E Y^H)^{-1} y = 1);
    otherwise (K > N_T) the complement of UT k's leverage, >= 0; 1 for an unserved UT.
    """
    n_served = np.sum(c > 0.0, axis=1)  # (b,)
    lev = e * np.matmul(inv_d[..., None, :], y2)[..., 0, :]
    square = (n_served == inv_d.shape[2])[:, None, None] & (c > 0.0)[:, None, :]
    return np.where(square, 0.0, np.maximum(1.0 - lev, 0.0))


def _directions(prob: DualProblem, at: DualPoint) -> tuple[np.ndarray, np.ndarray]:
    """The coupled step (50) on the free set and its diagonal (per-satellite) version.

    Coupled: J_FF Delta_F = s_F (the plain Newton right-hand side -grad where (50) is not an
    ascent direction of g). Diagonal: Delta_s = s_s / J_ss, an ascent direction always
    (grad_s Delta_s >= 0 term by term): the secular Newton step of each satellite alone.
    Outputs (b, S) each; zero on held satellites (lambda_s at its floor with P_s <= budget, or
    silent).
    """
    grad = at.power - prob.budget  # (b, S), dg/dlambda
    held = ((at.lam <= prob.floor) & (grad <= 0.0)) | (at.power <= 0.0)
    n_sat = grad.shape[1]
    jac = np.where(held[:, :, None] | held[:, None, :], 0.0, at.jac)
    jac[:, np.arange(n_sat), np.arange(n_sat)] -= held  # identity rows for held satellites
    safe = np.where(at.power > 0.0, at.power, 1.0)
    secular = np.where(held, 0.0, 2.0 * safe * (1.0 - np.sqrt(safe / prob.budget)))
    rhs = np.stack([secular, np.where(held, 0.0, -grad)], axis=-1)  # (b, S, 2)
    step = np.linalg.solve(jac, rhs)
    ascent = np.sum(grad * step[..., 0], axis=1) > 0.0
    coupled = np.where(ascent[:, None], step[..., 0], step[..., 1])
    diagonal = secular / np.diagonal(jac, axis1=1, axis2=2)
    return coupled, diagonal


def solve_multipliers(prob: DualProblem, lam0: np.ndarray) -> DualPoint:
    """Safeguarded projected Newton on the dual (50)-(51) for b members at once.

    Trials: the full coupled step lambda' = max(lambda + Delta, floor); the same step limited so
    that no multiplier shrinks by more than 10x; the projected coupled step with s = 1/2 .. 1/16;
    then the limited diagonal step with s = 1, 1/2, 1/4, ... The first trial is accepted where
    g rises by the Armijo amount 1e-4 grad^T (lambda' - lambda) > 0 (g is concave and the
    diagonal step is an ascent direction, so this terminates) -- the full step only if the KKT
    residual does not rise too -- or, where the rise is below the rounding of g, where the KKT
    residual falls. The full step gives Newton's local convergence and reaches lambda_s = 0 at
    once; the limited ones keep a jump towards 0 from landing where P_s(lambda) is nearly flat (a
    satellite near a pole of its P_s, or the degenerate known-channel case), from which
    progress would be slow.

    Where a member stalls (no trial accepted) or its ``MAX_NEWTON`` steps run out, ``SWEEPS``
    sweeps of exact per-satellite coordinate ascent (``precoding.bracket``, which cannot stall)
    move it on, and Newton resumes; up to ``MAX_ROUNDS`` such rounds. Convergence is judged by
    the scale-free residual of ``DualProblem.residual`` (budget excess and relative duality gap).

    Parameters
    ----------
    prob : the ``DualProblem`` of b members
    lam0 : (b, S) starting multipliers

    Returns
    -------
    the ``DualPoint`` at the multipliers found: per member the iterate of lowest residual, which
    meets ``KKT_TOL`` wherever the rounds reach it and the looser relative ``KKT_FAIL``
    otherwise (rounding on badly scaled subproblems, e.g. 200 passes of the instantaneous
    reference at 50 dBm)

    Raises
    ------
    SolverError
        if a member's best residual stays above ``KKT_FAIL`` (non-finite numerics)
    """
    at = prob.evaluate(np.maximum(lam0, prob.floor))
    silent = at.power <= 0.0  # no UT served by satellite s: P_s(lambda) = 0 for every lambda
    if np.any(silent & (at.lam > prob.floor)):
        at = prob.evaluate(np.where(silent, prob.floor, at.lam))
    best = at.take(np.arange(at.lam.shape[0]))  # lowest residual seen per member (a copy)
    for _ in range(MAX_ROUNDS):
        at = _newton_phase(prob, at)
        _keep_best(best, at)
        rest = np.flatnonzero(at.residual > KKT_TOL)
        if not rest.size:
            break
        at.put(rest, coordinate_ascent(prob.take(rest), at.take(rest), KKT_TOL, SWEEPS))
        _keep_best(best, at)
    at = best
    if np.any(~(at.residual <= KKT_FAIL)):
        worst = int(np.argmax(at.residual))
        raise SolverError(
            f"per-satellite multipliers did not converge: KKT residual {at.residual[worst]:.2e} "
            f"(batch member {worst}, lambda = {at.lam[worst]}); a degenerate subproblem, see "
            "precoding.dual.solve_multipliers"
        )
    return at


def _keep_best(best: DualPoint, at: DualPoint) -> None:
    """Overwrite the members of ``best`` whose residual ``at`` lowers (in place)."""
    better = np.flatnonzero(at.residual < best.residual)
    if better.size:
        best.put(better, at.take(better))


def _newton_phase(prob: DualProblem, at: DualPoint) -> DualPoint:
    """Newton steps until every member's residual is below ``KKT_TOL``, no trial of a member
    makes progress (it stalls) or ``MAX_NEWTON`` steps."""
    n_members = at.lam.shape[0]
    stalled = np.zeros(n_members, dtype=bool)  # no trial made progress
    for _ in range(MAX_NEWTON):
        todo = (at.residual > KKT_TOL) & ~stalled
        if not np.any(todo):
            break
        # Members that are done ride along (their trial is discarded) until fewer than half
        # of the batch are left; copying the others out costs as much as evaluating them.
        index = np.flatnonzero(todo) if 2 * np.count_nonzero(todo) < n_members else None
        at, stuck = _newton_step(prob, at, todo, index)
        stalled[stuck] = True
    return at


def _newton_step(prob: DualProblem, at: DualPoint, todo: np.ndarray, index):
    """One safeguarded step of ``solve_multipliers`` for the members ``todo`` (``index``: their
    indices when they are evaluated apart, None when the whole batch rides along). Returns the
    updated point and the members for which no trial was accepted."""
    n_members = at.lam.shape[0]
    sub, cur = prob.take(index), at.take(index)
    live = todo if index is None else np.ones(index.size, dtype=bool)
    members = np.arange(n_members) if index is None else index
    coupled, diagonal = _directions(sub, cur)
    grad = cur.power - sub.budget
    pending = live.copy()
    shrink = np.maximum(cur.lam / _MAX_SHRINK, sub.floor)  # lowest lambda of a limited step
    for trial_no, (use_coupled, scale, limited) in enumerate(_TRIALS):
        step = (coupled if use_coupled else diagonal) * scale
        trial_lam = np.maximum(cur.lam + step, shrink if limited else sub.floor)
        trial_lam = np.where(pending[:, None], trial_lam, cur.lam)
        trial = sub.evaluate(trial_lam)
        rise = trial.dual - cur.dual
        predicted = np.sum(grad * (trial_lam - cur.lam), axis=1)  # first-order rise of g
        armijo = (predicted > 0.0) & (rise >= _ARMIJO * predicted)
        if trial_no == 0:  # the full step must not also raise the KKT residual
            armijo &= trial.residual <= cur.residual
        flat = np.abs(rise) <= _ROUNDING * np.abs(cur.dual)
        ok = np.where(flat, trial.residual < cur.residual, armijo) & np.all(
            np.isfinite(trial.power), axis=1
        )
        ok &= pending
        if index is None and np.all(ok | ~live):
            # every live member accepted; the others were evaluated at their own lambda,
            # which reproduces their values exactly
            at = trial
        else:
            at.put(members[ok], trial.take(np.flatnonzero(ok)))
        pending &= ~ok
        if not np.any(pending):
            break
    return at, members[pending]
