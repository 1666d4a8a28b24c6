"""UPA steering vectors (paper eq. 2-3).

    v_N(x)     = N^{-1/2} [exp(-j pi n x)]_{n = 0..N-1}                                    (3)
    v(theta)   = v_Nv(cos theta_y) kron v_Nh(sin theta_y cos theta_x)                      (2)

The two arguments are the direction cosines ``dir_cos_y = cos theta_y`` and
``dir_cos_x = sin theta_y cos theta_x`` stored in ``DropGeometry``.
"""

from __future__ import annotations

import numpy as np


def _check_size(name: str, n: int) -> int:
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {n!r}")
    return int(n)


def ula_vector(x: np.ndarray, n: int) -> np.ndarray:
    """ULA response of eq. (3) for direction cosine(s) ``x``.

    Parameters
    ----------
    x : any shape (...)
    n : >= 1 elements

    Returns
    -------
    (..., n) complex, unit norm
    """
    n = _check_size("n", n)
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        bad = float(x[~np.isfinite(x)].ravel()[0])
        raise ValueError(f"direction cosines must be finite, in [-1, 1]; got {bad!r}")
    phase = -np.pi * x[..., None] * np.arange(n)
    return np.exp(1j * phase) / np.sqrt(n)


def upa_steering(dir_cos_x: np.ndarray, dir_cos_y: np.ndarray, nv: int, nh: int) -> np.ndarray:
    """Steering vectors of an Nv x Nh UPA, eq. (2), vectorised over any leading shape.

    Parameters
    ----------
    dir_cos_x : sin(theta_y) cos(theta_x), dir_cos_y = cos(theta_y), broadcastable arrays of shape
        (...), e.g. (S, K)
    nv : nh >= 1

    Returns
    -------
    (..., Nv*Nh) complex, unit norm, index ``iv * Nh + ih`` (Kronecker order: the vertical index is
        the slow one)
    """
    nv = _check_size("nv", nv)
    nh = _check_size("nh", nh)
    dir_cos_x, dir_cos_y = np.broadcast_arrays(np.asarray(dir_cos_x), np.asarray(dir_cos_y))
    vv = ula_vector(dir_cos_y, nv)  # (..., Nv)
    vh = ula_vector(dir_cos_x, nh)  # (..., Nh)
    return (vv[..., :, None] * vh[..., None, :]).reshape(*vv.shape[:-1], nv * nh)
