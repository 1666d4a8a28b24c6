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
"""

from __future__ import annotations

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
)
from coopsat.precoding.joint import joint_loop
from coopsat.precoding.options import SolverOptions
from coopsat.precoding.power import matched_coefficients, scale_to_budget
from coopsat.precoding.rates import power_used
from coopsat.precoding.subspace import SteeringSubspace

_LN2 = np.log(2.0)


@dataclass(frozen=True, eq=False)
class ReferenceResult:
    """Output of ``instantaneous_reference`` for one drop and power point (n realisations).

    name : "ic-wmmse".
    rate : (K,) per-UT mean rate over the realisations, bit/s/Hz (55).
    sum_rates : (n,) sum_k R_k of each realisation, bit/s/Hz.
    power_used_w : (n, S) ||W_s||_F^2 of each realisation's precoder, W (<= P_s).
    n_iterations : (n,) precoder updates of each realisation's WMMSE loop.
    multipliers : (n, S) lambda_s of each realisation's last precoder update, 1/W (NaN if none).
    weights : (n, S, N_T, K) the precoders, only when asked (``keep_weights``), else None.
    """

    name: str
    rate: np.ndarray
    sum_rates: np.ndarray
    power_used_w: np.ndarray
    n_iterations: np.ndarray
    multipliers: np.ndarray
    weights: np.ndarray | None = None

    @property
    def sum_rate(self) -> float:
        """R_IC = mean over realisations of sum_k R_k, bit/s/Hz."""
        return float(np.mean(self.sum_rates))

    @property
    def sum_rate_stderr(self) -> float:
        """Monte Carlo standard error of ``sum_rate`` (sample std / sqrt(n); NaN for n = 1)."""
        n = self.sum_rates.size
        return float(np.std(self.sum_rates, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")


def instantaneous_reference(
    csi: StatisticalCSI,
    power_w: float | np.ndarray,
    gains: np.ndarray,
    *,
    beta: np.ndarray | None = None,
    max_iter: int | None = None,
    tol: float | None = None,
    keep_weights: bool = False,
) -> ReferenceResult:
    """The instantaneous-CSI WMMSE reference (54)-(55) of one drop and power point.

    Inputs: csi (steering vectors and noise powers of the drop); power_w P_s (S,) W or a scalar,
    > 0; gains (n, S, K) complex realisations g_{s,k} (n >= 1), e.g. ``draws.gains(csi)[:n]``
    of the drop's ``channel.draw_standard`` draws (those of its R_E evaluation); beta (K,) rate
    weights (default ones); max_iter, tol: I_max and chi of each realisation's loop (as
    ``precode``); keep_weights: also return the (n, S, N_T, K) precoders.
    Output: ``ReferenceResult``. Raises ValueError / TypeError on bad input, ``SolverError``
    when a realisation's multiplier search fails (``precoding.dual``).
    """
    csi = check_csi(csi)
    power = check_power(power_w, csi.n_satellites)
    g = check_gains(gains, csi.n_satellites, csi.n_users)
    beta = check_beta(beta, csi.n_users)
    keep_weights = check_flag(keep_weights, "keep_weights")
    solver = SolverOptions.of(max_iter=max_iter, tol=tol)
    max_iter, tol = solver.max_iter, solver.tol
    n = g.shape[0]
    stats = LinkStatistics.from_gains(g, np.asarray(csi.sigma2, dtype=float))
    sub = SteeringSubspace.from_steering(np.asarray(csi.steering))
    budgets = np.broadcast_to(power, (n, csi.n_satellites)).copy()
    out = joint_loop(
        stats,
        sub,
        budgets,
        beta,
        _matched_coords(sub, stats, budgets),
        modified=False,
        per_satellite=True,
        max_iter=max_iter,
        tol=tol,
        record_history=False,
    )
    p = link_powers(stats, sub.projections(out.z))  # (54) for every realisation
    rates = np.log1p(np.abs(p.mean_response) ** 2 / (p.interference + p.noise)) / _LN2  # (n, K)
    return ReferenceResult(
        name="ic-wmmse",
        rate=np.mean(rates, axis=0),
        sum_rates=np.sum(rates, axis=1),
        power_used_w=power_used(out.z),  # orthonormal coordinates: ||W_s||_F^2
        n_iterations=out.n_iterations,
        multipliers=out.multipliers,
        weights=sub.to_weights(out.z) if keep_weights else None,
    )


def _matched_coords(sub: SteeringSubspace, stats: LinkStatistics, power: np.ndarray) -> np.ndarray:
    """Matched filter (52) of every realisation, scaled per satellite to P_s, in coordinates.

    conj(v_{s,k}) has coordinates y_{s,k} = B_s^H e_k (conj of row k of ``sub.coords``), so
    z_{s,k} = conj(g_{s,k}) y_{s,k}. Output: (n, S, r, K).
    """
    coeff = matched_coefficients(stats.rho, stats.gamma)  # (n, S, K)
    z = coeff[:, :, None, :] * np.conj(np.swapaxes(sub.coords, 1, 2))  # (n, S, r, K)
    return scale_to_budget(z, power)  # the coordinates are orthonormal: same norms as W
