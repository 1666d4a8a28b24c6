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

from constellation.constants import BOLTZMANN_J_PER_K, SPEED_OF_LIGHT_MPS

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


def watts_to_dbm(power_w: np.ndarray | float) -> np.ndarray:
    """Power in W -> dBm; any shape."""
    return linear_to_db(power_w) + 30.0


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

    Inputs: distance_m, any shape, metres (> 0); carrier_hz, Hz (> 0). Output: same shape, dB.
    Check values (TR 38.811 LEO-600 geometry, 2 GHz): 154.03 dB at 600 km, 159.10 dB at 1075.1 km.
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

    Inputs: bandwidth_hz > 0 (Hz), noise_figure_db >= 0 (dB), antenna_temperature_k >= 0 (K).
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

    Attributes: carrier_hz (Hz, > 0), subcarrier_spacing_hz (Hz, > 0), bandwidth_hz (Hz, >=
    subcarrier_spacing_hz), noise_figure_db (dB, >= 0), antenna_temperature_k (K, >= 0),
    tx_element_gain_dbi (dBi, gain of each satellite array element), rx_gain_dbi (dBi, UT antenna).
    """

    carrier_hz: float = 2e9
    subcarrier_spacing_hz: float = 30e3
    bandwidth_hz: float = 20e6
    noise_figure_db: float = 7.0
    antenna_temperature_k: float = 290.0
    tx_element_gain_dbi: float = 6.0
    rx_gain_dbi: float = 0.0

    def __post_init__(self) -> None:
        _check_finite("LinkBudget.carrier_hz", self.carrier_hz, 0.0, strict=True)
        _check_finite("LinkBudget.subcarrier_spacing_hz", self.subcarrier_spacing_hz, 0.0, True)
        _check_finite("LinkBudget.bandwidth_hz", self.bandwidth_hz, self.subcarrier_spacing_hz)
        _check_finite("LinkBudget.noise_figure_db", self.noise_figure_db, 0.0)
        _check_finite("LinkBudget.antenna_temperature_k", self.antenna_temperature_k, 0.0)
        _check_finite("LinkBudget.tx_element_gain_dbi", self.tx_element_gain_dbi)
        _check_finite("LinkBudget.rx_gain_dbi", self.rx_gain_dbi)

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
        return float(watts_to_dbm(self.noise_power_w()))

    def antenna_gain_db(self) -> float:
        """Per-element transmit gain plus receive gain, dB (array gain is not included)."""
        return self.tx_element_gain_dbi + self.rx_gain_dbi
