"""Rows of kind "waveform": one per (drop, UT) of a CP-OFDM simulation of the drop, plus two
link-level tables computed once per run.

On a drop of the configured setup (the paper's by default: S = 5, K = 48, 10 x 10 UPA,
MS-JoMWMMSE at ``waveform.p_tx_dbm``), the simulator of ``channel.ofdm`` measures per-UT SINR
and rate against the analytic Rbar_k of eq. (13) (``precoding.rate_ap1``) and the Monte Carlo
E{R_k} (``precoding.evaluate_rates`` with ``precoding.mc_samples`` samples and
``precoding.estimator``); the residual compensation errors have the delay std that gives
``channel.zeta2`` at the carrier and the Doppler std ``channel.sigma_nu_hz``. Two link-level
sweeps check eq. (10) (ICI vs residual Doppler over the subcarrier spacing, ``ici.parquet``)
and Remark 1 (correlation of one stream received from two satellites vs Delta tau / T_sym,
``correlation.parquet``).

Columns of ``table.parquet``: ``experiments.tables.COMMON`` plus
    ut (int64)                      UT index k
    scheme (str), p_tx_dbm (float64)
    rate_ap1, rate_mc (float64)     Rbar_k (13) and Monte Carlo E{R_k}, bit/s/Hz
    rate_measured (float64)         log2(1 + measured SINR over all blocks), bit/s/Hz
    rate_measured_ergodic (float64) mean over blocks of the per-block rate, bit/s/Hz
    rate_mc_stderr, rate_measured_ergodic_stderr (float64)  their standard errors (Monte Carlo
                                    samples; independent blocks), bit/s/Hz
    signal_w, self_distortion_w, interference_w, noise_w (float64)  measured powers, W
    frac_dtau_gt_tsym (float64)     the drop's share of (s1 < s2, l != k) pairs with
                                    Delta tau > T_sym
    sigma_tau_s (float64)           residual delay std used (s)
    link_samples (int64)            simulated link samples of the drop (for the throughput)
and the stage and row timings (time_evaluation_s: the waveform simulation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coopsat.channel.linkbudget import dbm_to_w
from coopsat.channel.ofdm import (
    MIN_SYMBOLS_PER_BLOCK,
    MODULATIONS,
    CompensationErrorModel,
    LinkTiming,
    OfdmNumerology,
    ici_power_analytic,
    interference_correlation,
    measure_ici,
    simulate_drop,
    window_overlap_correlation,
)
from coopsat.constellation.params import choice, like, number, validate
from coopsat.experiments.config.sections import P_TX_DBM
from coopsat.experiments.core.design import csi_at, design, drop_with_csi
from coopsat.experiments.core.drops import (
    DropOutcome,
    common_row,
    exceed_fraction,
    stage_times,
    timed,
)
from coopsat.experiments.core.kind import Kind, Option
from coopsat.experiments.core.tables import COMMON, ROW_TIMES, STAGE_TIMES
from coopsat.precoding import ALL_SCHEMES, evaluate_rates, rate_ap1

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

ICI_EPS = np.array([0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5])
CORR_DT = np.linspace(0.0, 2.5, 26)  # Delta tau / T_sym
LINK_STREAM = 1 << 20  # spawn key of the link-level sweeps' seed (apart from every drop's)


@dataclass(frozen=True)
class WaveformSection:
    """``[waveform]``: the simulated scheme, power and OFDM frame (numerology 1 by default)."""

    scheme: str = choice("ms-jomwmmse", ALL_SCHEMES, doc="precoding scheme simulated")
    p_tx_dbm: float = number(35.0, **P_TX_DBM)
    n_blocks: int = number(64, lo=1, hi=1_000_000, integer=True, doc="channel blocks")
    n_symbols: int = number(
        4, lo=MIN_SYMBOLS_PER_BLOCK, hi=100_000, integer=True, doc="OFDM symbols per block"
    )
    fft_size: int = like(OfdmNumerology, "fft_size")
    n_subcarriers: int = like(OfdmNumerology, "n_subcarriers", 128)
    modulation: str = choice("qpsk", MODULATIONS)
    link_symbols: int = number(
        2000, lo=MIN_SYMBOLS_PER_BLOCK, hi=1_000_000, integer=True,
        doc="OFDM symbols of each link-level sweep point (ICI, correlation)",
    )

    def __post_init__(self) -> None:
        validate(self)

    def check(self, config: ExperimentConfig) -> None:
        """Cross-section check: the OFDM numerology at the link budget's subcarrier spacing."""
        self.numerology(config)

    def numerology(self, config: ExperimentConfig) -> OfdmNumerology:
        """The simulated numerology (``channel.subcarrier_spacing_hz``, fft_size, n_subcarriers)."""
        return OfdmNumerology(
            subcarrier_spacing_hz=config.channel.link_budget.subcarrier_spacing_hz,
            fft_size=self.fft_size,
            n_subcarriers=self.n_subcarriers,
        )


COLUMNS = (
    *COMMON,
    ("ut", "int64"),
    ("scheme", "str"),
    ("p_tx_dbm", "float64"),
    ("rate_ap1", "float64"),
    ("rate_measured", "float64"),
    ("rate_mc", "float64"),
    ("rate_measured_ergodic", "float64"),
    ("rate_mc_stderr", "float64"),
    ("rate_measured_ergodic_stderr", "float64"),
    ("signal_w", "float64"),
    ("self_distortion_w", "float64"),
    ("interference_w", "float64"),
    ("noise_w", "float64"),
    ("frac_dtau_gt_tsym", "float64"),
    ("sigma_tau_s", "float64"),
    ("link_samples", "int64"),
    *STAGE_TIMES,
    *ROW_TIMES,
)


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Per-UT measured vs analytic rates of drop ``index``."""
    wf, ch = config.section("waveform"), config.channel
    skipped: list[dict] = []
    found_csi = drop_with_csi(config, index, skipped, config.drop.n_satellites)  # no sweep
    if found_csi is None:
        return DropOutcome(index, [], skipped)
    found, base, t_channel = found_csi
    geometry = found.geometry
    csi = csi_at(base, config.drop.n_satellites, ch.zeta2, None)
    result, t_pre = design(wf.scheme, csi, dbm_to_w(wf.p_tx_dbm), config)
    numerology = wf.numerology(config)
    errors = CompensationErrorModel.for_zeta2(ch.zeta2, geometry.carrier_hz, ch.sigma_nu_hz)
    meas, t_sim = timed(
        simulate_drop,
        csi,
        result.weights,
        LinkTiming.from_geometry(geometry),
        numerology=numerology,
        errors=errors,
        n_blocks=wf.n_blocks,
        n_symbols=wf.n_symbols,
        rng=np.random.default_rng(found.seeds["waveform"]),  # independent of E{R_k}'s draws
        modulation=wf.modulation,
    )
    mc_rng = np.random.default_rng(found.seeds["mc"])
    mc = evaluate_rates(csi, result.weights, n_samples=config.precoding.mc_samples, rng=mc_rng,
                        estimator=config.precoding.estimator)
    columns = {
        "ut": np.arange(csi.n_users),
        "rate_ap1": rate_ap1(csi, result.weights),
        "rate_measured": meas.rate_bps_hz,
        "rate_mc": mc.r_e,
        "rate_mc_stderr": mc.r_e_stderr,
        "rate_measured_ergodic": meas.ergodic_rate_bps_hz,
        "rate_measured_ergodic_stderr": meas.ergodic_rate_stderr_bps_hz,
        "signal_w": meas.signal_w.mean(0),
        "self_distortion_w": meas.self_distortion_w.mean(0),
        "interference_w": meas.interference_w.mean(0),
        "noise_w": meas.noise_w.mean(0),
    }
    per_drop = {
        **common_row(config, found),
        "n_satellites": csi.n_satellites,
        "scheme": wf.scheme,
        "p_tx_dbm": wf.p_tx_dbm,
        "frac_dtau_gt_tsym": float(exceed_fraction(np.asarray(geometry.differential_delay_s()),
                                                   [numerology.symbol_duration_s])[0][0]),
        "sigma_tau_s": errors.sigma_tau_s,
        "link_samples": int(meas.link_samples),
        **stage_times(found, t_channel),
        "time_precoding_s": t_pre,
        "time_evaluation_s": t_sim,
    }
    rows = [
        {**per_drop, **{name: values[k].item() for name, values in columns.items()}}
        for k in range(csi.n_users)
    ]
    return DropOutcome(index, rows, skipped)


def link_tables(config: ExperimentConfig) -> dict[str, dict[str, np.ndarray]]:
    """The two link-level sweeps (computed once per run, from their own seed stream):
    ``ici`` (measured and analytic ICI of eq. (10) vs nu / df) and ``correlation`` (measured
    |corr| of one stream over two links and the window-overlap model vs Delta tau / T_sym)."""
    numerology = config.section("waveform").numerology(config)
    n_link = config.section("waveform").link_symbols
    rng = np.random.default_rng(np.random.SeedSequence(config.run.seed, spawn_key=(LINK_STREAM,)))
    signal, ici = measure_ici(ICI_EPS, numerology=numerology, n_symbols=n_link, rng=rng)
    analytic = [ici_power_analytic(e, numerology) for e in ICI_EPS]
    dt = CORR_DT * numerology.symbol_duration_s
    corr = interference_correlation(
        np.stack([np.zeros_like(dt), dt], axis=1), numerology=numerology, n_symbols=n_link, rng=rng
    )
    return {
        "ici": {
            "nu_over_df": ICI_EPS,
            "ici_measured": ici.mean(-1),
            "ici_analytic": np.array([a[1].mean() for a in analytic]),
            "signal_measured": signal.mean(-1),
            "signal_analytic": np.array([a[0] for a in analytic]),
        },
        "correlation": {
            "dtau_over_tsym": CORR_DT,
            "corr_measured": corr,
            "corr_overlap": window_overlap_correlation(dt, numerology),
            "floor": np.full(CORR_DT.shape, math.sqrt(math.pi / (4 * n_link))),
        },
    }


KIND = Kind(
    name="waveform",
    title="OFDM waveform-level validation of eq. (10), (13) and Remark 1",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "ut"),
    sections={"waveform": WaveformSection},
    extra_tables=link_tables,
    extra_names=("ici", "correlation"),
    options=(
        Option("--scheme", "waveform.scheme", "precoding scheme", "NAME"),
        Option("--p-tx-dbm", "waveform.p_tx_dbm", "per-satellite power (dBm)", "DBM"),
        Option("--zeta2", "channel.zeta2", "phase-error variance (rad^2)", "RAD2"),
        Option("--sigma-nu-hz", "channel.sigma_nu_hz", "residual Doppler std (Hz)", "HZ"),
        Option("--blocks", "waveform.n_blocks", "channel blocks (realisations)", "N"),
        Option("--symbols", "waveform.n_symbols", "OFDM symbols per block (>= 2)", "N"),
        Option("--fft-size", "waveform.fft_size", "FFT size (a multiple of 128)", "N"),
        Option("--subcarriers", "waveform.n_subcarriers", "used subcarriers", "N"),
        Option("--modulation", "waveform.modulation", "qpsk or 16qam", "NAME"),
        Option("--drop", "run.first_drop", "index of the simulated drop", "I"),
    ),
)
