"""Single-satellite baselines on the mean channel (docs/design.md#baselines).

Each satellite s sees its own mean channel H_s = [rho_{s,k} v_{s,k}^T]_k (K x N_T). All routines
are batched over a leading satellite axis and work in K x K form via the push-through identity
(H^H D H + lambda I)^{-1} H^H = H^H (D H H^H + lambda I)^{-1}, so no N_T x N_T matrix is formed.

- MMSE (transmit Wiener filter, Joham et al. 2002): W = H^H (H H^H + sum_k sigma_k^2 / P I)^{-1},
  scaled to ||W||_F^2 = P.
- WMMSE (Christensen et al. 2008, single-antenna UTs, sum power P): with MMSE receivers
  a_k = h_k^T w_k / T_k, e_k = 1 - |h_k^T w_k|^2 / T_k, u_k = 1 / e_k, d_k = beta_k u_k |a_k|^2,
      W-bar = (H^H diag(d) H + (sum_k d_k sigma_k^2 / P) I)^{-1} H^H diag(beta u a),
      W = sqrt(P / ||W-bar||_F^2) W-bar.
  Matched-filter start (||w_k||^2 = P / K) and the termination rule of Algorithm 1 with e_k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsat.precoding.power import scale_to_budget


def _hermitian(h: np.ndarray) -> np.ndarray:
    return np.conj(np.swapaxes(h, -1, -2))


def mmse(h: np.ndarray, sigma2: np.ndarray, power_w: np.ndarray) -> np.ndarray:
    """Transmit Wiener filter per satellite.

    Parameters
    ----------
    h : (B, K, N_T) mean channels
    sigma2 : (K,) W
    power_w : (B,) W

    Returns
    -------
    (B, N_T, K)
    """
    gram = np.matmul(h, _hermitian(h))  # (B, K, K)
    eye = np.eye(h.shape[1])
    reg = (np.sum(sigma2) / power_w)[:, None, None] * eye
    w = np.matmul(_hermitian(h), np.linalg.solve(gram + reg, np.broadcast_to(eye, gram.shape)))
    return scale_to_budget(w, power_w)


@dataclass(frozen=True, eq=False)
class WmmseOutcome:
    """weights (B, N_T, K); n_iterations (max over the batch); member_iterations (B,) updates
    of each member; history of (B, N_T, K) iterates (a stopped member keeps its last one)."""

    weights: np.ndarray
    n_iterations: int
    history: tuple[np.ndarray, ...]
    member_iterations: np.ndarray


def _wmmse_receivers(h: np.ndarray, w: np.ndarray, sigma2: np.ndarray):
    resp = np.matmul(h, w)  # (B, K, K): h_k^T w_i
    diag = np.arange(h.shape[1])
    own = resp[:, diag, diag]  # (B, K)
    total = np.sum(np.abs(resp) ** 2, axis=2) + sigma2  # (B, K)
    cross = np.abs(resp) ** 2
    cross[:, diag, diag] = 0.0
    mse = (np.sum(cross, axis=2) + sigma2) / total
    return own / total, mse


def wmmse(
    h: np.ndarray,
    sigma2: np.ndarray,
    power_w: np.ndarray,
    beta: np.ndarray,
    *,
    max_iter: int,
    tol: float,
    init: np.ndarray | None = None,
    record_history: bool = False,
) -> WmmseOutcome:
    """Christensen WMMSE run independently on each member of the batch (satellites, and power
    points of ``precode_many``).

    Parameters
    ----------
    h : (B, K, N_T)
    sigma2 : (K,) W
    power_w : (B,) W
    beta : (K,)
    init : (B, N_T, K) or None (matched filter). Each member stops on its own (its iterate is then
        frozen)

    Returns
    -------
    ``WmmseOutcome``; history holds (W_0, W_1, ...) of the whole batch
    """
    n_batch, n_users, _ = h.shape
    if init is None:
        w = _hermitian(h)
        norms = np.linalg.norm(w, axis=1, keepdims=True)
        w = np.where(norms > 0.0, w / np.where(norms > 0.0, norms, 1.0), 0.0)
        w = w * np.sqrt(power_w / n_users)[:, None, None]
    else:
        w = np.array(init, dtype=complex)
    history = [w] if record_history else []
    active = np.ones(n_batch, dtype=bool)
    counts = np.zeros(n_batch, dtype=int)
    mse_prev = None
    n = 0
    eye = np.eye(n_users)
    gram = np.matmul(h, _hermitian(h))
    while n < max_iter:
        a, mse = _wmmse_receivers(h, w, sigma2)
        if mse_prev is not None:
            active &= np.sum(np.log2(mse_prev / mse), axis=1) > tol
            if not np.any(active):
                break
        bu = beta / mse  # (B, K)
        d = bu * np.abs(a) ** 2
        lam = np.sum(d * sigma2, axis=1) / power_w  # (B,)
        silent = lam == 0.0  # every receiver zero: nothing to serve on this satellite
        mat = d[:, :, None] * gram + np.where(silent, 1.0, lam)[:, None, None] * eye
        w_bar = np.matmul(_hermitian(h), np.linalg.solve(mat, (bu * a)[:, :, None] * eye))
        w = np.where(active[:, None, None], scale_to_budget(w_bar, power_w), w)
        counts += active
        mse_prev = mse
        n += 1
        if record_history:
            history.append(w)
    return WmmseOutcome(weights=w, n_iterations=n, history=tuple(history), member_iterations=counts)
