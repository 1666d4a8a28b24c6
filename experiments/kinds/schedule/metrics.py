"""Throughput and fairness metrics of kind "schedule", from its table (pandas; report side).

The stored table has one row per terminal served in a slot. ``slot_table`` and
``terminal_table`` turn it into the two tidy views:

    slots      one row per (drop, scheduler, scheme, k_max, n_satellites, slot): the slot's
               columns and its sum throughput (Mbit/s)
    terminals  one row per (drop, scheduler, scheme, k_max, n_satellites, terminal) for ALL U
               terminals, never-served ones included: average throughput over the T slots of
               the horizon (Mbit/s; a slot without service, or skipped, counts as 0) and the
               number of slots served

and ``trajectory_metrics`` gives, per trajectory (one drop), the sum throughput averaged over
the horizon, the 5th percentile of the per-terminal average throughput (the 3GPP cell-edge
figure), Jain's index, the share of terminals ever scheduled and the share that got nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TRAJECTORY = ["drop", "scheduler", "scheme", "k_max", "n_satellites"]
SLOT_COLUMNS = [
    "epoch_utc", "time_s", "n_users", "n_served", "slot_r_e", "slot_r_ap1", "slot_proxy",
    "independent_share", "n_iterations", "sat_set", "set_changed", "time_scheduling_s",
    "time_precoding_s", "time_evaluation_s",
]


def jain(x) -> float:
    """Jain's fairness index (sum x)^2 / (n sum x^2) of non-negative values: 1 when all are
    equal, 1/n when one terminal gets everything; NaN when all are 0."""
    x = np.asarray(x, dtype=float)
    square = np.sum(x * x)
    return float(np.sum(x) ** 2 / (x.size * square)) if square > 0 else float("nan")


def slot_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per trajectory and slot (module docstring)."""
    keys = [*TRAJECTORY, "slot"]
    first = table.groupby(keys, sort=True)[SLOT_COLUMNS].first()
    first["sum_throughput_mbps"] = table.groupby(keys, sort=True)["throughput_mbps"].sum()
    return first.reset_index()


def terminal_table(table: pd.DataFrame, n_terminals: int, n_slots: int) -> pd.DataFrame:
    """One row per trajectory and terminal, all ``n_terminals`` of each (module docstring)."""
    got = table.groupby([*TRAJECTORY, "terminal"], sort=True).agg(
        total=("throughput_mbps", "sum"), slots_served=("slot", "count"))
    trajectories = table[TRAJECTORY].drop_duplicates()
    every = trajectories.merge(pd.DataFrame({"terminal": np.arange(n_terminals)}), how="cross")
    out = every.merge(got.reset_index(), on=[*TRAJECTORY, "terminal"], how="left")
    out["slots_served"] = out["slots_served"].fillna(0).astype("int64")
    out["avg_throughput_mbps"] = out.pop("total").fillna(0.0) / n_slots
    return out.sort_values([*TRAJECTORY, "terminal"]).reset_index(drop=True)


def trajectory_metrics(terminals: pd.DataFrame) -> pd.DataFrame:
    """Per trajectory: sum_throughput_mbps (mean over the horizon of the slot sums), p5 of
    the per-terminal average (Mbit/s), median, jain, served_share (terminals scheduled at
    least once) and zero_share (terminals whose average throughput is 0: never scheduled, or
    switched off by the design whenever scheduled)."""
    g = terminals.groupby(TRAJECTORY, sort=True)
    return pd.DataFrame({
        "sum_throughput_mbps": g["avg_throughput_mbps"].sum(),
        "p5_mbps": g["avg_throughput_mbps"].quantile(0.05),
        "median_mbps": g["avg_throughput_mbps"].median(),
        "jain": g["avg_throughput_mbps"].apply(jain),
        "served_share": g["slots_served"].apply(lambda s: float(np.mean(s > 0))),
        "zero_share": g["avg_throughput_mbps"].apply(lambda x: float(np.mean(x <= 0))),
    }).reset_index()


def empirical_cdf(values) -> tuple[np.ndarray, np.ndarray]:
    """(sorted values, F) with F = i / n at the i-th smallest (the right-continuous ECDF)."""
    x = np.sort(np.asarray(values, dtype=float))
    return x, np.arange(1, x.size + 1) / x.size
