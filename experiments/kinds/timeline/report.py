"""Figures, analysis and summary of kind "timeline": rate vs time (recomputed vs reused
precoders, cooperative-set changes) and rate vs the age of the statistical CSI."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from coopsat.experiments.kinds.timeline.animation import animate
from coopsat.experiments.views.style import (
    FIGURE_FORMATS,
    FONT_PT,
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

MARKERS_PER_CURVE = 8  # markers along a curve: enough to tell curves apart in grey print


def _mean_over_all_areas(sub: pd.DataFrame, n_areas: int) -> pd.DataFrame:
    """Mean R_E per time with its band, kept only where every area has a rate (a reused set
    loses its rate once one of its links sets below the horizon): no mean over a shrinking set
    of areas."""
    stat = mean_ci(sub, ["time_s"], "r_e")
    return stat[stat["n"] == n_areas]


def plot_timeline(table: pd.DataFrame, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """R_E vs time, precoders recomputed each epoch vs reused from the first (time-epoch study),
    and below, on its own axis, the share of areas whose nearest-S set changed at each step
    ("areas with new serving satellites"; "new serving satellites: yes/no" for one area).

    The reused curve ends at the first step where some area's step-0 set has lost a link below
    the horizon (the mean is kept only over all areas).
    """
    rec = table[table["mode"] == "recomputed"].drop_duplicates(["drop", "step"])
    n_areas = int(rec["drop"].nunique())
    with plt.rc_context(rc()):
        fig, (ax, ax_set) = plt.subplots(
            2, 1, sharex=True, figsize=(3.5, 3.4), gridspec_kw={"height_ratios": (4, 1)}
        )
        for scheme, st in scheme_styles(table["scheme"]).items():
            name, colour, marker = st.label, st.colour, st.marker
            for mode, ls in (("recomputed", "-"), ("reused", "--")):
                sub = table[(table["scheme"] == scheme) & (table["mode"] == mode)]
                stat = _mean_over_all_areas(sub, n_areas)
                if stat.empty:
                    continue
                label = f"{name}, recomputed" if mode == "recomputed" else (
                    f"{name}, step-0 set reused (until a satellite sets)")
                band(ax, stat["time_s"].to_numpy(), stat, colour, ls,
                     marker if mode == "recomputed" else None, label)
                ax.lines[-1].set_markevery(max(1, len(stat) // MARKERS_PER_CURVE))
        ax.set_ylim(bottom=0)
        finish(ax, "", SUM_RATE, ncol=1)
        share = rec.groupby("time_s")["set_changed"].mean()
        ax_set.bar(share.index, share.to_numpy(), width=0.6 * _step(share.index), color="0.3")
        ax_set.set_ylim(0, 1)
        ax_set.set_yticks([0, 1], ["no", "yes"] if n_areas == 1 else ["0 %", "100 %"])
        ax_set.set_ylabel("New serving\nsatellites" if n_areas == 1 else "Areas with new\n"
                          "serving sats", fontsize=FONT_PT - 1)
        ax_set.set_xlabel(X_LABELS["time_s"])
        ax_set.grid(True, axis="x", linewidth=0.3, alpha=0.6)
        fig.align_ylabels([ax, ax_set])
        return save(fig, base, formats)


def _step(times) -> float:
    t = np.asarray(times, dtype=float)
    return float(np.min(np.diff(t))) if t.size > 1 else 1.0


def age_curve(table: pd.DataFrame, value: str = "r_e") -> pd.DataFrame:
    """Mean ``value`` vs the age of the statistical CSI, per scheme (time-epoch study).

    Age 0 is the fresh rate of the origin steps (their "recomputed" rows), the other ages are
    the "aged" rows. Each area (drop) is first averaged over its origins, which share its
    geometry and are not independent; the mean and its 95 % Student-t band (:func:`mean_ci`)
    then run over areas, as in every other figure (links below the horizon, NaN, are left out).
    Columns: scheme, csi_age_s, mean, lo, hi, n (areas). Empty without "aged" rows.
    """
    aged = table[table["mode"] == "aged"]
    if aged.empty:
        return mean_ci(aged, ["scheme", "csi_age_s"], value)
    origins = aged[["drop", "step"]].drop_duplicates()
    fresh = table[table["mode"] == "recomputed"].merge(origins, on=["drop", "step"])
    rows = pd.concat([fresh, aged]).dropna(subset=[value])
    per_area = rows.groupby(["scheme", "csi_age_s", "drop"])[value].mean().reset_index()
    return mean_ci(per_area, ["scheme", "csi_age_s"], value)


def refresh_average(ages_s, rates, periods_s) -> np.ndarray:
    """Time-averaged rate when the statistical CSI (and the precoders) is refreshed every T.

    Rbar(T) = (1 / T) integral_0^T R(a) da, R piecewise linear between the given ages.

    Parameters
    ----------
    ages_s : (n,) increasing, starting at 0, in s
    rates : (n,) R at those ages
    periods_s : (m,) T > 0 in s. Output (m,): NaN where T exceeds the last age
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
    out = pd.DataFrame(rows)
    order = {s: i for i, s in enumerate(scheme_styles(out["scheme"] if len(out) else ()))}
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


def plot_age(table: pd.DataFrame, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """Average sum rate vs the age of the statistical CSI (log axis), per scheme: the rate at
    age a (solid, 95 % band), the rate averaged over a refresh period T = a (dashed) and the
    fresh rate (dotted)."""
    curve = age_curve(table)
    with plt.rc_context(rc()):
        fig, ax = plt.subplots()
        for scheme, st in scheme_styles(curve["scheme"]).items():
            name, colour, marker = st.label, st.colour, st.marker
            c = curve[curve["scheme"] == scheme]
            ages, mean = c["csi_age_s"].to_numpy(), c["mean"].to_numpy()
            pos = ages > 0
            band(ax, ages[pos], c[pos], colour, "-", marker, name)
            if ages.size >= 2 and ages[0] == 0.0:
                ax.axhline(mean[0], color=colour, linestyle=":", linewidth=0.8)
                avg = refresh_average(ages, mean, ages[pos])
                ax.plot(ages[pos], avg, color=colour, linestyle="--", linewidth=0.9)
        ax.plot([], [], color="k", linestyle="-", label="at CSI age $a$")
        ax.plot([], [], color="k", linestyle="--", label="mean, refresh every $a$")
        ax.plot([], [], color="k", linestyle=":", label="fresh ($a$ = 0)")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        finish(ax, "Age of the statistical CSI $a$ (s)", SUM_RATE, ncol=3, grid_which="both")
        return save(fig, base, formats)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """The rate-vs-time figure, and the rate-vs-CSI-age figure when the table has aged rows."""
    paths = plot_timeline(table, base, formats=formats)
    if (table["mode"] == "aged").any():
        paths += plot_age(table, base.with_name(base.name + "_age"), formats=formats)
    if config.section("timeline").animation != "none":
        paths += animate(table, config, base)
    return paths


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Mean R_E per scheme and mode, set changes, and the CSI-age summary."""
    stepped = table[table["mode"] != "aged"]
    recomputed = stepped[stepped["mode"] == "recomputed"].groupby("scheme")["r_e"].mean()
    served = stepped[stepped["mode"] == "reused"].dropna(subset=["r_e"])[["drop", "step"]]
    both = stepped.merge(served.drop_duplicates(), on=["drop", "step"])
    means = both.groupby(["scheme", "mode"])["r_e"].mean().unstack("mode")
    sets = set_change_summary(table)
    lines = [
        "mean sum rate R_E over the whole timeline, precoders recomputed (bit/s/Hz):",
        recomputed.round(2).to_string(),
        "mean sum rate R_E over the steps at which the step-0 set still serves every UT "
        f"({len(served.drop_duplicates())} area-steps), recomputed vs reused (bit/s/Hz):",
        means.round(2).to_string(),
        f"cooperative-set changes: {sets['changes']} in {sets['observed_s']:.0f} s of area time"
        f" (mean time between changes {sets['mean_dwell_s']:.0f} s)",
    ]
    curve = age_curve(table)
    if curve.empty:
        return lines
    lines += [
        "mean R_E (bit/s/Hz) vs age of the statistical CSI (s):",
        curve.pivot(index="scheme", columns="csi_age_s", values="mean").round(1).to_string(),
        "CSI age at which R_E falls to 90 % / 50 % of fresh; longest refresh period keeping",
        "90 % / 50 % on average (s):",
        age_summary(table).set_index("scheme").round(2).to_string(),
    ]
    return lines
