"""Figure and summary of kind "delay" (Fig. 2): P(Delta tau > tau_th) vs the swept delay
threshold tau_th, with the symbol durations T and T_sym marked."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from coopsat.experiments.views.style import FIGURE_FORMATS, Formats, band, finish, mean_ci, rc, save

PAPER_STATEMENT = (
    "paper (Remark 1, Fig. 2): Delta tau > T_sym is 'highly probable' for 600 km satellites "
    "and UTs uniform in an 800 km disc"
)


def delay_summary(table: pd.DataFrame) -> dict[str, float]:
    """Mean over drops of P(Delta tau > T) at T (data duration) and T_sym (with CP)."""
    out = {}
    for label in ("T", "T_sym"):
        sub = table[table["threshold_label"] == label]
        out[label] = float(sub["p_exceed"].mean()) if len(sub) else math.nan
        out[f"{label}_s"] = float(sub["threshold_s"].iloc[0]) if len(sub) else math.nan
    return out


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """P(Delta tau > T) vs T over drops (Fig. 2), with T and T_sym marked."""
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        grid = table[table["threshold_label"] == "grid"]
        stat = mean_ci(grid, ["threshold_s"], "p_exceed")
        band(
            ax,
            stat["threshold_s"].to_numpy() * 1e6,
            stat,
            "tab:blue",
            "-",
            None,
            r"$P(\Delta\tau > \tau_{th})$",
        )
        summary = delay_summary(table)
        for label, ls, tex, what in (("T", "--", "T", "symbol"),
                                     ("T_sym", ":", r"T_{sym}", "symbol + CP")):
            t_us = summary[f"{label}_s"] * 1e6
            if math.isfinite(t_us):
                ax.axvline(
                    t_us,
                    color="k",
                    linestyle=ls,
                    linewidth=0.8,
                    label=f"${tex}$ ({what}) = {t_us:.1f} µs: P = {summary[label]:.3f}",
                )
        ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        # legend above the axes: the T lines cross the whole plot area
        finish(ax, r"Delay threshold $\tau_{th}$ (µs)",
               r"$P(\Delta\tau > \tau_{th})$ over drops", ncol=1)
        return save(fig, base, formats)


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """P(Delta tau > T) at T and T_sym, averaged over drops, and the paper's statement."""
    s = delay_summary(table)
    return [
        f"P(Delta tau > T = {s['T_s'] * 1e6:.2f} us) = {s['T']:.3f}; "
        f"P(Delta tau > T_sym = {s['T_sym_s'] * 1e6:.2f} us) = {s['T_sym']:.3f}",
        PAPER_STATEMENT,
    ]
