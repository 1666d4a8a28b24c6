"""Input validation shared by the precoding modules (ValueError naming field, value and range)."""

from __future__ import annotations

import numpy as np

from channel.csi import StatisticalCSI


def check_csi(csi: object) -> StatisticalCSI:
    """Return ``csi`` if it is a ``StatisticalCSI``, else raise ``TypeError``."""
    if not isinstance(csi, StatisticalCSI):
        raise TypeError(f"csi must be a channel.csi.StatisticalCSI, got {type(csi).__name__}")
    return csi


def check_power(power_w: object, n_satellites: int) -> np.ndarray:
    """Per-satellite power in W: a scalar (broadcast) or shape (S,), each finite and > 0."""
    power = np.asarray(power_w, dtype=float)
    if power.ndim == 0:
        power = np.full(n_satellites, float(power))
    if power.shape != (n_satellites,):
        raise ValueError(
            f"power_w must be a scalar or have shape (S,) = ({n_satellites},), got {power.shape}"
        )
    bad = ~(np.isfinite(power) & (power > 0.0))
    if np.any(bad):
        raise ValueError(f"power_w must be finite and > 0 W; got {float(power[bad][0])!r}")
    return power


def check_beta(beta: object, n_users: int) -> np.ndarray:
    """Per-UT rate weights beta_k (eq. 21): None (all ones) or shape (K,), finite and > 0."""
    if beta is None:
        return np.ones(n_users)
    value = np.asarray(beta, dtype=float)
    if value.shape != (n_users,):
        raise ValueError(f"beta must have shape (K,) = ({n_users},), got {value.shape}")
    bad = ~(np.isfinite(value) & (value > 0.0))
    if np.any(bad):
        raise ValueError(f"beta must be finite and > 0; got {float(value[bad][0])!r}")
    return value


def check_weights(weights: object, csi: StatisticalCSI, name: str = "weights") -> np.ndarray:
    """Precoders of shape (S, N_T, K), finite; returned as a complex array."""
    w = np.asarray(weights)
    expected = (csi.n_satellites, csi.n_antennas, csi.n_users)
    if w.shape != expected:
        raise ValueError(f"{name} must have shape (S, N_T, K) = {expected}, got {w.shape}")
    w = w.astype(complex, copy=False)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} contains NaN or inf")
    return w


def check_iterations(max_iter: object) -> int:
    """Maximum number of precoder updates I_max: an integer >= 0."""
    if not isinstance(max_iter, int | np.integer) or isinstance(max_iter, bool) or max_iter < 0:
        raise ValueError(f"max_iter must be an integer >= 0, got {max_iter!r}")
    return int(max_iter)


def check_tol(tol: object) -> float:
    """Termination threshold chi in bit/s/Hz: real, not NaN (negative: never stop early)."""
    try:
        value = float(tol)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if np.isnan(value):
        raise ValueError(f"tol must be a real number (chi, bit/s/Hz), got {tol!r}")
    return value
