"""coopsat.experiments: configs, experiment kinds, the checkpointed drop driver, tables, figures.

The only layer that touches files, configs, worker processes and matplotlib. By role, each
importing only the roles below it (import-linter contracts in pyproject.toml)::

    cli           main(argv=None), the ``coopsat`` script
    driver/       runner: run_experiment(config, out_dir, *, executor, resume=False, ...);
                  executors: make_executor(workers, scheduler) (serial | process pool | Dask);
                  store: RunDir (run.json, checksummed checkpoint parts, final tables)
    kinds/        the registry KINDS and one self-contained sub-package per kind (sweep,
                  convergence, delay, timeline, waveform, show, constellations, arrays,
                  schedule): ``compute`` (drop function, columns, config section) and
                  ``report`` (figures, summary); the registry binds the config functions
    views/        style (figure style, scheme styles), scene, maps, skyplot (the drop view)
    core/         drops (seeds, finding a drop, skipped records, common columns), design (sweep
                  points, shared draws, batched design/evaluation), tables (columns), kind
                  (the Kind record a kind declares)
    config/       sections ([run], [drop], [precoding], [sweep]), constellation
                  ([constellation] by source), loading (TOML, presets, overrides, the hash)
    errors        ConfigError (exit code 2)

``load_config``, ``build_config``, ``config_from_json`` and ``parse_override`` here are bound to
the registered kinds; ``run_experiment`` runs a config into a run folder.
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
