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

from coopsat.experiments.config import ExperimentConfig, load_config
from coopsat.experiments.runner import RunResult, run_experiment

__all__ = ["ExperimentConfig", "RunResult", "load_config", "run_experiment"]
