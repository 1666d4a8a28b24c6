"""MS-JoMWMMSE (Algorithm 1, eq. 27, 32, 37-38) and MS-JoWMMSE (conventional MSE, eq. 23): the
steps of one pass (receivers, weights, the shared eigendecomposition, the per-user precoder
update). ``precoding.joint`` runs them in a loop over a batch of B independent problems (power
points of one drop, or channel realisations of the instantaneous-CSI reference): link statistics
(B, S, K), iterates z (B, S, r, K) in the steering-subspace coordinates of
``precoding.subspace``. The arithmetic of one member does not depend on B (the reduction order
of the (D_s + mu_k)^{-1} y products is fixed explicitly), so a batched member is bitwise equal to
its own run.

Fast path. For UT k, with b_i = beta_i u_i ||a_i||^2 and mu_k = b_k sigma_k^2 / P_k,

    Xi_k + mu_k I = blkdiag_s(D_s + mu_k I - b_k |rho_{s,k}|^2 y_{s,k} y_{s,k}^H) + b_k l_k l_k^H

since Omega_k - Omega~_k = conj(m_k) m_k^T - blkdiag(|rho_{s,k}|^2 conj(v_{s,k}) v_{s,k}^T).
D_s = B_s^H diag(b_i gamma_{s,i}) B_s is shared by all UTs: one eigendecomposition per satellite
and iteration (step 9, ``eigen_step``). Each UT then needs a rank-one downdate per satellite
(always positive definite, because D_s contains b_k gamma_{s,k} y y^H >= b_k |rho|^2 y y^H) and
one rank-one update along l_k = conj(m_k): Sherman-Morrison twice (Woodbury for the rank-(S+1)
correction), all vectorised over UTs. Every block of the solution is a multiple of
(D_s + mu_k I)^{-1} y_{s,k}. The per-satellite-constrained variant (``precoding.psc``) replaces
mu_k I by blkdiag(lambda_s I) and keeps everything else.

Accuracy: the downdate 1 - b_k |rho|^2 y^H (D_s + mu_k)^{-1} y loses about log10(SNR) digits
(SNR = P_k gamma / sigma^2 of the link), as the dense solve does through the condition number of
Xi_k + mu_k I: fast and dense agree to ~1e-13 at the link budgets of Table I, ~1e-9 for a pure-LoS
link at 60 dB SNR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsat.channel.structure import LinkPowers, LinkStatistics, link_powers
from coopsat.precoding.options import SolverError
from coopsat.precoding.subspace import SteeringSubspace


@dataclass(frozen=True, eq=False)
class Receivers:
    """Steps 7-8 for all UTs: (B, K) arrays plus the link powers they came from."""

    powers: LinkPowers
    mse: np.ndarray  # e~_k (27) or e_k (23) at the optimal receiver
    receiver_norm2: np.ndarray  # ||a_k||^2

    def take(self, keep: np.ndarray) -> Receivers:
        """The members ``keep`` (boolean or index array over the batch axis)."""
        p = self.powers
        powers = LinkPowers(
            mean_response=p.mean_response[keep],
            scatter_power=p.scatter_power[keep],
            interference=p.interference[keep],
            noise=p.noise,
            own_response=p.own_response[keep],
        )
        return Receivers(powers, self.mse[keep], self.receiver_norm2[keep])


def receivers(stats: LinkStatistics, t: np.ndarray, *, modified: bool) -> Receivers:
    """Steps 7-8: optimal receivers (32) / (39) and the resulting MSE.

    With T_k = w_k^H Omega_k w_k + sum_{i != k} w_i^H Omega~_k w_i + sigma_k^2:
      modified (27):     a_k = Q_k w_k / T_k,        e~_k = (interference + sigma^2) / T_k
      conventional (23): a_k = m_k^T w_k / T_k,      e_k  = (T_k - |m_k^T w_k|^2) / T_k

    Parameters
    ----------
    stats : (..., S, K)
    t : (..., S, K, K) = v_{s,k}^T w_{s,i}

    Returns
    -------
    ``Receivers`` with (..., K) arrays
    """
    p = link_powers(stats, t)
    total = p.total_power
    if modified:
        residual = p.interference + p.noise
        gain2 = p.signal_power
    else:
        residual = p.interference + p.noise + p.scatter_power
        gain2 = np.abs(p.mean_response) ** 2
    return Receivers(powers=p, mse=residual / total, receiver_norm2=gain2 / total**2)


@dataclass(frozen=True, eq=False)
class EigenStep:
    """Step 9, shared part: D_s = B_s^H diag(b_i gamma_{s,i}) B_s = P_s diag(lam_s) P_s^H.

    b : (B, K) b_k = beta_k u_k ||a_k||^2 (c_k of eq. 41, ``precoding.psc``).
    omega : (B, S, K) step-10 right-hand side beta_k u_k Q_k^H a_k = blocks omega_{s,k} y_{s,k};
        omega = conj(rho) * kappa[:, None] + omega_scatter with
    kappa : (B, K) beta_k u_k m_k^T w_k / T_k (the part along conj(m_k)) and
    omega_scatter : (B, S, K) beta_k u_k |c_{s,k}|^2 t[s,k,k] / T_k (0 for the MSE (23)).
    lam : (B, S, r) eigenvalues of D_s; vec : (B, S, r, r) eigenvectors P_s.
    y_hat : (B, S, r, K) y_{s,k} = B_s^H e_k in the eigenbasis, P_s^H y_{s,k}.
    """

    b: np.ndarray
    omega: np.ndarray
    kappa: np.ndarray
    omega_scatter: np.ndarray
    lam: np.ndarray
    vec: np.ndarray
    y_hat: np.ndarray


def eigen_step(
    stats: LinkStatistics,
    sub: SteeringSubspace,
    rx: Receivers,
    beta: np.ndarray,
    *,
    modified: bool,
) -> EigenStep:
    """Weights (step 8), D_s and its eigendecomposition (step 9), right-hand side (step 10).

    Parameters
    ----------
    stats : with link arrays (B, S, K)
    rx : for the same B members
    beta : (K,)
    """
    rho = stats.rho  # (B, S, K)
    p = rx.powers
    total = p.total_power  # (B, K)
    bu = beta / rx.mse  # beta_k u_k
    b = bu * rx.receiver_norm2  # (B, K)
    coords = sub.coords  # (S, K, r)
    d = np.matmul(
        np.conj(np.swapaxes(coords, 1, 2)), (b[:, None, :] * stats.gamma)[..., None] * coords
    )
    lam, vec = np.linalg.eigh(d)  # (B, S, r), (B, S, r, r)
    y_hat = np.conj(np.swapaxes(np.matmul(coords, vec), -1, -2))  # (B, S, r, K)
    mean = p.mean_response[:, None, :]
    if modified:
        omega = bu[:, None, :] * (np.conj(rho) * mean + stats.c2 * p.own_response)
    else:
        omega = bu[:, None, :] * np.conj(rho) * mean
    omega = omega / total[:, None, :]
    kappa = bu * p.mean_response / total
    if modified:
        omega_scatter = (bu / total)[:, None, :] * stats.c2 * p.own_response
    else:
        omega_scatter = np.zeros(stats.c2.shape)
    return EigenStep(
        b=b,
        omega=omega,
        kappa=kappa,
        omega_scatter=omega_scatter,
        lam=lam,
        vec=vec,
        y_hat=y_hat,
    )


def per_user_update(
    stats: LinkStatistics,
    step: EigenStep,
    noise: np.ndarray,
    p_user: np.ndarray,
) -> np.ndarray:
    """Steps 10-11 (eq. 37-38) in subspace coordinates: z (B, S, r, K) with ||w_k||^2 = P_k.

    Parameters
    ----------
    stats : (B, S, K)
    step : from ``eigen_step``
    noise : (K,) sigma_k^2
    p_user : (B,) P_k
    """
    rho = stats.rho
    b = step.b
    mu = b * noise / p_user[:, None]  # (B, K) regulariser of eq. (37)
    served = b > 0.0  # a_k = 0 (no mean channel under the conventional MSE): w_k = 0
    mu_safe = np.where(served, mu, 1.0)
    f = step.y_hat / (step.lam[..., None] + mu_safe[:, None, None, :])  # (D_s + mu_k)^{-1} y
    # (B, S, K) y^H (D_s + mu_k)^{-1} y. The C-ordered product fixes the summation order over
    # the eigen-index (sequential, as numpy does for one member), whatever the batch size.
    q = np.real(np.sum(np.multiply(np.conj(step.y_hat), f, order="C"), axis=-2))
    # Rank-one downdate per satellite (Sherman-Morrison): delta > 0 (see module docstring).
    rho2 = np.abs(rho) ** 2
    delta = 1.0 - b[:, None, :] * rho2 * q
    pq = q / delta
    omega = step.omega
    # Rank-one update along conj(m_k) (Sherman-Morrison).
    sigma = np.sum(rho * omega * pq, axis=1) / (1.0 + b * np.sum(rho2 * pq, axis=1))  # (B, K)
    alpha = (omega - b[:, None, :] * np.conj(rho) * sigma[:, None, :]) / delta  # (B, S, K)
    z_hat = alpha[:, :, None, :] * f  # (B, S, r, K) w-bar_k in the eigenbasis
    # Step 11: eta_k = sqrt(P_k / ||w-bar_k||^2).
    norm2 = np.sum(np.abs(z_hat) ** 2, axis=(1, 2))  # (B, K)
    vanished = served & (norm2 == 0.0)
    if np.any(vanished):
        k = int(np.flatnonzero(np.any(vanished, axis=0))[0])
        raise SolverError(f"precoder update of UT {k} vanished although its receiver did not")
    eta = np.where(served, np.sqrt(p_user[:, None] / np.where(served, norm2, 1.0)), 0.0)
    z_hat = z_hat * eta[:, None, None, :]
    return np.matmul(step.vec, z_hat)
