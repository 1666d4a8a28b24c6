"""MS-JoMWMMSE (Algorithm 1, eq. 27, 32, 37-38) and MS-JoWMMSE (conventional MSE, eq. 23).

Fast path in the steering subspace (``precoding.subspace``). For UT k, with b_i = beta_i u_i
||a_i||^2 and mu_k = b_k sigma_k^2 / P_k,

    Xi_k + mu_k I = blkdiag_s(D_s + mu_k I - b_k |rho_{s,k}|^2 y_{s,k} y_{s,k}^H) + b_k l_k l_k^H

since Omega_k - Omega~_k = conj(m_k) m_k^T - blkdiag(|rho_{s,k}|^2 conj(v_{s,k}) v_{s,k}^T).
D_s = B_s^H diag(b_i gamma_{s,i}) B_s is shared by all UTs: one eigendecomposition per satellite
and iteration. Each UT then needs a rank-one downdate per satellite (always positive definite,
because D_s contains b_k gamma_{s,k} y y^H >= b_k |rho|^2 y y^H) and one rank-one update along
l_k = conj(m_k): Sherman-Morrison twice (Woodbury for the rank-(S+1) correction), all
vectorised over UTs. Every block of the solution is a multiple of (D_s + mu_k I)^{-1} y_{s,k}.

Accuracy: the downdate 1 - b_k |rho|^2 y^H (D_s + mu_k)^{-1} y loses about log10(SNR) digits
(SNR = P_k gamma / sigma^2 of the link), as the dense solve does through the condition number of
Xi_k + mu_k I: fast and dense agree to ~1e-13 at the link budgets of Table I, ~1e-9 for a pure-LoS
link at 60 dB SNR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from channel.csi import StatisticalCSI
from channel.structure import LinkPowers, link_powers
from precoding.subspace import SteeringSubspace


@dataclass(frozen=True, eq=False)
class JointOutcome:
    """Result of the joint loop before step 14.

    weights : (S, N_T, K) last iterate (satisfies ||w_k||^2 = P_k once updated).
    n_iterations : number of precoder updates (steps 9-11) performed.
    history : (W_0, W_1, ..., W_n), each (S, N_T, K), before step-14 scaling; empty unless asked.
    """

    weights: np.ndarray
    n_iterations: int
    history: tuple[np.ndarray, ...]


@dataclass(frozen=True, eq=False)
class _Receivers:
    """Steps 7-8 for all UTs: (K,) arrays plus the link powers they came from."""

    powers: LinkPowers
    mse: np.ndarray  # e~_k (27) or e_k (23) at the optimal receiver
    receiver_norm2: np.ndarray  # ||a_k||^2


def receivers(csi: StatisticalCSI, t: np.ndarray, *, modified: bool) -> _Receivers:
    """Steps 7-8: optimal receivers (32) / (39) and the resulting MSE.

    With T_k = w_k^H Omega_k w_k + sum_{i != k} w_i^H Omega~_k w_i + sigma_k^2:
      modified (27):     a_k = Q_k w_k / T_k,        e~_k = (interference + sigma^2) / T_k
      conventional (23): a_k = m_k^T w_k / T_k,      e_k  = (T_k - |m_k^T w_k|^2) / T_k
    Input: t (S, K, K) = v_{s,k}^T w_{s,i}. Output: ``_Receivers`` with (K,) arrays.
    """
    p = link_powers(csi, t)
    total = p.total_power
    if modified:
        residual = p.interference + p.noise
        gain2 = p.signal_power
    else:
        residual = p.interference + p.noise + p.scatter_power
        gain2 = np.abs(p.mean_response) ** 2
    return _Receivers(powers=p, mse=residual / total, receiver_norm2=gain2 / total**2)


def _precoder_update(
    csi: StatisticalCSI,
    sub: SteeringSubspace,
    rx: _Receivers,
    beta: np.ndarray,
    p_user: float,
    *,
    modified: bool,
) -> np.ndarray:
    """Steps 9-11 in subspace coordinates: returns z (S, r, K) with ||w_k||^2 = P_k."""
    rho = csi.rho  # (S, K)
    gamma = np.asarray(csi.gamma, dtype=float)
    p = rx.powers
    total = p.total_power
    bu = beta / rx.mse  # beta_k u_k
    b = bu * rx.receiver_norm2  # (K,)
    mu = b * p.noise / p_user  # (K,) regulariser of eq. (37)
    # Step 9: shared block-diagonal part D_s = B_s^H diag(b gamma_s) B_s, one eigh per satellite.
    coords = sub.coords  # (S, K, r)
    d = np.matmul(np.conj(np.swapaxes(coords, 1, 2)), (b * gamma)[:, :, None] * coords)
    lam, vec = np.linalg.eigh(d)  # (S, r), (S, r, r)
    # y_{s,k} = B_s^H e_k in the eigenbasis: column k of (B_s P_s)^H.
    y_hat = np.conj(np.swapaxes(np.matmul(coords, vec), 1, 2))  # (S, r, K)
    served = b > 0.0  # a_k = 0 (no mean channel under the conventional MSE): w_k = 0
    mu_safe = np.where(served, mu, 1.0)
    f = y_hat / (lam[:, :, None] + mu_safe[None, None, :])  # (D_s + mu_k)^{-1} y_{s,k}
    q = np.real(np.sum(np.conj(y_hat) * f, axis=1))  # (S, K) y^H (D_s + mu_k)^{-1} y
    # Rank-one downdate per satellite (Sherman-Morrison): delta > 0 (see module docstring).
    rho2 = np.abs(rho) ** 2
    delta = 1.0 - b * rho2 * q
    pq = q / delta
    # Step 10 right-hand side beta_k u_k Q_k^H a_k: block s is omega_{s,k} y_{s,k}.
    if modified:
        c2 = np.abs(csi.c) ** 2
        omega = bu * (np.conj(rho) * p.mean_response + c2 * p.own_response) / total
    else:
        omega = bu * np.conj(rho) * p.mean_response / total
    # Rank-one update along conj(m_k) (Sherman-Morrison).
    sigma = np.sum(rho * omega * pq, axis=0) / (1.0 + b * np.sum(rho2 * pq, axis=0))  # (K,)
    alpha = (omega - b * np.conj(rho) * sigma) / delta  # (S, K)
    z_hat = alpha[:, None, :] * f  # (S, r, K) w-bar_k in the eigenbasis
    # Step 11: eta_k = sqrt(P_k / ||w-bar_k||^2).
    norm2 = np.sum(np.abs(z_hat) ** 2, axis=(0, 1))
    if np.any(served & (norm2 == 0.0)):
        k = int(np.flatnonzero(served & (norm2 == 0.0))[0])
        raise ValueError(f"precoder update of UT {k} vanished although its receiver did not")
    eta = np.where(served, np.sqrt(p_user / np.where(served, norm2, 1.0)), 0.0)
    z_hat = z_hat * eta
    return np.matmul(vec, z_hat)


def joint_wmmse(
    csi: StatisticalCSI,
    power_w: np.ndarray,
    beta: np.ndarray,
    init: np.ndarray,
    *,
    modified: bool,
    max_iter: int,
    tol: float,
    record_history: bool,
) -> JointOutcome:
    """Algorithm 1 loop (steps 5-12) for MS-JoMWMMSE (modified=True) or MS-JoWMMSE (False).

    Termination (DESIGN.md): at pass n compute e~ for the current W; stop when
    sum_k log2(e~'_k / e~_k) <= tol (e~' from the previous pass) or after max_iter updates.

    Inputs: csi; power_w (S,) W; beta (K,); init (S, N_T, K) initial precoders (only their part in
    the steering span matters). Output: ``JointOutcome`` (step 14 is applied by the caller).
    A UT whose receiver a_k is zero gets w_k = 0 (not served): this happens under the
    conventional MSE when its mean channel m_k vanishes (kappa = 0 on all its links), since (23)
    then sees no useful signal at all.
    """
    sub = SteeringSubspace.from_steering(np.asarray(csi.steering))
    p_user = float(np.sum(power_w)) / csi.n_users
    init = np.array(init, dtype=complex)  # own copy: the result never aliases the caller's array
    z = sub.to_coords(init)
    history = [init.copy()] if record_history else []
    mse_prev = None
    n = 0
    while n < max_iter:
        rx = receivers(csi, sub.projections(z), modified=modified)  # steps 7-8
        if mse_prev is not None and np.sum(np.log2(mse_prev / rx.mse)) <= tol:
            break
        z = _precoder_update(csi, sub, rx, beta, p_user, modified=modified)  # steps 9-11
        mse_prev = rx.mse
        n += 1
        if record_history:
            history.append(sub.to_weights(z))
    weights = sub.to_weights(z) if n > 0 else init
    return JointOutcome(weights=weights, n_iterations=n, history=tuple(history))
