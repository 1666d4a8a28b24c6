"""Power handling: matched-filter initialisers (per-user and per-satellite scaling, the latter is
also MS-MRT) and the per-satellite scalings (step 14, and the exact one of the linear baselines).

All functions broadcast over leading batch axes of the budgets: power_w (..., S) gives weights
(..., S, N_T, K).
"""

from __future__ import annotations

import numpy as np

from coopsat.channel.csi import StatisticalCSI


def per_user_power(power_w: np.ndarray, n_users: int) -> np.ndarray:
    """P_k = sum_s P_s / K (Algorithm 1, step 4), in W: (..., S) -> (...)."""
    return np.sum(power_w, axis=-1) / n_users


def matched_coefficients(rho: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Coefficients of conj(v_{s,k}) in the matched filter: conj(rho_{s,k}) (..., S, K).

    A UT whose mean channel is exactly zero on every link (kappa = 0) has no mean direction; it
    gets sqrt(gamma_{s,k}) instead (the matched filter on the rms channel).
    """
    mean_zero = np.all(rho == 0.0, axis=-2)  # (..., K)
    return np.where(mean_zero[..., None, :], np.sqrt(gamma), np.conj(rho))


def matched_filter(csi: StatisticalCSI, power_w: np.ndarray) -> np.ndarray:
    """Initialiser of Algorithm 1 (docs/design.md#algorithm-1): w_k = conj(m_k), ||w_k||^2 = P_k.

        m_k = [rho_{1,k} v_{1,k}; ...; rho_{S,k} v_{S,k}],   P_k = sum_s P_s / K.

    A UT whose mean channel is exactly zero (kappa = 0 on every link) has no mean direction; it
    gets w_{s,k} proportional to sqrt(gamma_{s,k}) conj(v_{s,k}) instead (the per-satellite
    matched filter on the rms channel).

    Parameters
    ----------
    csi
    power_w : (..., S) W

    Returns
    -------
    (..., S, N_T, K) complex
    """
    steering = np.asarray(csi.steering)
    coeff = matched_coefficients(csi.rho, np.asarray(csi.gamma, dtype=float))  # (S, K)
    w = coeff[:, None, :] * np.conj(np.swapaxes(steering, 1, 2))  # (S, N_T, K)
    norm2 = np.sum(np.abs(w) ** 2, axis=(0, 1))  # (K,)
    p_user = np.asarray(per_user_power(np.asarray(power_w), csi.n_users))
    return w * np.sqrt(p_user[..., None, None, None] / norm2)


def matched_filter_per_satellite(csi: StatisticalCSI, power_w: np.ndarray) -> np.ndarray:
    """MS-MRT and the initialiser of the per-satellite-constrained schemes (eq. 52):

        W_s = sqrt(P_s / ||W'_s||_F^2) W'_s,   W'_s = [conj(rho_{s,1}) conj(v_{s,1}), ...],

    i.e. w_k = conj(m_k) before the scaling, each satellite then at exactly its budget P_s. The
    zero-mean fallback of ``matched_coefficients`` applies; a satellite with no mean channel to
    any UT that has one stays silent.

    Parameters
    ----------
    csi
    power_w : (..., S) W

    Returns
    -------
    (..., S, N_T, K) complex
    """
    steering = np.asarray(csi.steering)
    coeff = matched_coefficients(csi.rho, np.asarray(csi.gamma, dtype=float))
    w = coeff[:, None, :] * np.conj(np.swapaxes(steering, 1, 2))
    return scale_to_budget(np.broadcast_to(w, (*np.shape(power_w)[:-1], *w.shape)), power_w)


def scale_per_satellite(weights: np.ndarray, power_w: np.ndarray) -> np.ndarray:
    """Step 14 of Algorithm 1: W_s <- min(sqrt(P_s / ||W_s||_F^2), 1) W_s.

    Parameters
    ----------
    weights : (..., S, N_T, K) complex
    power_w : (..., S) W

    Returns
    -------
    (..., S, N_T, K); a satellite with zero precoders is left at zero
    """
    used = np.sum(np.abs(weights) ** 2, axis=(-2, -1))
    with np.errstate(divide="ignore"):
        factor = np.minimum(np.sqrt(power_w / used), 1.0)
    return weights * factor[..., None, None]


def scale_to_budget(weights: np.ndarray, power_w: np.ndarray) -> np.ndarray:
    """W_s <- sqrt(P_s / ||W_s||_F^2) W_s: every satellite at exactly its budget.

    Parameters
    ----------
    weights : (..., S, N_T, K)
    power_w : (..., S) W

    Returns
    -------
    (..., S, N_T, K); a zero W_s stays zero
    """
    norm2 = np.sum(np.abs(weights) ** 2, axis=(-2, -1))
    safe = np.where(norm2 > 0.0, norm2, 1.0)
    return weights * np.where(norm2 > 0.0, np.sqrt(power_w / safe), 0.0)[..., None, None]
