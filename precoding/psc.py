"""Precoder step with exact per-satellite power constraints (docs/design.md, eq. 41-51).

Design notes (equations continue the paper's numbering, which ends at (40)).

Given the receivers a_k and weights u_k = 1 / e_k of steps 7-8, the W-step of problem (26) with
its own constraints, not the per-user split of (31), is the convex quadratic program

    min_W  sum_k w_k^H A_k w_k - 2 Re(b_k^H w_k)   s.t.  sum_k ||w_{s,k}||^2 <= P_s  for all s (41)

    A_k = sum_i c_i Omega~_i - c_k Omega~_k + c_k Omega_k  (= Xi_k of step 9),
    c_i = beta_i u_i ||a_i||^2,   b_k = beta_k u_k Q_k^H a_k   (conj(m_k) a_k for (23)).

With Lambda = blkdiag(lambda_s I_{N_T}), the Lagrangian is stationary at

    w_k(lambda) = (A_k + Lambda)^{-1} b_k,                                               (42)

and the dual function, concave in lambda, with gradient and Hessian (H_k = A_k + Lambda,
E_s the selector of satellite s)

    g(lambda) = -sum_k Re(b_k^H w_k(lambda)) - sum_s lambda_s P_s,
    dg/dlambda_s = P_s(lambda) - P_s,   P_s(lambda) = sum_k ||w_{s,k}(lambda)||^2,           (43)
    J_st = dP_s/dlambda_t = -2 sum_k Re(w_k^H E_s H_k^{-1} E_t w_k)   (negative semidefinite).

The multipliers solve the complementarity (KKT) conditions

    lambda_s >= 0,   P_s(lambda) <= P_s,   lambda_s (P_s - P_s(lambda)) = 0.                (44)

Fast evaluation. In the eigenbasis of D_s = P_s diag(d_s) P_s^H (``mwmmse.eigen_step``) the
regulariser lambda_s is shared by all UTs of satellite s, so with y^_{s,k} = P_s^H y_{s,k}
(writing y2 = |y^_{s,k,j}|^2) four moments per (s, k) are one (4 x r) by (r x K) product

    q_{s,k} = sum_j y2 / (d_j + lambda_s),  r_{s,k} = sum_j y2 / (d_j + lambda_s)^2,
    t_{s,k} = sum_j y2 / (d_j + lambda_s)^3,  m_{s,k} = sum_j y2 / (d_j (d_j + lambda_s)),
    (q' = -r, r' = -2 t),                                                                  (45)

and the two Sherman-Morrison steps of the per-user path (downdate by c_k |rho|^2 y y^H per
satellite, update along conj(m_k)) give, with omega_{s,k} y_{s,k} = block s of b_k,

    delta_{s,k} = 1 - c_k |rho_{s,k}|^2 q_{s,k},   Den_k = 1 + c_k sum_s |rho_{s,k}|^2 q / delta,
    sigma_k = sum_s rho_{s,k} omega_{s,k} q_{s,k} / delta_{s,k} / Den_k,
    alpha_{s,k} = (omega_{s,k} - c_k conj(rho_{s,k}) sigma_k) / delta_{s,k},
    w_{s,k} = alpha_{s,k} (D_s + lambda_s I)^{-1} y_{s,k}.                                  (46)

Two differences of nearly equal numbers in (46) are rewritten exactly. With
e_{s,k} = c_k gamma_{s,k} and the lambda-independent ell_{s,k} = 1 - e y^H D_s^{-1} y (exactly 0
when the served UTs are as many as the coordinates, K <= N_T; the complement of UT k's
leverage otherwise), since D_s = sum_i e_i y_i y_i^H,

    delta_{s,k} = ell_{s,k} + e_{s,k} lambda_s m_{s,k} + c_k |c_{s,k}|^2 q_{s,k}            (46a)

(all terms >= 0: no cancellation even when c = 0, a known channel, where 1 - c |rho|^2 q is
O(1 / SNR)); and with omega = conj(rho) kappa_k + omega', kappa_k = beta_k u_k m_k^T w_k / T_k,
omega' = beta_k u_k |c|^2 t[s,k,k] / T_k (0 for the MSE (23)),

    alpha_{s,k} = (conj(rho_{s,k}) (kappa_k - c_k sum_t rho_t omega'_t q_t / delta_t) / Den_k
                   + omega'_{s,k}) / delta_{s,k},                                          (46b)

which removes the cancellation of omega - c conj(rho) sigma along conj(m_k). Then

    P_s(lambda) = sum_k |alpha_{s,k}|^2 r_{s,k},                                             (47)
    g(lambda) = -sum_{s,k} Re(conj(omega_{s,k}) alpha_{s,k} q_{s,k}) - sum_s lambda_s P_s.   (48)

The Jacobian (43) splits into a diagonal part (the block inverse of satellite s alone) and the
coupling through the rank-one update along conj(m_k), with x_{s,k} = rho_{s,k} alpha_{s,k}
r_{s,k} / delta_{s,k}:

    J_st = -2 delta_st sum_k |alpha_{s,k}|^2 (t_{s,k} + c_k |rho_{s,k}|^2 r_{s,k}^2 / delta_{s,k})
           + 2 sum_k (c_k / Den_k) Re(conj(x_{s,k}) x_{t,k}).                               (49)

(Derivation: E_s H_k^{-1} E_t = delta_st M_{s,k}^{-1} - c_k M_{s,k}^{-1} l_s l_t^H M_{t,k}^{-1} /
Den_k with M_{s,k} = D_s + lambda_s - c_k |rho|^2 y y^H and l_s = conj(rho_{s,k}) y_{s,k};
w^H M^{-1} w = |alpha|^2 (t + c |rho|^2 r^2 / delta) and l_s^H M_s^{-1} w_s = x_{s,k}.)
Each evaluation of (45)-(49) costs one (4 x r) by (r x K) product per satellite plus O(S^2 K).

Newton on the dual. On the free set F (satellites not held at lambda_s = 0), the stationarity
equations P_s(lambda) = P_s are solved in the secular form of More and Sorensen (1983),
P_s(lambda)^{-1/2} = P_s^{-1/2}, whose Jacobian is -1/2 P_s(lambda)^{-3/2} J: the Newton step

    J_FF Delta_F = 2 P_F(lambda) (1 - sqrt(P_F(lambda) / P_F)),   Delta_s = 0 off F,       (50)

has the fixed point of the plain dual Newton step J Delta = -(P(lambda) - P) and removes its
overshoot where P_s ~ lambda_s^{-2} (1 / sqrt(P_s) is then linear in lambda_s). Safeguards
(``solve_multipliers``): the step is projected on lambda >= 0; a satellite at lambda_s = 0 with
P_s(0) <= P_s is held there (active set); the plain Newton step replaces (50) where (50) is not
an ascent direction of g; trials are accepted on an Armijo rise of g, and otherwise fall back to
shorter steps and to the per-satellite (diagonal) secular step, an ascent direction always.
Iterations stop when the relative KKT residual of (44) -- max over s of |P_s(lambda) - P_s| / P_s
on the free set and max(P_s(lambda) - P_s, 0) / P_s at zero -- is below ``KKT_TOL``.
Start: the multipliers of the previous precoder step, rescaled by the change of

    lambda_0 = sum_k c_k sigma_k^2 / sum_s P_s                                              (51)

(the multiplier of the sum-power WMMSE at its fixed point), or (51) itself at the first step.
No eta scaling and no step 14 are needed: the update (42) is feasible.

Floor. Where lambda_s = 0 cannot be evaluated by (45)-(47) -- D_s singular (fewer served UTs
than coordinates, only when some a_k = 0), or delta_{s,k} = 0 at lambda_s = 0 (c = 0 and
ell = 0: a known channel, K <= N_T, whose leave-one-out matrix D_s - c_k gamma y y^H is
singular) -- lambda_s is kept at or above 1e-12 max(d_s) (1 if D_s = 0: nobody is served and
W = 0) and reported as 0 when it sits there.
"""

from __future__ import annotations

import numpy as np

from coopsat.channel.structure import LinkStatistics
from coopsat.precoding.dual import DualProblem, solve_multipliers
from coopsat.precoding.mwmmse import EigenStep


def per_satellite_update(
    stats: LinkStatistics,
    step: EigenStep,
    power_w: np.ndarray,
    warm: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The W-step (41) for b members: z (b, S, r, K), multipliers (b, S), scaled start.

    Parameters
    ----------
    stats : (b, S, K)
    step : from ``mwmmse.eigen_step``
    power_w : (b, S) P_s in W
    warm : (b, S) lambda / lambda_0 of the previous step (NaN: start from (51))

    Returns
    -------
    (z, lambda, lambda / lambda_0) with lambda_0 of (51) for this step
    """
    prob = DualProblem.build(stats, step, power_w)
    lam_ref = np.sum(step.b * stats.sigma2, axis=1) / np.sum(power_w, axis=1)  # (51)
    lam_ref = np.where(lam_ref > 0.0, lam_ref, 1.0)
    lam0 = np.where(np.isnan(warm), 1.0, warm) * lam_ref[:, None]
    at = solve_multipliers(prob, lam0)
    # w_{s,k} of (46) in the eigenbasis: alpha_{s,k} (D_s + lambda_s)^{-1} y_{s,k}
    inv = 1.0 / (prob.d + at.lam[..., None])  # (b, S, r)
    z_hat = np.multiply(step.y_hat, inv[..., :, None] * at.alpha[:, :, None, :], order="C")
    lam = np.where(at.lam <= prob.floor, 0.0, at.lam)  # held at the floor: lambda_s = 0 in (44)
    return np.matmul(step.vec, z_hat), lam, lam / lam_ref[:, None]
