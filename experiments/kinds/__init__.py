"""The experiment kinds and their registry (``KINDS``), read by the command line and the driver.

Each kind is a sub-package owning its drop function, table columns, config sections, figures and
summary (``core.kind.Kind``); kinds never import each other, and the config never imports them
(import-linter contracts). Adding a kind is one sub-package and one line in ``_KINDS`` below.

The registry also binds the config functions to the kinds (``load_config``, ``build_config``,
``config_from_json``, ``parse_override``): a config is validated against the sections and
``run.kind`` names registered here.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from coopsat.experiments import config as _config
from coopsat.experiments.config import ExperimentConfig
from coopsat.experiments.core.drops import NUMERICAL_FAILURES, DropOutcome, skipped_record
from coopsat.experiments.core.kind import Kind, Option
from coopsat.experiments.kinds.arrays import compute as _arrays
from coopsat.experiments.kinds.constellations import compute as _constellations
from coopsat.experiments.kinds.convergence import compute as _convergence
from coopsat.experiments.kinds.delay import compute as _delay
from coopsat.experiments.kinds.schedule import compute as _schedule
from coopsat.experiments.kinds.show import compute as _show
from coopsat.experiments.kinds.sweep import compute as _sweep
from coopsat.experiments.kinds.timeline import compute as _timeline
from coopsat.experiments.kinds.waveform import compute as _waveform

_KINDS = (
    _sweep.KIND,
    _convergence.KIND,
    _delay.KIND,
    _timeline.KIND,
    _waveform.KIND,
    _show.KIND,
    _constellations.KIND,
    _arrays.KIND,
    _schedule.KIND,
)
KINDS: Mapping[str, Kind] = {k.name: k for k in _KINDS}
SECTIONS: dict[str, type] = _config.all_sections(KINDS)
"""Every config section (the core ones, then the kinds'), ``{name: dataclass}``."""

__all__ = [
    "KINDS",
    "SECTIONS",
    "Kind",
    "Option",
    "build_config",
    "config_from_json",
    "load_config",
    "parse_override",
    "report_of",
    "run_chunk",
]


def load_config(
    path: str | Path | None = None,
    *,
    presets: tuple[str, ...] = (),
    overrides: Mapping[str, Any] | None = None,
) -> ExperimentConfig:
    """``config.load_config`` with the registered kinds: a TOML file (None: the shipped
    ``data/paper.toml``), its named presets, then dotted overrides, validated."""
    return _config.load_config(path, kinds=KINDS, presets=presets, overrides=overrides)


def build_config(values: Mapping[str, Any], *, cross_checks: bool = True) -> ExperimentConfig:
    """``config.build_config`` with the registered kinds."""
    return _config.build_config(values, kinds=KINDS, cross_checks=cross_checks)


def config_from_json(text: str) -> ExperimentConfig:
    """``config.config_from_json`` with the registered kinds (a stored run's config)."""
    return _config.config_from_json(text, kinds=KINDS)


def parse_override(text: str) -> tuple[str, Any]:
    """``config.parse_override`` with the registered kinds' declarations."""
    return _config.parse_override(text, kinds=KINDS)


def report_of(kind: Kind) -> ModuleType:
    """The kind's report module (plots and summary). Imported here, on demand, so that worker
    processes, which only compute rows, never load pandas and matplotlib."""
    return importlib.import_module(kind.report)


def run_chunk(config: ExperimentConfig, drops: tuple[int, ...]) -> list[DropOutcome]:
    """Worker task: the outcomes of ``drops`` (module-level so process pools and Dask pickle it).

    A drop whose computation reports a numerical failure (``core.drops.NUMERICAL_FAILURES``: a
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
