"""Import first in the per-core benchmarks: one BLAS/OpenMP thread, as the experiment layer's
pool workers have. A thread count the caller set is kept, so ``OPENBLAS_NUM_THREADS=2 python -m
benchmarks.precoding`` measures two threads. The limit is applied with threadpoolctl to the
libraries numpy loaded (importing coopsat loads numpy, so environment variables set here would
come too late)."""

import os

import numpy  # noqa: F401  (loads the BLAS library the limit applies to)
from threadpoolctl import threadpool_limits

_THREADS = int(os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or 1)
_LIMIT = threadpool_limits(limits=_THREADS)  # kept for the life of the benchmark process
