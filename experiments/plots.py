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


def _finish(ax, xlabel: str, ylabel: str, *, ncol: int, grid_which: str = "major") -> None:
    """Axis labels, a light grid and the legend in a row above the axes (paper style)."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which=grid_which, linewidth=0.3, alpha=0.6)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=ncol,
        frameon=False,
        fontsize=FONT_PT - 2,
        columnspacing=1.0,
        handlelength=2.5,
    )


def plot_sweep(table: pd.DataFrame, x: str, base: Path, title: str | None = None) -> list[Path]:
    """Average sum rate R_E vs the swept input ``x``, one curve per scheme (Fig. 3, 4, 6)."""
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots()
        stat = mean_ci(table, ["scheme", x], "r_e")
        for scheme in [s for s in SCHEME_STYLE if s in set(stat["scheme"])]:
            label, colour, ls, marker = SCHEME_STYLE[scheme]
            sub = stat[stat["scheme"] == scheme]
            _band(ax, sub[x].to_numpy(), sub, colour, ls, marker, label)
        _finish(ax, X_LABELS.get(x, x), SUM_RATE, ncol=3)
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
        # legend above the axes: the T lines cross the whole plot area
        _finish(ax, r"Threshold $T$ (µs)", "Probability", ncol=2)
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
            name = "set change" if n_areas == 1 else "set change (share of areas)"
            label = name if i == 0 else None
            if n_areas == 1:
                ax.axvline(t, color="0.4", linestyle=":", linewidth=0.7, label=label)
            else:
                ax.axvline(t, ymin=0, ymax=0.08 * frac, color="0.3", linewidth=1.2, label=label)
        _finish(ax, X_LABELS["time_s"], SUM_RATE, ncol=2)
        return save(fig, base)


def age_curve(table: pd.DataFrame, value: str = "r_e") -> pd.DataFrame:
    """Mean ``value`` vs the age of the statistical CSI, per scheme (time-epoch study).

    Age 0 is the fresh rate of the origin steps (their "recomputed" rows), the other ages are
    the "aged" rows; the mean runs over (area, origin) pairs with a 95 % Student-t band
    (:func:`mean_ci`; links below the horizon, NaN, are left out). Columns: scheme, csi_age_s,
    mean, lo, hi, n. Empty when the table has no "aged" rows.
    """
    aged = table[table["mode"] == "aged"]
    if aged.empty:
        return mean_ci(aged, ["scheme", "csi_age_s"], value)
    origins = aged[["drop", "step"]].drop_duplicates()
    fresh = table[table["mode"] == "recomputed"].merge(origins, on=["drop", "step"])
    return mean_ci(pd.concat([fresh, aged]), ["scheme", "csi_age_s"], value)


def refresh_average(ages_s, rates, periods_s) -> np.ndarray:
    """Time-averaged rate when the statistical CSI (and the precoders) is refreshed every T.

    Rbar(T) = (1 / T) integral_0^T R(a) da, R piecewise linear between the given ages.
    Inputs: ages_s (n,) increasing, starting at 0, in s; rates (n,) R at those ages; periods_s
    (m,) T > 0 in s. Output (m,): NaN where T exceeds the last age.
    """
    ages = np.asarray(ages_s, dtype=float)
    r = np.asarray(rates, dtype=float)
    if ages.ndim != 1 or ages.size < 2 or ages[0] != 0.0 or np.any(np.diff(ages) <= 0):
        raise ValueError(f"ages_s must increase from 0 with at least two ages, got {ages_s!r}")
    periods = np.asarray(periods_s, dtype=float)
    if np.any(~(periods > 0)):
        raise ValueError(f"periods_s must be > 0 s, got {periods_s!r}")
    # integral of R from 0 to every node (trapezoid = exact for piecewise-linear R)
    cum = np.concatenate([[0.0], np.cumsum(np.diff(ages) * (r[1:] + r[:-1]) / 2.0)])
    j = np.clip(np.searchsorted(ages, periods, side="right") - 1, 0, ages.size - 2)
    r_t = np.interp(periods, ages, r)
    area = cum[j] + (periods - ages[j]) * (r[j] + r_t) / 2.0
    return np.where(periods <= ages[-1], area / periods, np.nan)


def crossing_age(ages_s, ratio, level: float) -> float:
    """First age at which ``ratio`` (R(a) / R(0), starting at age 0) falls below ``level``.

    Linear interpolation between the two grid ages around the crossing (in log age when both
    are > 0, the ages being log-spaced); NaN if the ratio stays at or above ``level``.
    """
    ages = np.asarray(ages_s, dtype=float)
    q = np.asarray(ratio, dtype=float)
    below = np.flatnonzero(q < level)
    if below.size == 0:
        return math.nan
    i = int(below[0])
    if i == 0:
        return float(ages[0])
    a0, a1, q0, q1 = ages[i - 1], ages[i], q[i - 1], q[i]
    f = (q0 - level) / (q0 - q1)
    if a0 > 0:
        return float(math.exp(math.log(a0) + f * (math.log(a1) - math.log(a0))))
    return float(a0 + f * (a1 - a0))


def age_summary(table: pd.DataFrame, levels=(0.9, 0.5)) -> pd.DataFrame:
    """Per scheme: fresh R_E, the CSI age at which the mean R_E falls to each level of it, and
    the longest refresh period (among the ages) whose time-averaged R_E keeps that level."""
    curve = age_curve(table)
    rows = []
    for scheme, c in curve.groupby("scheme", sort=False):
        ages, mean = c["csi_age_s"].to_numpy(), c["mean"].to_numpy()
        if ages.size < 2 or ages[0] != 0.0:
            continue
        ratio = mean / mean[0]
        avg = refresh_average(ages, mean, ages[1:]) / mean[0]
        row = {"scheme": scheme, "r_e_fresh": mean[0]}
        for lv in levels:
            row[f"age_{lv:.0%}_s"] = crossing_age(ages, ratio, lv)
            ok = ages[1:][avg >= lv]
            row[f"refresh_{lv:.0%}_s"] = float(ok.max()) if ok.size else math.nan
        rows.append(row)
    order = {s: i for i, s in enumerate(SCHEME_STYLE)}
    out = pd.DataFrame(rows)
    return out.sort_values("scheme", key=lambda s: s.map(order)) if len(out) else out


def set_change_summary(table: pd.DataFrame) -> dict[str, float]:
    """Cooperative-set changes of the stepped timeline: count, area-time observed (s), and the
    mean time between changes (area-time / count; inf when none)."""
    rec = table[table["mode"] == "recomputed"].drop_duplicates(["drop", "step"])
    n = int(rec["set_changed"].sum())
    observed = float(rec.groupby("drop")["time_s"].agg(lambda t: t.max() - t.min()).sum())
    return {
        "changes": n,
        "observed_s": observed,
        "mean_dwell_s": observed / n if n else math.inf,
    }


def plot_age(table: pd.DataFrame, base: Path) -> list[Path]:
    """Average sum rate vs the age of the statistical CSI (log axis), per scheme: the rate at
    age a (solid, 95 % band), the rate averaged over a refresh period T = a (dashed) and the
    fresh rate (dotted)."""
    curve = age_curve(table)
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots()
        for scheme in [s for s in SCHEME_STYLE if s in set(curve["scheme"])]:
            name, colour, _, marker = SCHEME_STYLE[scheme]
            c = curve[curve["scheme"] == scheme]
            ages, mean = c["csi_age_s"].to_numpy(), c["mean"].to_numpy()
            pos = ages > 0
            _band(ax, ages[pos], c[pos], colour, "-", marker, name)
            if ages.size >= 2 and ages[0] == 0.0:
                ax.axhline(mean[0], color=colour, linestyle=":", linewidth=0.8)
                avg = refresh_average(ages, mean, ages[pos])
                ax.plot(ages[pos], avg, color=colour, linestyle="--", linewidth=0.9)
        ax.plot([], [], color="k", linestyle="-", label="at CSI age $a$")
        ax.plot([], [], color="k", linestyle="--", label="mean, refresh every $a$")
        ax.plot([], [], color="k", linestyle=":", label="fresh ($a$ = 0)")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        _finish(ax, "Age of the statistical CSI $a$ (s)", SUM_RATE, ncol=3, grid_which="both")
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
        paths = plot_timeline(table, base)
        if (table["mode"] == "aged").any():
            paths += plot_age(table, base.with_name(base.name + "_age"))
        return paths
    raise ValueError(f"unknown run.kind {kind!r}")
