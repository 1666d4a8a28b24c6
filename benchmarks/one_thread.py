"""Import first (before numpy) in the per-core benchmarks: one BLAS/OpenMP thread, through the
variables the experiment layer's pool workers are started with. A variable the caller set is
kept, so ``OPENBLAS_NUM_THREADS=2 python -m benchmarks.precoding`` measures two threads."""

import os

from coopsat.experiments.driver.executors import (
    BLAS_THREAD_VARS,  # numpy-free: safe before numpy loads
)

for _name in BLAS_THREAD_VARS:
    os.environ.setdefault(_name, "1")
