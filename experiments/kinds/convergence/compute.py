"""Rows of kind "convergence": one per (drop, sweep point, scheme, iteration).

Columns: those of kind "sweep" plus
    iteration (int64)   the iterate whose transmitted precoder (step 14 applied) the rates are
                        evaluated at; 0 = the initialiser. A closed-form scheme has iteration 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from experiments.common import DropOutcome, common_row
from experiments.kinds.base import Kind
from experiments.sweeping import drop_with_csi, evaluate, iterates, point_designs, stage_times
from experiments.tables import COMMON, RATES, ROW_TIMES, STAGE_TIMES

if TYPE_CHECKING:
    from experiments.config import ExperimentConfig

COLUMNS = (
    *COMMON, ("point", "int64"), *RATES, ("iteration", "int64"), *STAGE_TIMES, *ROW_TIMES
)


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index``: rates of every iterate of every scheme at every sweep point."""
    skipped: list[dict] = []
    found_csi = drop_with_csi(config, index, skipped)
    if found_csi is None:
        return DropOutcome(index, [], skipped)
    found, base, t_channel = found_csi
    common = common_row(config, found)
    stages = stage_times(found, t_channel)
    rows = []
    for d in point_designs(config, base, history=True):
        power = np.full(d.csi.n_satellites, d.power_w)
        for iteration, weights in enumerate(iterates(d.result, power)):
            rates, t_eval = evaluate(d.csi, weights, config, found.seeds["mc"])
            rows.append(
                {
                    **common,
                    **d.inputs,
                    "scheme": d.scheme,
                    **rates,
                    "n_iterations": int(d.result.n_iterations),
                    "iteration": iteration,
                    **stages,
                    "time_precoding_s": d.time_s,
                    "time_evaluation_s": t_eval,
                }
            )
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="convergence",
    title="R_E, R_AP1, R_AP2 at every iterate of the schemes (Fig. 5)",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "point", "scheme", "iteration"),
    report="experiments.kinds.convergence.report",
)
