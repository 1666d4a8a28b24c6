"""A per-realisation upper bound on the sum rate (54) that no precoder can exceed.

For a realisation g (S, K) and any precoders with sum_k ||w_{s,k}||^2 <= P_s, drop the
interference of (54) and apply Cauchy-Schwarz to the coherent signal (||v_{s,k}|| = 1):

    |sum_s g_{s,k} v_{s,k}^T w_{s,k}|^2 <= (sum_s |g_{s,k}|^2) (sum_s ||w_{s,k}||^2) = G_k p_k,

with p_k >= 0 the power given to UT k and sum_k p_k <= sum_s P_s = P (the per-satellite budgets
relaxed to their sum). Hence

    sum_k log2(1 + SINR_k) <= max_{p >= 0, sum p = P} sum_k log2(1 + p_k G_k / sigma_k^2)
                            = sum_k log2(max(mu / a_k, 1)),   a_k = sigma_k^2 / G_k,        (56)

water-filling with the level mu of sum_k max(mu - a_k, 0) = P: every user alone with all the
satellites' coherent array gain and the summed budget. It bounds every statistical design and the
instantaneous-CSI reference of ``precoding.reference`` on every realisation.
"""

from __future__ import annotations

import numpy as np

_LN2 = np.log(2.0)


def water_filling_level(floors: np.ndarray, total: np.ndarray) -> np.ndarray:
    """mu with sum_k max(mu - a_k, 0) = total, for floors a (n, K) (inf: a user that cannot be
    served) and totals (n,) > 0. Output (n,)."""
    a = np.sort(floors, axis=1)
    count = np.arange(1, a.shape[1] + 1)
    levels = (total[:, None] + np.cumsum(a, axis=1)) / count  # level using the m lowest
    valid = np.isfinite(levels) & (levels > a)  # the m-th floor is below its level
    m = a.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1)  # the largest valid m (0-based)
    mu = np.take_along_axis(levels, m[:, None], axis=1)[:, 0]
    return np.where(np.any(valid, axis=1), mu, 0.0)


def sum_rate_bound(gains: np.ndarray, sigma2: np.ndarray, power_w: np.ndarray) -> np.ndarray:
    """The bound (56) per realisation, bit/s/Hz.

    Parameters
    ----------
    gains : (n, S, K) complex g_{s,k}
    sigma2 : (K,) W
    power_w : (S,) P_s in W

    Returns
    -------
    (n,)
        A user with G_k = 0 on a realisation contributes 0.
    """
    g2 = np.sum(np.abs(gains) ** 2, axis=1)  # (n, K) G_k
    with np.errstate(over="ignore"):  # a gain ~1e-308 below sigma2: an unservable floor (inf)
        floors = np.where(g2 > 0.0, sigma2 / np.where(g2 > 0.0, g2, 1.0), np.inf)
    total = np.full(g2.shape[0], float(np.sum(power_w)))
    mu = water_filling_level(floors, total)
    ratio = np.where(np.isfinite(floors), mu[:, None] / np.where(np.isfinite(floors), floors,
                                                                  1.0), 1.0)
    return np.sum(np.log(np.maximum(ratio, 1.0)), axis=1) / _LN2
