"""Instantaneous-CSI reference "ic-wmmse" (eq. 54-55).

Not a scheme a system could run: for every channel realisation g (n, S, K) of the drop (Rician
fading and phase error, drawn as for R_E by ``channel.sampler.sample_link_gains``) the precoder
knows hbar_{s,k} = g_{s,k} v_{s,k} exactly. The SINR model is that of R_E (coherent signal over
satellites, inter-satellite interference adding in power, Remark 1):

    SINR_k(g, W) = |sum_s g_{s,k} v_{s,k}^T w_{s,k}|^2
                   / (sum_{i != k} sum_s |g_{s,k}|^2 |v_{s,k}^T w_{s,i}|^2 + sigma_k^2),        (54)

which is R_AP1 / R_AP2 of the "deterministic link statistics" rho = g, gamma = |g|^2, c = 0
(``channel.structure.LinkStatistics.from_gains``): there Omega_k = conj(m_k) m_k^T, the modified
and conventional MSEs coincide, and the WMMSE loop with exact per-satellite budgets (41)-(51) is
the WMMSE of (54) under sum_k ||w_{s,k}||^2 <= P_s. Each realisation is one member of the batched
loop (``precoding.joint``) in the drop's steering subspace (h = g v: the same for all n), from
its matched filter scaled per satellite to P_s (52), with its own termination rule. The reported
rate is the mean over the realisations of

    R_k = log2(1 + SINR_k(g_n, W(g_n))),   R_IC = sum_k mean_n R_k.                           (55)

With the same draws as the R_E of a statistical design (common random numbers), R_IC - R_E is
the price of statistical CSI on that drop.

Several starts. The loop is only locally optimal, so it is run from several starts: the matched
filter and every statistical precoder the caller passes (``starts``, each taken as it is, scaled
down per satellite only where it exceeds P_s). Per realisation the matched filter and the
``SCREEN_KEEP`` caller's starts with the highest sum rate (54) as given make ``SCREEN_PASSES``
updates (one batch), and the one with the highest sum rate after them is continued to the
loop's own termination rule (I_max counting the screening passes). A WMMSE pass never lowers the
sum rate of (54) (block coordinate descent of the weighted MSE, whose minimum over receivers and
weights is minus the rate), and the caller's best start is always screened, so the reference is
at least the rate of every start on every realisation: >= every statistical design evaluated on
the same draws. Screening only the best starts keeps the cost near (1 + SCREEN_KEEP) / I_max of
a single start above it (``python -m benchmarks.reference`` measures it). The winning start is
recorded, and the bound (56) of ``precoding.bound`` is reported next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.structure import LinkStatistics, link_powers
from coopsat.precoding._checks import (
    check_beta,
    check_csi,
    check_flag,
    check_gains,
    check_power,
    check_weights,
)
from coopsat.precoding.bound import sum_rate_bound
from coopsat.precoding.joint import joint_loop
from coopsat.precoding.options import SolverOptions
from coopsat.precoding.power import matched_coefficients, scale_per_satellite, scale_to_budget
from coopsat.precoding.rates import power_used
from coopsat.precoding.subspace import SteeringSubspace

_LN2 = np.log(2.0)
MATCHED_START = "matched-filter"  # the name of the start every reference run has
SCREEN_PASSES = 1  # updates every screened start makes before the best one goes on
SCREEN_KEEP = 2  # caller's starts screened per realisation next to the matched filter


@dataclass(frozen=True, eq=False)
class ReferenceResult:
    """Output of ``instantaneous_reference`` for one drop and power point (n realisations).

    Attributes
    ----------
    name : "ic-wmmse".
    rate : (K,) per-UT mean rate over the realisations, bit/s/Hz (55).
    sum_rates : (n,) sum_k R_k of each realisation, bit/s/Hz.
    power_used_w : (n, S) ||W_s||_F^2 of each realisation's precoder, W (<= P_s).
    n_iterations : (n,) precoder updates of each realisation's WMMSE loop.
    multipliers : (n, S) lambda_s of each realisation's last precoder update, 1/W (NaN if none).
    weights : (n, S, N_T, K) the precoders, only when asked (``keep_weights``), else None.
    start_names : the starts, ``MATCHED_START`` first, then the caller's in their order.
    start : (n,) int, index into start_names of the start that won on each realisation.
    bound_sum_rates : (n,) the upper bound (56) of each realisation, bit/s/Hz.
    """

    name: str
    rate: np.ndarray
    sum_rates: np.ndarray
    power_used_w: np.ndarray
    n_iterations: np.ndarray
    multipliers: np.ndarray
    weights: np.ndarray | None = None
    start_names: tuple[str, ...] = (MATCHED_START,)
    start: np.ndarray | None = None
    bound_sum_rates: np.ndarray | None = None

    @property
    def sum_rate(self) -> float:
        """R_IC = mean over realisations of sum_k R_k, bit/s/Hz."""
        return float(np.mean(self.sum_rates))

    @property
    def sum_rate_stderr(self) -> float:
        """Monte Carlo standard error of ``sum_rate`` (sample std / sqrt(n); NaN for n = 1)."""
        n = self.sum_rates.size
        return float(np.std(self.sum_rates, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")

    @property
    def bound_sum_rate(self) -> float:
        """Mean over realisations of the bound (56), bit/s/Hz."""
        return float(np.mean(self.bound_sum_rates))

    def start_shares(self) -> dict[str, float]:
        """Share of the realisations each start won, by name."""
        counts = np.bincount(self.start, minlength=len(self.start_names))
        return dict(zip(self.start_names, (counts / self.start.size).tolist(), strict=True))


def instantaneous_reference(
    csi: StatisticalCSI,
    power_w: float | np.ndarray,
    gains: np.ndarray,
    *,
    starts: Mapping[str, np.ndarray] | None = None,
    beta: np.ndarray | None = None,
    max_iter: int | None = None,
    tol: float | None = None,
    keep_weights: bool = False,
) -> ReferenceResult:
    """The instantaneous-CSI WMMSE reference (54)-(55) of one drop and power point.

    Parameters
    ----------
    csi : steering vectors and noise powers of the drop.
    power_w : P_s (S,) W or a scalar, > 0.
    gains : (n, S, K) complex realisations g_{s,k} (n >= 1), e.g. ``draws.gains(csi)[:n]`` of
        the drop's ``channel.draw_standard`` draws (those of its R_E evaluation).
    starts : extra starts by name, each (S, N_T, K) precoders (the statistical designs being
        compared); the matched filter (52) is always the first start.
    beta : (K,) rate weights (default ones).
    max_iter, tol : I_max and chi of each realisation's loop (as ``precode``).
    keep_weights : also return the (n, S, N_T, K) precoders.

    Returns
    -------
    ``ReferenceResult``

    Raises
    ------
    ValueError, TypeError on bad input (naming the argument); ``SolverError`` only on
    non-finite numerics inside the multiplier search (``precoding.dual``).
    """
    csi = check_csi(csi)
    power = check_power(power_w, csi.n_satellites)
    g = check_gains(gains, csi.n_satellites, csi.n_users)
    beta = check_beta(beta, csi.n_users)
    keep_weights = check_flag(keep_weights, "keep_weights")
    names, extra = _check_starts(starts, csi)
    solver = SolverOptions.of(max_iter=max_iter, tol=tol)
    n = g.shape[0]
    stats = LinkStatistics.from_gains(g, np.asarray(csi.sigma2, dtype=float))
    sub = SteeringSubspace.from_steering(np.asarray(csi.steering))
    budgets = np.broadcast_to(power, (n, csi.n_satellites)).copy()
    z0 = [_matched_coords(sub, stats, budgets)]  # (n, S, r, K), then the starts' (S, r, K)
    z0 += [sub.to_coords(scale_per_satellite(w, power)) for w in extra]
    z, n_iter, multipliers, won = _multi_start(stats, sub, budgets, beta, z0, solver)
    rates = _rates(stats, sub, z)
    return ReferenceResult(
        name="ic-wmmse", rate=np.mean(rates, axis=0), sum_rates=np.sum(rates, axis=1),
        power_used_w=power_used(z),  # orthonormal coordinates: ||W_s||_F^2
        n_iterations=n_iter, multipliers=multipliers,
        weights=sub.to_weights(z) if keep_weights else None, start_names=names, start=won,
        bound_sum_rates=sum_rate_bound(g, np.asarray(csi.sigma2, dtype=float), power),
    )


def _check_starts(starts: object, csi: StatisticalCSI) -> tuple[tuple[str, ...], list]:
    """(names, precoders) of the starts, the matched filter first; one-line errors otherwise."""
    if starts is None:
        return (MATCHED_START,), []
    if not isinstance(starts, Mapping):
        raise TypeError(f"starts must be a mapping of name to precoders, got {starts!r}")
    names = [str(name) for name in starts]
    if MATCHED_START in names:
        raise ValueError(f"starts: {MATCHED_START!r} is always the first start; use another name")
    weights = [check_weights(w, csi, name=f"starts[{name!r}]") for name, w in starts.items()]
    return (MATCHED_START, *names), weights


def _rates(stats: LinkStatistics, sub: SteeringSubspace, z: np.ndarray) -> np.ndarray:
    """(n, K) per-UT rates of (54) of the iterates z (n, S, r, K), bit/s/Hz."""
    p = link_powers(stats, sub.projections(z))
    return np.log1p(np.abs(p.mean_response) ** 2 / (p.interference + p.noise)) / _LN2


def _multi_start(stats, sub, budgets, beta, z0: list, solver: SolverOptions):
    """Per realisation the matched filter z0[0] (n, S, r, K) and the ``SCREEN_KEEP`` starts of
    z0[1:] (each (S, r, K), the same for every realisation) with the highest rate (54) as given,
    ``SCREEN_PASSES`` updates of them in one batch, then the best one to the termination rule.
    Output (z (n, S, r, K), iterations (n,), multipliers (n, S), winning start (n,))."""
    n = budgets.shape[0]
    loop = {"modified": False, "per_satellite": True, "tol": solver.tol, "record_history": False}
    if len(z0) == 1:
        out = _run(stats, sub, budgets, beta, z0[0], 1, loop, solver.max_iter)
        return out.z, out.n_iterations, out.multipliers, np.zeros(n, dtype=int)
    cand = _candidates(stats, sub, z0)  # (n, c) start indices, the matched filter first
    c, rows = cand.shape[1], np.arange(n)
    members = np.empty((c * n, *z0[0].shape[1:]), dtype=z0[0].dtype)  # start-major
    for j in range(c):
        for q in np.unique(cand[:, j]):
            mine = np.flatnonzero(cand[:, j] == q)
            members[j * n + mine] = z0[q][mine] if q == 0 else z0[q]
    first = min(solver.max_iter, SCREEN_PASSES)
    screen = _run(stats, sub, budgets, beta, members, c, loop, first)
    best = np.argmax(np.sum(_rates(_tiled(stats, c), sub, screen.z), axis=1).reshape(c, n),
                     axis=0)
    pick = best * n + rows
    z, n_iter, lam = screen.z[pick], screen.n_iterations[pick], screen.multipliers[pick]
    if solver.max_iter > first:
        rest = _run(stats, sub, budgets, beta, z, 1, loop, solver.max_iter - first)
        lam = np.where((rest.n_iterations > 0)[:, None], rest.multipliers, lam)
        z, n_iter = rest.z, n_iter + rest.n_iterations
    return z, n_iter, lam, cand[rows, best]


def _candidates(stats: LinkStatistics, sub: SteeringSubspace, z0: list) -> np.ndarray:
    """(n, 1 + min(SCREEN_KEEP, m - 1)) indices into z0 of the starts screened per realisation:
    0 (the matched filter), then the others by decreasing sum rate (54) on that realisation."""
    own = np.stack([np.sum(_rates(stats, sub, z), axis=1) for z in z0[1:]], axis=1)  # (n, m-1)
    keep = min(SCREEN_KEEP, own.shape[1])
    best = np.argsort(-own, axis=1, kind="stable")[:, :keep] + 1
    return np.concatenate([np.zeros((own.shape[0], 1), dtype=int), best], axis=1)


def _tiled(stats: LinkStatistics, m: int) -> LinkStatistics:
    """The realisations' statistics (n, S, K) repeated m times along the batch: (m n, S, K)."""
    if m == 1:
        return stats
    return LinkStatistics(rho=np.tile(stats.rho, (m, 1, 1)), c2=np.tile(stats.c2, (m, 1, 1)),
                          gamma=np.tile(stats.gamma, (m, 1, 1)), sigma2=stats.sigma2)


def _run(stats, sub, budgets, beta, z0, m: int, loop: dict, max_iter: int):
    """``joint_loop`` of m starts of every realisation stacked along the batch (start-major)."""
    return joint_loop(_tiled(stats, m), sub, np.tile(budgets, (m, 1)), beta, z0,
                      max_iter=max_iter, **loop)


def _matched_coords(sub: SteeringSubspace, stats: LinkStatistics, power: np.ndarray) -> np.ndarray:
    """Matched filter (52) of every realisation, scaled per satellite to P_s, in coordinates.

    conj(v_{s,k}) has coordinates y_{s,k} = B_s^H e_k (conj of row k of ``sub.coords``), so
    z_{s,k} = conj(g_{s,k}) y_{s,k}.

    Returns
    -------
    (n, S, r, K) complex coordinates
    """
    coeff = matched_coefficients(stats.rho, stats.gamma)  # (n, S, K)
    z = coeff[:, :, None, :] * np.conj(np.swapaxes(sub.coords, 1, 2))  # (n, S, r, K)
    return scale_to_budget(z, power)  # the coordinates are orthonormal: same norms as W
