"""Statistical-CSI rate estimates the schedulers rank terminals by, vectorised over U.

Both are R_AP1 (eq. 13) of the Algorithm-1 initialiser, the matched filter on the mean channel
w_k = sqrt(P_k) conj(m_k) / ||m_k|| (``precoding.matched_filter``), whose projections are
v_{s,k}^T w_{s,i} = sqrt(P_i) conj(rho_{s,i}) G_s[k, i] / ||m_i|| with the steering inner
products G_s[k, i] = v_{s,k}^T conj(v_{s,i}) (G_s[k, k] = 1) and ||m_i||^2 = sum_s |rho_{s,i}|^2:

    signal_k   = P_k sig_k,  sig_k = ((sum_s |rho_{s,k}|^2)^2
                                      + sum_s (gamma_{s,k} - |rho_{s,k}|^2) |rho_{s,k}|^2)
                                     / ||m_k||^2                       (E|sum_s g_s t_s|^2)
    interf._k  = sum_{i != k} P_i C[k, i],
                 C[k, i] = sum_s gamma_{s,k} |rho_{s,i}|^2 |G_s[k, i]|^2 / ||m_i||^2
                                                                        (w_i^H Omega~_k w_i)

``single_user_rates``: the rate of each terminal served alone at P_k (no interference), the
per-terminal estimate of the proportional-fair scheduler. ``Coupling`` builds the columns of
C one new member at a time for the greedy scheduler (``schedulers``), each an (S, U, N_T)
matrix-vector product, so a step scores all U candidates without designing anything.
"""

from __future__ import annotations

import numpy as np

from coopsat.channel.csi import StatisticalCSI


def terminals(csi: StatisticalCSI, index) -> StatisticalCSI:
    """The CSI of the terminals ``index`` ((n,) ints, in that order) towards every satellite."""
    idx = np.asarray(index, dtype=int)
    return StatisticalCSI(
        gamma=np.asarray(csi.gamma)[:, idx],
        kappa=np.asarray(csi.kappa)[:, idx],
        zeta2=np.asarray(csi.zeta2)[:, idx],
        steering=np.asarray(csi.steering)[:, idx],
        sigma2=np.asarray(csi.sigma2)[idx],
    )


def unit_signal(csi: StatisticalCSI) -> np.ndarray:
    """(U,) sig_k: E{S_k} of the unit-power matched filter (module docstring)."""
    mean2 = np.abs(csi.rho) ** 2  # (S, U)
    total = np.sum(mean2, axis=0)
    scatter = np.sum((np.asarray(csi.gamma) - mean2) * mean2, axis=0)
    return (total**2 + scatter) / total


def single_user_rates(csi: StatisticalCSI, power_per_user_w: float) -> np.ndarray:
    """(U,) log2(1 + P_k sig_k / sigma_k^2), bit/s/Hz: each terminal alone on its matched
    filter at ``power_per_user_w`` (R_AP1 of eq. 13 without interference)."""
    return np.log2(1.0 + power_per_user_w * unit_signal(csi) / np.asarray(csi.sigma2))


class Coupling:
    """Columns and rows of C (module docstring) for members added one at a time.

    ``add(j)`` returns (onto, from_): onto[u] = C[u, j], the leakage of member j's unit-power
    beam onto every terminal u, and from_[u] = C[j, u], the leakage of u's beam onto j; (U,)
    each, from one (S, U, N_T) x (S, N_T) product."""

    def __init__(self, csi: StatisticalCSI):
        self._steering = np.asarray(csi.steering)  # (S, U, N_T)
        self._gamma = np.asarray(csi.gamma)
        mean2 = np.abs(csi.rho) ** 2
        self._rho_norm = mean2 / np.sum(mean2, axis=0)  # |rho_{s,i}|^2 / ||m_i||^2

    def add(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        g2 = np.abs(np.einsum("sun,sn->su", self._steering,
                              np.conj(self._steering[:, j]))) ** 2  # |G_s[u, j]|^2
        onto = np.sum(self._gamma * self._rho_norm[:, j : j + 1] * g2, axis=0)
        from_ = np.sum(self._gamma[:, j : j + 1] * self._rho_norm * g2, axis=0)
        return onto, from_


def set_rates(csi: StatisticalCSI, members: np.ndarray, power_per_user_w: float) -> np.ndarray:
    """(n,) R_AP1 (eq. 13) of the matched filter on ``members`` at ``power_per_user_w`` each,
    through ``Coupling`` (the greedy's proxy of a served set), bit/s/Hz."""
    members = np.asarray(members, dtype=int)
    coupling = Coupling(csi)
    c = np.stack([coupling.add(int(j))[0][members] for j in members], axis=1)  # C[k, i]
    np.fill_diagonal(c, 0.0)
    sig = unit_signal(csi)[members]
    noise = np.asarray(csi.sigma2)[members]
    p = power_per_user_w
    return np.log2(1.0 + p * sig / (p * np.sum(c, axis=1) + noise))
