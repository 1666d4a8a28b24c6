"""Figures and summary of kind "waveform": measured vs analytic rate per UT, ICI vs eq. (10),
inter-satellite correlation vs Delta tau / T_sym (Remark 1)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from coopsat.experiments.views.style import CONFIDENCE, FIGURE_FORMATS, FONT_PT, Formats, rc, save


def plot_rates(table: pd.DataFrame, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """Measured vs analytic rate per UT of the first drop (UTs sorted by Rbar_k)."""
    t = table[table["drop"] == table["drop"].min()]
    t = t.sort_values("rate_ap1").reset_index(drop=True)
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        x = np.arange(len(t))
        ax.plot(x, t["rate_ap1"], "-", color="tab:blue", label=r"$\bar R_k$, eq. (13)")
        ax.plot(x, t["rate_measured"], "o", color="tab:red", mfc="none",
                label="OFDM, SINR over all blocks")
        z = stats.norm.ppf(0.5 + CONFIDENCE / 2)  # error bars: 95 % intervals of the estimates
        ax.errorbar(x, t["rate_mc"], yerr=z * t["rate_mc_stderr"], fmt="--", color="tab:gray",
                    elinewidth=0.6, capsize=1.0, label=r"$E\{R_k\}$ (MC)")
        ax.errorbar(x, t["rate_measured_ergodic"], yerr=z * t["rate_measured_ergodic_stderr"],
                    fmt="x", color="k", elinewidth=0.6, capsize=1.0,
                    label="OFDM, mean per-block rate")
        ax.set_xlabel(r"UT (sorted by $\bar R_k$)")
        ax.set_ylabel("Rate (bit/s/Hz)")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", frameon=False, fontsize=FONT_PT - 1,
                  title=f"error bars: {CONFIDENCE:.0%} intervals of the estimates",
                  title_fontsize=FONT_PT - 2)
        return save(fig, base, formats)


def plot_ici(ici: pd.DataFrame, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """ICI power vs residual Doppler / subcarrier spacing, measured and eq. (10)."""
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        ax.loglog(ici["nu_over_df"], ici["ici_analytic"], "-", color="tab:blue", label="eq. (10)")
        ax.loglog(
            ici["nu_over_df"], ici["ici_measured"], "o", color="tab:red", mfc="none",
            label="OFDM, measured",
        )
        ax.set_xlabel(r"Residual Doppler $\bar\nu / \Delta f$")
        ax.set_ylabel("ICI power / subcarrier power")
        ax.grid(alpha=0.3, which="both")
        ax.legend(loc="upper left", frameon=False)
        return save(fig, base, formats)


def plot_correlation(
    corr: pd.DataFrame, base: Path, frac: float | None = None, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """|corr| of one stream received from two satellites vs Delta tau / T_sym (Remark 1)."""
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        ax.plot(
            corr["dtau_over_tsym"], corr["corr_overlap"], "-", color="tab:blue",
            label="window overlap",
        )
        ax.plot(
            corr["dtau_over_tsym"], corr["corr_measured"], "o", color="tab:red", mfc="none",
            label="OFDM, measured",
        )
        ax.axhline(corr["floor"].iloc[0], ls=":", color="tab:gray", label="estimator floor")
        ax.axvline(1.0, ls="--", color="k", lw=0.6)
        if frac is not None:
            ax.set_title(rf"(the simulated drop: $P(\Delta\tau > T_{{sym}})$ = {frac:.2f})",
                         fontsize=FONT_PT - 1)
        ax.set_xlabel(r"$\Delta\tau / T_{sym}$")
        ax.set_ylabel("|correlation|")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", frameon=False)
        return save(fig, base, formats)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """The three figures: rates per UT, ICI, correlation (base name + _rates, _ici, ...)."""
    frac = float(table["frac_dtau_gt_tsym"].iloc[0])
    paths = plot_rates(table, base.with_name(base.name + "_rates"), formats=formats)
    paths += plot_ici(extra["ici"], base.with_name(base.name + "_ici"), formats=formats)
    paths += plot_correlation(extra["correlation"], base.with_name(base.name + "_correlation"),
                              frac, formats=formats)
    return paths


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Rate agreement, ICI agreement, P(Delta tau > T_sym) and the simulator's throughput."""
    err = (table["rate_measured"] - table["rate_ap1"]).abs()
    ici = extra["ici"]
    ici_err = (ici["ici_measured"] / ici["ici_analytic"] - 1).abs().max()
    per_drop = table.drop_duplicates("drop")
    throughput = per_drop["link_samples"].sum() / per_drop["time_evaluation_s"].sum()
    wf = config.section("waveform")
    return [
        f"waveform: K={table['ut'].nunique()}, {len(per_drop)} drop(s), {wf.n_blocks} blocks x "
        f"{wf.n_symbols} symbols; |measured - Rbar_k| mean {err.mean():.3f}, max "
        f"{err.max():.3f} bit/s/Hz; sum {table['rate_measured'].sum():.2f} vs "
        f"{table['rate_ap1'].sum():.2f} bit/s/Hz",
        f"ICI vs eq. (10): max relative error {ici_err:.3f}; P(Delta tau > T_sym) on the drop "
        f"{per_drop['frac_dtau_gt_tsym'].mean():.3f}; simulator {throughput / 1e6:.1f} "
        f"Mlink-samples/s ({per_drop['time_evaluation_s'].sum():.1f} s)",
    ]
