"""The joint alternating loop of Algorithm 1 (steps 5-12), batched over independent problems.

One call runs B problems that share the steering subspace of a drop: the power points of a sweep
(``precode_many``), or the channel realisations of the instantaneous-CSI reference. Link
statistics are (S, K) (shared) or (B, S, K), budgets (B, S), iterates z (B, S, r, K) in the
coordinates of ``precoding.subspace``. Every member applies the termination rule on its own and
is then frozen, so its iterates, its number of updates and its output are those it has alone; the
per-member arithmetic does not depend on the other members (stacked LAPACK/BLAS calls work matrix
by matrix).

Per pass n and member: receivers and MSEs (steps 7-8, ``mwmmse.receivers``), the stop test, the
shared eigendecomposition (step 9, ``mwmmse.eigen_step``) and the precoder update: eq. (37)-(38)
under the per-user budget P_k = sum_s P_s / K of (31) (``mwmmse.per_user_update``), or the exact
per-satellite constrained step (``psc.per_satellite_update``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsat.channel.structure import LinkStatistics
from coopsat.precoding.mwmmse import eigen_step, per_user_update, receivers
from coopsat.precoding.power import per_user_power
from coopsat.precoding.psc import per_satellite_update
from coopsat.precoding.subspace import SteeringSubspace


@dataclass(frozen=True, eq=False)
class LoopOutcome:
    """Result of the batched joint loop (before step 14 for the per-user schemes).

    Attributes
    ----------
    z : (B, S, r, K) last iterate of every member, in subspace coordinates.
    n_iterations : (B,) int, precoder updates (steps 9-11) performed by each member.
    history : (z_0, z_1, ..., z_n), each (B, S, r, K), n = max(n_iterations); a member that
        stopped earlier keeps its last iterate. Empty unless asked.
    multipliers : (B, S) lambda_s >= 0 of each member's last per-satellite update (NaN for a
        member that made no update); None under the per-user budget of (31).
    """

    z: np.ndarray
    n_iterations: np.ndarray
    history: tuple[np.ndarray, ...]
    multipliers: np.ndarray | None


def joint_loop(
    stats: LinkStatistics,
    sub: SteeringSubspace,
    power_w: np.ndarray,
    beta: np.ndarray,
    z0: np.ndarray,
    *,
    modified: bool,
    per_satellite: bool,
    max_iter: int,
    tol: float,
    record_history: bool,
) -> LoopOutcome:
    """Algorithm 1 loop (steps 5-12) for a batch of B problems.

    modified: MSE (27) (MS-JoMWMMSE) or (23) (MS-JoWMMSE). per_satellite: precoder update with
    the exact per-satellite constraints (``precoding.psc``) instead of eq. (37)-(38) with
    P_k = sum_s P_s / K (31).

    Termination (docs/design.md#algorithm-1), per member: at pass n compute e~ of W; stop when
    sum_k log2(e~'_k / e~_k) <= tol (e~' from the previous pass) or after max_iter updates.

    Parameters
    ----------
    stats : with link arrays (S, K) (shared) or (B, S, K)
    sub : the steering subspace
    power_w : (B, S) W
    beta : (K,)
    z0 : (B, S, r, K) initial iterates. A UT whose receiver a_k is zero gets w_k = 0 (not served):
        this happens under the conventional MSE when its mean channel m_k vanishes (kappa = 0 on all
        its links), since (23) then sees no useful signal

    Returns
    -------
    ``LoopOutcome``
    """
    n_batch, _, _, n_users = z0.shape
    stats = stats.batched(n_batch)
    z = z0.copy()
    history = [z.copy()] if record_history else []
    n_iter = np.zeros(n_batch, dtype=int)
    mse = np.zeros((n_batch, n_users))  # e~' of the previous pass
    multipliers = np.full(power_w.shape, np.nan) if per_satellite else None
    warm = np.full(power_w.shape, np.nan)  # lambda / lambda_0 of the last constrained step
    p_user = per_user_power(power_w, n_users)  # (B,) P_k of eq. (31)
    idx = np.arange(n_batch)  # members still running
    for n in range(max_iter):
        part = stats.take(idx)
        rx = receivers(part, sub.projections(z[idx]), modified=modified)  # steps 7-8
        if n > 0:
            go = ~(np.sum(np.log2(mse[idx] / rx.mse), axis=1) <= tol)
            idx, part, rx = idx[go], part.take(go), rx.take(go)
            if idx.size == 0:
                break
        step = eigen_step(part, sub, rx, beta, modified=modified)  # steps 8-10 (shared part)
        if per_satellite:
            z[idx], multipliers[idx], warm[idx] = per_satellite_update(
                part, step, power_w[idx], warm[idx]
            )
        else:
            z[idx] = per_user_update(part, step, part.sigma2, p_user[idx])  # steps 10-11
        mse[idx] = rx.mse
        n_iter[idx] += 1
        if record_history:
            history.append(z.copy())
    return LoopOutcome(z=z, n_iterations=n_iter, history=tuple(history), multipliers=multipliers)
