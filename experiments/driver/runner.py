"""The drop driver: chunks of drops on any ``concurrent.futures.Executor``, checkpointed.

``run_experiment`` submits the chunks not yet in the run directory, writes each chunk's part file
as soon as it completes (in completion order; the part names carry the drop range), and at the end
concatenates the parts into the sorted final tables. Because every drop is a pure function of
(config, drop, seed), the final table is the same for any executor, worker count, completion
order or number of interruptions.

Fault injection for tests: ``COOPSAT_FAULT_AFTER_PARTS="N:raise"`` raises
:class:`InjectedFault` after N part files have been written by this process, ``"N:kill"`` sends
the process SIGKILL at that point (a crash without any clean-up).
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coopsat.experiments.config import ExperimentConfig
from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.driver.progress import progress as make_progress
from coopsat.experiments.driver.runfolder import writer_lock
from coopsat.experiments.driver.store import RunDir
from coopsat.experiments.kinds import KINDS, run_chunk

FAULT_ENV = "COOPSAT_FAULT_AFTER_PARTS"
HEALTH_CHECK_S = 5.0
"""While no chunk finishes, the executor's ``check_alive()`` (if it has one) runs this often."""


class InjectedFault(RuntimeError):
    """Raised by the test-only fault injection (see module docstring)."""


@dataclass(frozen=True)
class RunResult:
    """Where a finished run put its results, and what they hold."""

    run_dir: Path
    table_path: Path
    skipped_path: Path
    table: pd.DataFrame
    skipped: pd.DataFrame
    n_computed_drops: int
    extra: dict[str, pd.DataFrame]


def chunks(drops: list[int], size: int) -> Iterator[tuple[int, ...]]:
    """Consecutive runs of at most ``size`` drops, split wherever ``drops`` has a gap."""
    current: list[int] = []
    for d in drops:
        if current and (len(current) == size or d != current[-1] + 1):
            yield tuple(current)
            current = []
        current.append(d)
    if current:
        yield tuple(current)


def _fault_hook() -> Callable[[int], None]:
    spec = os.environ.get(FAULT_ENV, "")
    if not spec:
        return lambda n: None
    count, _, action = spec.partition(":")
    limit = int(count)

    def hook(n_written: int) -> None:
        if n_written >= limit:
            if action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise InjectedFault(f"{FAULT_ENV}={spec}: stopping after {n_written} part files")

    return hook


def run_experiment(
    config: ExperimentConfig,
    out_dir: str | Path,
    *,
    executor: Executor,
    resume: bool = False,
    overwrite: bool = False,
    notify: Callable[[str], None] | None = None,
    progress: bool = False,
    task: Callable | None = None,
    on_part: Callable[[int], None] | None = None,
    max_in_flight: int | None = None,
) -> RunResult:
    """Run (or resume) ``config`` into ``out_dir`` and return the final tables.

    ``task(config, drops) -> list[DropOutcome]`` defaults to ``experiments.kinds.run_chunk``;
    ``on_part(n_written)`` is called after each part file (tests use it to interrupt a run).
    ``overwrite`` lets a fresh run replace the run already in ``out_dir`` (built aside and moved
    into place once complete); on ``resume`` damaged checkpoints are reported through ``notify``
    (default: print) and recomputed. The run holds the folder's writer lock throughout
    (``experiments.runfolder``): a second writer is refused.
    At most ``max_in_flight`` chunks are submitted ahead (default twice the pool's workers; the
    in-process executor computes at submission, so it checkpoints after every chunk).
    """
    task = run_chunk if task is None else task
    with writer_lock(out_dir):
        run = RunDir.create(out_dir, config, resume=resume, overwrite=overwrite)
        for note in run.repair() if resume else ():
            (notify or print)(note)
        done = run.done_drops()
        todo = [d for d in config.run.drop_indices if d not in done]
        bar = make_progress(config.run.drops, config.run.drops - len(todo), progress,
                            config.run.name)
        if max_in_flight is None:
            serial = isinstance(executor, SerialExecutor)
            max_in_flight = 1 if serial else 2 * int(getattr(executor, "_max_workers", 32))
        try:
            _drive(run, executor, task, chunks(todo, config.run.chunk_drops),
                   max(1, max_in_flight), bar, on_part)
        finally:
            bar.close()
        table, skipped = run.finalize()
        kind = KINDS[config.run.kind]
        extra = run.write_extra(kind.extra_tables(config)) if kind.extra_tables else {}
        run = run.commit()
    return RunResult(run.path, run.table_path, run.skipped_path, table, skipped, len(todo), extra)


def _drive(run: RunDir, executor: Executor, task: Callable, pending_chunks, window: int, bar,
           on_part) -> None:
    """Submit chunks (at most ``window`` in flight) and write each one's part as it finishes,
    in submission order among those finished together."""
    hook = _fault_hook()
    in_flight: dict = {}
    written = 0
    while True:
        for chunk in itertools.islice(pending_chunks, window - len(in_flight)):
            in_flight[executor.submit(task, run.config, chunk)] = chunk
        if not in_flight:
            return
        finished, _ = wait(in_flight, timeout=HEALTH_CHECK_S, return_when=FIRST_COMPLETED)
        if not finished:  # an executor that can lose its workers says so instead of waiting
            getattr(executor, "check_alive", lambda: None)()
            continue
        for future in [f for f in in_flight if f in finished]:  # submission order
            chunk = in_flight.pop(future)
            outcomes = future.result()
            rows = [r for o in outcomes for r in o.rows]
            skipped = [s for o in outcomes for s in o.skipped]
            run.write_part(chunk[0], chunk[-1], rows, skipped)
            written += 1
            bar.update(len(chunk))
            if on_part is not None:
                on_part(written)
            hook(written)
