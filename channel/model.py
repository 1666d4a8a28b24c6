"""Statistical CSI of one drop from its geometry (eq. 1-3, 18-20; docs/design.md#link-budget).

    gamma_{s,k} [dB] = G_tx + A(d_{s,k}) + G_rx + 10 log10(N_T) - PL(d_{s,k}, f0) - SF_{s,k}
                       - CL_{s,k} - L_sc
    kappa_{s,k}      = 10^(K_{s,k} / 10)   (drawn; 0 for NLOS; or the fixed override)
    zeta2_{s,k}      from the phase model (``channel.phase``)
    v_{s,k}          = v(theta_{s,k}) of eq. (2) from the direction cosines
    sigma2_k         = k_B df (T_ant + (F - 1) T0)

G_tx is the per-element (peak) gain, A(d) <= 0 dB the element pattern towards the link's
departure direction in the satellite's array frame (``channel.element``; 0 for the paper's
isotropic element), and the steering vectors are unit-norm, so the array gain 10 log10(N_T)
is part of gamma (``ChannelConfig.array_gain``); PL is the scenario's path loss at the slant range,
SF/CL the held shadow fading and clutter loss, L_sc the optional scintillation loss.
"""

from __future__ import annotations

import math

import numpy as np

from coopsat.channel.config import ChannelConfig
from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.element import element_gain_db
from coopsat.channel.linkbudget import db_to_linear
from coopsat.channel.lsp import (
    LargeScaleDraw,
    draw_link_parameters,
    path_loss_db,
    scintillation_loss_db,
)
from coopsat.channel.phase import physical_phase_variance
from coopsat.channel.steering import upa_steering
from coopsat.constellation.constants import SPEED_OF_LIGHT_MPS
from coopsat.constellation.geometry import DropGeometry


def draw_large_scale(
    geometry: DropGeometry, config: ChannelConfig, rng: np.random.Generator
) -> LargeScaleDraw:
    """Large-scale draws (LOS, K-factor, shadow fading, clutter) of every link of one drop under
    ``config``'s scenario, band and carrier (``channel.lsp.draw_link_parameters``); (S, K)."""
    return draw_link_parameters(
        geometry.elevation_rad,
        scenario=config.scenario,
        band=config.resolved_band,
        carrier_hz=config.link_budget.carrier_hz,
        rng=rng,
    )


def phase_error_variance(geometry: DropGeometry, config: ChannelConfig) -> np.ndarray:
    """(S, K) zeta2 (rad^2) of every link under ``config.phase_model``.

    "gaussian": ``config.zeta2`` on every link. "physical": ``physical_phase_variance`` with the
    link Doppler nu_sat = -(f0 / c) range_rate at the configured carrier f0.
    """
    shape = np.shape(geometry.elevation_rad)
    if config.phase_model == "gaussian":
        return np.full(shape, float(config.zeta2))
    lb = config.link_budget
    doppler = -(lb.carrier_hz / SPEED_OF_LIGHT_MPS) * np.asarray(geometry.range_rate_mps, float)
    return physical_phase_variance(
        doppler,
        carrier_hz=lb.carrier_hz,
        sigma_tau_s=config.sigma_tau_s,
        sigma_nu_hz=config.sigma_nu_hz,
        horizon_s=config.prediction_horizon_s,
        subcarrier_spacing_hz=lb.subcarrier_spacing_hz,
        subcarrier_index=config.subcarrier_index,
    )


def link_gain_db(
    geometry: DropGeometry, config: ChannelConfig, large_scale: LargeScaleDraw
) -> np.ndarray:
    """(S, K) average channel power gain gamma in dB (formula in the module docstring)."""
    lb = config.link_budget
    gain = lb.tx_element_gain_dbi + lb.rx_gain_dbi
    if config.array_gain:
        gain += 10.0 * math.log10(config.n_antennas)
    if config.element_pattern != "isotropic":
        gain = gain + element_gain_db(
            config.element_pattern, geometry.dir_cos_x, geometry.dir_cos_y, geometry.dir_cos_z,
            hpbw_deg=config.element_hpbw_deg, exponent=config.element_scan_exponent,
        )
    loss = path_loss_db(geometry.slant_range_m, lb.carrier_hz, config.scenario)
    loss = loss + large_scale.shadow_fading_db + large_scale.clutter_loss_db
    if config.scintillation:
        loss = loss + scintillation_loss_db(lb.carrier_hz)
    return gain - loss


def statistical_csi(
    geometry: DropGeometry,
    config: ChannelConfig,
    rng: np.random.Generator | None = None,
    *,
    large_scale: LargeScaleDraw | None = None,
) -> StatisticalCSI:
    """Statistical CSI (gamma, kappa, zeta2, V, sigma2) of every link of one drop.

    Parameters
    ----------
    geometry : (S satellites x K UTs)
    config
    rng : used only to draw the large-scale parameters when ``large_scale`` is None
    large_scale : held draws (S, K) from ``draw_large_scale``: with it the result is deterministic
        (the time-epoch study recomputes the CSI every epoch with the same draws)

    Returns
    -------
    StatisticalCSI with gamma, kappa, zeta2 (S, K), steering (S, K, N_T), sigma2 (K,) in W
    """
    if large_scale is None:
        if rng is None:
            raise ValueError("statistical_csi needs rng (a numpy Generator) or large_scale")
        large_scale = draw_large_scale(geometry, config, rng)
    shape = np.shape(geometry.elevation_rad)
    if large_scale.shape != shape:
        raise ValueError(
            f"large_scale has shape {large_scale.shape}, expected the geometry's (S, K) {shape}"
        )
    gamma = db_to_linear(link_gain_db(geometry, config, large_scale))
    if config.kappa_db is not None:
        kappa = np.full(shape, 10.0 ** (config.kappa_db / 10.0))
    else:
        kappa = large_scale.kappa
    steering = upa_steering(geometry.dir_cos_x, geometry.dir_cos_y, config.nv, config.nh)
    sigma2 = np.full(shape[1], config.link_budget.noise_power_w())
    return StatisticalCSI(
        gamma=gamma,
        kappa=kappa,
        zeta2=phase_error_variance(geometry, config),
        steering=steering,
        sigma2=sigma2,
    )
