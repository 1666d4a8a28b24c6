"""Figure style shared by every experiment kind's plots (figures are drawn from stored tables).

IEEE single-column size (3.5 x 2.5 in, 8 pt), colour plus line style plus marker per curve so
they survive grey print; means over drops with a 95 % Student-t confidence band (the spread of
the drop means, not the Monte Carlo error of one drop). Each figure is written as PNG (300 dpi)
and PDF, or in the formats ``coopsat ... --figures`` names (``views.formats``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from coopsat.experiments.views.formats import FIGURE_FORMATS, KNOWN_FORMATS, Formats
from coopsat.precoding.catalogue import SCHEME_INFO

FIGSIZE_IN = (3.5, 2.5)
FONT_PT = 8
CONFIDENCE = 0.95
SAVE_DPI = 300

class CurveStyle(NamedTuple):
    """How one curve is drawn: legend label, colour, line style, marker, filled marker or not."""

    label: str
    colour: str
    linestyle: str
    marker: str
    filled: bool = True


_FALLBACK_COLOURS = ("tab:pink", "darkgoldenrod", "teal", "navy", "indigo", "maroon")
_FALLBACK_MARKERS = ("h", "<", ">", "p", "8", "d")
_FALLBACK_LINES = ("-", "--", "-.", ":")


def scheme_styles(names: Iterable[str]) -> dict[str, CurveStyle]:
    """The styles of the schemes in ``names`` (any iterable, e.g. a table's column), in the
    catalogue's order (``coopsat.precoding.SCHEME_INFO``); a name the catalogue does not know
    is appended with a style from a fallback cycle and its own name as label, never dropped."""
    present = set(names)
    out = {
        name: CurveStyle(info.label, info.colour, info.linestyle, info.marker, info.filled)
        for name, info in SCHEME_INFO.items()
        if name in present
    }
    for j, name in enumerate(sorted(present - set(SCHEME_INFO))):
        out[name] = CurveStyle(
            str(name),
            _FALLBACK_COLOURS[j % len(_FALLBACK_COLOURS)],
            _FALLBACK_LINES[j % len(_FALLBACK_LINES)],
            _FALLBACK_MARKERS[j % len(_FALLBACK_MARKERS)],
        )
    return out


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
    "array_size": "Array size $N_v = N_h$ per satellite",
    "power_offset_db": "Budget of the other satellites below $P_{TX}$ (dB)",
}
SUM_RATE = "Average sum rate (bit/s/Hz)"
BAND_NOTE = f"shaded bands: {CONFIDENCE:.0%} interval of the mean over drops"


def rc() -> dict:
    """matplotlib rc settings of every coopsat figure (use with ``plt.rc_context``)."""
    return {
        "font.size": FONT_PT,
        "axes.labelsize": FONT_PT,
        "legend.fontsize": FONT_PT - 1,
        "xtick.labelsize": FONT_PT,
        "ytick.labelsize": FONT_PT,
        "lines.linewidth": 1.0,
        "lines.markersize": 3.5,
        "figure.figsize": FIGSIZE_IN,
        "savefig.dpi": SAVE_DPI,
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


def save(fig, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """Write ``base``.FORMAT for each of ``formats`` (suffixes appended, so a dotted base name
    is kept whole), close the figure and return the paths in the order of ``formats``."""
    base = Path(base)
    unknown = [f for f in formats if f not in KNOWN_FORMATS]
    if unknown:
        raise ValueError(f"figure format {unknown[0]!r}: allowed {', '.join(KNOWN_FORMATS)}")
    paths = [base.with_name(f"{base.name}.{f}") for f in formats]
    if fig.get_layout_engine() is None:  # a constrained-layout figure keeps its own layout
        fig.tight_layout(pad=0.3)
    with plt.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42}):  # TrueType, not Type 3
        for p in paths:                                      # (read when saving, not drawing)
            fig.savefig(p)
    plt.close(fig)
    return paths


def band(ax, x, stat, colour, linestyle, marker, label, filled: bool = True):
    """A mean curve with its shaded 95 % across-drop interval (``mean_ci`` columns); open
    markers unless ``filled``."""
    ax.plot(x, stat["mean"], color=colour, linestyle=linestyle, marker=marker, label=label,
            markerfacecolor=None if filled else "none")
    ax.fill_between(x, stat["lo"], stat["hi"], color=colour, alpha=0.18, linewidth=0)


def finish(
    ax, xlabel: str, ylabel: str, *, ncol: int, grid_which: str = "major", bands: bool = True
) -> None:
    """Axis labels, a light grid and the legend in rows above the axes (paper style); with
    ``bands`` the legend's title says what the shaded bands are (``BAND_NOTE``)."""
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
        title=BAND_NOTE if bands else None,
        title_fontsize=FONT_PT - 2,
    )
