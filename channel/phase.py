"""Phase-error models for the compensated channel hbar = h phi, phi = exp(j varphi) (Section II-B).

Gaussian model (the paper's Section V, [4], [14]):
    varphi_{s,k} ~ N(0, zeta2_{s,k}) independent over links,  phibar = E{phi} = exp(-zeta2 / 2).

Physical model (from eq. (8)-(10)). With the compensation values tau_cps, nu_cps of link (s, k),
the residual errors are tau_bar = tau_cps - tau_min and nu_bar = nu_sat - nu_cps (eq. 8). After
down-conversion and the DFT, subcarrier n sees the phase of eq. (10),
    2 pi (f0 + n df - nu_cps) tau_bar,
and the residual Doppler keeps rotating the symbol by exp(j 2 pi nu_bar t) (the factor
exp(j 2 pi t nu_bar) of the effective signal, the ICI part being dropped by approximation (a)).
Evaluated a prediction horizon T_h after the compensation values were fixed (t = T_h) and with
nu_cps = nu_sat - nu_bar:
    varphi = 2 pi F tau_bar + 2 pi nu_bar (T_h + tau_bar),   F = f0 + n df - nu_sat.
With independent zero-mean errors tau_bar ~ N(0, sigma_tau^2), nu_bar ~ N(0, sigma_nu^2) every
cross moment vanishes (each contains an odd power of a zero-mean variable), hence exactly
    zeta2 = E{varphi^2} = (2 pi)^2 [F^2 sigma_tau^2 + sigma_nu^2 (T_h^2 + sigma_tau^2)].
varphi is Gaussian up to the product nu_bar tau_bar, whose variance (2 pi sigma_nu sigma_tau)^2
is negligible in practice (4e-15 rad^2 for 10 Hz and 1 ns), so phibar = exp(-zeta2 / 2) still
holds and the Gaussian machinery downstream applies per link. zeta2 = 0 with perfect compensation;
it grows as sigma_tau^2 (scaled by F^2 ~ f0^2) and as sigma_nu^2 T_h^2.
Note the scale: at 2 GHz a residual delay of 1 ns alone gives a 12.6 rad phase std, so
zeta2 ~ 0.5 needs sigma_tau ~ 56 ps (or sigma_nu ~ 11 Hz with T_h = 10 ms).
"""

from __future__ import annotations

import math

import numpy as np

PHASE_MODELS = ("gaussian", "physical")


def gaussian_phibar(zeta2: np.ndarray | float) -> np.ndarray:
    """phibar = E{exp(j varphi)} = exp(-zeta2 / 2) for varphi ~ N(0, zeta2); any shape, rad^2."""
    zeta2 = np.asarray(zeta2, dtype=float)
    bad = ~((zeta2 >= 0) & np.isfinite(zeta2))
    if np.any(bad):
        raise ValueError(f"zeta2 must be >= 0 and finite (rad^2), got {zeta2[bad].ravel()[0]!r}")
    return np.exp(-0.5 * zeta2)


def _nonneg(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be >= 0 and finite, got {value!r}")
    return value


def physical_phase_variance(
    doppler_hz: np.ndarray | float,
    *,
    carrier_hz: float,
    sigma_tau_s: float,
    sigma_nu_hz: float,
    horizon_s: float,
    subcarrier_spacing_hz: float = 30e3,
    subcarrier_index: int = 0,
) -> np.ndarray:
    """zeta2 = (2 pi)^2 [F^2 sigma_tau^2 + sigma_nu^2 (T_h^2 + sigma_tau^2)], F = f0 + n df - nu.

    Derivation in the module docstring (eq. 8-10); nu is the link Doppler nu_sat.

    Parameters
    ----------
    doppler_hz : (...), the link Doppler nu_sat in Hz
    carrier_hz : f0 (Hz, > 0)
    sigma_tau_s : std of the residual delay (s)
    sigma_nu_hz : std of the residual Doppler (Hz)
    horizon_s : prediction horizon T_h (s)
    subcarrier_spacing_hz : df (Hz)
    subcarrier_index : n >= 0

    Returns
    -------
    (...) zeta2 in rad^2
    """
    f0 = _nonneg("carrier_hz", carrier_hz)
    st = _nonneg("sigma_tau_s", sigma_tau_s)
    sn = _nonneg("sigma_nu_hz", sigma_nu_hz)
    th = _nonneg("horizon_s", horizon_s)
    df = _nonneg("subcarrier_spacing_hz", subcarrier_spacing_hz)
    if isinstance(subcarrier_index, bool) or int(subcarrier_index) != subcarrier_index:
        raise ValueError(f"subcarrier_index must be an integer >= 0, got {subcarrier_index!r}")
    n = int(subcarrier_index)
    if n < 0:
        raise ValueError(f"subcarrier_index must be an integer >= 0, got {subcarrier_index!r}")
    nu = np.asarray(doppler_hz, dtype=float)
    if not np.all(np.isfinite(nu)):
        bad = float(nu[~np.isfinite(nu)].ravel()[0])
        raise ValueError(f"doppler_hz must be finite (Hz), got {bad!r}")
    big_f = f0 + n * df - nu
    return (2.0 * np.pi) ** 2 * (big_f**2 * st**2 + sn**2 * (th**2 + st**2))
