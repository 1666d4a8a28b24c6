"""Rows of kind "sweep": one per (drop, sweep point, scheme).

Columns: ``experiments.tables.COMMON`` and ``RATES`` plus
    point (int64)            sweep-point index (Cartesian product of ``experiments.sweeping.AXES``
                             in that order)
    n_antennas (int64)       N_T of each satellite's array (``sweep.array_size`` squared)
    power_offset_db (float64)  budget of the non-master satellites below p_tx_dbm
and the stage and row timings. Rows of the reference "ic-wmmse" carry its mean instantaneous-CSI
rate as r_e (its standard error over the realisations as r_e_stderr) and NaN R_AP1, R_AP2; it is
started from the matched filter and every design of its point (``REFERENCE_COLUMNS``: the mean
per-realisation upper bound (56) and the start that won most realisations; NaN and "" on the
designs' rows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coopsat.experiments.core.design import (
    DropState,
    design_many,
    evaluate_batch,
    failed_rows,
    point_inputs,
    point_power_w,
    reference_row,
    sweep_drop,
)
from coopsat.experiments.core.drops import NUMERICAL_FAILURES, DropOutcome
from coopsat.experiments.core.kind import Kind
from coopsat.experiments.core.tables import COMMON, RATES, ROW_TIMES, STAGE_TIMES, SWEEP_INPUTS
from coopsat.precoding import REFERENCES

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

REFERENCE_COLUMNS = (("r_bound", "float64"), ("ic_start", "str"))
COLUMNS = (*COMMON, *SWEEP_INPUTS, *RATES, *REFERENCE_COLUMNS, *STAGE_TIMES, *ROW_TIMES)
_NO_REFERENCE = {"r_bound": float("nan"), "ic_start": ""}


def group_rows(config: ExperimentConfig, state: DropState, group: list, base: dict,
               skipped: list[dict]) -> list:
    """Rows of the points of one CSI: every scheme designed at all their budgets in one batch,
    every design evaluated on the drop's shared draws in one batch, the reference per point."""
    csi = state.csi(config, group[0][1])
    budgets = np.stack([point_power_w(pt, csi.n_satellites) for _, pt in group])  # (P, S)
    inputs = [point_inputs(point, pt, csi) for point, pt in group]
    designs, rows = [], []  # designs: (point position in the group, scheme, result, time)
    for scheme in [s for s in config.precoding.schemes if s not in REFERENCES]:
        try:
            results, t_pre = design_many(scheme, csi, budgets, config)
        except NUMERICAL_FAILURES as exc:  # a degenerate subproblem: keep the rest of the drop
            rows += failed_rows(config, state, base, inputs, scheme, exc, skipped)
            continue
        designs += [(j, scheme, r, t_pre) for j, r in enumerate(results)]
    if designs:
        weights = [d[2].weights for d in designs]
        columns, t_eval = evaluate_batch(
            csi, weights, [budgets[d[0]] for d in designs], state.draws, config
        )
        for (j, scheme, result, t_pre), rates in zip(designs, columns, strict=True):
            rows.append({**base, **inputs[j], "scheme": scheme, **rates, **_NO_REFERENCE,
                         "n_iterations": int(result.n_iterations), "time_precoding_s": t_pre,
                         "time_evaluation_s": t_eval})
    for scheme in [s for s in config.precoding.schemes if s in REFERENCES]:
        for j in range(len(group)):
            starts = {scheme: result.weights for k, scheme, result, _ in designs if k == j}
            try:
                rates, n_iter, seconds = reference_row(csi, budgets[j], config, state.draws,
                                                       starts)
            except NUMERICAL_FAILURES as exc:
                rows += [{**r, **_NO_REFERENCE} for r in
                         failed_rows(config, state, base, [inputs[j]], scheme, exc, skipped)]
                continue
            rows.append({**base, **inputs[j], "scheme": scheme, **rates,
                         "n_iterations": n_iter, "time_precoding_s": seconds,
                         "time_evaluation_s": 0.0})
    return rows


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index``: every scheme at every sweep point, on the drop's shared draws."""
    return sweep_drop(config, index, group_rows)


KIND = Kind(
    name="sweep",
    title="average sum rate of every scheme vs the swept inputs (Fig. 3, 4, 6)",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "point", "scheme"),
)
