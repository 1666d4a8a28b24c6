"""Figure and summary of kind "sweep": mean R_E vs the swept input, one curve per scheme."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from experiments.style import SCHEME_STYLE, SUM_RATE, X_LABELS, band, finish, mean_ci, rc, save


def swept_input(config) -> str:
    """The x axis of a sweep run: the first swept input with more than one value."""
    for name in ("n_satellites", "zeta2", "kappa_db", "p_tx_dbm"):
        if len(getattr(config.sweep, name)) > 1:
            return name
    return "p_tx_dbm"


def plot_sweep(table: pd.DataFrame, x: str, base: Path, title: str | None = None) -> list[Path]:
    """Average sum rate R_E vs the swept input ``x``, one curve per scheme (Fig. 3, 4, 6)."""
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        stat = mean_ci(table, ["scheme", x], "r_e")
        for scheme in [s for s in SCHEME_STYLE if s in set(stat["scheme"])]:
            label, colour, ls, marker = SCHEME_STYLE[scheme]
            sub = stat[stat["scheme"] == scheme]
            band(ax, sub[x].to_numpy(), sub, colour, ls, marker, label)
        finish(ax, X_LABELS.get(x, x), SUM_RATE, ncol=3)
        if title:
            ax.set_title(title, fontsize=8)
        return save(fig, base)


def plot(table: pd.DataFrame, config, base: Path, extra: dict) -> list[Path]:
    """The run's figure: R_E vs its swept input."""
    return plot_sweep(table, swept_input(config), base)


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Mean R_E per scheme and swept value."""
    x = swept_input(config)
    means = table.groupby(["scheme", x])["r_e"].mean().unstack(x)
    return ["mean sum rate R_E (bit/s/Hz):", means.round(2).to_string()]
