"""Compact statistical structure of the multi-satellite channel (paper eq. 13, 16-20, 23, 27-30).

The one implementation of these quantities: precoding, rate evaluation and the OFDM waveform
simulator all use it. Every channel is rank one per link, ``hbar_{s,k} = g_{s,k} v_{s,k}``, so
all quadratic forms in ``Omega_k`` (eq. 16, 19) and ``Omega~_k`` (eq. 17, block-diagonal part)
reduce to the scalars

    t[s, k, i] = v_{s,k}^T w_{s,i}                                  (S, K, K)

and the link statistics rho (eq. 20), c (eq. 29, rho-safe; ``StatisticalCSI.rho``/``.c``) and
gamma:

    E{hbar_{s,k}^T}    = rho_{s,k} v_{s,k}^T                          (mean channel, eq. 18)
    m_k^T w_k          = sum_s rho_{s,k} t[s,k,k]                     (mean response)
    w_k^H Omega_k w_k  = |m_k^T w_k|^2 + sum_s |c_{s,k}|^2 |t[s,k,k]|^2 = ||Q_k w_k||^2  (28)
    w_i^H Omega~_k w_i = sum_s gamma_{s,k} |t[s,k,i]|^2               (i != k: interference)

No (S N_T) x (S N_T) matrix is ever formed; the dense matrices of the paper (Omega_k, Q_k, ...)
live in the test oracle (``tests/oracle_precoding.py``) as the independent check of this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from channel.csi import StatisticalCSI


def mean_channels(rho: np.ndarray, steering: np.ndarray) -> np.ndarray:
    """Per-satellite mean channels H_s = [rho_{s,k} v_{s,k}^T]_k (eq. 18, one block per satellite).

    Inputs: rho (S, K) complex (``StatisticalCSI.rho``); steering (S, K, N_T) complex.
    Output: (S, K, N_T) complex; row k of block s is E{hbar_{s,k}^T}.
    """
    return rho[:, :, None] * steering


def steering_projections(steering: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """t[s, k, i] = v_{s,k}^T w_{s,i}.

    Inputs: steering (S, K, N_T) complex; weights (S, N_T, K) complex (column i of weights[s] is
    w_{s,i}). Output: (S, K, K) complex.
    """
    return np.matmul(steering, weights)


@dataclass(frozen=True, eq=False)
class LinkPowers:
    """Per-UT second-order quantities of a precoder under statistical CSI (all (K,), W).

    mean_response : m_k^T w_k = E{hbar_k^T} w_k (complex, sqrt(W)).
    scatter_power : w_k^H Omega_k w_k - |m_k^T w_k|^2 = sum_s |c_{s,k}|^2 |t[s,k,k]|^2.
    interference  : sum_{i != k} w_i^H Omega~_k w_i (eq. 13 with the DESIGN.md typo fix).
    noise         : sigma_k^2.
    own_response  : (S, K) t[s,k,k] = v_{s,k}^T w_{s,k}, kept for the receivers of Algorithm 1.
    """

    mean_response: np.ndarray
    scatter_power: np.ndarray
    interference: np.ndarray
    noise: np.ndarray
    own_response: np.ndarray

    @property
    def signal_power(self) -> np.ndarray:
        """w_k^H Omega_k w_k (K,)."""
        return np.abs(self.mean_response) ** 2 + self.scatter_power

    @property
    def total_power(self) -> np.ndarray:
        """Expected received power w_k^H Omega_k w_k + interference + sigma_k^2 (K,)."""
        return self.signal_power + self.interference + self.noise


def link_powers(csi: StatisticalCSI, t: np.ndarray) -> LinkPowers:
    """Evaluate the quadratic forms of eq. (13), (23), (27) from t = steering_projections(...).

    Inputs: csi with S satellites and K UTs; t (S, K, K) complex. Output: ``LinkPowers``.
    """
    n_users = t.shape[1]
    diag = np.arange(n_users)
    own = t[:, diag, diag]  # (S, K)
    rho = csi.rho
    c2 = np.abs(csi.c) ** 2
    gamma = np.asarray(csi.gamma, dtype=float)
    cross = np.abs(t) ** 2
    cross[:, diag, diag] = 0.0
    interference = np.einsum("sk,ski->k", gamma, cross)
    return LinkPowers(
        mean_response=np.sum(rho * own, axis=0),
        scatter_power=np.sum(c2 * np.abs(own) ** 2, axis=0),
        interference=interference,
        noise=np.asarray(csi.sigma2, dtype=float),
        own_response=own,
    )
