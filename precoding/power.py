"""Power handling: the matched-filter initialiser and the per-satellite scaling of step 14."""

from __future__ import annotations

import numpy as np

from channel.csi import StatisticalCSI


def per_user_power(power_w: np.ndarray, n_users: int) -> float:
    """P_k = sum_s P_s / K (Algorithm 1, step 4), in W."""
    return float(np.sum(power_w)) / n_users


def matched_filter(csi: StatisticalCSI, power_w: np.ndarray) -> np.ndarray:
    """Initial precoders of Algorithm 1 (DESIGN.md): w_k = conj(m_k) scaled to ||w_k||^2 = P_k.

        m_k = [rho_{1,k} v_{1,k}; ...; rho_{S,k} v_{S,k}],   P_k = sum_s P_s / K.

    A UT whose mean channel is exactly zero (kappa = 0 on every link) has no mean direction; it
    gets w_{s,k} proportional to sqrt(gamma_{s,k}) conj(v_{s,k}) instead (the per-satellite
    matched filter on the rms channel).

    Inputs: csi; power_w (S,) W. Output: (S, N_T, K) complex.
    """
    steering = np.asarray(csi.steering)
    rho = csi.rho
    gamma = np.asarray(csi.gamma, dtype=float)
    mean_zero = np.all(rho == 0.0, axis=0)  # (K,)
    coeff = np.where(mean_zero[None, :], np.sqrt(gamma), np.conj(rho))  # (S, K)
    w = coeff[:, None, :] * np.conj(np.swapaxes(steering, 1, 2))  # (S, N_T, K)
    norm2 = np.sum(np.abs(w) ** 2, axis=(0, 1))  # (K,)
    return w * np.sqrt(per_user_power(power_w, csi.n_users) / norm2)


def scale_per_satellite(weights: np.ndarray, power_w: np.ndarray) -> np.ndarray:
    """Step 14 of Algorithm 1: W_s <- min(sqrt(P_s / ||W_s||_F^2), 1) W_s.

    Inputs: weights (S, N_T, K) complex; power_w (S,) W. Output: (S, N_T, K); a satellite with
    zero precoders is left at zero.
    """
    used = np.sum(np.abs(weights) ** 2, axis=(1, 2))
    with np.errstate(divide="ignore"):
        factor = np.minimum(np.sqrt(power_w / used), 1.0)
    return weights * factor[:, None, None]
