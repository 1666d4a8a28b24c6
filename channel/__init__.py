"""coopsat.channel: link budget, large-scale parameters, statistical CSI and a Monte Carlo sampler.

Public surface (one module per concept): ``linkbudget`` (Table I), ``lsp`` (scenarios and per-drop
large-scale draws), ``phase`` (phase-error models), ``config`` (``ChannelConfig``), ``model``
(``statistical_csi``), ``covariance`` (eq. 16-19, 28-30), ``steering`` (eq. 2-3), ``sampler``.
"""

from channel.config import ChannelConfig
from channel.covariance import (
    Decomposition,
    decomposition,
    mean_channels,
    omega_dense,
    omega_tilde_dense,
    projections,
    q_dense,
    q_tilde_dense,
    quadratic_forms,
)
from channel.csi import StatisticalCSI
from channel.linkbudget import LinkBudget, fspl_db, thermal_noise_w
from channel.lsp import (
    SCENARIOS,
    LargeScaleDraw,
    clutter_loss_db,
    draw_large_scale,
    k_factor_db,
    los_probability,
    path_loss_db,
    scintillation_loss_db,
    shadow_fading_std_db,
)
from channel.model import link_gain_db, statistical_csi
from channel.phase import PHASE_MODELS, gaussian_phibar, physical_phase_variance
from channel.sampler import sample_channels, sample_link_gains
from channel.steering import ula_vector, upa_steering

__all__ = [
    "PHASE_MODELS",
    "SCENARIOS",
    "ChannelConfig",
    "Decomposition",
    "LargeScaleDraw",
    "LinkBudget",
    "StatisticalCSI",
    "clutter_loss_db",
    "decomposition",
    "draw_large_scale",
    "fspl_db",
    "gaussian_phibar",
    "k_factor_db",
    "link_gain_db",
    "los_probability",
    "mean_channels",
    "omega_dense",
    "omega_tilde_dense",
    "path_loss_db",
    "physical_phase_variance",
    "projections",
    "q_dense",
    "q_tilde_dense",
    "quadratic_forms",
    "sample_channels",
    "sample_link_gains",
    "scintillation_loss_db",
    "shadow_fading_std_db",
    "statistical_csi",
    "thermal_noise_w",
    "ula_vector",
    "upa_steering",
]
