"""The experiment kinds and their registry (``KINDS``), read by the command line and the driver.

Each kind is a sub-package owning its drop function, table columns, config section, figures and
summary (``experiments.kinds.base``); kinds never import each other (an import-linter contract).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from coopsat.experiments.common import NUMERICAL_FAILURES, DropOutcome, skipped_record
from coopsat.experiments.kinds.base import Kind, Option
from coopsat.experiments.kinds.constellations import compute as _constellations
from coopsat.experiments.kinds.convergence import compute as _convergence
from coopsat.experiments.kinds.delay import compute as _delay
from coopsat.experiments.kinds.schedule import compute as _schedule
from coopsat.experiments.kinds.show import compute as _show
from coopsat.experiments.kinds.sweep import compute as _sweep
from coopsat.experiments.kinds.timeline import compute as _timeline
from coopsat.experiments.kinds.waveform import compute as _waveform

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _sweep.KIND, _convergence.KIND, _delay.KIND, _timeline.KIND, _waveform.KIND, _show.KIND,
        _constellations.KIND, _schedule.KIND,
    )
}

__all__ = ["KINDS", "Kind", "Option", "report_of", "run_chunk"]


def report_of(kind: Kind) -> ModuleType:
    """The kind's report module (plots and summary). Imported here, on demand, so that worker
    processes, which only compute rows, never load pandas and matplotlib."""
    return importlib.import_module(kind.report)


def run_chunk(config: ExperimentConfig, drops: tuple[int, ...]) -> list[DropOutcome]:
    """Worker task: the outcomes of ``drops`` (module-level so process pools and Dask pickle it).

    A drop whose computation reports a numerical failure (``common.NUMERICAL_FAILURES``: a
    multiplier search that does not converge, a singular matrix) is recorded as skipped with the
    reason instead of ending the run; any other exception propagates.
    """
    fn = KINDS[config.run.kind].drop
    return [_guarded(fn, config, d) for d in drops]


def _guarded(fn, config: ExperimentConfig, drop: int) -> DropOutcome:
    try:
        return fn(config, drop)
    except NUMERICAL_FAILURES as exc:
        reason = f"drop failed: {type(exc).__name__}: {exc}"
        return DropOutcome(drop, [], [skipped_record(config, drop, -1, config.constellation.epoch,
                                                     reason)])
