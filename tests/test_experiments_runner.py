"""Driver and run directories on a synthetic drop task: checkpoints, resume, order independence.

The synthetic task builds schema-complete rows from the per-drop seed sequences only, so these
tests check the infrastructure (chunking, atomic parts, resume, sorting, metadata) in
milliseconds; tests/test_experiments_e2e.py runs the same driver on the real pipeline.
"""

import errno
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from concurrent.futures import Executor, Future
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import coopsat._version as version_module
from coopsat._version import package_version
from coopsat.experiments import build_config
from coopsat.experiments.core.drops import DropOutcome, drop_seeds
from coopsat.experiments.core.tables import SKIPPED, pandas_dtypes, reproducible_columns
from coopsat.experiments.driver import runfolder, store
from coopsat.experiments.driver.executors import SerialExecutor, blas_threads, local_pool
from coopsat.experiments.driver.runner import InjectedFault, chunks, run_experiment
from coopsat.experiments.driver.store import (
    ResumeError,
    RunDir,
    read_metadata,
    read_table,
)
from coopsat.experiments.errors import ConfigError
from coopsat.experiments.kinds import KINDS

REPO = Path(__file__).resolve().parent.parent
ORPHAN_EXIT_TIMEOUT_S = 10.0  # generous: the watch thread reacts in milliseconds
SKIP_EVERY = 5  # the synthetic task reports drops 0, 5, 10, ... as skipped on attempt 0


def fake_chunk(config, drops):
    """Synthetic rows: values drawn from the drop's seed sequences (a pure function of them)."""
    out = []
    for d in drops:
        skipped = []
        attempt = 1 if d % SKIP_EVERY == 0 else 0
        if attempt:
            skipped.append(
                {
                    "run_id": config.hash()[:12],
                    "drop": d,
                    "attempt": 0,
                    "seed": config.run.seed,
                    "step": -1,
                    "epoch_utc": pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime(),
                    "reason": "synthetic: only 3 visible satellites",
                }
            )
        seeds = drop_seeds(config.run.seed, d, attempt)
        draw = np.random.default_rng(seeds["mc"]).random(64)
        rows = []
        for point, p in enumerate(config.sweep.p_tx_dbm):
            for j, scheme in enumerate(config.precoding.schemes):
                rows.append(
                    {
                        "run_id": config.hash()[:12],
                        "drop": d,
                        "attempt": attempt,
                        "seed": config.run.seed,
                        "epoch_utc": pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime(),
                        "centre_lat_deg": float(draw[0] * 100 - 50),
                        "centre_lon_deg": float(draw[1]),
                        "n_users": config.drop.n_users,
                        "n_satellites": config.drop.n_satellites,
                        "n_excluded": 0,
                        "point": point,
                        "n_antennas": 100,
                        "power_offset_db": 0.0,
                        "p_tx_dbm": p,
                        "zeta2": 0.5,
                        "kappa_db": float("nan"),
                        "scheme": scheme,
                        "r_e": float(draw[2 + j] + p),
                        "r_e_stderr": float(draw[30 + j]) * 0.01,
                        "r_ap1": float(draw[10 + j]),
                        "r_ap2": float(draw[20 + j]),
                        "n_iterations": j,
                        "power_used_max_w": 1.0,
                        "power_used_max_dbm": 30.0,
                        "power_used_share": 1.0,
                        "time_geometry_s": time.perf_counter(),
                        "time_channel_s": 0.0,
                        "time_precoding_s": 0.0,
                        "time_evaluation_s": 0.0,
                    }
                )
        out.append(DropOutcome(d, rows, skipped))
    return out


class ReversedExecutor(Executor):
    """Runs submitted calls lazily and completes them in reverse submission order, three at a
    time; calls left waiting (fewer than three, e.g. at the end or after a chunking bug) are
    completed by a timer after ``FLUSH_S`` without new submissions, so the driver can never
    wait forever on this executor: a bug shows up as a wrong table, not a hang."""

    FLUSH_S = 0.2

    def __init__(self):
        self.calls = []
        self.lock = threading.Lock()
        self.timer = None

    def submit(self, fn, /, *args, **kwargs):
        f = Future()
        with self.lock:
            self.calls.append((f, fn, args))
            full = len(self.calls) == 3
            if self.timer is not None:
                self.timer.cancel()
            self.timer = None if full else threading.Timer(self.FLUSH_S, self._flush)
        if full:
            self._flush()
        else:
            self.timer.start()
        return f

    def _flush(self):
        with self.lock:
            calls, self.calls = self.calls, []
        for f, fn, args in reversed(calls):
            f.set_result(fn(*args))


def _config(**values):
    base = {
        "run.drops": 12,
        "run.chunk_drops": 2,
        "sweep.p_tx_dbm": [20.0, 30.0],
        "precoding.schemes": ["ss-mmse", "ms-jomwmmse"],
    }
    return build_config({**base, **values})


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    cols = reproducible_columns(a.columns)
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


def test_chunks_split_at_size_and_gaps():
    assert list(chunks([0, 1, 2, 3, 4], 2)) == [(0, 1), (2, 3), (4,)]
    assert list(chunks([0, 1, 3, 4, 5, 9], 10)) == [(0, 1), (3, 4, 5), (9,)]


def test_table_has_documented_columns_dtypes_and_metadata(tmp_path):
    cfg = _config()
    res = run_experiment(cfg, tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    table = read_table(res.table_path)
    columns = KINDS["sweep"].columns
    assert list(table.columns) == [name for name, _ in columns]
    assert {c: str(t) for c, t in table.dtypes.items()} == pandas_dtypes(columns)
    assert len(table) == 12 * 2 * 2
    keys = table[["drop", "point", "scheme"]]
    assert not keys.duplicated().any()
    assert keys.equals(keys.sort_values(["drop", "point", "scheme"]).reset_index(drop=True))
    meta = read_metadata(res.table_path)
    assert meta["coopsat.config_hash"] == cfg.hash()
    assert json.loads(meta["coopsat.config"])["run"]["drops"] == 12
    assert meta["coopsat.seed"] == str(cfg.run.seed) and meta["coopsat.version"]
    skipped = read_table(res.skipped_path)
    assert sorted(skipped["drop"]) == [0, 5, 10]
    assert {c: str(t) for c, t in skipped.dtypes.items()} == pandas_dtypes(SKIPPED)


def test_completion_order_and_chunking_do_not_change_the_table(tmp_path):
    a = run_experiment(_config(), tmp_path / "a", executor=SerialExecutor(), task=fake_chunk)
    b = run_experiment(
        _config(**{"run.chunk_drops": 1}),
        tmp_path / "b",
        executor=ReversedExecutor(),
        task=fake_chunk,
        max_in_flight=3,
    )
    _same(a.table, b.table)
    pd.testing.assert_frame_equal(
        a.skipped.drop(columns="run_id"), b.skipped.drop(columns="run_id")
    )


def test_resume_after_interruption_gives_the_identical_table(tmp_path):
    cfg = _config()
    full = run_experiment(cfg, tmp_path / "full", executor=SerialExecutor(), task=fake_chunk)

    def stop_after_two(n):
        if n == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(
            cfg,
            tmp_path / "cut",
            executor=SerialExecutor(),
            task=fake_chunk,
            on_part=stop_after_two,
        )
    run = RunDir(tmp_path / "cut", cfg)
    assert run.done_drops() == {0, 1, 2, 3}
    assert not run.table_path.exists()
    resumed = run_experiment(
        cfg, tmp_path / "cut", executor=SerialExecutor(), task=fake_chunk, resume=True
    )
    assert resumed.n_computed_drops == 8
    _same(full.table, resumed.table)
    pd.testing.assert_frame_equal(full.skipped, resumed.skipped)


def test_fault_env_hook_raises_and_resume_completes(tmp_path, monkeypatch):
    cfg = _config()
    monkeypatch.setenv("COOPSAT_FAULT_AFTER_PARTS", "3:raise")
    with pytest.raises(InjectedFault):
        run_experiment(cfg, tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    monkeypatch.delenv("COOPSAT_FAULT_AFTER_PARTS")
    assert RunDir(tmp_path / "r", cfg).done_drops() == set(range(6))
    res = run_experiment(
        cfg, tmp_path / "r", executor=SerialExecutor(), task=fake_chunk, resume=True
    )
    assert res.n_computed_drops == 6 and res.table["drop"].nunique() == 12


def test_resume_refuses_a_different_config_and_an_empty_dir(tmp_path):
    run_experiment(_config(), tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    with pytest.raises(ResumeError, match=r"differs .* in channel\.zeta2: 0\.5 -> 0\.9;"):
        run_experiment(
            _config(**{"channel.zeta2": 0.9}),
            tmp_path / "r",
            executor=SerialExecutor(),
            task=fake_chunk,
            resume=True,
        )
    with pytest.raises(ResumeError, match=r"holds no run.json .* without --resume to start it"):
        run_experiment(
            _config(), tmp_path / "empty", executor=SerialExecutor(), task=fake_chunk, resume=True
        )


def test_an_existing_run_is_refused_unless_overwrite_then_replaced_without_temporaries(tmp_path):
    first = run_experiment(
        _config(**{"run.drops": 20}), tmp_path / "r", executor=SerialExecutor(), task=fake_chunk
    )
    before = first.table_path.read_bytes()
    refused = r"already holds a coopsat run; add --resume .*--overwrite"
    with pytest.raises(ConfigError, match=refused):
        run_experiment(_config(), tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    assert first.table_path.read_bytes() == before  # nothing touched
    res = run_experiment(
        _config(), tmp_path / "r", executor=SerialExecutor(), task=fake_chunk, overwrite=True
    )
    assert res.table["drop"].max() == 11
    assert not list((tmp_path / "r").rglob("*.tmp"))


@pytest.mark.parametrize("damage", ["truncate", "flip_byte", "delete_part", "bad_manifest"])
def test_a_damaged_checkpoint_is_reported_and_recomputed_on_resume(tmp_path, damage):
    cfg = _config()
    full = run_experiment(cfg, tmp_path / "full", executor=SerialExecutor(), task=fake_chunk)
    run_experiment(cfg, tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    parts = tmp_path / "r" / "parts"
    target = parts / "rows-0000002-0000003.parquet"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "flip_byte":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "delete_part":
        target.unlink()
    else:
        (parts / "chunk-0000002-0000003.json").write_text("{not json")
    notes = []
    res = run_experiment(
        cfg, tmp_path / "r", executor=SerialExecutor(), task=fake_chunk, resume=True,
        notify=notes.append,
    )
    assert len(notes) == 1 and "drops 2..3 is damaged" in notes[0]
    assert res.n_computed_drops == 2  # only the damaged chunk
    _same(full.table, res.table)


def test_corrupt_run_json_and_table_are_one_line_errors_naming_the_file(tmp_path):
    res = run_experiment(_config(), tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    res.table_path.write_bytes(res.table_path.read_bytes()[:200])
    with pytest.raises(ConfigError, match=r"table.parquet' is not a readable Parquet table"):
        read_table(res.table_path)
    (tmp_path / "r" / "run.json").write_text('{"config": {"run": ')
    with pytest.raises(ConfigError, match=r"run.json' is unreadable or not JSON"):
        RunDir.open(tmp_path / "r")
    with pytest.raises(ConfigError, match=r"run.json' is unreadable or not JSON"):
        run_experiment(
            _config(), tmp_path / "r", executor=SerialExecutor(), task=fake_chunk, resume=True
        )


@pytest.mark.parametrize("record", [{}, {"config": 5}, {"config": ["run"]}, {"config": None}])
def test_open_refuses_a_run_json_without_a_config_in_one_line_naming_it(tmp_path, record):
    (tmp_path / "run.json").write_text(json.dumps(record))
    name = re.escape(repr(str(tmp_path / "run.json")))
    with pytest.raises(ConfigError, match=rf"^{name} holds no config$"):
        RunDir.open(tmp_path)


def test_open_gives_the_run_of_its_folder_with_the_stored_config(tmp_path):
    cfg = _config(**{"run.seed": 7})
    run_experiment(cfg, tmp_path / "r", executor=SerialExecutor(), task=fake_chunk)
    run = RunDir.open(str(tmp_path / "r"))
    assert run.path == tmp_path / "r" and run.table_path == tmp_path / "r" / "table.parquet"
    assert run.config.hash() == cfg.hash() and run.config.run.seed == 7
    assert run.read_extra() == {}  # the sweep kind has no extra tables


def test_extra_tables_written_with_a_run_read_back_equal_with_its_metadata(tmp_path):
    cfg = build_config({"run.kind": "waveform"})
    assert KINDS["waveform"].extra_names == ("ici", "correlation")
    rng = np.random.default_rng(5)
    tables = {
        "ici": {"nu_over_df": np.linspace(0.0, 0.3, 4), "ici_measured": rng.random(4)},
        "correlation": {"dtau_over_tsym": np.arange(3.0), "corr_measured": rng.random(3),
                        "floor": np.full(3, 0.25)},
    }
    run = RunDir(tmp_path, cfg)
    written = run.write_extra(tables)
    expected = {name: pd.DataFrame(columns) for name, columns in tables.items()}
    read = run.read_extra()
    for got in (written, read):
        assert list(got) == ["ici", "correlation"]
        for name, frame in expected.items():
            pd.testing.assert_frame_equal(got[name], frame)  # exact: float64 round trip
    for name in tables:
        meta = read_metadata(tmp_path / f"{name}.parquet")
        assert meta["coopsat.config_hash"] == cfg.hash() and meta["coopsat.kind"] == "waveform"
        assert json.loads(meta["coopsat.config"]) == cfg.to_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["correlation.parquet", "ici.parquet"]


def test_process_pool_matches_serial_and_has_one_blas_thread(tmp_path, process_pool):
    cfg = _config()
    serial = run_experiment(cfg, tmp_path / "s", executor=SerialExecutor(), task=fake_chunk)
    pooled = run_experiment(cfg, tmp_path / "p", executor=process_pool, task=fake_chunk)
    _same(serial.table, pooled.table)
    assert process_pool.submit(os.getpid).result() != os.getpid()  # in a worker process
    assert set(process_pool.submit(blas_threads).result().values()) == {"1"}


def _blas_thread_counts() -> list[int]:
    from threadpoolctl import threadpool_info

    return [lib["num_threads"] for lib in threadpool_info()]


def test_serial_tasks_run_with_one_blas_thread_and_the_caller_keeps_its_own():
    from threadpoolctl import threadpool_limits

    executor = SerialExecutor()
    with threadpool_limits(limits=2):  # the caller's setting, whatever the machine's CPUs
        before = _blas_thread_counts()
        assert before and set(before) == {2}
        for _ in range(2):  # the first task looks the libraries up, the second reuses them
            assert set(executor.submit(_blas_thread_counts).result()) == {1}
            assert _blas_thread_counts() == before


def test_a_refused_run_or_one_with_nothing_left_spawns_no_worker(tmp_path):
    """The pool starts at its first task: a folder refused at the start, or a resumed run
    whose drops are all done, costs no process start-up."""
    import multiprocessing

    cfg = _config()
    done = tmp_path / "done"
    run_experiment(cfg, done, executor=SerialExecutor(), task=fake_chunk)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    before = set(multiprocessing.active_children())
    with local_pool(1) as pool:  # one worker shows it: each costs a start-up of the package
        with pytest.raises(ConfigError, match="holding no coopsat run"):
            run_experiment(cfg, foreign, executor=pool, task=fake_chunk)
        again = run_experiment(cfg, done, executor=pool, task=fake_chunk, resume=True)
        assert again.n_computed_drops == 0
        assert set(multiprocessing.active_children()) == before
        assert pool.submit(os.getpid).result() != os.getpid()  # started on demand
        assert len(set(multiprocessing.active_children()) - before) == 1
    assert (foreign / "thesis.tex").read_text() == "mine"


_KILLED_PARENT = """
import os, signal, sys
sys.path.insert(0, {repo!r})
from coopsat.experiments.driver.executors import local_pool

with local_pool(1) as pool:  # each worker runs the same parent watch
    worker = pool.submit(os.getpid).result()
    me = str(os.getpid())
    kids = [p for p in os.listdir("/proc") if p.isdigit()
            and open(f"/proc/{{p}}/stat").read().rsplit(")", 1)[1].split()[1] == me]
    print(worker, " ".join(kids), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an exited, unreaped process)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs Linux /proc to find the workers")
def test_pool_workers_exit_when_the_run_is_killed_9(tmp_path):
    """Regression: after ``kill -9`` of the driver, its pool workers used to wait forever on
    the task queue (orphans holding memory); they now exit within a second or so."""
    script = _KILLED_PARENT.format(repo=str(REPO))
    log = tmp_path / "pids.txt"  # a file, not a pipe: orphans would hold a pipe open
    with log.open("w") as fh:
        proc = subprocess.run([sys.executable, "-c", script], stdout=fh, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    worker, *pids = (int(p) for p in log.read_text().split())
    assert worker in pids  # the pool worker, beside the resource tracker
    deadline = time.monotonic() + ORPHAN_EXIT_TIMEOUT_S
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in pids if _alive(p)]
    for p in left:  # do not leak them into the rest of the session if the check fails
        os.kill(p, signal.SIGKILL)
    assert not left, f"orphaned pool processes still alive: {left}"


# -- the run store on its own ------------------------------------------------------------------
def _q(path: Path) -> str:
    """A path as the messages quote it, as a regular expression."""
    return re.escape(repr(str(path)))


def _not_installed(monkeypatch) -> None:
    def version(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version_module.metadata, "version", version)


def test_the_installed_version_is_the_one_recorded(monkeypatch):
    def version(name):
        if name == "coopsat":
            return "9.8.7"
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version_module.metadata, "version", version)
    assert package_version() == "9.8.7"


def test_a_run_from_the_source_tree_records_the_version_of_its_pyproject(monkeypatch):
    """Regression: without an installed package the version was looked up in a pyproject.toml
    one folder too low (experiments/), so such runs all recorded '0+unknown'."""
    _not_installed(monkeypatch)
    expected = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert package_version() == expected != "0+unknown"


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ('[project]\nname = "coopsat"\nversion = "7.6.5"\n', "7.6.5"),
        ('[project]\nname = "another"\nversion = "7.6.5"\n', "0+unknown"),  # not our tree
        ('[project]\nname = "coopsat"\n', "0+unknown"),
        ('[tool.other]\nversion = "7.6.5"\n', "0+unknown"),
        ('[project\nname = "coopsat"\n', "0+unknown"),  # not TOML
        (None, "0+unknown"),  # a copy of the module outside any source tree
    ],
    ids=["coopsat", "another project", "no version", "no project", "not TOML", "none"],
)
def test_a_source_tree_version_comes_from_the_nearest_pyproject_if_coopsats(
    tmp_path, monkeypatch, pyproject, expected
):
    _not_installed(monkeypatch)
    tree = tmp_path / "tree"
    (tree / "coopsat").mkdir(parents=True)
    if pyproject is not None:
        (tree / "pyproject.toml").write_text(pyproject)
    monkeypatch.setattr(version_module, "__file__", str(tree / "coopsat/_version.py"))
    assert package_version() == expected


def test_run_json_records_config_hash_version_and_kind_readably(tmp_path):
    cfg = _config()
    RunDir.create(tmp_path, cfg, resume=False)
    text = (tmp_path / "run.json").read_text()
    expected = {"config": cfg.to_dict(), "config_hash": cfg.hash(), "version": package_version(),
                "kind": "sweep"}
    assert json.loads(text) == json.loads(json.dumps(expected))
    assert text == json.dumps(expected, indent=2) + "\n"  # two-space indent, a final newline


def test_every_table_of_a_run_carries_the_runs_metadata(tmp_path):
    cfg = _config()
    run_experiment(cfg, tmp_path, executor=SerialExecutor(), task=fake_chunk)
    files = sorted(tmp_path.rglob("*.parquet"))
    assert len(files) == 2 + 2 * 6  # the final tables, two parts of each of the six chunks
    expected = {"coopsat.config": cfg.to_json(), "coopsat.config_hash": cfg.hash(),
                "coopsat.version": package_version(), "coopsat.seed": str(cfg.run.seed),
                "coopsat.kind": "sweep"}
    for f in files:
        assert read_metadata(f) == expected, f.name


@pytest.mark.parametrize(
    ("exc", "why"),
    [(OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
     (OSError("the disk went away"), "the disk went away")],  # no strerror: its text
)
def test_a_run_json_that_cannot_be_written_is_a_one_line_error_naming_the_folder(
    tmp_path, monkeypatch, exc, why
):
    def fail(path, data):
        raise exc

    monkeypatch.setattr(store, "_atomic_write_bytes", fail)
    with pytest.raises(ConfigError, match=rf"^cannot write the run directory {_q(tmp_path)}: "
                       rf"{why}$"):
        RunDir.create(tmp_path, _config(), resume=False)


def test_a_fresh_run_in_a_run_folder_is_refused_saying_how_to_go_on(tmp_path):
    RunDir.create(tmp_path, _config(), resume=False)
    with pytest.raises(ConfigError, match=rf"^--out {_q(tmp_path)} already holds a coopsat run; "
                       r"add --resume to continue it or --overwrite to replace it$"):
        RunDir.create(tmp_path, _config(**{"run.seed": 3}), resume=False)


def test_resume_without_run_json_is_refused_saying_how_to_start(tmp_path):
    with pytest.raises(ResumeError, match=rf"^--resume: {_q(tmp_path)} holds no run.json \(the "
                       r"run never started, or it is not a coopsat run folder\); run the same "
                       r"command without --resume to start it$"):
        RunDir.create(tmp_path, _config(), resume=True)


def test_resume_of_a_run_json_without_its_hash_or_config_is_refused_in_one_line(tmp_path):
    """A run.json edited by hand or written by another tool: the stored hash shows as '?', an
    absent config as '<absent>' values; with the same config only the hashes are named."""
    cfg = _config()
    (tmp_path / "run.json").write_text(json.dumps({"config": cfg.to_dict()}))
    tail = r"; use another --out, or --overwrite \(without --resume\) to start over$"
    with pytest.raises(ResumeError, match=rf"^--resume: the config of {_q(tmp_path)} \(hash \?\) "
                       rf"differs from this one \(hash {cfg.run_id}\){tail}"):
        RunDir.create(tmp_path, cfg, resume=True)
    (tmp_path / "run.json").write_text("{}")
    with pytest.raises(ResumeError, match=rf"\(hash \?\) differs from this one \(hash "
                       rf"{cfg.run_id}\) in channel\.\w+: '<absent>' -> .*, \.\.\.{tail}"):
        RunDir.create(tmp_path, cfg, resume=True)


def test_open_names_a_folder_without_run_json_and_a_run_json_holding_no_record(tmp_path):
    with pytest.raises(ResumeError, match=rf"^{_q(tmp_path)} is not a coopsat run directory "
                       r"\(no run.json\)$"):
        RunDir.open(tmp_path)
    (tmp_path / "run.json").write_text("[1, 2]")
    with pytest.raises(ConfigError, match=rf"^{_q(tmp_path / 'run.json')} does not hold a run "
                       r"record$"):
        RunDir.open(tmp_path)


@pytest.mark.parametrize(("first", "last"), [(2, 5), (10, 13)], ids=["before", "after"])
def test_a_checkpoint_reaching_out_of_the_runs_drops_is_refused(tmp_path, first, last):
    """A manifest of this config whose drops straddle the run's range (renamed or edited by
    hand) is another run's, even with one end inside it."""
    cfg = _config(**{"run.first_drop": 4, "run.drops": 8})
    run = RunDir.create(tmp_path, cfg, resume=False)
    run.write_part(first, last, [], [])
    with pytest.raises(ResumeError, match=rf"chunk-{first:07d}-{last:07d}\.json' belongs to "
                       rf"another run .*; this run: {cfg.run_id}, drops 4\.\.11\)"):
        run.repair()


def test_repair_removes_parts_without_a_manifest_and_keeps_other_files(tmp_path):
    run = RunDir.create(tmp_path, _config(), resume=False)
    run.write_part(0, 1, [], [])
    run.write_part(2, 3, [], [])
    (run.parts / "chunk-0000002-0000003.json").unlink()  # as a writer killed before it
    (run.parts / "notes.txt").write_text("mine")
    (run.parts / "rows-old.parquet").write_text("mine too")
    assert run.repair() == []
    assert sorted(p.name for p in run.parts.iterdir()) == [
        "chunk-0000000-0000001.json", "notes.txt", "rows-0000000-0000001.parquet",
        "rows-old.parquet", "skipped-0000000-0000001.parquet"]
    assert run.done_drops() == {0, 1}


def test_finalize_before_any_checkpoint_gives_empty_tables_of_the_documented_columns(tmp_path):
    run = RunDir.create(tmp_path, _config(), resume=False)
    table, skipped = run.finalize()
    assert table.empty and list(table.columns) == [n for n, _ in KINDS["sweep"].columns]
    assert skipped.empty and list(skipped.columns) == [n for n, _ in SKIPPED]
    pd.testing.assert_frame_equal(read_table(run.table_path), table)


def test_commit_gives_the_replacing_run_in_its_folder_with_its_config(tmp_path):
    RunDir.create(tmp_path, _config(), resume=False)
    cfg = _config(**{"run.seed": 3})
    run = RunDir.create(tmp_path, cfg, resume=False, overwrite=True)
    assert (run.path, run.replaces) == (tmp_path / runfolder.STAGING_NAME, tmp_path)
    run.write_part(0, 1, [], [])
    run.finalize()
    committed = run.commit()
    assert committed == RunDir(tmp_path, cfg) and committed.config.run.seed == 3
    assert RunDir.open(tmp_path).config.hash() == cfg.hash()
