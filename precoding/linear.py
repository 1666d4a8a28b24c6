"""Joint linear baselines on the stacked mean channel (eq. 52-53).

The stacked mean channel M (K x S N_T) has rows m_k^T = [rho_{1,k} v_{1,k}^T, ..., rho_{S,k}
v_{S,k}^T], i.e. M = [H_1, ..., H_S] with the per-satellite mean channels H_s = diag(rho_s) V_s
of eq. (18).

    MS-MRT:  W'_s = H_s^H    (w_k = conj(m_k); ``power.matched_filter_per_satellite``)    (52)
    MS-RZF:  W' = M^H (M M^H + xi I_K)^{-1},  xi = sum_k sigma_k^2 / sum_s P_s,
             M M^H = sum_s H_s H_s^H = sum_s diag(rho_s) G_s diag(conj(rho_s)),
             G_s = V_s V_s^H  (K x K),   W'_s = H_s^H (M M^H + xi I)^{-1}                 (53)

(xi = K sigma^2 / P for equal noise powers), each then scaled per satellite to exactly its
budget: W_s = sqrt(P_s / ||W'_s||_F^2) W'_s (``power.scale_to_budget``). Only K x K Grams are
formed. The per-satellite scaling keeps every satellite's own column directions but not the
zero-forcing of the stack: M W is diagonal for W' as xi -> 0, for W only if all satellites
are scaled alike.
"""

from __future__ import annotations

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.structure import mean_channels
from coopsat.precoding.power import scale_to_budget


def rzf_directions(csi: StatisticalCSI, power_w: np.ndarray) -> np.ndarray:
    """W' of eq. (53) before the per-satellite scaling.

    Parameters
    ----------
    csi
    power_w : (..., S) W (only sum_s P_s enters xi)

    Returns
    -------
    (..., S, N_T, K)
    """
    h = mean_channels(csi.rho, np.asarray(csi.steering))  # (S, K, N_T)
    h_herm = np.conj(np.swapaxes(h, 1, 2))  # (S, N_T, K)
    gram = np.sum(np.matmul(h, h_herm), axis=0)  # (K, K) = M M^H
    xi = np.sum(np.asarray(csi.sigma2, dtype=float)) / np.sum(power_w, axis=-1)  # (...)
    eye = np.eye(csi.n_users)
    system = gram + np.asarray(xi)[..., None, None] * eye  # (..., K, K)
    inverse = np.linalg.solve(system, np.broadcast_to(eye, system.shape))
    return np.matmul(h_herm, inverse[..., None, :, :])  # (..., S, N_T, K)


def rzf(csi: StatisticalCSI, power_w: np.ndarray) -> np.ndarray:
    """MS-RZF (53): W' scaled per satellite to exactly P_s. power_w (..., S) -> (..., S, N_T, K)."""
    return scale_to_budget(rzf_directions(csi, power_w), power_w)
