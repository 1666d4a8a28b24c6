"""Input validation shared by the precoding modules (ValueError naming field, value and range)."""

from __future__ import annotations

import numpy as np

from coopsat.channel.csi import StatisticalCSI


def check_csi(csi: object) -> StatisticalCSI:
    """Return ``csi`` if it is a ``StatisticalCSI``, else raise ``TypeError``."""
    if not isinstance(csi, StatisticalCSI):
        raise TypeError(f"csi must be a channel.csi.StatisticalCSI, got {type(csi).__name__}")
    return csi


def _real_array(value: object, name: str) -> np.ndarray:
    """``value`` as a float array, or a TypeError naming it (text, None, complex numbers)."""
    array = np.asarray(value)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.integer)
                                     or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must be real numbers, got {value!r}")
    return array.astype(float)


def check_flag(value: object, name: str) -> bool:
    """A yes/no option: a bool (numpy's included), else a TypeError naming it."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


MAX_POWER_W = 1e15
"""Largest per-satellite budget accepted (180 dBm, eleven orders above a satellite's few kW):
beyond it the solvers' squared quantities (budget^2 x channel gain^2) leave float64's range."""


def _check_budget_values(power: np.ndarray, name: str) -> None:
    bad = ~(np.isfinite(power) & (power > 0.0) & (power <= MAX_POWER_W))
    if np.any(bad):
        raise ValueError(
            f"{name} must be finite, > 0 W and <= {MAX_POWER_W:g} W (180 dBm); "
            f"got {float(power[bad][0])!r}"
        )


def check_power(power_w: object, n_satellites: int) -> np.ndarray:
    """Per-satellite power in W: a scalar (broadcast) or shape (S,), each finite, > 0 and at most
    ``MAX_POWER_W``."""
    power = _real_array(power_w, "power_w")
    if power.ndim == 0:
        power = np.full(n_satellites, float(power))
    if power.shape != (n_satellites,):
        raise ValueError(
            f"power_w must be a scalar or have shape (S,) = ({n_satellites},), got {power.shape}"
        )
    _check_budget_values(power, "power_w")
    return power


def check_beta(beta: object, n_users: int) -> np.ndarray:
    """Per-UT rate weights beta_k (eq. 21): None (all ones) or shape (K,), finite and > 0."""
    if beta is None:
        return np.ones(n_users)
    value = _real_array(beta, "beta")
    if value.shape != (n_users,):
        raise ValueError(f"beta must have shape (K,) = ({n_users},), got {value.shape}")
    bad = ~(np.isfinite(value) & (value > 0.0))
    if np.any(bad):
        raise ValueError(f"beta must be finite and > 0; got {float(value[bad][0])!r}")
    return value


def _finite_complex(w: np.ndarray, name: str) -> np.ndarray:
    """``w`` as a complex array if it is numeric and finite, else a one-line error naming it."""
    if not np.issubdtype(w.dtype, np.number):  # numpy counts bool as no number
        raise TypeError(f"{name} must be a numeric array, got dtype {w.dtype}")
    w = w.astype(complex, copy=False)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} contains NaN or inf")
    return w


def check_weights(weights: object, csi: StatisticalCSI, name: str = "weights") -> np.ndarray:
    """Precoders of shape (S, N_T, K), finite; returned as a complex array."""
    w = np.asarray(weights)
    expected = (csi.n_satellites, csi.n_antennas, csi.n_users)
    if w.shape != expected:
        raise ValueError(f"{name} must have shape (S, N_T, K) = {expected}, got {w.shape}")
    return _finite_complex(w, name)


def check_weight_stack(weights: object, csi: StatisticalCSI, name: str = "weights") -> np.ndarray:
    """P precoders (P, S, N_T, K), P >= 1, finite; returned as a complex array."""
    single = (csi.n_satellites, csi.n_antennas, csi.n_users)
    try:
        w = np.asarray(weights)
    except ValueError:  # a ragged sequence of precoders
        raise ValueError(
            f"{name} must have shape (P, S, N_T, K) = (P, {', '.join(map(str, single))}), "
            f"got a sequence of differently shaped arrays"
        ) from None
    if w.ndim != 4 or w.shape[1:] != single or w.shape[0] < 1:
        raise ValueError(
            f"{name} must have shape (P, S, N_T, K) = (P, {', '.join(map(str, single))}) "
            f"with P >= 1, got {w.shape}"
        )
    return _finite_complex(w, name)


def check_powers(powers_w: object, n_satellites: int) -> np.ndarray:
    """Budgets of P power points: shape (P,) (one P_s for every satellite) or (P, S), P >= 1,
    each finite, > 0 and at most ``MAX_POWER_W``; returned as (P, S) float."""
    try:
        power = np.asarray(powers_w, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"powers_w must be an array of numbers, got {powers_w!r}") from None
    if power.ndim == 1:
        power = np.repeat(power[:, None], n_satellites, axis=1)
    if power.ndim != 2 or power.shape[0] < 1 or power.shape[1] != n_satellites:
        raise ValueError(
            f"powers_w must have shape (P,) or (P, S) = (P, {n_satellites}) with P >= 1, "
            f"got {np.shape(powers_w)}"
        )
    _check_budget_values(power, "powers_w")
    return power


def check_gains(gains: object, n_satellites: int, n_users: int) -> np.ndarray:
    """Channel realisations g (n, S, K), n >= 1, finite; returned as complex."""
    g = np.asarray(gains)
    if not np.issubdtype(g.dtype, np.number):  # numpy counts bool as no number
        raise TypeError(f"gains must be a numeric array (n, S, K), got dtype {g.dtype}")
    if g.ndim != 3 or g.shape[1:] != (n_satellites, n_users) or g.shape[0] < 1:
        raise ValueError(
            f"gains must have shape (n, S, K) = (n, {n_satellites}, {n_users}) with n >= 1 "
            f"realisations, got {g.shape}"
        )
    g = g.astype(complex, copy=False)
    if not np.all(np.isfinite(g)):
        raise ValueError("gains contains NaN or inf")
    return g


def check_init(init: object, csi: StatisticalCSI, n_points: int) -> np.ndarray:
    """Initial precoders (S, N_T, K) (shared) or (P, S, N_T, K); returned as (P, S, N_T, K)."""
    w = np.asarray(init)
    single = (csi.n_satellites, csi.n_antennas, csi.n_users)
    if w.shape == single:
        return np.repeat(_finite_complex(w, "init")[None], n_points, axis=0)
    if w.shape != (n_points, *single):
        raise ValueError(
            f"init must have shape (S, N_T, K) = {single} or (P, S, N_T, K) = "
            f"{(n_points, *single)}, got {w.shape}"
        )
    return _finite_complex(w, "init").copy()
