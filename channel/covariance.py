"""Mean channel, covariance blocks and their low-rank decomposition (paper eq. 16-19, 28-30).

For UT k, with hbar_k = [hbar_{1,k}; ...; hbar_{S,k}] (length S N_T):
    m_k^T        = E{hbar_k^T} = [rho_{1,k} v_{1,k}^T, ..., rho_{S,k} v_{S,k}^T]          (18)
    Omega_k      = E{hbar_k^* hbar_k^T}, block (s1, s2) = gamma v^* v^T if s1 = s2,
                   else rho_{s1}^* rho_{s2} v_{s1}^* v_{s2}^T                                (19)
    Omega~_k     = blkdiag(gamma_{s,k} v_{s,k}^* v_{s,k}^T)                                  (17)
    Q_k          = [m_k^T; blkdiag(c_{s,k} v_{s,k}^T)],  Q_k^H Q_k = Omega_k                 (28-29)
    Q~_k         = blkdiag(c~_{s,k} v_{s,k}^T),          Q~_k^H Q~_k = Omega~_k              (30)
with the rho-safe coefficients of DESIGN.md: c = sqrt(gamma - |rho|^2) e^{j arg rho} and
c~ = sqrt(gamma) e^{j arg rho} (identical to varkappa rho and varkappa~ rho of eq. 29-30, but
finite when rho -> 0).

Production code works with the compact factors (``Decomposition``: (S, K) coefficients and the
(S, K, N_T) steering vectors) and with the per-satellite projections g = v_{s,k}^T w_{s,i}; it
never forms an (S N_T) x (S N_T) matrix. The ``*_dense`` builders do, and exist for tests and
small problems only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from channel.csi import StatisticalCSI

DENSE_MAX_DIM = 4096
"""Largest S N_T the dense (test-only) builders accept by default."""


def mean_channels(csi: StatisticalCSI) -> np.ndarray:
    """Rows m_k^T = E{hbar_k^T} of eq. (18), stacked: output (K, S N_T) complex."""
    v = np.asarray(csi.steering)
    m = csi.rho[:, :, None] * v  # (S, K, N_T)
    return np.transpose(m, (1, 0, 2)).reshape(csi.n_users, -1)


@dataclass(frozen=True, eq=False)
class Decomposition:
    """Compact factors of Q_k and Q~_k (eq. 28-30) for all K users.

    Attributes: rho, c, c_tilde (S, K) complex; steering (S, K, N_T) complex, unit norm.
    Q_k row 0 is m_k^T; row 1 + s holds c_{s,k} v_{s,k}^T in the columns of satellite s.
    """

    rho: np.ndarray
    c: np.ndarray
    c_tilde: np.ndarray
    steering: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """(S, K, N_T)."""
        return tuple(np.shape(self.steering))  # type: ignore[return-value]

    def q_stacked(self) -> np.ndarray:
        """Q_k for every k, output (K, S + 1, S N_T) complex (size K (S+1) S N_T, not (S N_T)^2)."""
        s, k, n = self.shape
        out = np.zeros((k, s + 1, s, n), dtype=complex)
        out[:, 0] = np.transpose(self.rho[:, :, None] * self.steering, (1, 0, 2))
        blocks = np.transpose(self.c[:, :, None] * self.steering, (1, 0, 2))  # (K, S, N_T)
        idx = np.arange(s)
        out[:, 1 + idx, idx, :] = blocks
        return out.reshape(k, s + 1, s * n)

    def q_tilde_stacked(self) -> np.ndarray:
        """Q~_k for every k, output (K, S, S N_T) complex."""
        s, k, n = self.shape
        out = np.zeros((k, s, s, n), dtype=complex)
        idx = np.arange(s)
        out[:, idx, idx, :] = np.transpose(self.c_tilde[:, :, None] * self.steering, (1, 0, 2))
        return out.reshape(k, s, s * n)


def decomposition(csi: StatisticalCSI) -> Decomposition:
    """Compact rho-safe factors of eq. (28)-(30); O(S K) work plus a view of the steering."""
    rho = csi.rho
    phase = np.exp(1j * np.angle(rho))
    phase = np.where(np.abs(rho) > 0, phase, np.exp(1j * np.pi / 4))  # LoS phase when rho = 0
    gamma = np.asarray(csi.gamma, dtype=float)
    c = np.sqrt(np.maximum(gamma - np.abs(rho) ** 2, 0.0)) * phase
    return Decomposition(rho=rho, c=c, c_tilde=np.sqrt(gamma) * phase, steering=csi.steering)


def projections(csi: StatisticalCSI, w: np.ndarray) -> np.ndarray:
    """g[s, k, i] = v_{s,k}^T w_{s,i}.

    Input: w (S, N_T, I), the per-satellite precoders. Output: (S, K, I) complex.
    """
    w = np.asarray(w)
    s, _, n = np.shape(csi.steering)
    if w.ndim != 3 or w.shape[:2] != (s, n):
        raise ValueError(f"w must have shape (S, N_T, I) = ({s}, {n}, I), got {w.shape}")
    return np.einsum("skn,sni->ski", csi.steering, w)


def quadratic_forms(csi: StatisticalCSI, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w_i^H Omega_k w_i and w_i^H Omega~_k w_i for all (k, i), without dense matrices.

        w_i^H Omega_k w_i  = |sum_s rho_{s,k} g_{s,k,i}|^2 + sum_s |c_{s,k}|^2 |g_{s,k,i}|^2
        w_i^H Omega~_k w_i = sum_s gamma_{s,k} |g_{s,k,i}|^2,   g = v_{s,k}^T w_{s,i}

    Input: w (S, N_T, I) complex, stacked per satellite (w_i = [w_{1,i}; ...; w_{S,i}]).
    with |c|^2 = gamma - |rho|^2. Output: two (K, I) real arrays, units of gamma ||w||^2.
    """
    g = projections(csi, w)
    gamma = np.asarray(csi.gamma, dtype=float)[:, :, None]
    rho = csi.rho[:, :, None]
    g2 = np.abs(g) ** 2
    coherent = np.abs(np.sum(rho * g, axis=0)) ** 2
    resid = np.maximum(gamma - np.abs(rho) ** 2, 0.0)
    return coherent + np.sum(resid * g2, axis=0), np.sum(gamma * g2, axis=0)


# ---------------------------------------------------------------------------------------------
# Dense builders: tests and small problems only (they form (S N_T)^2 matrices).
# ---------------------------------------------------------------------------------------------
def _check_dense(csi: StatisticalCSI, k: int, max_dim: int) -> None:
    dim = csi.n_satellites * csi.n_antennas
    if dim > max_dim:
        raise ValueError(f"dense builder refused: S N_T = {dim} > max_dim = {max_dim} (test-only)")
    if isinstance(k, bool) or int(k) != k or not 0 <= k < csi.n_users:
        raise ValueError(f"user index k must be an integer in [0, {csi.n_users}), got {k!r}")


def omega_dense(csi: StatisticalCSI, k: int, *, max_dim: int = DENSE_MAX_DIM) -> np.ndarray:
    """Omega_k of eq. (19), block by block: (S N_T, S N_T) complex. TEST / SMALL-SIZE ONLY."""
    _check_dense(csi, k, max_dim)
    s, n = csi.n_satellites, csi.n_antennas
    v = np.asarray(csi.steering)[:, k, :]
    rho, gamma = csi.rho[:, k], np.asarray(csi.gamma, dtype=float)[:, k]
    out = np.empty((s * n, s * n), dtype=complex)
    for s1 in range(s):
        for s2 in range(s):
            coef = gamma[s1] if s1 == s2 else np.conj(rho[s1]) * rho[s2]
            out[s1 * n : (s1 + 1) * n, s2 * n : (s2 + 1) * n] = coef * np.outer(
                np.conj(v[s1]), v[s2]
            )
    return out


def omega_tilde_dense(csi: StatisticalCSI, k: int, *, max_dim: int = DENSE_MAX_DIM) -> np.ndarray:
    """Omega~_k = blkdiag(gamma v^* v^T) (eq. 17): (S N_T, S N_T). TEST / SMALL-SIZE ONLY."""
    full = omega_dense(csi, k, max_dim=max_dim)
    s, n = csi.n_satellites, csi.n_antennas
    mask = np.kron(np.eye(s, dtype=bool), np.ones((n, n), dtype=bool))
    return np.where(mask, full, 0.0)


def q_dense(csi: StatisticalCSI, k: int, *, max_dim: int = DENSE_MAX_DIM) -> np.ndarray:
    """Q_k of eq. (28): (S + 1, S N_T) complex, from the compact factors. TEST / SMALL-SIZE ONLY."""
    _check_dense(csi, k, max_dim)
    return decomposition(csi).q_stacked()[k]


def q_tilde_dense(csi: StatisticalCSI, k: int, *, max_dim: int = DENSE_MAX_DIM) -> np.ndarray:
    """Q~_k of eq. (30): (S, S N_T) complex, from the compact factors. TEST / SMALL-SIZE ONLY."""
    _check_dense(csi, k, max_dim)
    return decomposition(csi).q_tilde_stacked()[k]
