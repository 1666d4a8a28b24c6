"""Per-satellite steering subspace: the coordinates of the fast joint WMMSE path.

Every precoder of Algorithm 1 (after its first update) lies in

    span{conj(v_{s,i}) : i = 1..K}   per satellite s,

because Xi_k (step 9) and Q_k^H a_k (step 10) only involve the vectors conj(v_{s,i}). With an
orthonormal basis U_s (N_T x r, r = min(K, N_T)) from a QR factorisation of V_s^H = U_s R_s,
a precoder is w_{s,k} = U_s z_{s,k}, its channel responses are v_{s,i}^T w_{s,k} = (B_s z_{s,k})_i
with B_s = V_s U_s = R_s^H (K x r), and conj(v_{s,k}) has coordinates y_{s,k} = B_s^H e_k.
QR keeps U_s orthonormal to machine precision even when some steering vectors are (nearly)
collinear or K > N_T; a numerically empty direction simply carries no signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class SteeringSubspace:
    """Orthonormal per-satellite basis of the users' steering span.

    Attributes
    ----------
    basis  : (S, N_T, r) complex U_s, U_s^H U_s = I_r, r = min(K, N_T).
    coords : (S, K, r) complex B_s = V_s U_s, so that V_s = B_s U_s^H on the span.
    """

    basis: np.ndarray
    coords: np.ndarray

    @classmethod
    def from_steering(cls, steering: np.ndarray) -> SteeringSubspace:
        """Build the basis from steering vectors (S, K, N_T) by batched QR of V_s^H (N_T x K)."""
        v_h = np.conj(np.swapaxes(steering, 1, 2))  # (S, N_T, K), columns conj(v_{s,i})
        basis, r = np.linalg.qr(v_h)  # (S, N_T, r), (S, r, K)
        return cls(basis=basis, coords=np.conj(np.swapaxes(r, 1, 2)))

    @property
    def rank(self) -> int:
        """r = min(K, N_T), the coordinate dimension per satellite."""
        return int(self.basis.shape[2])

    def to_coords(self, weights: np.ndarray) -> np.ndarray:
        """z_s = U_s^H W_s: (..., S, N_T, K) -> (..., S, r, K). Drops the part no UT can receive."""
        return np.matmul(np.conj(np.swapaxes(self.basis, 1, 2)), weights)

    def to_weights(self, z: np.ndarray) -> np.ndarray:
        """W_s = U_s z_s: (..., S, r, K) -> (..., S, N_T, K)."""
        return np.matmul(self.basis, z)

    def projections(self, z: np.ndarray) -> np.ndarray:
        """t[s, k, i] = v_{s,k}^T w_{s,i} = (B_s z_s)[k, i]: (..., S, r, K) -> (..., S, K, K)."""
        return np.matmul(self.coords, z)
