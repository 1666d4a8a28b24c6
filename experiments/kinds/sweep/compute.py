"""Rows of kind "sweep": one per (drop, sweep point, scheme).

Columns: ``experiments.tables.COMMON`` and ``RATES`` plus
    point (int64)   sweep-point index (Cartesian product of kappa_db, zeta2, S, p_tx_dbm in
                    this order, ``experiments.sweeping.sweep_points``)
and the stage and row timings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from experiments.common import DropOutcome, common_row
from experiments.kinds.base import Kind
from experiments.sweeping import drop_with_csi, evaluate, point_designs, stage_times
from experiments.tables import COMMON, RATES, ROW_TIMES, STAGE_TIMES

if TYPE_CHECKING:
    from experiments.config import ExperimentConfig

COLUMNS = (*COMMON, ("point", "int64"), *RATES, *STAGE_TIMES, *ROW_TIMES)


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index``: every scheme at every sweep point, R_E on the drop's MC seed."""
    skipped: list[dict] = []
    found_csi = drop_with_csi(config, index, skipped)
    if found_csi is None:
        return DropOutcome(index, [], skipped)
    found, base, t_channel = found_csi
    common = common_row(config, found)
    stages = stage_times(found, t_channel)
    rows = []
    for d in point_designs(config, base):
        rates, t_eval = evaluate(d.csi, d.result.weights, config, found.seeds["mc"])
        rows.append(
            {
                **common,
                **d.inputs,
                "scheme": d.scheme,
                **rates,
                "n_iterations": int(d.result.n_iterations),
                **stages,
                "time_precoding_s": d.time_s,
                "time_evaluation_s": t_eval,
            }
        )
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="sweep",
    title="average sum rate of every scheme vs the swept inputs (Fig. 3, 4, 6)",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "point", "scheme"),
    report="experiments.kinds.sweep.report",
)
