"""Figure and summary of kind "sweep": mean R_E vs the swept input, one curve per scheme."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

from coopsat.experiments.views.style import (
    FIGURE_FORMATS,
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

_PRIORITY = ("n_satellites", "array_size", "power_offset_db", "zeta2", "kappa_db", "p_tx_dbm")


def swept_input(config) -> str:
    """The x axis of a sweep run: the first swept input with more than one value."""
    return next((n for n in _PRIORITY if len(getattr(config.sweep, n)) > 1), "p_tx_dbm")


def other_swept(config) -> list[str]:
    """Table columns of the swept inputs besides the x axis that take several values: each of
    their combinations gets its own figure and summary rows (never averaged together)."""
    x = swept_input(config)
    return [X_COLUMN.get(n, n) for n in _PRIORITY
            if n != x and len(getattr(config.sweep, n)) > 1]


X_COLUMN = {"array_size": "n_antennas"}  # the table column of a swept input, where it differs
_FIXED = {  # how a figure names the value of a second swept input
    "p_tx_dbm": "$P_{{TX}}$ = {:g} dBm", "zeta2": "$\\zeta^2$ = {:g} rad$^2$",
    "kappa_db": "$\\kappa$ = {:g} dB", "n_satellites": "S = {:d}",
    "n_antennas": "$N_T$ = {:d}", "power_offset_db": "others {:g} dB below $P_{{TX}}$",
}


def _curves(ax, table: pd.DataFrame, x: str, value: str, scale=lambda v: v) -> None:
    """Mean ``value`` (95 % band over drops) vs column ``x``, one curve per scheme."""
    stat = mean_ci(table, ["scheme", x], value)
    for scheme, st in scheme_styles(stat["scheme"]).items():
        sub = stat[stat["scheme"] == scheme]
        band(ax, scale(sub[x].to_numpy()), sub, st.colour, st.linestyle, st.marker, st.label,
             st.filled)


BOUND_LABEL = "Upper bound (interference-free)"


def _bound(ax, table: pd.DataFrame, x: str, scale=lambda v: v) -> None:
    """The mean per-realisation upper bound (56) of the reference rows, dashed black, if any."""
    if "r_bound" not in table or not np.isfinite(table["r_bound"]).any():
        return
    stat = mean_ci(table, [x], "r_bound")
    ax.plot(scale(stat[x].to_numpy()), stat["mean"], color="black", linestyle="--",
            linewidth=0.9, label=BOUND_LABEL)


def plot_sweep(
    table: pd.DataFrame,
    x: str,
    base: Path,
    title: str | None = None,
    formats: Formats = FIGURE_FORMATS,
) -> list[Path]:
    """Average sum rate R_E vs the swept input ``x``, one curve per scheme (Fig. 3, 4, 6); a
    budget sweep adds the share of the satellites' budgets used below."""
    column = X_COLUMN.get(x, x)
    scale = np.sqrt if x == "array_size" else (lambda v: v)  # N_T -> Nv = Nh
    labels = [st.label for st in scheme_styles(table["scheme"]).values()]
    if "r_bound" in table and np.isfinite(table["r_bound"]).any():
        labels.append(BOUND_LABEL)
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
        _bound(ax, table, column, scale)
        finish(ax, "" if budget else X_LABELS.get(x, x), SUM_RATE, ncol=ncol)
        ax.set_ylim(bottom=0)
        if x == "array_size":  # log axis, ticks at the swept sizes written plainly
            ax.set_xscale("log", base=2)
            sizes = np.unique(scale(table[column].to_numpy(dtype=float)))
            ax.set_xticks(sizes, [f"{v:g}" for v in sizes])
            ax.xaxis.set_minor_locator(NullLocator())
        if budget:
            used = axes[1, 0]
            _curves(used, table, column, "power_used_share")
            used.set_ylim(0, 1.05)
            used.set_ylabel("Share of the\nbudgets used")
            used.set_xlabel(X_LABELS[x])
            used.grid(True, linewidth=0.3, alpha=0.6)
        if title:  # first line of the legend's title, above the band note
            legend = ax.get_legend()
            legend.set_title(f"{title}\n{legend.get_title().get_text()}")
        return save(fig, base, formats)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """The run's figure: R_E vs its swept input; with a second swept input, one figure per
    value of it (``base-NAME=VALUE``), titled with that value; a run on a TLE file names the
    file in the legend's title."""
    x, others = swept_input(config), other_swept(config)
    source = (f"TLE catalogue {Path(config.constellation.tle.path).name}"
              if config.constellation.tle is not None else None)  # say which satellites
    if not others:
        return plot_sweep(table, x, base, title=source, formats=formats)
    paths: list[Path] = []
    for values, sub in table.groupby(others, sort=True):
        values = values if isinstance(values, tuple) else (values,)
        tag = ", ".join(_FIXED[n].format(v) for n, v in zip(others, values, strict=True))
        name = "-".join(f"{n}={v:g}" for n, v in zip(others, values, strict=True))
        title = f"{source}\n{tag}" if source else tag
        paths += plot_sweep(sub, x, base.with_name(f"{base.name}-{name}"), title, formats)
    return paths


def ic_ratio(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` with a column "ratio" = R_E / R_IC, the reference "ic-wmmse" of
    the same drop and point: how much of the instantaneous-CSI rate a statistical design gets
    (average it over drops per scheme and swept value)."""
    ref = table[table["scheme"] == "ic-wmmse"][["drop", "point", "r_e"]]
    paired = table.merge(ref, on=["drop", "point"], suffixes=("", "_ic"))
    paired["ratio"] = paired["r_e"] / paired["r_e_ic"]
    return paired


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Mean R_E per scheme and swept value."""
    x = swept_input(config)
    column = X_COLUMN.get(x, x)
    rows = [*other_swept(config), "scheme"]
    order = list(scheme_styles(table["scheme"]))

    def per_value(value: str, digits: int, frame=table) -> str:
        frame = frame.assign(scheme=pd.Categorical(frame["scheme"], categories=order))
        means = frame.groupby([*rows, column], observed=True)[value].mean().unstack(column)
        return means.round(digits).to_string()

    lines = ["mean sum rate R_E (bit/s/Hz):", per_value("r_e", 2)]
    if x == "power_offset_db":
        lines += ["share of the satellites' budgets used:", per_value("power_used_share", 3)]
    if "ic-wmmse" in set(table["scheme"]):
        lines += ["R_E over the instantaneous-CSI reference's rate (mean over drops):",
                  per_value("ratio", 3, ic_ratio(table))]
        ref = table[table["scheme"] == "ic-wmmse"]
        if "r_bound" in ref and np.isfinite(ref["r_bound"]).any():
            lines += ["interference-free upper bound (bit/s/Hz), mean over the reference's "
                      "realisations:",
                      per_value("r_bound", 2, ref),
                      "start that won most realisations of the reference, drops per start:",
                      ref.groupby([*rows[:-1], column, "ic_start"])["drop"].count()
                      .unstack(column).fillna(0).astype(int).to_string()]
    se = table.groupby("scheme")["r_e_stderr"].mean().reindex(order)
    lines.append("Monte Carlo standard error of R_E per drop (bit/s/Hz), mean over the run: "
                 + ", ".join(f"{s} {v:.3f}" for s, v in se.items()))
    lines.append("figure bands: 95 % interval of the mean over drops")
    return lines
