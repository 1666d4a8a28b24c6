"""coopsat.experiments: configs, the checkpointed drop driver, result tables, figures and the CLI.

The only layer that touches files, configs, worker processes and matplotlib. Public pieces::

    config.load_config(path=None, *, presets=(), overrides=None) -> ExperimentConfig
    pipeline.run_chunk(config, drops) -> list[DropOutcome]     # one worker task
    runner.run_experiment(config, out_dir, *, executor, resume=False, ...) -> RunResult
    executors.make_executor(workers=1, scheduler=None)          # serial | process pool | Dask
    store.RunDir, store.read_table(path), store.read_metadata(path)
    tables.SCHEMAS (column names and dtypes, documented in experiments.tables)
    plots.plot_table(table, config, out_dir) -> [png, pdf]
    cli.main(argv=None) -> exit code                            # the ``coopsat`` console script
"""
