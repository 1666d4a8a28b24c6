"""``coopsat waveform``: waveform-level OFDM validation of the paper's signal model (issue 6).

On one drop of the paper's setup (data/paper.toml: S = 5, K = 48, 10 x 10 UPA, MS-JoMWMMSE at
P_TX) the CP-OFDM simulator of ``channel.ofdm_link`` measures per-UT SINR and rate against the
analytic Rbar_k of eq. (13) (``precoding.rate_ap1``) and the Monte Carlo E{R_k}
(``precoding.rate_mc``); two link-level sweeps check eq. (10) (ICI vs residual Doppler over the
subcarrier spacing) and Remark 1 (correlation of one stream received from two satellites vs
Delta tau / T_sym). Tables (CSV) and figures (PNG + PDF, IEEE 3.5 x 2.5 in) go to --out; the
figures are drawn from the tables only.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

FIGSIZE_IN = (3.5, 2.5)
FONT_PT = 8
ICI_EPS = np.array([0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5])
CORR_DT = np.linspace(0.0, 2.5, 26)  # Delta tau / T_sym


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``waveform`` subcommand to the ``coopsat`` parser; returns its parser."""
    p = subparsers.add_parser(
        "waveform",
        help="OFDM waveform-level validation of eq. (10), (13) and Remark 1",
        description="Simulate one paper-size drop at waveform level (CP-OFDM, numerology 1) and "
        "compare the measured rate per UT, ICI and inter-satellite interference correlation with "
        "the paper's analysis. Writes CSV tables and PNG/PDF figures to --out.",
    )
    p.add_argument("--seed", type=int, default=20250101, help="root seed (default 20250101)")
    p.add_argument("--drop", type=int, default=0, help="drop index of the paper config")
    p.add_argument("--out", type=Path, default=Path("results/waveform"), help="output directory")
    p.add_argument(
        "--symbols", type=_positive_int, default=4, help="OFDM symbols per channel block (>= 2)"
    )
    p.add_argument("--blocks", type=_positive_int, default=64, help="channel blocks (realisations)")
    p.add_argument("--fft-size", type=_positive_int, default=128, help="FFT size (multiple of 128)")
    p.add_argument("--subcarriers", type=_positive_int, default=128, help="used subcarriers")
    p.add_argument("--modulation", choices=("qpsk", "16qam"), default="qpsk")
    p.add_argument("--scheme", default="ms-jomwmmse", help="precoding scheme")
    p.add_argument("--p-tx-dbm", type=float, default=35.0, help="per-satellite power, dBm")
    p.add_argument("--zeta2", type=float, default=0.5, help="phase-error variance, rad^2")
    p.add_argument("--sigma-nu-hz", type=float, default=30.0, help="residual Doppler std (Hz)")
    p.add_argument("--quick", action="store_true", help="K = 12, S = 3, 4 x 4 UPA, fewer blocks")
    p.set_defaults(func=run)
    return p


# --- simulation -> tables ------------------------------------------------------------------------
def _paper_drop(args: argparse.Namespace):
    """Geometry and statistical CSI of one drop of data/paper.toml (zeta2 fixed to args.zeta2)."""
    import channel
    import constellation
    from experiments.config import load_config
    from experiments.pipeline import (
        channel_config,
        constellation_for,
        csi_at,
        drop_seeds,
        skyfield_time,
    )

    overrides = {"run.seed": args.seed}
    if args.quick:
        overrides |= {"drop.n_users": 12, "drop.n_satellites": 3, "channel.nv": 4, "channel.nh": 4}
    config = load_config(None, overrides=overrides)
    const = constellation_for(config.constellation)
    epoch = skyfield_time(pd.Timestamp(config.constellation.epoch_utc).to_pydatetime())
    for attempt in range(20):
        seeds = drop_seeds(config.run.seed, args.drop, attempt)
        try:
            geometry = constellation.sample_drop(
                const,
                epoch,
                n_users=config.drop.n_users,
                n_satellites=config.drop.n_satellites,
                rng=np.random.default_rng(seeds["geometry"]),
                radius_m=config.drop.radius_m,
                min_elevation_deg=config.drop.min_elevation_deg,
                carrier_hz=config.channel.carrier_hz,
            )
        except constellation.NotEnoughSatellitesError:
            continue
        base = channel.statistical_csi(
            geometry, channel_config(config.channel), np.random.default_rng(seeds["channel"])
        )
        return geometry, csi_at(base, config.drop.n_satellites, args.zeta2, None), seeds
    raise ValueError(f"drop {args.drop}: no attempt out of 20 found enough visible satellites")


def rate_table(args: argparse.Namespace, numerology) -> tuple[pd.DataFrame, dict]:
    """Per-UT measured vs analytic rates of one drop; also returns run facts for the summary."""
    from channel.ofdm_link import CompensationErrorModel, LinkTiming, simulate_drop
    from precoding import precode, rate_ap1, rate_mc

    geometry, csi, seeds = _paper_drop(args)
    p_w = 10.0 ** ((args.p_tx_dbm - 30.0) / 10.0)
    weights = precode(args.scheme, csi, np.full(csi.n_satellites, p_w)).weights
    errors = CompensationErrorModel.for_zeta2(args.zeta2, geometry.carrier_hz, args.sigma_nu_hz)
    t0 = time.perf_counter()
    meas = simulate_drop(
        csi,
        weights,
        LinkTiming.from_geometry(geometry),
        numerology=numerology,
        errors=errors,
        n_blocks=args.blocks,
        n_symbols=args.symbols,
        rng=np.random.default_rng(seeds["mc"]),
        modulation=args.modulation,
    )
    wall = time.perf_counter() - t0
    analytic_mc = rate_mc(csi, weights, 4000, np.random.default_rng(seeds["mc"]))
    table = pd.DataFrame(
        {
            "ut": np.arange(csi.n_users),
            "rate_ap1": rate_ap1(csi, weights),
            "rate_measured": meas.rate_bps_hz,
            "rate_mc": analytic_mc,
            "rate_measured_ergodic": meas.ergodic_rate_bps_hz,
            "signal_w": meas.signal_w.mean(0),
            "self_distortion_w": meas.self_distortion_w.mean(0),
            "interference_w": meas.interference_w.mean(0),
            "noise_w": meas.noise_w.mean(0),
        }
    )
    dtau = np.asarray(geometry.differential_delay_s())
    s_idx, l_idx = np.triu_indices(csi.n_satellites, 1), ~np.eye(csi.n_users, dtype=bool)
    pairs = dtau[s_idx[0], s_idx[1]][:, l_idx]
    facts = {
        "link_samples_per_s": meas.link_samples / wall,
        "wall_s": wall,
        "frac_dtau_gt_tsym": float(np.mean(pairs > numerology.symbol_duration_s)),
        "sigma_tau_s": errors.sigma_tau_s,
    }
    return table, facts


def ici_table(numerology, rng: np.random.Generator, n_symbols: int) -> pd.DataFrame:
    """Measured and analytic (eq. 10) ICI power vs residual Doppler over the spacing."""
    from channel.ofdm import ici_power_analytic
    from channel.ofdm_link import measure_ici

    signal, ici = measure_ici(ICI_EPS, numerology=numerology, n_symbols=n_symbols, rng=rng)
    analytic = [ici_power_analytic(e, numerology) for e in ICI_EPS]
    return pd.DataFrame(
        {
            "nu_over_df": ICI_EPS,
            "ici_measured": ici.mean(-1),
            "ici_analytic": [a[1].mean() for a in analytic],
            "signal_measured": signal.mean(-1),
            "signal_analytic": [a[0] for a in analytic],
        }
    )


def correlation_table(numerology, rng: np.random.Generator, n_symbols: int) -> pd.DataFrame:
    """Measured |corr| of one stream over two links vs Delta tau / T_sym (Remark 1)."""
    from channel.ofdm import window_overlap_correlation
    from channel.ofdm_link import interference_correlation

    dt = CORR_DT * numerology.symbol_duration_s
    corr = interference_correlation(
        np.stack([np.zeros_like(dt), dt], axis=1),
        numerology=numerology,
        n_symbols=n_symbols,
        rng=rng,
    )
    return pd.DataFrame(
        {
            "dtau_over_tsym": CORR_DT,
            "corr_measured": corr,
            "corr_overlap": window_overlap_correlation(dt, numerology),
            "floor": math.sqrt(math.pi / (4 * n_symbols)),
        }
    )


# --- tables -> figures ---------------------------------------------------------------------------
def _style():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": FONT_PT,
            "legend.fontsize": FONT_PT - 1,
            "lines.linewidth": 1.0,
            "lines.markersize": 3.5,
            "savefig.dpi": 300,
            "pdf.fonttype": 42,
        }
    )
    return plt


def _save(fig, out: Path, name: str) -> list[Path]:
    fig.tight_layout()
    paths = [out / f"{name}.png", out / f"{name}.pdf"]
    for path in paths:
        fig.savefig(path)
    return paths


def plot_rates(table: pd.DataFrame, out: Path) -> list[Path]:
    """Measured vs analytic rate per UT (UTs sorted by Rbar_k)."""
    plt = _style()
    t = table.sort_values("rate_ap1").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=FIGSIZE_IN)
    x = np.arange(len(t))
    ax.plot(x, t["rate_ap1"], "-", color="tab:blue", label=r"$\bar R_k$ (13)")
    ax.plot(x, t["rate_measured"], "o", color="tab:red", mfc="none", label="OFDM, measured")
    ax.plot(x, t["rate_mc"], "--", color="tab:gray", label=r"$E\{R_k\}$ (MC)")
    ax.plot(x, t["rate_measured_ergodic"], "x", color="k", label="OFDM, per block")
    ax.set_xlabel("UT (sorted by $\\bar R_k$)")
    ax.set_ylabel("Rate (bit/s/Hz)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    paths = _save(fig, out, "waveform_rates")
    plt.close(fig)
    return paths


def plot_ici(table: pd.DataFrame, out: Path) -> list[Path]:
    """ICI power vs residual Doppler / subcarrier spacing, measured and eq. (10)."""
    plt = _style()
    fig, ax = plt.subplots(figsize=FIGSIZE_IN)
    ax.loglog(table["nu_over_df"], table["ici_analytic"], "-", color="tab:blue", label="(10)")
    ax.loglog(
        table["nu_over_df"],
        table["ici_measured"],
        "o",
        color="tab:red",
        mfc="none",
        label="OFDM, measured",
    )
    ax.set_xlabel(r"Residual Doppler $\bar\nu / \Delta f$")
    ax.set_ylabel("ICI power / subcarrier power")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper left")
    paths = _save(fig, out, "waveform_ici")
    plt.close(fig)
    return paths


def plot_correlation(table: pd.DataFrame, out: Path, frac: float | None = None) -> list[Path]:
    """|corr| of one stream received from two satellites vs Delta tau / T_sym (Remark 1)."""
    plt = _style()
    fig, ax = plt.subplots(figsize=FIGSIZE_IN)
    ax.plot(
        table["dtau_over_tsym"],
        table["corr_overlap"],
        "-",
        color="tab:blue",
        label="window overlap",
    )
    ax.plot(
        table["dtau_over_tsym"],
        table["corr_measured"],
        "o",
        color="tab:red",
        mfc="none",
        label="OFDM, measured",
    )
    ax.axhline(table["floor"].iloc[0], ls=":", color="tab:gray", label="estimator floor")
    ax.axvline(1.0, ls="--", color="k", lw=0.6)
    if frac is not None:
        ax.set_title(rf"this drop: $P(\Delta\tau > T_{{sym}})$ = {frac:.2f}", fontsize=FONT_PT)
    ax.set_xlabel(r"$\Delta\tau / T_{sym}$")
    ax.set_ylabel("|correlation|")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    paths = _save(fig, out, "waveform_correlation")
    plt.close(fig)
    return paths


def run(args: argparse.Namespace) -> int:
    """Entry of ``coopsat waveform``; returns the exit code."""
    from channel.ofdm import OfdmNumerology

    if args.symbols < 2:
        raise SystemExit("coopsat waveform: error: --symbols must be >= 2")
    if args.quick:
        args.blocks = min(args.blocks, 16)
    numerology = OfdmNumerology(fft_size=args.fft_size, n_subcarriers=args.subcarriers)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rates, facts = rate_table(args, numerology)
    link_rng = np.random.default_rng(np.random.SeedSequence(args.seed, spawn_key=(1 << 20,)))
    n_link = 300 if args.quick else 2000
    ici = ici_table(numerology, link_rng, n_link)
    corr = correlation_table(numerology, link_rng, n_link)
    for name, table in (("rates", rates), ("ici", ici), ("correlation", corr)):
        table.to_csv(out / f"waveform_{name}.csv", index=False)
    figures = plot_rates(rates, out) + plot_ici(ici, out)
    figures += plot_correlation(corr, out, facts["frac_dtau_gt_tsym"])
    err = (rates["rate_measured"] - rates["rate_ap1"]).abs()
    ici_err = (ici["ici_measured"] / ici["ici_analytic"] - 1).abs().max()
    print(
        f"waveform: K={len(rates)}, {args.blocks} blocks x {args.symbols} symbols; "
        f"|measured - Rbar_k| mean {err.mean():.3f}, max {err.max():.3f} bit/s/Hz; "
        f"sum {rates['rate_measured'].sum():.2f} vs {rates['rate_ap1'].sum():.2f} bit/s/Hz"
    )
    print(
        f"ICI vs eq. (10): max relative error {ici_err:.3f}; "
        f"P(Delta tau > T_sym) on this drop {facts['frac_dtau_gt_tsym']:.3f}; "
        f"simulator {facts['link_samples_per_s'] / 1e6:.1f} Mlink-samples/s "
        f"({facts['wall_s']:.1f} s)"
    )
    print("figures: " + ", ".join(str(f) for f in figures))
    return 0
