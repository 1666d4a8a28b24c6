"""coopsat.experiments: configs, experiment kinds, the checkpointed drop driver, tables, figures.

The only layer that touches files, configs, worker processes and matplotlib. Layout::

    config        TOML sections mapped onto the declared dataclasses -> ExperimentConfig
    kinds/        one sub-package per experiment kind (sweep, convergence, delay, timeline,
                  waveform): compute (drop function, columns, config section) and report
                  (figures, summary); ``kinds.KINDS`` is the registry the CLI and driver read
    common        seeds, finding a drop, skipped records, the columns every row carries
    sweeping      [precoding] and [sweep], sweep points, timed precoding and rate evaluation
    constellations  [constellation]: Walker shell or TLE file, built once per process
    runner        run_experiment(config, out_dir, *, executor, resume=False, ...) -> RunResult
    executors     make_executor(workers=1, scheduler=None): serial | process pool | Dask
    store         RunDir (run.json, checkpoint parts, final tables), read_table, read_metadata
    tables        shared column groups; style: the figure style every kind uses
    cli           main(argv=None) -> exit code, the ``coopsat`` console script
"""
