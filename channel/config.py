"""Channel configuration of a run: array size, link budget, scenario, overrides, phase model.

Every field is declared once here with its allowed values (``constellation.params``); the
experiment layer's ``[channel]`` TOML section maps onto this dataclass and its ``link_budget``
(``channel.linkbudget.LinkBudget``), so a new channel parameter is one field below plus its use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coopsat.channel.element import ELEMENT_PATTERNS
from coopsat.channel.linkbudget import LinkBudget
from coopsat.channel.lsp import BANDS, SCENARIOS, band_for_carrier
from coopsat.channel.phase import PHASE_MODELS
from coopsat.constellation.params import ParameterError, choice, flag, number, validate


@dataclass(frozen=True)
class ChannelConfig:
    """Everything the channel needs besides the geometry of a drop.

    Attributes
    ----------
    nv, nh : int
        UPA size (N_T = nv nh elements per satellite).
    link_budget : LinkBudget
        Carrier, numerology, noise figure and antenna gains (Table I).
    scenario : str
        "urban_los_quadriga" (default, the paper's), "dense_urban", "urban", "suburban", "rural".
    band : str or None
        "s" or "ka" table set for the TR 38.811 scenarios; None picks it from the carrier.
    kappa_db : float or None
        Fixed K-factor (dB) on every link instead of the drawn one (Fig. 4 uses 25 dB).
    zeta2 : float
        Phase-error variance (rad^2) of the Gaussian phase model on every link.
    phase_model : str
        "gaussian" (uses zeta2) or "physical" (zeta2 per link from the residual compensation
        errors; see ``channel.phase``).
    sigma_tau_s, sigma_nu_hz, prediction_horizon_s : float
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
    element_pattern : str
        Shape of the element gain towards each UT (``channel.element``): "isotropic" (the
        paper: ``link_budget.tx_element_gain_dbi`` towards every UT), "3gpp" (TR 38.901 Table
        7.3-1, whose peak is 8 dBi: set tx_element_gain_dbi = 8) or "cosine" (G0 cos^q(eta)).
        The peak gain is ``link_budget.tx_element_gain_dbi`` for every pattern.
    element_hpbw_deg : float in (0, 180]
        Half-power beamwidth of the "3gpp" element in both cuts (65 deg in TR 38.901).
    element_scan_exponent : float > 0
        q of the "cosine" element.

    The allowed value of every field is in its declaration below.
    """

    nv: int = number(10, lo=1, hi=256, integer=True, doc="UPA elements, vertical")
    nh: int = number(10, lo=1, hi=256, integer=True, doc="UPA elements, horizontal")
    link_budget: LinkBudget = field(default_factory=LinkBudget)
    scenario: str = choice("urban_los_quadriga", SCENARIOS, doc="large-scale model")
    band: str | None = choice(
        None, BANDS, optional=True, doc="TR 38.811 table set; none: from the carrier"
    )
    kappa_db: float | None = number(
        None, lo=-50, hi=100, optional=True, unit="dB", doc="fixed K-factor; none: drawn"
    )
    zeta2: float = number(0.5, lo=0, hi=100, unit="rad^2", doc="phase-error variance")
    phase_model: str = choice("gaussian", PHASE_MODELS, doc="phase-error model")
    sigma_tau_s: float = number(
        0.0, lo=0, hi=1, unit="s", doc="residual delay std (physical phase model)"
    )
    sigma_nu_hz: float = number(
        0.0, lo=0, hi=1e6, unit="Hz", doc="residual Doppler std (physical phase model)"
    )
    prediction_horizon_s: float = number(
        0.0, lo=0, hi=100, unit="s", doc="prediction horizon (physical phase model)"
    )
    subcarrier_index: int = number(
        0, lo=0, integer=True, doc="subcarrier n (physical phase model), < n_subcarriers"
    )
    scintillation: bool = flag(False, doc="add the scintillation loss of TR 38.811 6.6.6.1")
    array_gain: bool = flag(True, doc="gamma includes the array gain 10 log10(N_T)")
    element_pattern: str = choice(
        "isotropic", ELEMENT_PATTERNS,
        doc="satellite element pattern; its peak is tx_element_gain_dbi",
    )
    element_hpbw_deg: float = number(
        65.0, lo=0, hi=180, lo_open=True, unit="deg",
        doc="half-power beamwidth of the 3gpp element, both cuts",
    )
    element_scan_exponent: float = number(
        1.5, lo=0, hi=100, lo_open=True, doc="q of the cosine element G0 cos^q(eta)"
    )

    def __post_init__(self) -> None:
        validate(self)
        if not isinstance(self.link_budget, LinkBudget):
            raise ValueError(
                f"ChannelConfig.link_budget must be a LinkBudget, got {type(self.link_budget)!r}"
            )
        n_sc = self.link_budget.n_subcarriers
        if self.subcarrier_index >= n_sc:
            raise ParameterError(
                "ChannelConfig",
                "subcarrier_index",
                self.subcarrier_index,
                f"0 <= subcarrier_index < bandwidth_hz / subcarrier_spacing_hz = {n_sc}",
                "is out of range",
            )

    @property
    def n_antennas(self) -> int:
        """N_T = nv nh."""
        return int(self.nv) * int(self.nh)

    @property
    def resolved_band(self) -> str:
        """The band actually used: ``band`` if set, else from the carrier (below 13 GHz: "s")."""
        return self.band if self.band is not None else band_for_carrier(self.link_budget.carrier_hz)
