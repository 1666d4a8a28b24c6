"""Link budget of the paper's Table I: noise power per subcarrier, free-space path loss, gains.

    FSPL(d, f0) = 20 log10(4 pi d f0 / c)  (= 32.45 + 20 log10(f/GHz) + 20 log10(d/m))
    sigma2      = k_B Delta_f (T_ant + (F - 1) T0),  T0 = 290 K  (= k_B T0 F Delta_f if T_ant = T0)

All values are SI and linear inside; dB only in the names that say so (``*_db``, ``*_dbi``,
``*_dbm``). With Table I (30 kHz, NF 7 dB, 290 K) ``sigma2`` is -122.2 dBm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coopsat.constellation.constants import BOLTZMANN_J_PER_K, SPEED_OF_LIGHT_MPS
from coopsat.constellation.params import ParameterError, number, validate

REFERENCE_TEMPERATURE_K = 290.0
"""IEEE standard noise temperature T0 that defines the noise figure."""


def db_to_linear(value_db: np.ndarray | float) -> np.ndarray:
    """10^(x/10) for power ratios; any shape."""
    return np.power(10.0, np.asarray(value_db, dtype=float) / 10.0)


def linear_to_db(value: np.ndarray | float) -> np.ndarray:
    """10 log10(x) for power ratios; any shape; x must be > 0."""
    value = np.asarray(value, dtype=float)
    if np.any(~(value > 0)):
        raise ValueError(f"linear power ratio must be > 0 for dB conversion; got {value.min()!r}")
    return 10.0 * np.log10(value)


def dbm_to_w(power_dbm: float) -> float:
    """Power in dBm -> W: 10^((P[dBm] - 30) / 10) (a Python float; dBm only at the edges)."""
    return 10.0 ** ((power_dbm - 30.0) / 10.0)


def w_to_dbm(power_w: float) -> float:
    """Power in W -> dBm: 10 log10(P[W]) + 30; -inf for 0 W; ValueError for negative or NaN."""
    if not power_w >= 0.0:
        raise ValueError(f"power must be >= 0 W for a dBm value, got {power_w!r}")
    return 10.0 * math.log10(power_w) + 30.0 if power_w > 0 else -math.inf


def _check_finite(name: str, value: float, minimum: float | None = None, strict: bool = False):
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be {op} {minimum}, got {value!r}")
    return value


def fspl_db(distance_m: np.ndarray | float, carrier_hz: float) -> np.ndarray:
    """Free-space path loss 20 log10(4 pi d f0 / c) in dB.

    Parameters
    ----------
    distance_m : any shape, metres (> 0)
    carrier_hz : Hz (> 0)

    Returns
    -------
    same shape, dB
        Check values (TR 38.811 LEO-600 geometry, 2 GHz): 154.03 dB at 600 km, 159.10 dB at 1075.1
        km.
    """
    carrier_hz = _check_finite("carrier_hz", carrier_hz, 0.0, strict=True)
    d = np.asarray(distance_m, dtype=float)
    bad = ~(d > 0) | ~np.isfinite(d)
    if np.any(bad):
        raise ValueError(f"distance_m must be > 0 and finite, got {d[bad].ravel()[0]!r}")
    return 20.0 * np.log10(4.0 * np.pi * d * carrier_hz / SPEED_OF_LIGHT_MPS)


def thermal_noise_w(
    bandwidth_hz: float, noise_figure_db: float, antenna_temperature_k: float = 290.0
) -> float:
    """Receiver noise power k_B B (T_ant + (F - 1) T0) in W, F = 10^(NF/10), T0 = 290 K.

    Parameters
    ----------
    bandwidth_hz : > 0 (Hz), noise_figure_db >= 0 (dB), antenna_temperature_k >= 0 (K)
    """
    bandwidth_hz = _check_finite("bandwidth_hz", bandwidth_hz, 0.0, strict=True)
    nf_db = _check_finite("noise_figure_db", noise_figure_db, 0.0)
    t_ant = _check_finite("antenna_temperature_k", antenna_temperature_k, 0.0)
    factor = 10.0 ** (nf_db / 10.0)
    t_sys = t_ant + (factor - 1.0) * REFERENCE_TEMPERATURE_K
    return BOLTZMANN_J_PER_K * bandwidth_hz * t_sys


@dataclass(frozen=True)
class LinkBudget:
    """Table I of the paper (defaults): carrier, OFDM numerology, UT noise and antenna gains.

    Attributes: carrier_hz (Hz), subcarrier_spacing_hz (Hz), bandwidth_hz (Hz, at least one
    subcarrier), noise_figure_db (dB), antenna_temperature_k (K), tx_element_gain_dbi (dBi, gain
    of each satellite array element at boresight: its peak, shaped by
    ``ChannelConfig.element_pattern``), rx_gain_dbi (dBi, UT antenna). Allowed values: the
    declarations below.
    """

    carrier_hz: float = number(2e9, lo=1e8, hi=1e11, unit="Hz", doc="carrier frequency f0")
    subcarrier_spacing_hz: float = number(
        30e3, lo=1e3, hi=1e7, unit="Hz", doc="OFDM subcarrier spacing"
    )
    bandwidth_hz: float = number(20e6, lo=1e3, hi=1e10, unit="Hz", doc="system bandwidth")
    noise_figure_db: float = number(7.0, lo=0, hi=30, unit="dB", doc="UT noise figure")
    antenna_temperature_k: float = number(
        290.0, lo=0, hi=1e4, lo_open=True, unit="K", doc="UT antenna temperature"
    )
    tx_element_gain_dbi: float = number(
        6.0, lo=-30, hi=60, unit="dBi", doc="boresight gain of each satellite array element"
    )
    rx_gain_dbi: float = number(0.0, lo=-30, hi=60, unit="dBi", doc="UT antenna gain")

    def __post_init__(self) -> None:
        validate(self)
        if self.bandwidth_hz < self.subcarrier_spacing_hz:
            raise ParameterError(
                "LinkBudget",
                "bandwidth_hz",
                self.bandwidth_hz,
                f"bandwidth_hz >= subcarrier_spacing_hz = {self.subcarrier_spacing_hz:g} Hz",
                "is out of range",
            )

    @property
    def n_subcarriers(self) -> int:
        """Number of subcarriers floor(bandwidth / spacing) (666 for Table I)."""
        return int(self.bandwidth_hz // self.subcarrier_spacing_hz)

    def noise_power_w(self) -> float:
        """sigma2 on one subcarrier, W (about 6.0e-16 W = -122.2 dBm for Table I)."""
        return thermal_noise_w(
            self.subcarrier_spacing_hz, self.noise_figure_db, self.antenna_temperature_k
        )

    def noise_power_dbm(self) -> float:
        """sigma2 on one subcarrier, dBm (reporting)."""
        return w_to_dbm(self.noise_power_w())

    def antenna_gain_db(self) -> float:
        """Per-element transmit gain plus receive gain, dB (array gain is not included)."""
        return self.tx_element_gain_dbi + self.rx_gain_dbi
