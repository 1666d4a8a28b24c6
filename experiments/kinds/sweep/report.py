"""Figure and summary of kind "sweep": mean R_E vs the swept input, one curve per scheme."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.style import SCHEME_STYLE, SUM_RATE, X_LABELS, band, finish, mean_ci, rc, save


def swept_input(config) -> str:
    """The x axis of a sweep run: the first swept input with more than one value."""
    for name in ("n_satellites", "array_size", "power_offset_db", "zeta2", "kappa_db",
                 "p_tx_dbm"):
        if len(getattr(config.sweep, name)) > 1:
            return name
    return "p_tx_dbm"


X_COLUMN = {"array_size": "n_antennas"}  # the table column of a swept input, where it differs


def _curves(ax, table: pd.DataFrame, x: str, value: str, scale=lambda v: v) -> None:
    """Mean ``value`` (95 % band over drops) vs column ``x``, one curve per scheme."""
    stat = mean_ci(table, ["scheme", x], value)
    for scheme in [s for s in SCHEME_STYLE if s in set(stat["scheme"])]:
        label, colour, ls, marker = SCHEME_STYLE[scheme]
        sub = stat[stat["scheme"] == scheme]
        band(ax, scale(sub[x].to_numpy()), sub, colour, ls, marker, label)


def plot_sweep(table: pd.DataFrame, x: str, base: Path, title: str | None = None) -> list[Path]:
    """Average sum rate R_E vs the swept input ``x``, one curve per scheme (Fig. 3, 4, 6); a
    budget sweep adds the share of the satellites' budgets used below."""
    column = X_COLUMN.get(x, x)
    scale = np.sqrt if x == "array_size" else (lambda v: v)  # N_T -> Nv = Nh
    labels = [SCHEME_STYLE[s][0] for s in SCHEME_STYLE if s in set(table["scheme"])]
    ncol = 2 if len(labels) > 6 or max(map(len, labels)) > 16 else 3  # fits 3.5 in
    budget = x == "power_offset_db"
    with plt.rc_context(rc()):
        rows = -(-len(labels) // ncol)
        height = 2.5 + 0.25 * max(0, rows - 2) + (1.2 if budget else 0.0)
        fig, axes = plt.subplots(2 if budget else 1, 1, sharex=True, figsize=(3.5, height),
                                 squeeze=False, gridspec_kw={"height_ratios": (2, 1)}
                                 if budget else None)
        ax = axes[0, 0]
        _curves(ax, table, column, "r_e", scale)
        finish(ax, "" if budget else X_LABELS.get(x, x), SUM_RATE, ncol=ncol)
        ax.set_ylim(bottom=0)
        if x == "array_size":
            ax.set_xscale("log", base=2)
        if budget:
            used = axes[1, 0]
            _curves(used, table, column, "power_used_share")
            used.set_ylim(0, 1.05)
            used.set_ylabel("Budget used")
            used.set_xlabel(X_LABELS[x])
            used.grid(True, linewidth=0.3, alpha=0.6)
        if title:
            ax.set_title(title, fontsize=8)
        return save(fig, base)


def plot(table: pd.DataFrame, config, base: Path, extra: dict) -> list[Path]:
    """The run's figure: R_E vs its swept input."""
    return plot_sweep(table, swept_input(config), base)


def ic_ratio(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Mean over drops of R_E / R_IC (the reference "ic-wmmse" of the same drop and point) per
    scheme and swept value: how much of the instantaneous-CSI rate a statistical design gets."""
    ref = table[table["scheme"] == "ic-wmmse"][["drop", "point", "r_e"]]
    paired = table.merge(ref, on=["drop", "point"], suffixes=("", "_ic"))
    paired["ratio"] = paired["r_e"] / paired["r_e_ic"]
    return paired.groupby(["scheme", column])["ratio"].mean().unstack(column)


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Mean R_E per scheme and swept value."""
    x = swept_input(config)
    column = X_COLUMN.get(x, x)
    order = [s for s in SCHEME_STYLE if s in set(table["scheme"])]
    means = table.groupby(["scheme", column])["r_e"].mean().unstack(column).reindex(order)
    lines = ["mean sum rate R_E (bit/s/Hz):", means.round(2).to_string()]
    if x == "power_offset_db":
        used = table.groupby(["scheme", column])["power_used_share"].mean().unstack(column)
        lines += ["share of the satellites' budgets used:", used.reindex(order).round(3)
                  .to_string()]
    if "ic-wmmse" in set(table["scheme"]):
        lines += ["R_E over the instantaneous-CSI reference's rate (mean over drops):",
                  ic_ratio(table, column).reindex(order).round(3).to_string()]
    se = table.groupby("scheme")["r_e_stderr"].mean().reindex(order)
    lines.append("Monte Carlo standard error of R_E per drop (bit/s/Hz), mean over the run: "
                 + ", ".join(f"{s} {v:.3f}" for s, v in se.items()))
    lines.append("figure bands: 95 % interval of the mean over drops")
    return lines
