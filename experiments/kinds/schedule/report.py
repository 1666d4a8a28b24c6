"""Figures, tidy tables and summary of kind "schedule": per-terminal throughput CDFs, sum
throughput vs K_max, fairness vs sum throughput (``metrics`` defines every number)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from coopsat.experiments.kinds.schedule.metrics import (
    TRAJECTORY,
    empirical_cdf,
    slot_table,
    terminal_table,
    trajectory_metrics,
)
from coopsat.experiments.views.style import (
    FIGURE_FORMATS,
    Formats,
    band,
    finish,
    mean_ci,
    rc,
    save,
    scheme_styles,
)

SCHEDULER_STYLE = {
    "random": ("Random", "tab:gray", "o"),
    "round-robin": ("Round robin", "tab:green", "s"),
    "pf": ("PF", "tab:blue", "^"),
    "spatial-pf": ("Spatial PF (greedy)", "tab:red", "D"),
    "spatial-pf-delay": ("Spatial PF, Remark 1", "tab:orange", "v"),
}
SCHEME_LINES = ("-", "--", ":", "-.")
THROUGHPUT = "Average throughput per terminal (Mbit/s)"


def reference(config) -> tuple[int, int]:
    """The (K_max, S) of the CDF and fairness figures: the K_max closest to the paper's K
    (drop.n_users) and the largest S."""
    sec = config.section("schedule")
    k = min(sec.k_max, key=lambda v: (abs(v - config.drop.n_users), v))
    return k, max(sec.satellites(config))


def _views(table: pd.DataFrame, config) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    sec = config.section("schedule")
    terminals = terminal_table(table, sec.n_terminals, sec.n_slots)
    return slot_table(table), terminals, trajectory_metrics(terminals)


def _note(ax, text: str, xy: tuple[float, float], ha: str) -> None:
    """What the figure holds fixed, written inside the axes (the legend sits above them)."""
    ax.text(*xy, text, transform=ax.transAxes, ha=ha, va="top" if xy[1] > 0.5 else "bottom",
            fontsize=6)


def _scheme_lines(schemes) -> dict:
    return {s: SCHEME_LINES[i % len(SCHEME_LINES)] for i, s in enumerate(schemes)}


def _label(name: str, scheme: str, schemes) -> str:
    """A legend label: the scheduler, and the scheme when the run has several."""
    return name if len(schemes) == 1 else f"{name}, {scheme_styles([scheme])[scheme].label}"


def plot_cdf(
    terminals: pd.DataFrame, config, base: Path, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """CDF over terminals (all drops pooled) of the per-terminal average throughput, one curve
    per scheduler (colour) and scheme (line style), at the reference (K_max, S)."""
    k, s = reference(config)
    sub = terminals[(terminals["k_max"] == k) & (terminals["n_satellites"] == s)]
    schemes = config.precoding.schemes
    lines = _scheme_lines(schemes)
    with plt.rc_context(rc()):
        fig, ax = plt.subplots(figsize=(3.5, 2.9))
        for (sched, scheme), g in sub.groupby(["scheduler", "scheme"], sort=False):
            name, colour, _ = SCHEDULER_STYLE[sched]
            x, f = empirical_cdf(g["avg_throughput_mbps"])
            ax.step(x, f, where="post", color=colour, linestyle=lines[scheme],
                    label=_label(name, scheme, schemes))
        ax.axhline(0.05, color="k", linewidth=0.6, linestyle=":")
        ax.annotate("5th percentile", (ax.get_xlim()[1], 0.05), xytext=(-2, 2),
                    textcoords="offset points", ha="right", va="bottom", fontsize=6)
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        sched = config.section("schedule")
        only = f"{scheme_styles(schemes)[schemes[0]].label}, " if len(schemes) == 1 else ""
        _note(ax, f"{only}$U$ = {sched.n_terminals}, $K_{{max}}$ = {k}, $S$ = {s},\n"
              f"{sched.n_slots} slots, {sub['drop'].nunique()} drops pooled", (0.98, 0.12),
              "right")
        finish(ax, THROUGHPUT, "CDF over terminals", ncol=2, bands=False)
        return save(fig, base, formats)


def plot_k_max(
    metrics: pd.DataFrame, config, base: Path, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """Sum throughput (mean over drops, 95 % band) vs K_max, one curve per scheduler (colour)
    and S (solid line and filled markers: largest S; dashed, open markers: the others), for the
    last configured scheme; the note says how many drops the bands come from."""
    scheme = config.precoding.schemes[-1]
    sub = metrics[metrics["scheme"] == scheme]
    s_max = max(config.section("schedule").satellites(config))
    with plt.rc_context(rc()):
        fig, ax = plt.subplots(figsize=(3.5, 2.9))
        for (sched, s), g in sub.groupby(["scheduler", "n_satellites"], sort=False):
            name, colour, marker = SCHEDULER_STYLE[sched]
            stat = mean_ci(g, ["k_max"], "sum_throughput_mbps")
            band(ax, stat["k_max"].to_numpy(), stat, colour, "-" if s == s_max else "--",
                 marker, f"{name}, $S$ = {s}", filled=s == s_max)
        ax.set_xscale("log", base=2)
        ks = sorted(config.section("schedule").k_max)
        ax.set_xticks(ks, [str(v) for v in ks], rotation=45 if len(ks) > 7 else 0)
        ax.set_ylim(bottom=0)
        sec = config.section("schedule")
        _note(ax, f"{scheme_styles([scheme])[scheme].label}, $U$ = {sec.n_terminals}, "
              f"{sub['drop'].nunique()} drops", (0.02, 0.97), "left")
        finish(ax, "Terminals co-scheduled per slot $K_{max}$", "Sum throughput (Mbit/s)",
               ncol=2)
        return save(fig, base, formats)


def plot_fairness(
    metrics: pd.DataFrame, config, base: Path, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """Jain's index vs sum throughput (means over drops) at the reference K_max, per scheduler
    (colour and marker); filled markers: the largest S and the last scheme, open: the other S
    and schemes (the note says which)."""
    k, s_max = reference(config)
    sub = metrics[metrics["k_max"] == k]
    means = sub.groupby(["scheduler", "scheme", "n_satellites"], sort=False)[
        ["sum_throughput_mbps", "jain"]].mean().reset_index()
    schemes = list(config.precoding.schemes)
    with plt.rc_context(rc()):
        fig, ax = plt.subplots(figsize=(3.5, 2.9))
        for _, row in means.iterrows():
            name, colour, marker = SCHEDULER_STYLE[row["scheduler"]]
            filled = row["scheme"] == schemes[-1] and row["n_satellites"] == s_max
            ax.plot(row["sum_throughput_mbps"], row["jain"], marker=marker, color=colour,
                    markerfacecolor=colour if filled else "white", markersize=6,
                    linestyle="none", label=name if filled else None)
        ax.set_ylim(max(0.0, np.floor(10 * means["jain"].min()) / 10 - 0.1), 1.02)
        ax.margins(x=0.12)
        sched = config.section("schedule")
        open_ = [f"$S$ = {v}" for v in sorted(set(means["n_satellites"]) - {s_max})]
        open_ += [scheme_styles([v])[v].label for v in schemes[:-1]]
        _note(ax, f"{scheme_styles([schemes[-1]])[schemes[-1]].label}, $S$ = {s_max}"
              + (f"; open: {', '.join(open_)}" if open_ else "")
              + f"\n$U$ = {sched.n_terminals}, $K_{{max}}$ = {k}, {sched.n_slots} slots, "
              f"means over {sub['drop'].nunique()} drops", (0.02, 0.03), "left")
        finish(ax, "Sum throughput (Mbit/s)", "Jain's index of the terminals' averages",
               ncol=3, bands=False)
        return save(fig, base, formats)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """The three figures, and the tidy per-slot and per-terminal tables as NAME_slots.parquet
    and NAME_terminals.parquet next to them."""
    base = Path(base)
    slots, terminals, metrics = _views(table, config)
    paths = []
    for name, view in (("slots", slots), ("terminals", terminals)):
        path = base.with_name(f"{base.name}_{name}.parquet")
        view.to_parquet(path, index=False)
        paths.append(path)
    paths += plot_cdf(terminals, config, base.with_name(base.name + "_cdf"), formats=formats)
    if len(config.section("schedule").k_max) > 1:
        paths += plot_k_max(metrics, config, base.with_name(base.name + "_kmax"), formats=formats)
    paths += plot_fairness(metrics, config, base.with_name(base.name + "_fairness"), formats)
    return paths


def _pf_lines(means: pd.DataFrame, k: int, s: int) -> list[str]:
    lines = []
    at = means[(means["k_max"] == k) & (means["n_satellites"] == s)].set_index(
        ["scheduler", "scheme"])
    for scheme in at.index.get_level_values("scheme").unique():
        if ("round-robin", scheme) not in at.index:
            continue
        rr = at.loc[("round-robin", scheme)]
        for pf in ("pf", "spatial-pf"):
            if (pf, scheme) in at.index:
                row = at.loc[(pf, scheme)]
                lines.append(
                    f"  {pf} vs round-robin, {scheme}: sum throughput "
                    f"{100 * (row['sum_throughput_mbps'] / rr['sum_throughput_mbps'] - 1):+.1f} %,"
                    f" 5th percentile {row['p5_mbps']:.3f} vs {rr['p5_mbps']:.3f} Mbit/s")
    return lines


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Per-trajectory metrics, the best K_max per S, what PF costs and buys, the Remark-1
    selection, the proxy's error and the scheduler's share of the time."""
    slots, _, metrics = _views(table, config)
    keys = [k for k in TRAJECTORY if k != "drop"]
    means = metrics.groupby(keys)[metrics.columns[len(TRAJECTORY):]].mean().reset_index()
    k, s = reference(config)
    lines = ["per trajectory, mean over drops (throughput in Mbit/s; jain of the terminals' "
             "averages; served_share: terminals ever scheduled; zero_share: terminals that got "
             "no throughput at all):",
             means.round(3).to_string(index=False)]
    best = means.loc[means.groupby(["scheduler", "scheme", "n_satellites"])[
        "sum_throughput_mbps"].idxmax(), ["scheduler", "scheme", "n_satellites", "k_max",
                                          "sum_throughput_mbps"]]
    if len(config.section("schedule").k_max) > 1:
        lines += ["best K_max (largest mean sum throughput) per scheduler, scheme and S:",
                  best.round(2).to_string(index=False)]
    pf = _pf_lines(means, k, s)
    if pf:
        lines += [f"proportional fairness at K_max = {k}, S = {s}:", *pf]
    spatial = slots[slots["scheduler"].isin(["spatial-pf", "spatial-pf-delay"])]
    if not spatial.empty:
        rem = spatial.groupby(["scheduler", "scheme", "k_max", "n_satellites"])[
            ["independent_share", "slot_r_e", "n_served"]].mean()
        lines += ["Remark-1 selection: share of independent-interference pairs, sum R_E "
                  "(bit/s/Hz) and terminals served per slot:", rem.round(4).to_string()]
    ratio = (slots["slot_proxy"] / slots["slot_r_ap1"]).replace([np.inf, -np.inf], np.nan)
    times = slots[["time_scheduling_s", "time_precoding_s", "time_evaluation_s"]].sum()
    lines += [
        "greedy proxy (matched-filter R_AP1) over the design's R_AP1 of the served set: "
        f"median {ratio.median():.3f}, 5-95 % [{ratio.quantile(0.05):.3f}, "
        f"{ratio.quantile(0.95):.3f}]",
        f"scheduling share of scheduling + precoding + evaluation time: "
        f"{100 * times['time_scheduling_s'] / times.sum():.1f} %",
    ]
    return lines
