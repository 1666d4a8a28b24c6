"""Figure and summary of kind "arrays": element gain vs off-boresight angle per set member."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from coopsat.experiments.views.style import FIGURE_FORMATS, FONT_PT, Formats, rc, save

POINTING_TITLE = {"nadir": "nadir pointing", "cap_centre": "pointed at the area"}
MEMBER_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
                  "tab:pink", "tab:gray", "tab:olive", "tab:cyan")


def member_label(m: int) -> str:
    """Legend name of set member ``m`` (0: the master)."""
    return "master" if m == 0 else f"member {m + 1}"


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """Element gain (dBi) vs off-boresight angle (deg): every link in grey, and each set member's
    median with its 10-90 % range in both, one panel per pointing."""
    pointings = [p for p in POINTING_TITLE if p in set(table["pointing"])]
    members = sorted(set(table["member"]))
    with plt.rc_context(rc()):
        fig, axes = plt.subplots(1, len(pointings), sharey=True, sharex=True,
                                 figsize=(3.5, 2.6), squeeze=False, layout="constrained")
        for ax, pointing in zip(axes[0], pointings, strict=True):
            sub = table[table["pointing"] == pointing]
            ax.scatter(sub["off_boresight_deg"], sub["element_gain_dbi"], s=1, color="0.75",
                       linewidths=0, rasterized=True, label="every link")
            for m in members:
                mm = sub[sub["member"] == m]
                eta = mm["off_boresight_deg"].quantile([0.1, 0.5, 0.9]).to_numpy()
                gain = mm["element_gain_dbi"].quantile([0.1, 0.5, 0.9]).to_numpy()
                ax.errorbar(eta[1], gain[1], xerr=[[eta[1] - eta[0]], [eta[2] - eta[1]]],
                            yerr=[[gain[1] - gain[0]], [gain[2] - gain[1]]], fmt="o",
                            color=MEMBER_COLOURS[m % len(MEMBER_COLOURS)], markersize=3,
                            elinewidth=0.7, capsize=1.5, label=member_label(m))
            ax.set_title(POINTING_TITLE[pointing], fontsize=FONT_PT)
            ax.set_xlabel("Off-boresight angle (deg)")
            ax.grid(True, linewidth=0.3, alpha=0.6)
            ax.set_xlim(left=0)
        axes[0, 0].set_ylabel("Element gain (dBi)")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncol=3, frameon=False,
                   fontsize=FONT_PT - 2, columnspacing=0.8, handletextpad=0.3,
                   title=f"{config.channel.element_pattern} element; median and 10-90 % "
                         "per set member", title_fontsize=FONT_PT - 2)
        return save(fig, base, formats)


def member_stats(table: pd.DataFrame) -> pd.DataFrame:
    """Per (pointing, member): mean off-boresight angle and element gain over links and drops,
    and the 10 % quantile of the gain."""
    g = table.groupby(["pointing", "member"])
    return pd.DataFrame({
        "eta_mean_deg": g["off_boresight_deg"].mean(),
        "eta_max_deg": g["off_boresight_deg"].max(),
        "gain_mean_dbi": g["element_gain_dbi"].mean(),
        "gain_p10_dbi": g["element_gain_dbi"].quantile(0.1),
    })


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """The per-member statistics as a printed table."""
    stats = member_stats(table).round(2)
    return [f"element pattern {config.channel.element_pattern!r}, peak "
            f"{config.channel.link_budget.tx_element_gain_dbi:g} dBi; over links and drops:",
            stats.to_string()]
