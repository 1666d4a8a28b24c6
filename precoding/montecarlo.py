"""Monte Carlo estimators of R_E from link-gain samples (``precoding.rates`` documents the
estimators and their standard errors): the per-sample terms of P precoders in one vectorised
pass, the sample mean and the cross-fitted control variate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coopsat.channel.csi import StatisticalCSI

_LN2 = np.log(2.0)
ESTIMATORS = ("mean", "control-variate")
Link = Callable[[np.ndarray], np.ndarray]
"""A link abstraction: per-sample SINR (linear) -> spectral efficiency (bit/s/Hz)."""
# elements of one (n, P_block, K) array of per-sample rates: precoders are evaluated in blocks of
# this size so that the passes over the samples stay in cache (2 MiB of float64)
_BLOCK_ELEMENTS = 2**18
# RMS spread of the (dimensionless) control variate below which it is round-off, not randomness:
# its slope is then 0 (a channel without scattering or phase error has c = 0 up to ~1e-16)
_CONTROL_FLOOR = 1e-12


@dataclass(frozen=True, eq=False)
class Estimate:
    """R_E per precoder and UT with its standard errors: r_e, r_e_stderr (P, K); sum (P,)."""

    r_e: np.ndarray
    r_e_stderr: np.ndarray
    sum_r_e_stderr: np.ndarray


def _sample_terms(
    csi: StatisticalCSI, t: np.ndarray, g: np.ndarray, g2: np.ndarray, link: Link | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-sample S_k, I_k (W) and ln(1 + S_k / (I_k + sigma_k^2)) (nats) of P precoders.

    Parameters
    ----------
    t : (P, S, K, K) projections
    g : (n, S, K) gains and g2 = |g|^2
    link : an optional link abstraction: a function of the per-sample SINR (any shape) returning the
        spectral efficiency in bit/s/Hz, applied to every sample instead of log2(1 + SINR) (the
        third output is then link(SINR) ln 2, still in nats)

    Returns
    -------
    three (n, P, K) arrays
        The einsums add the S satellite terms in order, each complex product as re = a_re b_re -
        a_im b_im, im = a_re b_im + a_im b_re without fused multiply-adds: the same arithmetic for
        any P, so a precoder's samples do not depend on the others in its batch.
    """
    diag = np.arange(t.shape[-1])
    own = t[..., diag, diag]  # (P, S, K): t[s, k, k]
    cross = np.abs(t) ** 2
    cross[..., diag, diag] = 0.0
    leak = np.sum(cross, axis=-1)  # (P, S, K): sum_{i != k} |v_{s,k}^T w_{s,i}|^2
    signal = np.abs(np.einsum("nsk,psk->npk", g, own)) ** 2
    interference = np.einsum("nsk,psk->npk", g2, leak)
    sinr = signal / (interference + np.asarray(csi.sigma2, dtype=float))
    log_rate = np.log1p(sinr) if link is None else np.asarray(link(sinr), dtype=float) * _LN2
    return signal, interference, log_rate


def _sample_mean(values: np.ndarray) -> np.ndarray:
    """Mean over the samples of (n, P, K) values -> (P, K), adding the samples in the order that
    ``np.mean(values[:, p, :], axis=0)`` uses for one precoder, whatever P: one after the other
    for K >= 2, pairwise (numpy's 1-D summation) for K = 1."""
    if values.shape[2] == 1:
        return np.mean(np.ascontiguousarray(values[:, :, 0].T), axis=-1)[:, None]
    return np.mean(values, axis=0)


def _by_precoder(values: np.ndarray) -> np.ndarray:
    """(n, P, K) -> contiguous (P, K, n): every reduction over the samples then runs along the
    last axis, independently for each (p, k), so it does not depend on P."""
    return np.ascontiguousarray(np.moveaxis(values, 0, -1))


def _mean_estimate(log_rate: np.ndarray) -> Estimate:
    """Sample mean of (n, P, K) nats and its standard errors (NaN for n = 1)."""
    n = log_rate.shape[0]
    r_e = _sample_mean(log_rate) / _LN2
    if n < 2:
        nan = np.full(log_rate.shape[1:], np.nan)
        return Estimate(r_e, nan, nan[:, 0].copy())
    per_ut = _by_precoder(log_rate)  # (P, K, n)
    root_n = np.sqrt(n) * _LN2
    return Estimate(
        r_e=r_e,
        r_e_stderr=np.std(per_ut, axis=-1, ddof=1) / root_n,
        sum_r_e_stderr=np.std(np.sum(per_ut, axis=1), axis=-1, ddof=1) / root_n,
    )


def _slope(y: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Least-squares slope of y on c along the last axis, (..., m) -> (..., 1); 0 where c is
    constant up to round-off (RMS spread below ``_CONTROL_FLOOR``)."""
    c = c - np.mean(c, axis=-1, keepdims=True)
    c_var = np.sum(c * c, axis=-1, keepdims=True)
    informative = c_var > c.shape[-1] * _CONTROL_FLOOR**2
    cov = np.sum(c * (y - np.mean(y, axis=-1, keepdims=True)), axis=-1, keepdims=True)
    return np.divide(cov, c_var, out=np.zeros_like(c_var), where=informative)


def _control_variate_estimate(
    csi: StatisticalCSI,
    means: tuple[np.ndarray, np.ndarray],
    signal: np.ndarray,
    interference: np.ndarray,
    log_rate: np.ndarray,
) -> Estimate:
    """Cross-fitted control-variate estimate (module docstring) from (n, P, K) samples.

    means: the exact E{S_k} = w_k^H Omega_k w_k and E{I_k} (P, K), W (``link_powers``).
    """
    n = log_rate.shape[0]
    mean_s, mean_i = (m[..., None] for m in means)  # (P, K, 1)
    noise = np.asarray(csi.sigma2, dtype=float)[:, None]
    total = mean_s + mean_i + noise
    c = (_by_precoder(signal) - mean_s) / total - (mean_s / ((mean_i + noise) * total)) * (
        _by_precoder(interference) - mean_i
    )  # (P, K, n), E{c} = 0 exactly
    y = _by_precoder(log_rate)
    half = n // 2
    first, second = slice(0, half), slice(half, n)
    # each half is corrected with the slope fitted on the other: independent of its samples,
    # so E{slope * c} = 0 and the estimate is unbiased (a slope fitted on the same samples
    # biases it by O(1/n), next to a standard error of O(1/sqrt(n)))
    slope_first, slope_second = (
        _slope(y[..., first], c[..., first]),
        _slope(y[..., second], c[..., second]),
    )
    y[..., first] -= slope_second * c[..., first]
    y[..., second] -= slope_first * c[..., second]
    root_n = np.sqrt(n) * _LN2
    return Estimate(
        r_e=np.mean(y, axis=-1) / _LN2,
        r_e_stderr=np.std(y, axis=-1, ddof=1) / root_n,
        sum_r_e_stderr=np.std(np.sum(y, axis=1), axis=-1, ddof=1) / root_n,
    )


def monte_carlo(
    csi: StatisticalCSI,
    t: np.ndarray,
    g: np.ndarray,
    estimator: str = "mean",
    means: tuple[np.ndarray, np.ndarray] | None = None,
    link: Link | None = None,
) -> Estimate:
    """R_E of P precoders from projections t (P, S, K, K) and gains g (n, S, K).

    link: an optional link abstraction (``_sample_terms``) inside the expectation,
    E{link(SINR_k)} instead of E{log2(1 + SINR_k)}; the control variate stays unbiased (its
    slope is fitted, cross-fitted, on the mapped samples) but reduces less variance.

    Precoders go through ``_sample_terms`` in blocks of about ``_BLOCK_ELEMENTS`` per-sample
    values (cache blocking; each block is one vectorised pass). means: (E{S_k}, E{I_k}), each
    (P, K), needed by the control-variate estimator.
    """
    n, _, n_users = g.shape
    g2 = np.abs(g) ** 2
    n_prec = t.shape[0]
    step = max(1, _BLOCK_ELEMENTS // (n * n_users))
    parts = []
    for lo in range(0, n_prec, step):  # blocks of precoders, not single ones
        block = slice(lo, min(lo + step, n_prec))
        signal, interference, log_rate = _sample_terms(csi, t[block], g, g2, link)
        if estimator == "mean":
            parts.append(_mean_estimate(log_rate))
        else:
            sub = (means[0][block], means[1][block])
            parts.append(_control_variate_estimate(csi, sub, signal, interference, log_rate))
    return Estimate(
        r_e=np.concatenate([p.r_e for p in parts]),
        r_e_stderr=np.concatenate([p.r_e_stderr for p in parts]),
        sum_r_e_stderr=np.concatenate([p.sum_r_e_stderr for p in parts]),
    )


