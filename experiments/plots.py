"""Figures from stored result tables (never from live simulation objects).

IEEE single-column size (3.5 x 2.5 in, 8 pt), colour plus line style plus marker per curve so
they survive grey print; mean over drops with a 95 % Student-t confidence band. Each figure is
written as PNG (300 dpi) and PDF next to the table.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

FIGSIZE_IN = (3.5, 2.5)
FONT_PT = 8
CONFIDENCE = 0.95

SCHEME_STYLE = {
    "ss-mmse": ("SS-MMSE", "tab:gray", ":", "v"),
    "ss-wmmse": ("SS-WMMSE", "tab:green", "-.", "^"),
    "ms-sepwmmse": ("MS-SepWMMSE", "tab:purple", "--", "s"),
    "ms-jowmmse": ("MS-JoWMMSE", "tab:blue", "-", "o"),
    "ms-jomwmmse": ("MS-JoMWMMSE", "tab:red", "-", "D"),
}
METRIC_STYLE = {
    "r_e": ("$R_E$", "-"),
    "r_ap1": ("$R_{AP1}$", "--"),
    "r_ap2": ("$R_{AP2}$", ":"),
}
X_LABELS = {
    "p_tx_dbm": "$P_{TX}$ (dBm)",
    "zeta2": r"Phase-error variance $\zeta^2_{s,k}$ (rad$^2$)",
    "kappa_db": r"Rician factor $\kappa_{s,k}$ (dB)",
    "n_satellites": "Number of cooperative satellites $S$",
    "iteration": "Iteration",
    "time_s": "Time (s)",
}
SUM_RATE = "Average sum rate (bit/s/Hz)"


def _rc() -> dict:
    return {
        "font.size": FONT_PT,
        "axes.labelsize": FONT_PT,
        "legend.fontsize": FONT_PT - 1,
        "xtick.labelsize": FONT_PT,
        "ytick.labelsize": FONT_PT,
        "lines.linewidth": 1.0,
        "lines.markersize": 3.5,
        "figure.figsize": FIGSIZE_IN,
        "savefig.dpi": 300,
        "pdf.fonttype": 42,
    }


def mean_ci(df: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """Mean of ``value`` over drops per ``by`` group with a 95 % Student-t interval.

    Returns columns ``by + [mean, lo, hi, n]``; NaN values (invalid rows) are left out, and a
    group with one drop has lo = hi = mean.
    """
    g = df.dropna(subset=[value]).groupby(by, sort=True)[value]
    out = g.agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy(dtype=float)
    half = np.zeros_like(n)
    many = n > 1
    half[many] = (
        stats.t.ppf(0.5 + CONFIDENCE / 2, n[many] - 1)
        * out["std"].to_numpy()[many]
        / np.sqrt(n[many])
    )
    out["lo"] = out["mean"] - half
    out["hi"] = out["mean"] + half
    return out.rename(columns={"count": "n"}).drop(columns="std")


def save(fig, base: Path) -> list[Path]:
    """Write ``base``.png and ``base``.pdf; return both paths."""
    base = Path(base)
    paths = [base.with_suffix(".png"), base.with_suffix(".pdf")]
    fig.tight_layout(pad=0.3)
    for p in paths:
        fig.savefig(p)
    plt.close(fig)
    return paths


def _band(ax, x, stat, colour, linestyle, marker, label):
    ax.plot(x, stat["mean"], color=colour, linestyle=linestyle, marker=marker, label=label)
    ax.fill_between(x, stat["lo"], stat["hi"], color=colour, alpha=0.18, linewidth=0)


def plot_sweep(table: pd.DataFrame, x: str, base: Path, title: str | None = None) -> list[Path]:
    """Average sum rate R_E vs the swept input ``x``, one curve per scheme (Fig. 3, 4, 6)."""
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots()
        stat = mean_ci(table, ["scheme", x], "r_e")
        for scheme in [s for s in SCHEME_STYLE if s in set(stat["scheme"])]:
            label, colour, ls, marker = SCHEME_STYLE[scheme]
            sub = stat[stat["scheme"] == scheme]
            _band(ax, sub[x].to_numpy(), sub, colour, ls, marker, label)
        ax.set_xlabel(X_LABELS.get(x, x))
        ax.set_ylabel(SUM_RATE)
        ax.grid(True, linewidth=0.3, alpha=0.6)
        ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=3,
            frameon=False,
            fontsize=FONT_PT - 2,
            columnspacing=1.0,
            handlelength=2.5,
        )
        if title:
            ax.set_title(title, fontsize=FONT_PT)
        return save(fig, base)


def plot_convergence(table: pd.DataFrame, base: Path) -> list[Path]:
    """R_E, R_AP1 and R_AP2 vs iteration for the joint schemes (Fig. 5)."""
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots()
        table = _carry_forward(table)
        for scheme in [s for s in SCHEME_STYLE if s in set(table["scheme"])]:
            name, colour, _, marker = SCHEME_STYLE[scheme]
            sub = table[table["scheme"] == scheme]
            for metric, (mlabel, ls) in METRIC_STYLE.items():
                stat = mean_ci(sub, ["iteration"], metric)
                _band(
                    ax, stat["iteration"].to_numpy(), stat, colour, ls, marker, f"{name} {mlabel}"
                )
        ax.set_xlabel(X_LABELS["iteration"])
        ax.set_ylabel(SUM_RATE)
        ax.grid(True, linewidth=0.3, alpha=0.6)
        ax.legend(loc="best", frameon=False, ncol=2, fontsize=FONT_PT - 2)
        return save(fig, base)


def _carry_forward(table: pd.DataFrame) -> pd.DataFrame:
    """Extend each (drop, scheme) run that stopped early to the last iteration of the table by
    repeating its final rates (its precoder no longer changes), so that means over drops at
    every iteration average the same drops."""
    last = int(table["iteration"].max())
    parts = []
    for _, g in table.groupby(["drop", "scheme"], sort=False):
        g = g.set_index("iteration").reindex(range(last + 1)).ffill()
        parts.append(g.reset_index())
    return pd.concat(parts, ignore_index=True)


def delay_summary(table: pd.DataFrame) -> dict[str, float]:
    """Mean over drops of P(Delta tau > T) at T (data duration) and T_sym (with CP)."""
    out = {}
    for label in ("T", "T_sym"):
        sub = table[table["threshold_label"] == label]
        out[label] = float(sub["p_exceed"].mean()) if len(sub) else math.nan
        out[f"{label}_s"] = float(sub["threshold_s"].iloc[0]) if len(sub) else math.nan
    return out


def plot_delay(table: pd.DataFrame, base: Path) -> list[Path]:
    """P(Delta tau > T) vs T over drops (Fig. 2), with T and T_sym marked."""
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots()
        grid = table[table["threshold_label"] == "grid"]
        stat = mean_ci(grid, ["threshold_s"], "p_exceed")
        _band(
            ax,
            stat["threshold_s"].to_numpy() * 1e6,
            stat,
            "tab:blue",
            "-",
            None,
            r"$P(\Delta\tau > T)$",
        )
        summary = delay_summary(table)
        for label, ls, tex in (("T", "--", "T"), ("T_sym", ":", r"T_{sym}")):
            t_us = summary[f"{label}_s"] * 1e6
            if math.isfinite(t_us):
                ax.axvline(
                    t_us,
                    color="k",
                    linestyle=ls,
                    linewidth=0.8,
                    label=f"${tex}$ = {t_us:.1f} µs: P = {summary[label]:.3f}",
                )
        ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(r"Threshold $T$ (µs)")
        ax.set_ylabel("Probability")
        ax.grid(True, linewidth=0.3, alpha=0.6)
        ax.legend(loc="lower left", frameon=False)
        return save(fig, base)


def plot_timeline(table: pd.DataFrame, base: Path) -> list[Path]:
    """R_E vs time, precoders recomputed each epoch vs reused from the first (time-epoch study).

    Cooperative-set changes are marked by vertical lines (one area) or by ticks at the bottom
    whose height is the share of areas that changed set at that step (several areas).
    """
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots()
        for scheme in [s for s in SCHEME_STYLE if s in set(table["scheme"])]:
            name, colour, _, marker = SCHEME_STYLE[scheme]
            for mode, ls in (("recomputed", "-"), ("reused", "--")):
                sub = table[(table["scheme"] == scheme) & (table["mode"] == mode)]
                if sub.empty:
                    continue
                stat = mean_ci(sub, ["time_s"], "r_e")
                _band(
                    ax,
                    stat["time_s"].to_numpy(),
                    stat,
                    colour,
                    ls,
                    marker if mode == "recomputed" else None,
                    f"{name}, {mode}",
                )
        rec = table[table["mode"] == "recomputed"].drop_duplicates(["drop", "step"])
        share = rec.groupby("time_s")["set_changed"].mean()
        changes = share[share > 0]
        n_areas = rec["drop"].nunique()
        for i, (t, frac) in enumerate(changes.items()):
            label = "set change" if i == 0 else None
            if n_areas == 1:
                ax.axvline(t, color="0.4", linestyle=":", linewidth=0.7, label=label)
            else:
                ax.axvline(t, ymin=0, ymax=0.08 * frac, color="0.3", linewidth=1.2, label=label)
        ax.set_xlabel(X_LABELS["time_s"])
        ax.set_ylabel(SUM_RATE)
        ax.grid(True, linewidth=0.3, alpha=0.6)
        ax.legend(loc="center right", frameon=False, fontsize=FONT_PT - 2)
        return save(fig, base)


def swept_input(config) -> str:
    """The x axis of a sweep run: the first swept input with more than one value."""
    for name in ("n_satellites", "zeta2", "kappa_db", "p_tx_dbm"):
        if len(getattr(config.sweep, name)) > 1:
            return name
    return "p_tx_dbm"


def plot_table(table: pd.DataFrame, config, out_dir: Path) -> list[Path]:
    """The figure of a run's table according to its kind; files named after ``run.name``."""
    base = Path(out_dir) / config.run.name
    kind = config.run.kind
    if table.empty:
        raise ValueError(f"the table of run {config.run.name!r} has no rows to plot")
    if kind == "sweep":
        return plot_sweep(table, swept_input(config), base)
    if kind == "convergence":
        return plot_convergence(table, base)
    if kind == "delay":
        return plot_delay(table, base)
    if kind == "timeline":
        return plot_timeline(table, base)
    raise ValueError(f"unknown run.kind {kind!r}")
