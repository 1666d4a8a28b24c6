"""Executors for the drop driver: in-process, a local process pool, or a Dask cluster.

All three are ``concurrent.futures.Executor``s, so the driver does not know which it uses.

- :class:`SerialExecutor` runs each task at submission (one worker, no start-up cost).
- :func:`local_pool` is a ``ProcessPoolExecutor`` over ``spawn``-ed workers with one BLAS/OpenMP
  thread each: the thread-count variables are set in the environment the workers are started
  with (numpy reads them when it is imported, which a spawned worker does after start-up); the
  serial executor limits the threads of the running process with threadpoolctl instead. Each
  worker watches its parent and exits when the parent dies: a pool worker of a run killed with
  ``kill -9`` would otherwise wait forever on the task queue (the standard library does not
  notice the parent's death).
- :func:`dask_executor` wraps ``distributed.Client(address).get_executor()`` with a health
  check (a lost scheduler, no workers left: a one-line error after a timeout); the workers of a Dask
  cluster are started by whoever runs it, so set the same variables there (``dask worker
  --nthreads 1`` with ``OMP_NUM_THREADS=1``).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor

from threadpoolctl import ThreadpoolController

from coopsat.experiments.errors import ConfigError

BLAS_THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


class SerialExecutor(Executor):
    """Runs each submitted call immediately in the calling process, with one BLAS thread as a
    pool worker has (the small matrices of a drop only lose time to thread hand-offs).

    The BLAS/OpenMP libraries to limit are looked up once, at the first task (a lookup scans
    every loaded shared library: ~5 ms, as long as a small drop); a library first loaded by a
    task keeps its threads for the rest of that run.
    """

    def __init__(self) -> None:
        self._blas: ThreadpoolController | None = None

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        if self._blas is None:
            self._blas = ThreadpoolController()
        try:
            with self._blas.limit(limits=1):
                result = fn(*args, **kwargs)
            future.set_result(result)
        except BaseException as exc:  # delivered through the future, like a pool would
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future


def _noop(_: int = 0) -> int:
    return os.getpid()


def _exit_with_parent() -> None:
    """Worker initializer: a daemon thread that ends this process when its parent dies.

    The parent's sentinel (``multiprocessing.parent_process().sentinel``) becomes readable when
    the parent exits for any reason, SIGKILL included.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child: nothing to watch
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="coopsat-parent-watch", daemon=True).start()


def blas_threads() -> dict[str, str | None]:
    """The BLAS/OpenMP thread variables of the current process (checked in worker tests)."""
    return {name: os.environ.get(name) for name in BLAS_THREAD_VARS}


def _start_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned processes, all started before returning, with one BLAS thread each."""
    saved = {name: os.environ.get(name) for name in BLAS_THREAD_VARS}
    os.environ.update({name: "1" for name in BLAS_THREAD_VARS})
    try:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
        )
        # start every worker now, while the environment holds the one-thread settings
        list(pool.map(_noop, range(workers)))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return pool


class _LazyPool(Executor):
    """A process pool started at its first submission: a run refused at its folder, or one
    with nothing left to compute, spawns no process."""

    def __init__(self, workers: int):
        self._max_workers = workers  # read by the runner to size its submission window
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn, /, *args, **kwargs):
        if self._pool is None:
            self._pool = _start_pool(self._max_workers)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


@contextlib.contextmanager
def local_pool(workers: int) -> Iterator[Executor]:
    """A process pool of ``workers`` spawned processes with one BLAS thread each, started when
    the first task is submitted."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    pool = _LazyPool(workers)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


SCHEDULER_TIMEOUT_S = 10.0
"""How long to wait for a Dask scheduler to answer before giving up."""
_ADDRESS = re.compile(r"^(?:(tcp|tls|ws|wss|inproc)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d+)$")


def check_scheduler_address(address: str) -> str:
    """``address`` if it has the form [PROTOCOL://]HOST:PORT with a port in 1..65535, else a
    ValueError saying what is allowed."""
    m = _ADDRESS.match(address.strip())
    if m is None or not 1 <= int(m.group(3)) <= 65535:
        raise ValueError(
            f"--scheduler {address!r} is not a Dask scheduler address; allowed: "
            "[tcp://]HOST:PORT with PORT in 1..65535, e.g. tcp://host:8786"
        )
    return address.strip()


WORKERS_TIMEOUT_S = 30.0
"""How long a Dask cluster may have no worker (at start or during a run) before the run stops."""


class DaskExecutor(Executor):
    """The executor of a ``distributed.Client`` with a health check the driver calls while it
    waits: a scheduler that went away, or no worker for ``WORKERS_TIMEOUT_S``, is a one-line
    ConnectionError instead of a wait without end."""

    def __init__(self, client, address: str):
        self._client, self._address = client, address
        self._executor = client.get_executor()
        self._max_workers = max(1, sum(client.nthreads().values()))
        self._idle_since: float | None = None

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._executor.submit(fn, *args, **kwargs)

    def check_alive(self) -> None:
        """Raise ConnectionError when the cluster cannot finish the run."""
        try:
            n_workers = len(self._client.nthreads())
        except (OSError, TimeoutError):
            n_workers = None
        if n_workers is None or self._client.status not in ("running", "connecting"):
            raise ConnectionError(
                f"the Dask scheduler at {self._address!r} went away during the run; finished "
                "chunks are kept: rerun with --resume once it is back"
            )
        now = time.monotonic()
        self._idle_since = None if n_workers else (self._idle_since or now)
        if self._idle_since is not None and now - self._idle_since > WORKERS_TIMEOUT_S:
            raise ConnectionError(
                f"the Dask cluster at {self._address!r} has had no worker for "
                f"{WORKERS_TIMEOUT_S:g} s; start workers (dask worker {self._address}) and "
                "rerun with --resume"
            )


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the Dask scheduler at ``address`` (``tcp://host:8786``).

    Raises ConfigError when dask.distributed is not installed, ConnectionError (one line, with
    the timeout) when no scheduler answers within ``SCHEDULER_TIMEOUT_S``, when no worker joins
    within ``WORKERS_TIMEOUT_S``, or when the scheduler goes away during the run (distributed's
    own reconnection log lines are silenced meanwhile).
    """
    address = check_scheduler_address(address)
    try:
        from distributed import Client  # optional dependency: imported only when asked for
    except ImportError as exc:
        raise ConfigError(
            "--scheduler needs dask.distributed: pip install 'coopsat[dask]'"
        ) from exc
    try:
        client = Client(address, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(
            f"no Dask scheduler answered at {address!r} within {SCHEDULER_TIMEOUT_S:g} s "
            f"({type(exc).__name__})"
        ) from None
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)
               if n == "distributed" or n.startswith("distributed.")]
    levels = [lg.level for lg in loggers]
    try:
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except (OSError, TimeoutError):
            raise ConnectionError(
                f"the Dask scheduler at {address!r} has no worker (none joined within "
                f"{WORKERS_TIMEOUT_S:g} s); start workers with: dask worker {address}"
            ) from None
        for lg in loggers:
            lg.setLevel(logging.CRITICAL + 1)
        yield DaskExecutor(client, address)
    except CancelledError:
        raise ConnectionError(
            f"the Dask scheduler at {address!r} went away during the run (its tasks were "
            "cancelled); finished chunks are kept: rerun with --resume once it is back"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=SCHEDULER_TIMEOUT_S)
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Executor]:
    """The executor the CLI options ask for: Dask if ``scheduler``, else serial or a pool."""
    if scheduler:
        with dask_executor(scheduler) as ex:
            yield ex
    elif workers <= 1:
        yield SerialExecutor()
    else:
        with local_pool(workers) as ex:
            yield ex
