"""Channel configuration of a run: array size, link budget, scenario, overrides, phase model."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from channel.linkbudget import LinkBudget
from channel.lsp import BANDS, SCENARIOS, band_for_carrier
from channel.phase import PHASE_MODELS


def _int_at_least(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise ValueError(f"ChannelConfig.{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"ChannelConfig.{name} must be an integer >= {minimum}, got {value!r}")


def _nonneg_finite(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"ChannelConfig.{name} must be a number >= 0, got {value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"ChannelConfig.{name} must be >= 0 and finite, got {value!r}")


@dataclass(frozen=True)
class ChannelConfig:
    """Everything the channel needs besides the geometry of a drop.

    Attributes
    ----------
    nv, nh : int >= 1
        UPA size (N_T = nv nh elements per satellite).
    link_budget : LinkBudget
        Carrier, numerology, noise figure and antenna gains (Table I).
    scenario : str
        "urban_los_quadriga" (default, the paper's), "dense_urban", "urban", "suburban", "rural".
    band : str or None
        "s" or "ka" table set for the TR 38.811 scenarios; None picks it from the carrier.
    kappa_db : float or None
        Fixed K-factor (dB) on every link instead of the drawn one (Fig. 4 uses 25 dB).
    zeta2 : float >= 0
        Phase-error variance (rad^2) of the Gaussian phase model on every link.
    phase_model : str
        "gaussian" (uses zeta2) or "physical" (zeta2 per link from the residual compensation
        errors; see ``channel.phase``).
    sigma_tau_s, sigma_nu_hz, prediction_horizon_s : float >= 0
        Residual delay std (s), residual Doppler std (Hz) and prediction horizon (s) of the
        physical model.
    subcarrier_index : int in [0, n_subcarriers)
        Subcarrier n of the physical model's phase 2 pi (f0 + n df - nu_cps) tau_bar.
    scintillation : bool
        Add the ionospheric scintillation loss (2.2 dB at 2 GHz); off in the paper reproduction.
    array_gain : bool
        Include the N_T-element array gain in gamma (True, physical: the steering vectors are
        unit-norm, so E||h||^2 = gamma must carry N_T G_element G_rx / PL). False keeps only the
        per-element gain, i.e. gamma = G_element G_rx / PL.
    """

    nv: int = 10
    nh: int = 10
    link_budget: LinkBudget = field(default_factory=LinkBudget)
    scenario: str = "urban_los_quadriga"
    band: str | None = None
    kappa_db: float | None = None
    zeta2: float = 0.5
    phase_model: str = "gaussian"
    sigma_tau_s: float = 0.0
    sigma_nu_hz: float = 0.0
    prediction_horizon_s: float = 0.0
    subcarrier_index: int = 0
    scintillation: bool = False
    array_gain: bool = True

    def __post_init__(self) -> None:
        _int_at_least("nv", self.nv, 1)
        _int_at_least("nh", self.nh, 1)
        if not isinstance(self.link_budget, LinkBudget):
            raise ValueError(
                f"ChannelConfig.link_budget must be a LinkBudget, got {type(self.link_budget)!r}"
            )
        if self.scenario not in SCENARIOS:
            raise ValueError(f"ChannelConfig.scenario must be one of {SCENARIOS}, got "
                             f"{self.scenario!r}")
        if self.band is not None and self.band not in BANDS:
            raise ValueError(
                f"ChannelConfig.band must be None or one of {BANDS}, got {self.band!r}"
            )
        if self.kappa_db is not None:
            kd = self.kappa_db
            if isinstance(kd, bool) or not isinstance(kd, int | float) or not math.isfinite(kd):
                raise ValueError(f"ChannelConfig.kappa_db must be None or a finite dB value, "
                                 f"got {kd!r}")
        _nonneg_finite("zeta2", self.zeta2)
        if self.phase_model not in PHASE_MODELS:
            raise ValueError(f"ChannelConfig.phase_model must be one of {PHASE_MODELS}, got "
                             f"{self.phase_model!r}")
        _nonneg_finite("sigma_tau_s", self.sigma_tau_s)
        _nonneg_finite("sigma_nu_hz", self.sigma_nu_hz)
        _nonneg_finite("prediction_horizon_s", self.prediction_horizon_s)
        _int_at_least("subcarrier_index", self.subcarrier_index, 0)
        n_sc = self.link_budget.n_subcarriers
        if self.subcarrier_index >= n_sc:
            raise ValueError(f"ChannelConfig.subcarrier_index must be in [0, {n_sc}), got "
                             f"{self.subcarrier_index!r}")
        for name in ("scintillation", "array_gain"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"ChannelConfig.{name} must be a bool, got "
                                 f"{getattr(self, name)!r}")

    @property
    def n_antennas(self) -> int:
        """N_T = nv nh."""
        return int(self.nv) * int(self.nh)

    @property
    def resolved_band(self) -> str:
        """The band actually used: ``band`` if set, else from the carrier (below 13 GHz: "s")."""
        return self.band if self.band is not None else band_for_carrier(self.link_budget.carrier_hz)
