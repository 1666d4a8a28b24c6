"""coopsat.channel: link budget, large-scale parameters, statistical CSI and a Monte Carlo sampler.

Public surface (one module per concept): ``linkbudget`` (Table I), ``lsp`` (scenarios and per-drop
large-scale draws), ``phase`` (phase-error models), ``config`` (``ChannelConfig``), ``model``
(``statistical_csi``), ``structure`` (the compact form of eq. 13, 16-20, 28-30: mean channels,
steering projections v^T w, link powers), ``steering`` (eq. 2-3), ``element`` (element
patterns), ``sampler``.
"""

from coopsat.channel.config import ChannelConfig
from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.element import ELEMENT_PATTERNS, element_gain_db
from coopsat.channel.linkbudget import LinkBudget, fspl_db, thermal_noise_w
from coopsat.channel.lsp import (
    SCENARIOS,
    LargeScaleDraw,
    clutter_loss_db,
    draw_link_parameters,
    k_factor_db,
    los_probability,
    path_loss_db,
    scintillation_loss_db,
    shadow_fading_std_db,
)
from coopsat.channel.model import (
    draw_large_scale,
    link_gain_db,
    phase_error_variance,
    statistical_csi,
)
from coopsat.channel.phase import PHASE_MODELS, gaussian_phibar, physical_phase_variance
from coopsat.channel.sampler import StandardDraws, draw_standard, sample_channels, sample_link_gains
from coopsat.channel.steering import ula_vector, upa_steering
from coopsat.channel.structure import LinkPowers, link_powers, mean_channels, steering_projections

__all__ = [
    "ELEMENT_PATTERNS",
    "PHASE_MODELS",
    "SCENARIOS",
    "ChannelConfig",
    "LargeScaleDraw",
    "LinkBudget",
    "LinkPowers",
    "StandardDraws",
    "StatisticalCSI",
    "clutter_loss_db",
    "draw_large_scale",
    "draw_link_parameters",
    "draw_standard",
    "element_gain_db",
    "fspl_db",
    "gaussian_phibar",
    "k_factor_db",
    "link_gain_db",
    "link_powers",
    "los_probability",
    "mean_channels",
    "path_loss_db",
    "phase_error_variance",
    "physical_phase_variance",
    "sample_channels",
    "sample_link_gains",
    "scintillation_loss_db",
    "shadow_fading_std_db",
    "statistical_csi",
    "steering_projections",
    "thermal_noise_w",
    "ula_vector",
    "upa_steering",
]
