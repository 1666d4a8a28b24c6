"""Run folders: coopsat deletes only its own files, follows no link out, replaces a run atomically,
refuses parts of another run, and admits one writer per folder (on the synthetic drop task)."""

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from coopsat.experiments.driver import runfolder, store
from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.driver.runner import run_experiment
from coopsat.experiments.driver.store import ResumeError, RunDir
from coopsat.experiments.errors import ConfigError
from tests.test_experiments_runner import _config, _q, _same, fake_chunk

REPO = Path(__file__).resolve().parent.parent


def _run(out, cfg=None, **kw):
    return run_experiment(cfg or _config(), out, executor=SerialExecutor(), task=fake_chunk, **kw)


def _interrupted(out, after: int, **kw) -> None:
    """Start a run in ``out`` and interrupt it (Ctrl-C) once ``after`` chunks are written."""

    def stop(n):
        if n == after:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(out, on_part=stop, **kw)


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (links not followed) with the SHA-256 of its bytes; the writer
    lock (which holds the last writer's pid) is left out."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.name == runfolder.LOCK_NAME:
            continue
        if p.is_symlink():
            out[str(p.relative_to(root))] = "link -> " + os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "thesis.pdf").write_bytes(b"%PDF-1.4 thesis")
    (path / "photo.png").write_bytes(b"\x89PNG photo")
    (path / ".draft.tmp").write_text("draft")
    (path / "table.parquet.bak").write_text("mine")
    return path


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_non_empty_folder_without_a_run_is_refused_and_left_untouched(tmp_path, overwrite):
    docs = _user_folder(tmp_path / "docs")
    before = _snapshot(docs)
    with pytest.raises(ConfigError, match=r"^--out '.*docs' is a non-empty folder holding no "
                       r"coopsat run \(\.draft\.tmp, photo\.png, table\.parquet\.bak, \.\.\.\)"):
        _run(docs, overwrite=overwrite)
    assert _snapshot(docs) == before


def test_foreign_files_in_a_run_folder_survive_overwrite_and_recorded_figures_go(tmp_path):
    out = tmp_path / "r"
    _run(out, _config(**{"run.drops": 20}))
    (out / "r.png").write_bytes(b"figure")
    runfolder.record_outputs(out, [out / "r.png"])
    (out / "notes.txt").write_text("mine")
    (out / "other.png").write_bytes(b"mine too")
    res = _run(out, overwrite=True)
    assert res.table["drop"].max() == 11 and res.run_dir == out
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "other.png").read_bytes() == b"mine too"
    assert not (out / "r.png").exists() and not (out / runfolder.OUTPUTS_NAME).exists()
    assert not (out / runfolder.STAGING_NAME).exists()
    assert sorted(p.name for p in (out / "parts").iterdir())[0] == "chunk-0000000-0000001.json"
    assert len(list((out / "parts").iterdir())) == 3 * 6


@pytest.mark.parametrize("link", ["parts", "table.parquet", "out"])
def test_links_out_of_the_run_folder_are_refused_and_the_outside_untouched(tmp_path, link):
    outside = tmp_path / "outside"
    _run(outside / "run")
    (outside / "keep.txt").write_text("keep")
    out = tmp_path / "r"
    if link == "out":  # the run folder itself links to a folder holding no run
        out.symlink_to(outside, target_is_directory=True)
        expected = r"is a non-empty folder holding no coopsat run"
    else:
        _run(out)
        target = outside / "run" / link
        shutil.rmtree(out / link) if link == "parts" else (out / link).unlink()
        (out / link).symlink_to(target, target_is_directory=link == "parts")
        expected = rf"'.*r/{link}' is a symbolic link; coopsat does not follow links"
    before = _snapshot(outside)
    for kw in ({"overwrite": True}, {"resume": True}, {}):
        with pytest.raises(ConfigError, match=expected):
            _run(out, **kw)
    assert _snapshot(outside) == before


def test_overwrite_that_cannot_replace_leaves_the_old_run_intact(tmp_path):
    out = tmp_path / "r"
    _run(out, _config(**{"run.drops": 20}))
    (out / "table.parquet").unlink()
    (out / "table.parquet").mkdir()
    before = _snapshot(out)
    with pytest.raises(ConfigError, match=r"table.parquet' is not a plain file as a run folder"):
        _run(out, overwrite=True)
    assert _snapshot(out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_overwrite_in_a_read_only_folder_leaves_the_old_run_intact(tmp_path):
    out = tmp_path / "r"
    _run(out, _config(**{"run.drops": 20}))
    before = _snapshot(out)
    out.chmod(0o555)
    try:
        with pytest.raises(ConfigError, match=r"cannot write the run"):
            _run(out, overwrite=True)
    finally:
        out.chmod(0o755)
    assert _snapshot(out) == before


def test_a_failing_replacement_leaves_the_old_run_intact_and_a_rerun_completes(tmp_path):
    out = tmp_path / "r"
    _run(out, _config(**{"run.drops": 20}))
    before = _snapshot(out)

    _interrupted(out, 3, overwrite=True)
    left = _snapshot(out)
    staged = {k for k in left if k.startswith(runfolder.STAGING_NAME)}
    assert len(staged) == 1 + 3 * 3  # run.json and three chunks of the new run, aside
    assert {k: v for k, v in left.items() if k not in staged} == before
    fresh = _run(tmp_path / "fresh")
    res = _run(out, overwrite=True)
    _same(fresh.table, res.table)
    assert set(_snapshot(out)) == set(_snapshot(tmp_path / "fresh"))


def _copy_chunk(src: Path, dst: Path, tag: str) -> None:
    for name in (f"chunk-{tag}.json", f"rows-{tag}.parquet", f"skipped-{tag}.parquet"):
        shutil.copy(src / "parts" / name, dst / "parts" / name)


@pytest.mark.parametrize(
    ("other", "tag"),
    [({"run.seed": 7}, "0000002-0000003"), ({"run.drops": 16}, "0000012-0000013")],
    ids=["another seed", "a drop outside the range"],
)
def test_resume_refuses_a_part_of_another_run(tmp_path, other, tag):
    _run(tmp_path / "other", _config(**other))
    cut = tmp_path / "cut"

    _interrupted(cut, 1)
    _copy_chunk(tmp_path / "other", cut, tag)
    before = _snapshot(cut)
    with pytest.raises(ResumeError, match=rf"chunk-{tag}.json' belongs to another run \(config "
                       r"hash \w{12}, drops \[\d+, \d+\]; this run: \w{12}, drops 0..11\)"):
        _run(cut, resume=True)
    assert _snapshot(cut) == before


def test_a_damaged_skipped_part_is_detected_and_recomputed(tmp_path):
    full = _run(tmp_path / "full")
    _run(tmp_path / "r")
    target = tmp_path / "r" / "parts" / "skipped-0000000-0000001.parquet"
    target.write_bytes(target.read_bytes()[:-9] + b"PAR1")
    notes = []
    res = _run(tmp_path / "r", resume=True, notify=notes.append)
    assert notes == [
        "checkpoint of drops 0..1 is damaged (skipped-0000000-0000001.parquet does not match "
        "its recorded SHA-256): recomputed"
    ]
    assert res.n_computed_drops == 2
    _same(full.table, res.table)
    assert res.skipped.equals(full.skipped)


def test_a_folder_holding_only_checkpoints_is_a_run(tmp_path):
    out = tmp_path / "r"
    _run(out)
    for name in ("run.json", "table.parquet", "skipped.parquet"):
        (out / name).unlink()
    assert runfolder.holds_run(out)
    before = _snapshot(out)
    with pytest.raises(ConfigError, match=r"already holds a coopsat run; add --resume"):
        _run(out)
    assert _snapshot(out) == before


def test_a_fresh_start_after_an_interruption_keeps_the_checkpoints(tmp_path):
    out = tmp_path / "r"

    _interrupted(out, 2)
    before = _snapshot(out)
    with pytest.raises(ConfigError, match=r"already holds a coopsat run; add --resume"):
        _run(out)
    assert _snapshot(out) == before
    assert _run(out, resume=True).n_computed_drops == 8


def slow_chunk(config, drops):
    threading.Event().wait(0.05)
    return fake_chunk(config, drops)


def test_two_writers_started_at_once_one_is_refused_nothing_mixed(tmp_path):
    out = tmp_path / "r"
    start = threading.Barrier(2)
    results, errors = {}, {}

    def writer(seed):
        start.wait()
        try:
            results[seed] = run_experiment(
                _config(**{"run.seed": seed}), out, executor=SerialExecutor(), task=slow_chunk
            )
        except ConfigError as exc:
            errors[seed] = str(exc)

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 1 and len(errors) == 1, (results, errors)
    (seed,) = results
    (message,) = errors.values()
    assert (
        "is being written by another coopsat run (pid" in message
        or "already holds a coopsat run" in message  # the winner may have finished first
    )
    assert set(RunDir.open(out).config.run.seed for _ in [0]) == {seed}
    assert set(results[seed].table["seed"]) == {seed}


_WRITER = """
import sys
sys.path.insert(0, {repo!r})
from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.errors import ConfigError
from coopsat.experiments.driver.runner import run_experiment
from tests.test_experiments_runfolder import slow_chunk
from tests.test_experiments_runner import _config
try:
    run_experiment(_config(**{{"run.seed": {seed}}}), {out!r}, executor=SerialExecutor(),
                   task=slow_chunk)
except ConfigError as exc:
    print(exc)
    sys.exit(2)
"""


def test_a_lock_file_left_by_an_ended_writer_does_not_block(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / runfolder.LOCK_NAME).write_text("4194303\n")  # no such process holds it
    assert _run(out).table["drop"].nunique() == 12
    assert (out / runfolder.LOCK_NAME).read_text() == f"{os.getpid()}\n"


@pytest.mark.slow
def test_two_writer_processes_at_once_and_a_killed_writer_leaves_no_stuck_lock(tmp_path):
    out = str(tmp_path / "r")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER.format(repo=str(REPO), seed=s, out=out)],
            stdout=subprocess.PIPE, text=True,
        )
        for s in (1, 2)
    ]
    messages = [p.communicate(timeout=120)[0] for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], messages
    assert any("already holds a coopsat run" in m or "being written by another" in m
               for m in messages)
    winner = RunDir.open(out).config.run.seed
    assert set(RunDir(Path(out), _config(**{"run.seed": winner})).done_drops()) == set(range(12))
    # a writer killed while holding the lock: the next run is not blocked
    killed = subprocess.run(
        [sys.executable, "-c", _WRITER.format(repo=str(REPO), seed=3, out=out + "-k")],
        env={**os.environ, "COOPSAT_FAULT_AFTER_PARTS": "2:kill"}, timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL
    assert _run(out + "-k", _config(**{"run.seed": 3}), resume=True).n_computed_drops == 8


# -- the runfolder functions on their own -----------------------------------------------------
PART = "rows-0000000-0000001.parquet"  # a checkpoint part name, as RunDir.write_part names them


def test_outputs_json_accumulates_the_figure_names_of_several_calls(tmp_path):
    (tmp_path / "b.png").write_bytes(b"figure")
    runfolder.record_outputs(tmp_path, [tmp_path / "b.png"])
    runfolder.record_outputs(tmp_path, [tmp_path / "a.pdf", tmp_path / "b.png"])
    runfolder.record_outputs(tmp_path, [tmp_path.parent / "elsewhere.png"])  # not in the folder
    assert runfolder.recorded_outputs(tmp_path) == ["a.pdf", "b.png"]
    # the same readable JSON as run.json: two-space indent, names sorted, a final newline
    text = (tmp_path / runfolder.OUTPUTS_NAME).read_text()
    assert text == '{\n  "files": [\n    "a.pdf",\n    "b.png"\n  ]\n}\n'


def test_temporaries_of_owned_names_are_coopsats_and_others_are_not(tmp_path):
    """A first run interrupted while writing run.json leaves its temporary (mkstemp's name):
    the folder is not foreign; a temporary of any other name is."""
    out = tmp_path / "r"
    (out / "parts").mkdir(parents=True)
    (out / ".run.json.k2x9_a1b.tmp").write_text("{")
    (out / f".{PART}.q0w9e8r7.tmp").write_bytes(b"PAR1")  # a part's, at the top: not owned
    with pytest.raises(ConfigError, match=rf"holding no coopsat run \(\.{PART}\.q0w9e8r7\.tmp\);"):
        runfolder.check_folder(out)
    (out / f".{PART}.q0w9e8r7.tmp").unlink()
    runfolder.check_folder(out)
    (out / ".notes.txt.ab12cd34.tmp").write_text("mine")
    with pytest.raises(ConfigError, match=r"no coopsat run \(\.notes\.txt\.ab12cd34\.tmp\)"):
        runfolder.check_folder(out)
    (out / ".table.parquet.zz99zz99.tmp").write_bytes(b"PAR1")
    runfolder.remove_owned(out)
    assert sorted(p.name for p in out.iterdir()) == [".notes.txt.ab12cd34.tmp"]


def test_a_name_too_long_is_refused_in_one_line_saying_so(tmp_path):
    out = tmp_path / ("r" * 300)
    with pytest.raises(ConfigError, match=r"^cannot write the run directory '.*r{300}' \(--out\): "
                       r"the path or one of its names is too long \(names: 255 bytes at most\)$"):
        with runfolder.writer_lock(out):
            pass
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_path_is_refused_with_the_systems_reason_only(tmp_path):
    (tmp_path / "file").write_text("mine")
    out = tmp_path / "file" / "r"
    with pytest.raises(ConfigError, match=r"^cannot write the run directory '.*file/r' \(--out\): "
                       r"Not a directory$"):
        with runfolder.writer_lock(out):
            pass
    assert (tmp_path / "file").read_text() == "mine"


@pytest.mark.parametrize(
    ("exc", "why"),
    [
        (OSError(errno.ENAMETOOLONG, "File name too long", "x"),
         "the path or one of its names is too long (names: 255 bytes at most)"),
        (OSError(errno.EACCES, "Permission denied", "x"), "Permission denied"),
        (OSError("the disk went away"), "the disk went away"),  # no errno, no strerror
    ],
)
def test_the_reason_of_an_os_error_is_its_own_words(exc, why):
    assert runfolder._why(exc) == why


def test_a_staging_folder_holding_files_coopsat_did_not_write_is_refused(tmp_path):
    """Everything in the staging folder is moved over the run folder once the new run is
    complete: a file of someone else's there would replace the run folder's file of the same
    name. Its own leftovers are cleared; anything else is refused and nothing is moved."""
    out = tmp_path / "r"
    _run(out)
    (out / "notes.txt").write_text("mine")
    staging = out / runfolder.STAGING_NAME
    (staging / "parts").mkdir(parents=True)
    (staging / "run.json").write_text("{}")  # left by an interrupted replacement: coopsat's
    (staging / "parts" / PART).write_bytes(b"PAR1")
    (staging / "notes.txt").write_text("also mine")
    before = {k: v for k, v in _snapshot(out).items() if not k.startswith(staging.name)}
    with pytest.raises(ConfigError, match=r"^--out: '.*r/\.coopsat-replacing' holds files coopsat "
                       r"did not write \(notes\.txt\); move them away or use another --out$"):
        _run(out, overwrite=True)
    assert {k: v for k, v in _snapshot(out).items() if not k.startswith(staging.name)} == before
    assert sorted(p.name for p in staging.iterdir()) == ["notes.txt"]
    assert (staging / "notes.txt").read_text() == "also mine"


@pytest.mark.parametrize("n", [3, 4, 5])
def test_the_refusal_names_the_first_three_foreign_files(tmp_path, n):
    """The message lists the first three names in sorted order, separated by ", ", and adds
    ", ..." only where there are more than three."""
    names = [f"f{i}.txt" for i in reversed(range(n))]
    staging = tmp_path / runfolder.STAGING_NAME
    staging.mkdir()
    for name in names:
        (staging / name).write_text("x")
    shown = ", ".join(sorted(names)[:3]) + (", ..." if n > 3 else "")
    expected = rf"holds files coopsat did not write \({re.escape(shown)}\);"
    with pytest.raises(ConfigError, match=expected):
        runfolder.new_staging(tmp_path)


def _old_run(path: Path) -> None:
    (path / "parts").mkdir(parents=True)
    for name in ("run.json", "table.parquet", "skipped.parquet", "ici.parquet", "fig.png"):
        (path / name).write_text(f"old {name}")
    runfolder.record_outputs(path, [path / "fig.png"])
    for name in (PART, "chunk-0000000-0000001.json", f".{PART}.a1b2c3d4.tmp"):
        (path / "parts" / name).write_text(f"old {name}")


def test_remove_owned_drops_its_own_files_and_the_folder_left_empty(tmp_path):
    _old_run(tmp_path / "r")
    (tmp_path / "r" / ".run.json.a1b2c3d4.tmp").write_text("{")
    runfolder.remove_owned(tmp_path / "r")
    assert list(tmp_path.iterdir()) == []


def test_remove_owned_keeps_foreign_files_links_and_the_names_it_is_told(tmp_path):
    out, outside = tmp_path / "r", tmp_path / "outside"
    _old_run(out)
    outside.mkdir()
    (outside / "data.txt").write_text("outside")
    (out / "thesis.pdf").write_text("mine")
    (out / "parts" / "notes.txt").write_text("mine too")
    (out / "parts" / "skipped-0000000-0000001.parquet").symlink_to(outside / "data.txt")
    (out / "ici.parquet").unlink()
    (out / "ici.parquet").symlink_to(outside / "data.txt")
    runfolder.remove_owned(out, keep=["table.parquet"])
    assert sorted(p.name for p in out.iterdir()) == ["ici.parquet", "parts", "table.parquet",
                                                     "thesis.pdf"]
    assert sorted(p.name for p in (out / "parts").iterdir()) == [
        "notes.txt", "skipped-0000000-0000001.parquet"]
    assert (out / "ici.parquet").is_symlink() and (outside / "data.txt").read_text() == "outside"
    assert (out / "table.parquet").read_text() == "old table.parquet"


@pytest.mark.parametrize("parts", ["a link to a folder", "absent"])
def test_remove_owned_never_enters_a_linked_parts_folder(tmp_path, parts):
    out, outside = tmp_path / "r", tmp_path / "outside"
    _old_run(outside)
    before = _snapshot(outside)
    out.mkdir()
    (out / "run.json").write_text("{}")
    (out / "thesis.pdf").write_text("mine")
    if parts != "absent":
        (out / "parts").symlink_to(outside / "parts", target_is_directory=True)
    runfolder.remove_owned(out)
    assert _snapshot(outside) == before
    kept = sorted(p.name for p in out.iterdir())
    assert kept == (["parts", "thesis.pdf"] if parts != "absent" else ["thesis.pdf"])


def _new_run(staging: Path) -> None:
    (staging / "parts").mkdir(parents=True)
    for name in ("run.json", "table.parquet", "skipped.parquet"):
        (staging / name).write_text(f"new {name}")
    for name in ("rows-0000000-0000003.parquet", "chunk-0000000-0000003.json"):
        (staging / "parts" / name).write_text(f"new {name}")


def test_replace_run_moves_the_new_run_in_and_keeps_what_is_not_coopsats(tmp_path):
    out = tmp_path / "r"
    _old_run(out)
    (out / "thesis.pdf").write_text("mine")
    (out / "parts" / "notes.txt").write_text("mine too")
    _new_run(out / runfolder.STAGING_NAME)
    runfolder.replace_run(out / runfolder.STAGING_NAME, out)
    assert _snapshot(out) == {
        **{n: _sha(f"new {n}") for n in ("run.json", "table.parquet", "skipped.parquet")},
        **{f"parts/{n}": _sha(f"new {n}")
           for n in ("rows-0000000-0000003.parquet", "chunk-0000000-0000003.json")},
        "thesis.pdf": _sha("mine"), "parts/notes.txt": _sha("mine too"),
    }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_run_files_exist_at_every_step_of_a_replacement(tmp_path, monkeypatch):
    """Old or new, run.json and the tables are always there: each is replaced in one step, so
    a replacement cut short (or a reader meanwhile) never finds a folder without them."""
    out = tmp_path / "r"
    _old_run(out)
    _new_run(out / runfolder.STAGING_NAME)
    replace, seen = os.replace, []

    def watched(src, dst):
        seen.append(sorted(n for n in runfolder.RUN_FILES if (out / n).is_file()))
        replace(src, dst)

    monkeypatch.setattr(runfolder.os, "replace", watched)
    runfolder.replace_run(out / runfolder.STAGING_NAME, out)
    assert len(seen) == 5 and all(s == sorted(runfolder.RUN_FILES) for s in seen)
    assert (out / "run.json").read_text() == "new run.json"


def test_replace_run_keeps_the_folder_when_nothing_else_of_its_own_is_left(tmp_path):
    """Outside the writer lock (no lock file) a folder holding only checkpoints is left empty
    by the clean-up; it is the folder the new run moves into, so it stays."""
    out = tmp_path / "r"
    (out / "parts").mkdir(parents=True)
    (out / "parts" / PART).write_text("old")
    _new_run(tmp_path / "staging")
    runfolder.replace_run(tmp_path / "staging", out)
    assert sorted(_snapshot(out)) == ["parts/chunk-0000000-0000003.json",
                                      "parts/rows-0000000-0000003.parquet", "run.json",
                                      "skipped.parquet", "table.parquet"]
    assert not (tmp_path / "staging").exists()


def test_every_file_of_a_run_is_written_through_a_temporary_coopsat_owns(tmp_path, monkeypatch):
    """Each file is written to a hidden temporary beside it (mkstemp's ``.NAME.XXXXXXXX.tmp``)
    and renamed into place, so a temporary a killed writer leaves is inside the run folder and
    named as one of coopsat's own (cleared on resume, never taken for a foreign file)."""
    replace, moves = os.replace, []

    def watched(src, dst):
        moves.append((Path(src), Path(dst)))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", watched)
    _run(tmp_path / "r")
    assert len(moves) == 1 + 3 * 6 + 2  # run.json, three files of each chunk, the two tables
    for src, dst in moves:
        assert src.parent == dst.parent and not src.exists()
        assert re.fullmatch(rf"\.{re.escape(dst.name)}\.\w+\.tmp", src.name), src.name
        assert runfolder.is_part_name(src.name) == (dst.parent.name == "parts")


def test_a_temporary_left_by_a_crashed_writer_is_cleared_on_resume(tmp_path):
    out = tmp_path / "r"
    _interrupted(out, 2)
    leftover = out / "parts" / ".rows-0000004-0000005.parquet.k3j_x9a1.tmp"
    leftover.write_bytes(b"PAR1 half a table")
    assert _run(out, resume=True).n_computed_drops == 8
    assert not list(out.rglob("*.tmp"))


def _write_table(path: Path) -> None:
    store._atomic_write_table(path, pa.table({"x": [1, 2]}))


def _write_bytes(path: Path) -> None:
    runfolder.atomic_write_bytes(path, b"data")


@pytest.mark.parametrize("write", [_write_table, _write_bytes], ids=["table", "bytes"])
def test_a_failed_atomic_write_leaves_neither_the_file_nor_a_temporary(tmp_path, monkeypatch,
                                                                      write):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left on device"):
        write(tmp_path / "t")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", [_write_table, _write_bytes], ids=["table", "bytes"])
def test_ctrl_c_just_after_the_rename_is_still_an_interruption(tmp_path, monkeypatch, write):
    """The temporary is gone once renamed: its clean-up must not turn the interruption into a
    FileNotFoundError."""
    replace = os.replace

    def interrupted(src, dst):
        replace(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write(tmp_path / "t")
    assert [p.name for p in tmp_path.iterdir()] == ["t"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"files": ["ok.png", "a/b.png", "../up.png", "", ".hidden.png", 5, None]}, ["ok.png"]),
        ({}, []),
        ({"files": None}, []),
        ({"files": 5}, []),
        ({"files": "fig.png"}, []),
        (["fig.png"], []),
    ],
    ids=["names", "no files", "null", "a number", "a string", "a list"],
)
def test_recorded_outputs_are_plain_names_inside_the_folder_only(tmp_path, record, expected):
    (tmp_path / runfolder.OUTPUTS_NAME).write_text(json.dumps(record))
    assert runfolder.recorded_outputs(tmp_path) == expected
    runfolder.check_folder(tmp_path)  # an outputs.json is coopsat's, whatever it holds


def test_an_outputs_json_holding_a_string_owns_none_of_its_letters(tmp_path):
    """Regression: a string instead of a list was read letter by letter, so clearing the run
    deleted the user's files named f, i, g, p or n (and a number crashed with a TypeError)."""
    (tmp_path / "run.json").write_text("{}")
    (tmp_path / runfolder.OUTPUTS_NAME).write_text(json.dumps({"files": "fig.png"}))
    (tmp_path / "g").write_text("mine")
    runfolder.remove_owned(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["g"]


def test_an_out_that_is_a_file_or_a_dangling_link_is_refused_naming_it(tmp_path):
    (tmp_path / "file").write_text("mine")
    with pytest.raises(ConfigError, match=rf"^--out {_q(tmp_path / 'file')} is a file; allowed: "
                       r"a directory path$"):
        runfolder.check_folder(tmp_path / "file")
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match=rf"^--out {_q(tmp_path / 'link')} is a dangling symbolic "
                       r"link; allowed: a folder$"):
        runfolder.check_folder(tmp_path / "link")


def test_a_folder_of_three_foreign_files_is_refused_naming_all_three(tmp_path):
    for name in ("c.txt", "a.txt", "b.txt"):
        (tmp_path / name).write_text("mine")
    with pytest.raises(ConfigError, match=rf"^--out {_q(tmp_path)} is a non-empty folder holding "
                       r"no coopsat run \(a\.txt, b\.txt, c\.txt\); allowed: a new or empty "
                       r"folder, or a coopsat run folder$"):
        runfolder.check_folder(tmp_path)


def test_a_checkpoint_part_that_is_a_link_is_refused(tmp_path):
    (tmp_path / "outside.parquet").write_text("outside")
    out = tmp_path / "r"
    (out / "parts").mkdir(parents=True)
    (out / "run.json").write_text("{}")
    (out / "parts" / PART).symlink_to(tmp_path / "outside.parquet")
    with pytest.raises(ConfigError, match=rf"^--out: {_q(out / 'parts' / PART)} is a symbolic "
                       r"link; coopsat does not follow links out of a run folder \(replace it by "
                       r"a plain file or folder, or use another --out\)$"):
        runfolder.check_folder(out)
    assert (tmp_path / "outside.parquet").read_text() == "outside"


@pytest.mark.parametrize(("name", "what"), [("parts", "a folder"), ("run.json", "a plain file")])
def test_an_owned_name_of_the_wrong_type_is_refused_saying_what_it_should_be(tmp_path, name,
                                                                            what):
    (tmp_path / "table.parquet").write_text("old")  # the folder holds a run
    if name == "parts":
        (tmp_path / name).write_text("not a folder")
    else:
        (tmp_path / name).mkdir()
    with pytest.raises(ConfigError, match=rf"^--out: {_q(tmp_path / name)} is not {what} as a "
                       r"run folder holds; move it away or use another --out$"):
        runfolder.check_folder(tmp_path)
