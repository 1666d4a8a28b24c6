"""Run directories: resolved config, checkpoint part files and the final tables.

Layout of a run directory::

    run.json                       resolved config, its SHA-256 hash, package version, kind
    parts/rows-FFFFFFF-LLLLLLL.parquet     result rows of drops F..L (one chunk)
    parts/skipped-FFFFFFF-LLLLLLL.parquet  skipped drops/attempts of that chunk
    parts/chunk-FFFFFFF-LLLLLLL.json       the SHA-256 of both, written last
    table.parquet, skipped.parquet         final tables (concatenated, sorted)
    NAME.parquet                           tables a kind computes once per run (waveform: ici,
                                           correlation)

Every file is written to a temporary name in the same directory and moved into place with
``os.replace`` (atomic on POSIX); a chunk counts as done exactly when its manifest exists and
both parts still have the digests it records, so a crash at any instant loses at most the
chunks in flight, and a part damaged later (a truncated or edited file) is found, reported and
recomputed on ``--resume`` instead of breaking the final table. A fresh run refuses a directory
that already holds a run unless told to overwrite it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import coopsat
from coopsat.experiments.config import ExperimentConfig
from coopsat.experiments.core.tables import SKIPPED, SKIPPED_SORT, Columns
from coopsat.experiments.driver import runfolder
from coopsat.experiments.driver.runfolder import atomic_write_bytes as _atomic_write_bytes
from coopsat.experiments.driver.runfolder import new_file_mode
from coopsat.experiments.errors import ConfigError
from coopsat.experiments.kinds import KINDS, config_from_json

_ARROW_TYPES = {
    "str": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("ns", tz="UTC"),
}


def arrow_schema(columns: Columns) -> pa.Schema:
    """The pyarrow schema of (name, type) columns (``experiments.tables``)."""
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns])


SKIPPED_SCHEMA = arrow_schema(SKIPPED)

_MANIFEST = re.compile(r"^chunk-(\d{7,})-(\d{7,})\.json$")
_PART = re.compile(r"^(?:rows|skipped)-(\d{7,}-\d{7,})\.parquet$")


class ResumeError(ConfigError):
    """``--resume`` on a directory that holds no run or a run of a different config."""


def _atomic_write_table(path: Path, table: pa.Table) -> str:
    """Write ``table`` to ``path`` atomically; returns the SHA-256 hex digest of the file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        digest = _sha256(Path(tmp))
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _changed_keys(old: dict, new: dict, limit: int = 6) -> list[str]:
    """Dotted keys whose values differ between two nested config dicts ("a: x -> y"), at most
    ``limit`` of them (then "..."); ``run.chunk_drops`` is left out as it is not hashed."""
    out = []
    for section in sorted(set(old) | set(new)):
        a, b = old.get(section, {}), new.get(section, {})
        if not isinstance(a, dict) or not isinstance(b, dict):
            a, b = {"": a}, {"": b}
        for key in sorted(set(a) | set(b)):
            if (section, key) == ("run", "chunk_drops") or a.get(key) == b.get(key):
                continue
            out.append(f"{section}.{key}: {a.get(key, '<absent>')!r} -> {b.get(key, '<absent>')!r}")
    return out[:limit] + (["..."] if len(out) > limit else [])


@dataclass(frozen=True)
class RunDir:
    """A run directory bound to one config."""

    path: Path
    config: ExperimentConfig
    replaces: Path | None = None

    @property
    def kind(self) -> str:
        return self.config.run.kind

    @property
    def table_path(self) -> Path:
        return self.path / "table.parquet"

    @property
    def skipped_path(self) -> Path:
        return self.path / "skipped.parquet"

    @property
    def parts(self) -> Path:
        return self.path / "parts"

    def metadata(self) -> dict[bytes, bytes]:
        """Parquet key-value metadata stored in every file of the run."""
        return {
            b"coopsat.config": self.config.to_json().encode(),
            b"coopsat.config_hash": self.config.hash().encode(),
            b"coopsat.version": coopsat.__version__.encode(),
            b"coopsat.seed": str(self.config.run.seed).encode(),
            b"coopsat.kind": self.kind.encode(),
        }

    # -- creation / resume -------------------------------------------------------------------
    @classmethod
    def create(
        cls, path: str | Path, config: ExperimentConfig, *, resume: bool, overwrite: bool = False
    ) -> RunDir:
        """Open ``path`` for ``config``: a fresh run, or (``resume``) the run already there.

        Call it while holding :func:`runfolder.writer_lock` on ``path``. A fresh run refuses a
        folder that holds a run unless ``overwrite``: then the new run is built in a staging
        folder (``replaces`` is ``path``) and :meth:`commit` moves it into place. ``resume``
        raises :class:`ResumeError` when ``path`` holds no run or one whose config hash differs
        from ``config``'s. An unusable path is a :class:`ConfigError` naming it.
        """
        path = Path(path)
        run = cls(path, config)
        if resume:
            run._check_resumable()
        elif runfolder.holds_run(path):
            if not overwrite:
                raise ConfigError(
                    f"--out {str(path)!r} already holds a coopsat run; add --resume to continue "
                    "it or --overwrite to replace it"
                )
            run = cls(path / runfolder.STAGING_NAME, config, replaces=path)
        try:
            if run.replaces is not None:
                runfolder.new_staging(path)
            run.parts.mkdir(parents=True, exist_ok=True)
            if not resume:
                record = {
                    "config": config.to_dict(),
                    "config_hash": config.hash(),
                    "version": coopsat.__version__,
                    "kind": config.run.kind,
                }
                data = (json.dumps(record, indent=2) + "\n").encode()
                _atomic_write_bytes(run.path / "run.json", data)
            for stale in run.parts.glob(".*.tmp"):
                stale.unlink(missing_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot write the run directory {str(path)!r}: {exc.strerror or exc}"
            ) from None
        return run

    def commit(self) -> RunDir:
        """The finished run in its folder: a replacing run moves over the old one (see
        ``runfolder.replace_run``); any other run is already in place."""
        if self.replaces is None:
            return self
        runfolder.replace_run(self.path, self.replaces)
        return RunDir(self.replaces, self.config)

    def _check_resumable(self) -> None:
        if not (self.path / "run.json").exists():
            raise ResumeError(
                f"--resume: {str(self.path)!r} holds no run.json (the run never started, or it "
                "is not a coopsat run folder); run the same command without --resume to start it"
            )
        stored = _read_record(self.path)
        if stored.get("config_hash") != self.config.hash():
            changed = _changed_keys(stored.get("config", {}), self.config.to_dict())
            raise ResumeError(
                f"--resume: the config of {str(self.path)!r} "
                f"(hash {str(stored.get('config_hash', '?'))[:12]})"
                f" differs from this one (hash {self.config.run_id})"
                + (f" in {', '.join(changed)}" if changed else "")
                + "; use another --out, or --overwrite (without --resume) to start over"
            )

    @classmethod
    def open(cls, path: str | Path) -> RunDir:
        """Open an existing run directory (for plotting) from its ``run.json``."""
        path = Path(path)
        stored = _read_record(path)
        if not isinstance(stored.get("config"), dict):
            raise ConfigError(f"{str(path / 'run.json')!r} holds no config")
        return cls(path, config_from_json(json.dumps(stored["config"])))  # bad keys: ConfigError

    # -- parts ---------------------------------------------------------------------------------
    def _chunks(self) -> list[tuple[int, int, Path]]:
        out = []
        if self.parts.exists():
            for f in sorted(self.parts.iterdir()):
                m = _MANIFEST.match(f.name)
                if m:
                    out.append((int(m.group(1)), int(m.group(2)), f))
        return out

    def _part(self, manifest: Path, prefix: str) -> Path:
        """The ``prefix`` ("rows" or "skipped") part of the chunk of ``manifest``."""
        return self.parts / manifest.name.replace("chunk", prefix).replace(".json", ".parquet")

    def _part_problem(self, manifest: Path) -> str | None:
        """Why the chunk of ``manifest`` is unusable, or None when both parts verify; a chunk of
        another run (config hash or drops) is a :class:`ResumeError`."""
        try:
            digests = json.loads(manifest.read_text())
            identity = (digests["config_hash"], digests["drops"])
        except (OSError, ValueError, KeyError, TypeError):
            return f"{manifest.name} is unreadable"
        self._check_identity(manifest, *identity)
        try:
            for prefix in ("rows", "skipped"):
                part = self._part(manifest, prefix)
                if not part.exists():
                    return f"{part.name} is missing"
                if _sha256(part) != digests[prefix]:
                    return f"{part.name} does not match its recorded SHA-256"
        except (OSError, ValueError, KeyError, TypeError):
            return f"{manifest.name} is unreadable"
        return None

    def _check_identity(self, manifest: Path, config_hash: str, drops: list) -> None:
        first, last = (int(g) for g in _MANIFEST.match(manifest.name).groups())
        own = self.config.run.drop_indices
        if config_hash == self.config.hash() and drops == [first, last] and (
            first in own and last in own
        ):
            return
        raise ResumeError(
            f"--resume: {str(manifest)!r} belongs to another run (config hash "
            f"{str(config_hash)[:12]}, drops {drops}; this run: {self.config.run_id}, drops "
            f"{own.start}..{own.stop - 1}); remove it and its parts, or use --overwrite"
        )

    def repair(self) -> list[str]:
        """Verify every checkpoint chunk; remove the damaged ones (to be recomputed) and any
        part without a manifest. Returns one line per damaged chunk."""
        notes, kept = [], set()
        for first, last, manifest in self._chunks():
            problem = self._part_problem(manifest)
            if problem is None:
                kept.add(manifest.name)
                continue
            notes.append(f"checkpoint of drops {first}..{last} is damaged ({problem}): recomputed")
            manifest.unlink(missing_ok=True)
        for f in self.parts.glob("*.parquet"):
            m = _PART.match(f.name)
            if m and f"chunk-{m.group(1)}.json" not in kept:  # other files are not ours
                f.unlink(missing_ok=True)
        return notes

    def done_drops(self) -> set[int]:
        """Drop indices whose chunk has been written (its manifest exists)."""
        return {d for first, last, _ in self._chunks() for d in range(first, last + 1)}

    def write_part(self, first: int, last: int, rows: list[dict], skipped: list[dict]) -> None:
        """Write the chunk of drops ``first..last`` atomically: skipped part, rows part, then
        the manifest holding both digests, the config hash and the drop range (the chunk is
        done once the manifest exists)."""
        tag = f"{first:07d}-{last:07d}"
        meta = self.metadata()
        skip_tab = pa.Table.from_pylist(skipped, schema=SKIPPED_SCHEMA.with_metadata(meta))
        digests = {"skipped": _atomic_write_table(self.parts / f"skipped-{tag}.parquet", skip_tab)}
        schema = arrow_schema(KINDS[self.kind].columns).with_metadata(meta)
        row_tab = pa.Table.from_pylist(rows, schema=schema)
        digests["rows"] = _atomic_write_table(self.parts / f"rows-{tag}.parquet", row_tab)
        digests.update(config_hash=self.config.hash(), drops=[first, last])
        _atomic_write_bytes(self.parts / f"chunk-{tag}.json", json.dumps(digests).encode())

    def finalize(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Concatenate the parts into table.parquet / skipped.parquet, sorted; return both."""
        meta = self.metadata()
        kind = KINDS[self.kind]
        rows = self._concat("rows", arrow_schema(kind.columns), kind.sort_keys)
        skipped = self._concat("skipped", SKIPPED_SCHEMA, SKIPPED_SORT)
        _atomic_write_table(self.table_path, rows.replace_schema_metadata(meta))
        _atomic_write_table(self.skipped_path, skipped.replace_schema_metadata(meta))
        return rows.to_pandas(), skipped.to_pandas()

    def write_extra(self, tables: dict[str, dict]) -> dict[str, pd.DataFrame]:
        """Write the run's extra tables ({name: {column: array}}) as NAME.parquet; return them."""
        out = {}
        for name, columns in tables.items():
            table = pa.table(columns).replace_schema_metadata(self.metadata())
            _atomic_write_table(self.path / f"{name}.parquet", table)
            out[name] = table.to_pandas()
        return out

    def read_extra(self) -> dict[str, pd.DataFrame]:
        """The extra tables of the run's kind, read back ({} for kinds without any)."""
        names = KINDS[self.kind].extra_names
        return {name: read_table(self.path / f"{name}.parquet") for name in names}

    def _concat(self, prefix: str, schema: pa.Schema, keys) -> pa.Table:
        files = [self._part(m, prefix) for _, _, m in self._chunks()]
        tables = [_read_arrow(f).cast(schema) for f in files]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        if table.num_rows:
            table = table.sort_by([(k, "ascending") for k in keys])
        return table


def _read_record(path: Path) -> dict:
    """The run.json of a run directory; a missing or corrupt file is a one-line error."""
    meta = path / "run.json"
    if not meta.exists():
        raise ResumeError(f"{str(path)!r} is not a coopsat run directory (no run.json)")
    try:
        stored = json.loads(meta.read_text())
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: absurd nesting
        raise ConfigError(f"{str(meta)!r} is unreadable or not JSON (truncated?): {exc}") from None
    if not isinstance(stored, dict):
        raise ConfigError(f"{str(meta)!r} does not hold a run record")
    return stored


def _read_arrow(path: str | Path) -> pa.Table:
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise ConfigError(
            f"{str(path)!r} is not a readable Parquet table (truncated or corrupt?): {exc}"
        ) from None


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a result table written by :class:`RunDir` (pandas dtypes as in experiments.tables);
    a missing, truncated or corrupt file is a :class:`ConfigError` naming it."""
    return _read_arrow(path).to_pandas()


def read_metadata(path: str | Path) -> dict[str, str]:
    """The ``coopsat.*`` Parquet key-value metadata of a table file."""
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"coopsat.")}
