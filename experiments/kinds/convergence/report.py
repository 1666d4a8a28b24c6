"""Figure and summary of kind "convergence" (Fig. 5): R_E, R_AP1, R_AP2 vs iteration."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from coopsat.experiments.views.style import (
    FIGSIZE_IN,
    FIGURE_FORMATS,
    FONT_PT,
    METRIC_STYLE,
    SUM_RATE,
    X_LABELS,
    Formats,
    band,
    finish,
    mean_ci,
    rc,
    save,
    scheme_styles,
)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """R_E, R_AP1 and R_AP2 vs iteration for the joint schemes (Fig. 5): one figure per sweep
    point (``base`` itself when there is one point, else ``base-pN``)."""
    table = _carry_forward(table)
    points = sorted(table["point"].unique())
    paths: list[Path] = []
    for point in points:
        sub = table[table["point"] == point]
        name = base if len(points) == 1 else base.with_name(f"{base.name}-p{point}")
        title = None if len(points) == 1 else _point_title(sub)
        paths += _plot_point(sub, name, title, formats=formats)
    return paths


def _plot_point(
    table: pd.DataFrame, base: Path, title: str | None, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    with plt.rc_context(rc()):
        fig, ax = plt.subplots(figsize=(FIGSIZE_IN[0], FIGSIZE_IN[1] + 0.4))
        for scheme, st in scheme_styles(table["scheme"]).items():
            name, colour, marker = st.label, st.colour, st.marker
            sub = table[table["scheme"] == scheme]
            for metric, (mlabel, ls) in METRIC_STYLE.items():
                stat = mean_ci(sub, ["iteration"], metric)
                band(
                    ax, stat["iteration"].to_numpy(), stat, colour, ls, marker, f"{name} {mlabel}"
                )
        finish(ax, X_LABELS["iteration"], SUM_RATE, ncol=2)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if title:
            ax.set_title(title, fontsize=FONT_PT - 1, pad=52)
        return save(fig, base, formats)


def _point_title(table: pd.DataFrame) -> str:
    row = table.iloc[0]
    return (f"$P_{{TX}}$ = {row['p_tx_dbm']:g} dBm, S = {row['n_satellites']}, "
            f"$\\zeta^2$ = {row['zeta2']:g}")


def _carry_forward(table: pd.DataFrame) -> pd.DataFrame:
    """Extend each (drop, point, scheme) run that stopped early to the last iteration of the
    table by repeating its final rates (its precoder no longer changes), so that means over
    drops at every iteration average the same drops."""
    last = int(table["iteration"].max())
    parts = []
    for _, g in table.groupby(["drop", "point", "scheme"], sort=False):
        g = g.set_index("iteration").reindex(range(last + 1)).ffill()
        parts.append(g.reset_index())
    return pd.concat(parts, ignore_index=True).astype(table.dtypes.to_dict())  # ints stay ints


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Mean R_E, R_AP1, R_AP2 per sweep point and scheme at the first and the last iteration."""
    full = _carry_forward(table)
    last = int(full["iteration"].max())
    ends = full[full["iteration"].isin([0, last])]
    keys = (["point"] if full["point"].nunique() > 1 else []) + ["scheme", "iteration"]
    means = ends.groupby(keys)[["r_e", "r_ap1", "r_ap2"]].mean()
    return [f"mean sum rates (bit/s/Hz) at iteration 0 and {last}:", means.round(2).to_string()]
