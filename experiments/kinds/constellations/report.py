"""Figures and summary of kind "constellations": mean R_E per constellation and scheme, and the
number of visible satellites and the share of drops without a cooperative set vs latitude."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from coopsat.experiments.views.style import (
    FIGURE_FORMATS,
    FONT_PT,
    SUM_RATE,
    Formats,
    mean_ci,
    rc,
    save,
    scheme_styles,
)

CONSTELLATION_STYLE = {  # label, colour, marker, line style (apart in grey print too)
    "paper": ("Paper (53°)", "tab:blue", "o", "-"),
    "starlink-gen1": ("Starlink G1", "tab:red", "s", "--"),
    "oneweb-phase1": ("OneWeb P1", "tab:green", "^", "-."),
    "kuiper-2019": ("Kuiper", "tab:purple", "D", ":"),
}
LOW_Q, HIGH_Q = 0.1, 0.9


def plot_rates(table: pd.DataFrame, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """Grouped bars: mean R_E (over drops and latitudes where a set was found) per constellation
    (groups) and scheme (bars), with 95 % interval whiskers."""
    found = table[table["found"]]
    stat = mean_ci(found, ["constellation", "scheme"], "r_e")
    names = [c for c in CONSTELLATION_STYLE if c in set(stat["constellation"])]
    styles = scheme_styles(stat["scheme"])
    schemes = list(styles)
    width = 0.8 / max(len(schemes), 1)
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        for j, scheme in enumerate(schemes):
            label, colour = styles[scheme].label, styles[scheme].colour
            sub = stat[stat["scheme"] == scheme].set_index("constellation").reindex(names)
            x = np.arange(len(names)) + (j - (len(schemes) - 1) / 2) * width
            ax.bar(x, sub["mean"], width, color=colour, label=label, edgecolor="black",
                   linewidth=0.3, hatch=("", "//", "..", "xx", "--")[j % 5])
            ax.errorbar(x, sub["mean"], yerr=[sub["mean"] - sub["lo"], sub["hi"] - sub["mean"]],
                        fmt="none", ecolor="black", elinewidth=0.6, capsize=1.2)
        ax.set_xticks(np.arange(len(names)), [CONSTELLATION_STYLE[n][0] for n in names],
                      fontsize=FONT_PT - 1)
        ax.set_ylabel(SUM_RATE)
        ax.grid(True, axis="y", linewidth=0.3, alpha=0.6)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False,
                  fontsize=FONT_PT - 2,
                  title="mean over the areas where S satellites were found;\n"
                  "whiskers: 95 % interval of the mean over drops",
                  title_fontsize=FONT_PT - 2)
        return save(fig, base, formats)


def plot_visibility(
    table: pd.DataFrame, base: Path, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """Top: mean number of satellites visible at every UT vs latitude (shaded: 10-90 % of the
    drops); bottom: share of drops without S such satellites."""
    per_area = table.drop_duplicates(["drop", "constellation", "latitude_deg"])
    with plt.rc_context(rc()):
        fig, (ax, ax_fail) = plt.subplots(2, 1, sharex=True, figsize=(3.5, 3.2),
                                          gridspec_kw={"height_ratios": (2, 1)})
        for name in [c for c in CONSTELLATION_STYLE if c in set(per_area["constellation"])]:
            label, colour, marker, ls = CONSTELLATION_STYLE[name]
            g = per_area[per_area["constellation"] == name].groupby("latitude_deg")
            lat = np.array(sorted(g.groups))
            visible = g["n_visible"]
            ax.plot(lat, visible.mean(), color=colour, marker=marker, linestyle=ls, label=label)
            ax.fill_between(lat, visible.quantile(LOW_Q), visible.quantile(HIGH_Q),
                            color=colour, alpha=0.15, linewidth=0)
            ax_fail.plot(lat, 1.0 - g["found"].mean(), color=colour, marker=marker,
                         linestyle=ls)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False,
                  fontsize=FONT_PT - 2, columnspacing=0.8, handlelength=2.0,
                  title="shaded bands: 10-90 % of the drops", title_fontsize=FONT_PT - 2)
        ax.set_ylabel("Satellites visible\nat every UT")
        ax.set_ylim(bottom=0)
        ax.grid(True, linewidth=0.3, alpha=0.6)
        ax_fail.set_ylabel("No set\n(share)", fontsize=FONT_PT - 1)
        ax_fail.set_ylim(-0.03, 1.03)
        ax_fail.set_xlabel("Coverage-centre latitude (deg)")
        ax_fail.grid(True, linewidth=0.3, alpha=0.6)
        return save(fig, base, formats)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """Both figures (NAME_rate, NAME_visibility)."""
    return plot_rates(table, base.with_name(base.name + "_rate"), formats) + plot_visibility(
        table, base.with_name(base.name + "_visibility"), formats)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per constellation: mean R_E per scheme (where a set was found), mean number of visible
    satellites and the share of (drop, latitude) areas without a cooperative set."""
    found = table[table["found"]]
    rates = found.groupby(["constellation", "scheme"])["r_e"].mean().unstack("scheme")
    rates = rates[list(scheme_styles(rates.columns))]
    per_area = table.drop_duplicates(["drop", "constellation", "latitude_deg"])
    g = per_area.groupby("constellation")
    rates["visible"] = g["n_visible"].mean()
    rates["no_set_share"] = 1.0 - g["found"].mean()
    return rates


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """The summary table, and the share without a set per constellation and latitude."""
    per_area = table.drop_duplicates(["drop", "constellation", "latitude_deg"])
    no_set = 1.0 - per_area.groupby(["constellation", "latitude_deg"])["found"].mean()
    return [
        "mean R_E (bit/s/Hz) where S satellites were found, mean number visible, share of "
        "areas without a set:",
        summary_table(table).round(2).to_string(),
        "share of areas without a cooperative set, per latitude (deg):",
        no_set.unstack("latitude_deg").round(2).to_string(),
    ]
