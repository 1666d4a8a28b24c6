"""Run folders coopsat may write into: what it owns, one writer at a time, atomic replacement.

Rules (``store.RunDir`` and the driver follow them):

- coopsat deletes or replaces only names it owns: ``run.json``, the final tables, the extra
  tables of every kind, the checkpoint parts and manifests under ``parts/``, its own temporary
  files, the lock and staging names below, and the figures listed in ``outputs.json`` (written
  when it saves them). Anything else in a run folder is left alone.
- A name it owns that is a symbolic link, or ``parts`` that is not a plain directory, is refused:
  coopsat never follows a link out of the run folder.
- A fresh run refuses a non-empty folder that holds no coopsat run.
- One writer per folder: the writer holds an exclusive ``flock`` on ``.coopsat.lock``; the kernel
  releases it when the process ends, so a killed run leaves nothing stuck.
- A run is replaced (``--overwrite``) by building the new one in ``.coopsat-replacing/`` inside
  the folder and moving its files into place only once it is complete: until then (and if the
  new run fails) the old run is intact.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from coopsat.experiments.errors import ConfigError
from coopsat.experiments.kinds import KINDS

LOCK_NAME = ".coopsat.lock"
STAGING_NAME = ".coopsat-replacing"
OUTPUTS_NAME = "outputs.json"
RUN_FILES = ("run.json", "table.parquet", "skipped.parquet")
_PART_NAME = re.compile(
    r"^(?:(?:rows|skipped)-\d{7,}-\d{7,}\.parquet|chunk-\d{7,}-\d{7,}\.json)$"
)
_TMP_NAME = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp$")  # mkstemp temporaries


@functools.cache
def new_file_mode() -> int:
    """The mode ``open`` gives a new file (0o666 less the umask); mkstemp's is 0o600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _show(path: Path) -> str:
    return repr(str(path))


def is_part_name(name: str) -> bool:
    """True for the names of checkpoint files (and their temporaries) under ``parts/``."""
    tmp = _TMP_NAME.match(name)
    return bool(_PART_NAME.match(tmp.group("name") if tmp else name))


def _owned_files(path: Path) -> set[str]:
    """The top-level file names of ``path`` that coopsat owns: its tables, the extra tables of
    every kind (a replaced run may have been of another), the figures in outputs.json."""
    extra = {f"{n}.parquet" for kind in KINDS.values() for n in kind.extra_names}
    names = {*RUN_FILES, OUTPUTS_NAME, LOCK_NAME, *extra}
    return names | set(recorded_outputs(path))


def _is_owned(name: str, owned: set[str]) -> bool:
    tmp = _TMP_NAME.match(name)
    return name in owned or bool(tmp and tmp.group("name") in owned)


def recorded_outputs(path: Path) -> list[str]:
    """Figure names recorded in ``path/outputs.json`` (plain names inside the folder)."""
    try:
        names = json.loads((path / OUTPUTS_NAME).read_text()).get("files")
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(names, list):  # a string would own every one-letter name in it
        return []
    return [n for n in names if isinstance(n, str) and n and "/" not in n and n[0] != "."]


def record_outputs(path: Path, files: Iterable[Path]) -> None:
    """Add the figures ``files`` written into run folder ``path`` to its outputs.json."""
    path = Path(path)
    names = set(recorded_outputs(path))
    names |= {Path(f).name for f in files if Path(f).resolve().parent == path.resolve()}
    data = json.dumps({"files": sorted(names)}, indent=2) + "\n"
    atomic_write_bytes(path / OUTPUTS_NAME, data.encode())


def holds_run(path: Path) -> bool:
    """True when ``path`` holds a coopsat run: run.json, a final table, or checkpoint parts."""
    if any((path / n).is_file() for n in RUN_FILES):
        return True
    parts = path / "parts"
    return parts.is_dir() and any(_PART_NAME.match(f.name) for f in parts.iterdir())


def check_folder(path: Path) -> None:
    """Refuse ``path`` (ConfigError naming --out) when coopsat may not write into it: a file, a
    non-empty folder holding no run, or an owned name that is a link or of the wrong type."""
    if path.is_symlink() and not path.exists():
        raise ConfigError(f"--out {_show(path)} is a dangling symbolic link; allowed: a folder")
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--out {_show(path)} is a file; allowed: a directory path")
    if not path.is_dir():
        return
    owned = _owned_files(path) | {"parts", STAGING_NAME}
    if not holds_run(path):
        foreign = sorted(f.name for f in path.iterdir() if not _is_owned(f.name, owned))
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ConfigError(
                f"--out {_show(path)} is a non-empty folder holding no coopsat run ({shown}); "
                "allowed: a new or empty folder, or a coopsat run folder"
            )
    for name in sorted(owned):
        _check_entry(path, name, want_dir=name in ("parts", STAGING_NAME))
    if (path / "parts").is_dir():
        for f in (path / "parts").iterdir():
            if is_part_name(f.name):
                _check_entry(path / "parts", f.name, want_dir=False)


def _check_entry(folder: Path, name: str, *, want_dir: bool) -> None:
    try:
        mode = os.lstat(folder / name).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise ConfigError(
            f"--out: {_show(folder / name)} is a symbolic link; coopsat does not follow links "
            "out of a run folder (replace it by a plain file or folder, or use another --out)"
        )
    if want_dir != stat.S_ISDIR(mode):
        what = "a folder" if want_dir else "a plain file"
        raise ConfigError(
            f"--out: {_show(folder / name)} is not {what} as a run folder holds; "
            "move it away or use another --out"
        )


@contextlib.contextmanager
def writer_lock(path: str | Path) -> Iterator[Path]:
    """Check ``path`` (:func:`check_folder`), create it if needed and hold the exclusive writer
    lock while the body runs; a second writer gets a one-line ConfigError. When the body fails,
    a lock file this call created is removed, and so is the folder if it created it and the
    folder is left empty."""
    path = Path(path)
    try:
        check_folder(path)
        created = not path.exists()
        path.mkdir(parents=True, exist_ok=True)
        new_lock = not (path / LOCK_NAME).exists()
        fd = os.open(path / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except OSError as exc:
        why = _why(exc)
        raise ConfigError(f"cannot write the run directory {_show(path)} (--out): {why}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise ConfigError(
                f"--out {_show(path)} is being written by another coopsat run (pid {holder}); "
                "wait for it to end or use another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        except BaseException:
            if new_lock:
                (path / LOCK_NAME).unlink(missing_ok=True)
            if created:
                with contextlib.suppress(OSError):
                    path.rmdir()
            raise
    finally:
        os.close(fd)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the path or one of its names is too long (names: 255 bytes at most)"
    return exc.strerror or str(exc)


def new_staging(path: Path) -> Path:
    """An empty staging folder for the run replacing the one in ``path`` (the remains of an
    earlier, interrupted replacement are cleared: coopsat's own files only). A staging folder
    still holding anything else is refused (ConfigError): everything in it would be moved over
    the run folder's files of the same names."""
    staging = path / STAGING_NAME
    if staging.is_dir():
        remove_owned(staging)
    if staging.exists():
        left = sorted(f.name for f in staging.iterdir())
        shown = ", ".join(left[:3]) + (", ..." if len(left) > 3 else "")
        raise ConfigError(
            f"--out: {_show(staging)} holds files coopsat did not write ({shown}); "
            "move them away or use another --out"
        )
    staging.mkdir()
    return staging


def remove_owned(
    path: Path, *, keep: Iterable[str] = (), drop_empty: bool = True
) -> None:
    """Delete coopsat's own files in ``path`` and ``path/parts`` (never through a link), except
    the top-level names in ``keep``; remove ``parts`` when left empty, and ``path`` itself too
    when ``drop_empty``."""
    keep = {*keep, LOCK_NAME}
    owned = _owned_files(path)
    parts = path / "parts"
    if parts.is_dir() and not parts.is_symlink():
        for f in parts.iterdir():
            if is_part_name(f.name) and not f.is_symlink() and f.is_file():
                f.unlink()
        with contextlib.suppress(OSError):
            parts.rmdir()
    for f in path.iterdir():
        if f.name not in keep and _is_owned(f.name, owned) and f.is_file() and not f.is_symlink():
            f.unlink()
    if drop_empty:
        with contextlib.suppress(OSError):
            path.rmdir()


def replace_run(staging: Path, target: Path) -> None:
    """Move the complete run in ``staging`` over the run in ``target``: the old parts, tables,
    extra tables and recorded figures go, the new ones move in (run.json last)."""
    new_top = {f.name for f in staging.iterdir() if f.is_file()}
    remove_owned(target, keep=new_top, drop_empty=False)
    (target / "parts").mkdir(exist_ok=True)
    for f in sorted((staging / "parts").iterdir()):
        os.replace(f, target / "parts" / f.name)
    (staging / "parts").rmdir()
    for name in sorted(new_top - {"run.json"}):
        os.replace(staging / name, target / name)
    os.replace(staging / "run.json", target / "run.json")
    staging.rmdir()
