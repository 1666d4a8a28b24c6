"""Figure and summary of kind "convergence" (Fig. 5): R_E, R_AP1, R_AP2 vs iteration."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from experiments.style import (
    BAND_NOTE,
    FONT_PT,
    METRIC_STYLE,
    SCHEME_STYLE,
    SUM_RATE,
    X_LABELS,
    band,
    mean_ci,
    rc,
    save,
)


def plot(table: pd.DataFrame, config, base: Path, extra: dict) -> list[Path]:
    """R_E, R_AP1 and R_AP2 vs iteration for the joint schemes (Fig. 5)."""
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        table = _carry_forward(table)
        for scheme in [s for s in SCHEME_STYLE if s in set(table["scheme"])]:
            name, colour, _, marker = SCHEME_STYLE[scheme]
            sub = table[table["scheme"] == scheme]
            for metric, (mlabel, ls) in METRIC_STYLE.items():
                stat = mean_ci(sub, ["iteration"], metric)
                band(
                    ax, stat["iteration"].to_numpy(), stat, colour, ls, marker, f"{name} {mlabel}"
                )
        ax.set_xlabel(X_LABELS["iteration"])
        ax.set_ylabel(SUM_RATE)
        ax.grid(True, linewidth=0.3, alpha=0.6)
        ax.legend(loc="best", frameon=False, ncol=2, fontsize=FONT_PT - 2, title=BAND_NOTE,
                  title_fontsize=FONT_PT - 2)
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


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Mean R_E, R_AP1, R_AP2 per scheme at the first and the last iteration."""
    full = _carry_forward(table)
    last = int(full["iteration"].max())
    ends = full[full["iteration"].isin([0, last])]
    means = ends.groupby(["scheme", "iteration"])[["r_e", "r_ap1", "r_ap2"]].mean()
    return [f"mean sum rates (bit/s/Hz) at iteration 0 and {last}:", means.round(2).to_string()]
