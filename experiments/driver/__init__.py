"""The drop driver: ``runner`` (run_experiment: chunks of drops on an executor, checkpointed),
``executors`` (serial, process pool, Dask), ``store`` (the run folder: run.json, checksummed
parts, final tables)."""
