"""Rows of kind "convergence": one per (drop, sweep point, scheme, iteration).

Columns: those of kind "sweep" plus
    iteration (int64)   the iterate whose transmitted precoder (step 14 applied) the rates are
                        evaluated at; 0 = the initialiser. A closed-form scheme has iteration 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopsat.experiments.core.design import (
    DropState,
    design,
    evaluate_batch,
    failed_rows,
    iterates,
    point_inputs,
    point_power_w,
    sweep_drop,
)
from coopsat.experiments.core.drops import NUMERICAL_FAILURES, DropOutcome
from coopsat.experiments.core.kind import Kind
from coopsat.experiments.core.tables import COMMON, RATES, ROW_TIMES, STAGE_TIMES, SWEEP_INPUTS

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

COLUMNS = (*COMMON, *SWEEP_INPUTS, *RATES, ("iteration", "int64"), *STAGE_TIMES, *ROW_TIMES)


def group_rows(config: ExperimentConfig, state: DropState, group: list, base: dict,
               skipped: list[dict]) -> list:
    """Rows of the points of one CSI: rates of every iterate of every scheme, evaluated on the
    drop's shared draws."""
    csi = state.csi(config, group[0][1])
    rows = []
    for point, pt in group:
        power = point_power_w(pt, csi.n_satellites)
        inputs = point_inputs(point, pt, csi)
        for scheme in config.precoding.schemes:
            try:
                result, t_pre = design(scheme, csi, power, config, history=True)
            except NUMERICAL_FAILURES as exc:  # a degenerate multiplier search (precoding.dual)
                failed = failed_rows(config, state, base, [inputs], scheme, exc, skipped)
                rows += [{**row, "iteration": 0} for row in failed]
                continue
            steps = iterates(result, power)
            columns, t_eval = evaluate_batch(csi, steps, [power] * len(steps), state.draws,
                                             config)
            rows += [
                {**base, **inputs, "scheme": scheme, **rates,
                 "n_iterations": int(result.n_iterations), "iteration": iteration,
                 "time_precoding_s": t_pre, "time_evaluation_s": t_eval}
                for iteration, rates in enumerate(columns)
            ]
    return rows


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index``: rates of every iterate of every scheme at every sweep point."""
    return sweep_drop(config, index, group_rows)


KIND = Kind(
    name="convergence",
    title="R_E, R_AP1, R_AP2 at every iterate of the schemes (Fig. 5)",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "point", "scheme", "iteration"),
)
