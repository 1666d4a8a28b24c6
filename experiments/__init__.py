"""coopsat.experiments: configs, experiment kinds, the checkpointed drop driver, tables, figures.

The only layer that touches files, configs, worker processes and matplotlib. Layout::

    config        TOML sections mapped onto the dataclasses that declare them -> ExperimentConfig
    kinds/        one sub-package per experiment kind (sweep, convergence, delay, timeline,
                  waveform, show, constellations): ``compute`` (drop function, columns, config
                  section) and ``report`` (figures, summary); ``kinds.KINDS`` is the registry
                  the CLI and the driver read
    common        [drop], seeds, finding a drop, skipped records, the columns every row carries
    sweeping      [precoding] and [sweep], sweep points, shared draws, batched design/evaluation
    constellations  [constellation]: Walker shell, preset, shell tables or TLE file
    scene         a drop's geometry as the drop view draws it (show, timeline animation)
    maps, skyplot the drop-view drawings (coastlines, cap map, sky plot) from arrays
    style         the figure style every kind uses; tables: shared column groups
    runner        run_experiment(config, out_dir, *, executor, resume=False, ...) -> RunResult
    executors     make_executor(workers=1, scheduler=None): serial | process pool | Dask
    store         RunDir (run.json, checksummed checkpoint parts, final tables), read_table
    errors        ConfigError (exit code 2); cli: main(argv=None), the ``coopsat`` script
"""

from typing import Any

from coopsat.experiments.config import ExperimentConfig
from coopsat.experiments.kinds import (
    KINDS,
    build_config,
    config_from_json,
    load_config,
    parse_override,
)

__all__ = [
    "KINDS",
    "ExperimentConfig",
    "RunResult",
    "build_config",
    "config_from_json",
    "load_config",
    "parse_override",
    "run_experiment",
]


def __getattr__(name: str) -> Any:
    """``run_experiment`` and ``RunResult`` are imported on first use: the driver loads pandas
    and pyarrow, which worker processes (importing this package to run drops) never need."""
    if name in ("run_experiment", "RunResult"):
        from coopsat.experiments.driver import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
