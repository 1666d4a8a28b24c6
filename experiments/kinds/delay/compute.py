"""Rows of kind "delay" (Fig. 2): one per (drop, threshold).

Columns: ``experiments.tables.COMMON`` plus
    threshold_s (float64)    threshold T of the differential delay (s)
    threshold_label (str)    "grid", "T" (data duration 1 / subcarrier spacing) or "T_sym"
                             (with the cyclic prefix)
    p_exceed (float64)       fraction of (s1 < s2, l < k) pairs with Delta tau > T
    n_pairs (int64)
and the stage timings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coopsat.constellation.params import ParameterError, number, validate
from coopsat.experiments.core.drops import (
    DropOutcome,
    common_row,
    exceed_fraction,
    find_drop,
    stage_times,
)
from coopsat.experiments.core.kind import Kind
from coopsat.experiments.core.tables import COMMON, STAGE_TIMES

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig


@dataclass(frozen=True)
class DelaySection:
    """``[delay]`` (Fig. 2): OFDM timing and the threshold grid for P(Delta tau > T)."""

    cp_s: float = number(
        2.34375e-6, lo=0, hi=1e-3, unit="s",
        doc="cyclic prefix (NR normal CP at 30 kHz: 2.34375e-6 s, TS 38.211 5.3.1)",
    )
    threshold_min_s: float = number(1e-7, lo=0, hi=1, lo_open=True, unit="s")
    threshold_max_s: float = number(1e-2, lo=0, hi=10, lo_open=True, unit="s")
    n_thresholds: int = number(61, lo=2, hi=10_000, integer=True)

    def __post_init__(self) -> None:
        validate(self)
        if self.threshold_max_s <= self.threshold_min_s:
            raise ParameterError(
                "DelaySection", "threshold_max_s", self.threshold_max_s,
                f"threshold_max_s > threshold_min_s = {self.threshold_min_s:g} s",
                "is not above threshold_min_s",
            )


COLUMNS = (
    *COMMON,
    ("threshold_s", "float64"),
    ("threshold_label", "str"),
    ("p_exceed", "float64"),
    ("n_pairs", "int64"),
    *STAGE_TIMES,
)


def delay_thresholds(config: ExperimentConfig) -> list[tuple[float, str]]:
    """(threshold_s, label): the log grid plus T = 1 / subcarrier spacing and T_sym = T + T_cp."""
    d = config.section("delay")
    grid = np.geomspace(d.threshold_min_s, d.threshold_max_s, d.n_thresholds)
    t_data = 1.0 / config.channel.link_budget.subcarrier_spacing_hz
    return [(float(t), "grid") for t in grid] + [(t_data, "T"), (t_data + d.cp_s, "T_sym")]


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index``: P(Delta tau > T) over its satellite and UT pairs."""
    skipped: list[dict] = []
    found = find_drop(config, index, config.drop.n_satellites, skipped)
    if found is None:
        return DropOutcome(index, [], skipped)
    g = found.geometry
    thresholds = delay_thresholds(config)
    frac, n_pairs = exceed_fraction(
        np.asarray(g.differential_delay_s()), np.array([t for t, _ in thresholds])
    )
    common = common_row(config, found)
    rows = [
        {
            **common,
            "n_satellites": g.n_satellites,
            "threshold_s": t,
            "threshold_label": label,
            "p_exceed": float(f),
            "n_pairs": n_pairs,
            **stage_times(found, 0.0),
        }
        for (t, label), f in zip(thresholds, frac, strict=True)
    ]
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="delay",
    title="probability that inter-satellite interference is independent (Fig. 2)",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "threshold_s", "threshold_label"),
    sections={"delay": DelaySection},
)
