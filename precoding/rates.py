"""Rate evaluation of multi-satellite precoders (DESIGN.md, section Rates).

    R_E   = sum_k E{ log2(1 + |sum_s hbar_{s,k}^T w_{s,k}|^2
                           / (sum_{i!=k} sum_s |hbar_{s,k}^T w_{s,i}|^2 + sigma_k^2)) }
            (coherent signal over satellites, incoherent interference: Remark 1; Monte Carlo)
    R_AP1 = sum_k Rbar_k,  Rbar_k = log2(1 + w_k^H Omega_k w_k
                                          / (sum_{i!=k} w_i^H Omega~_k w_i + sigma_k^2))   (13)
    R_AP2 = sum_k log2(1 / e_k), e_k of (23) at its optimal receiver (39)

Because hbar_{s,k} = g_{s,k} v_{s,k}, the projections t[s,k,i] = v_{s,k}^T w_{s,i} are computed
once and only the scalar gains g are sampled (``channel.sampler.sample_link_gains``).
All rates are in bit/s/Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from channel.csi import StatisticalCSI
from channel.sampler import sample_link_gains
from channel.structure import link_powers, steering_projections
from precoding._checks import check_csi, check_power, check_weights
from precoding.power import scale_per_satellite

_LN2 = np.log(2.0)


@dataclass(frozen=True, eq=False)
class RateReport:
    """Per-UT rates (K,) in bit/s/Hz and per-satellite transmit power used (S,) in W."""

    r_e: np.ndarray
    r_ap1: np.ndarray
    r_ap2: np.ndarray
    power_used_w: np.ndarray

    @property
    def sum_r_e(self) -> float:
        """R_E = sum_k E{R_k} (Monte Carlo)."""
        return float(np.sum(self.r_e))

    @property
    def sum_r_ap1(self) -> float:
        """R_AP1 = sum_k Rbar_k (eq. 13)."""
        return float(np.sum(self.r_ap1))

    @property
    def sum_r_ap2(self) -> float:
        """R_AP2 = sum_k log2(1 / e_k) (eq. 23)."""
        return float(np.sum(self.r_ap2))


def _powers(csi: StatisticalCSI, weights: np.ndarray):
    csi = check_csi(csi)
    w = check_weights(weights, csi)
    return link_powers(csi, steering_projections(np.asarray(csi.steering), w))


def rate_ap1(csi: StatisticalCSI, weights: np.ndarray) -> np.ndarray:
    """Rbar_k of eq. (13) (interference through user k's own Omega~_k).

    Inputs: csi; weights (S, N_T, K) complex. Output: (K,) bit/s/Hz.
    """
    p = _powers(csi, weights)
    return np.log1p(p.signal_power / (p.interference + p.noise)) / _LN2


def rate_ap2(csi: StatisticalCSI, weights: np.ndarray) -> np.ndarray:
    """log2(1 / e_k) with the conventional MSE (23) at its optimal receiver:

        1 / e_k = 1 + |m_k^T w_k|^2 / (w_k^H Omega_k w_k - |m_k^T w_k|^2 + interference + sigma^2)

    Inputs: csi; weights (S, N_T, K) complex. Output: (K,) bit/s/Hz.
    """
    p = _powers(csi, weights)
    residual = p.scatter_power + p.interference + p.noise
    return np.log1p(np.abs(p.mean_response) ** 2 / residual) / _LN2


def rate_mc(
    csi: StatisticalCSI, weights: np.ndarray, n_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Monte Carlo E{R_k} over n_samples channel draws (rank-one trick; memory n x S x K).

    Inputs: csi; weights (S, N_T, K) complex; n_samples >= 1; rng numpy Generator.
    Output: (K,) bit/s/Hz.
    """
    csi = check_csi(csi)
    w = check_weights(weights, csi)
    return _rate_from_gains(csi, w, sample_link_gains(csi, n_samples, _check_rng(rng)))


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _rate_from_gains(csi: StatisticalCSI, w: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Sample mean of R_k over link-gain draws g (n, S, K); (K,) bit/s/Hz."""
    t = steering_projections(np.asarray(csi.steering), w)  # (S, K, K)
    n_users = t.shape[1]
    diag = np.arange(n_users)
    own = t[:, diag, diag]  # (S, K)
    cross = np.abs(t) ** 2
    cross[:, diag, diag] = 0.0
    leak = np.sum(cross, axis=2)  # (S, K): sum_{i != k} |v_{s,k}^T w_{s,i}|^2
    signal = np.abs(np.einsum("nsk,sk->nk", g, own)) ** 2
    interference = np.einsum("nsk,sk->nk", np.abs(g) ** 2, leak)
    sinr = signal / (interference + np.asarray(csi.sigma2, dtype=float))
    return np.mean(np.log1p(sinr), axis=0) / _LN2


def power_used(weights: np.ndarray) -> np.ndarray:
    """||W_s||_F^2 per satellite: (S, N_T, K) -> (S,) W."""
    return np.sum(np.abs(np.asarray(weights)) ** 2, axis=(1, 2))


def evaluate_rates(
    csi: StatisticalCSI,
    weights: np.ndarray,
    *,
    n_samples: int = 1000,
    rng: np.random.Generator,
) -> RateReport:
    """R_E (Monte Carlo, n_samples draws from rng), R_AP1, R_AP2 per UT and the power used.

    Inputs: csi; weights (S, N_T, K) complex. Output: ``RateReport``.
    """
    return RateReport(
        r_e=rate_mc(csi, weights, n_samples, rng),
        r_ap1=rate_ap1(csi, weights),
        r_ap2=rate_ap2(csi, weights),
        power_used_w=power_used(check_weights(weights, csi)),
    )


def evaluate_history(
    csi: StatisticalCSI,
    history: tuple[np.ndarray, ...],
    power_w: float | np.ndarray,
    *,
    n_samples: int = 1000,
    rng: np.random.Generator,
    scaled: bool = True,
) -> tuple[RateReport, ...]:
    """R_E, R_AP1, R_AP2 of every iterate (Fig. 5), with common random numbers.

    One set of n_samples link-gain draws is shared by all iterates, so the R_E curve over the
    iterations is not blurred by independent Monte Carlo noise. With scaled=True (default) each
    iterate is first passed through step 14 (``scale_per_satellite``), i.e. evaluated as the
    precoder that would be transmitted had the algorithm stopped there; scaled=False evaluates
    the raw iterates (which meet the per-UT constraint (31), not the per-satellite one).

    Inputs: csi; history of (S, N_T, K) iterates (``PrecodingResult.history``); power_w (S,) W or
    a scalar. Output: one ``RateReport`` per iterate.
    """
    csi = check_csi(csi)
    power = check_power(power_w, csi.n_satellites)
    g = sample_link_gains(csi, n_samples, _check_rng(rng))
    reports = []
    for iterate in history:  # a handful of iterates; each evaluation is vectorised
        w = check_weights(iterate, csi, name="history item")
        if scaled:
            w = scale_per_satellite(w, power)
        reports.append(
            RateReport(
                r_e=_rate_from_gains(csi, w, g),
                r_ap1=rate_ap1(csi, w),
                r_ap2=rate_ap2(csi, w),
                power_used_w=power_used(w),
            )
        )
    return tuple(reports)
