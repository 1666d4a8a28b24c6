"""Run directories: resolved config, checkpoint part files and the final tables.

Layout of a run directory::

    run.json                       resolved config, its SHA-256 hash, package version, kind
    parts/rows-FFFFFFF-LLLLLLL.parquet     result rows of drops F..L (one chunk)
    parts/skipped-FFFFFFF-LLLLLLL.parquet  skipped drops/attempts of that chunk
    table.parquet, skipped.parquet         final tables (concatenated, sorted)
    NAME.parquet                           tables a kind computes once per run (waveform: ici,
                                           correlation)

Every file is written to a temporary name in the same directory and moved into place with
``os.replace`` (atomic on POSIX), the skipped part before the rows part: a chunk counts as done
exactly when its rows part exists, so a crash at any instant loses at most the chunks in flight
and never leaves a half-written or duplicated chunk.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.config import ExperimentConfig, config_from_json
from experiments.errors import ConfigError
from experiments.kinds import KINDS
from experiments.tables import SKIPPED, SKIPPED_SORT, Columns

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

_PART = re.compile(r"^rows-(\d{7})-(\d{7})\.parquet$")


class ResumeError(ConfigError):
    """``--resume`` on a directory that holds no run or a run of a different config."""


def package_version() -> str:
    """Installed coopsat version, else the source tree's pyproject version, else '0+unknown'."""
    try:
        return metadata.version("coopsat")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text())["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0+unknown"


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write_table(path: Path, table: pa.Table) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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

    @property
    def kind(self) -> str:
        return self.config.run.kind

    @property
    def run_id(self) -> str:
        return self.config.hash()[:12]

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
            b"coopsat.version": package_version().encode(),
            b"coopsat.seed": str(self.config.run.seed).encode(),
            b"coopsat.kind": self.kind.encode(),
        }

    # -- creation / resume -------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, config: ExperimentConfig, *, resume: bool) -> RunDir:
        """Open ``path`` for ``config``: a fresh run, or (``resume``) the run already there.

        A fresh run clears the files of an earlier run in ``path`` (only coopsat's own files).
        ``resume`` raises :class:`ResumeError` when ``path`` holds no run or one whose config
        hash differs from ``config``'s.
        """
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise ConfigError(f"--out {str(path)!r} is a file; allowed: a directory path")
        run = cls(path, config)
        meta = path / "run.json"
        if resume:
            if not meta.exists():
                raise ResumeError(f"--resume: {str(path)!r} holds no run (no run.json)")
            stored = json.loads(meta.read_text())
            if stored.get("config_hash") != config.hash():
                changed = _changed_keys(stored.get("config", {}), config.to_dict())
                raise ResumeError(
                    f"--resume: the config of {str(path)!r} "
                    f"(hash {stored.get('config_hash', '?')[:12]})"
                    f" differs from this one (hash {config.hash()[:12]})"
                    + (f" in {', '.join(changed)}" if changed else "")
                    + "; use another --out or drop --resume to start over"
                )
        else:
            run._clear()
        run.parts.mkdir(parents=True, exist_ok=True)
        if not resume:
            record = {
                "config": config.to_dict(),
                "config_hash": config.hash(),
                "version": package_version(),
                "kind": config.run.kind,
            }
            _atomic_write_bytes(meta, (json.dumps(record, indent=2) + "\n").encode())
        for stale in run.parts.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        return run

    @classmethod
    def open(cls, path: str | Path) -> RunDir:
        """Open an existing run directory (for plotting) from its ``run.json``."""
        path = Path(path)
        meta = path / "run.json"
        if not meta.exists():
            raise ResumeError(f"{str(path)!r} is not a coopsat run directory (no run.json)")
        stored = json.loads(meta.read_text())
        return cls(path, config_from_json(json.dumps(stored["config"])))

    def _clear(self) -> None:
        if self.parts.exists():
            for f in self.parts.iterdir():
                if f.suffix in (".parquet", ".tmp"):
                    f.unlink()
        extra = tuple(f"{n}.parquet" for n in KINDS[self.kind].extra_names)
        for name in ("table.parquet", "skipped.parquet", "run.json", *extra):
            (self.path / name).unlink(missing_ok=True)

    # -- parts ---------------------------------------------------------------------------------
    def done_drops(self) -> set[int]:
        """Drop indices whose chunk has been written (its rows part exists)."""
        done: set[int] = set()
        if self.parts.exists():
            for f in self.parts.iterdir():
                m = _PART.match(f.name)
                if m:
                    done.update(range(int(m.group(1)), int(m.group(2)) + 1))
        return done

    def write_part(self, first: int, last: int, rows: list[dict], skipped: list[dict]) -> None:
        """Write the chunk of drops ``first..last`` atomically (skipped part, then rows part)."""
        tag = f"{first:07d}-{last:07d}"
        meta = self.metadata()
        skip_tab = pa.Table.from_pylist(skipped, schema=SKIPPED_SCHEMA.with_metadata(meta))
        _atomic_write_table(self.parts / f"skipped-{tag}.parquet", skip_tab)
        schema = arrow_schema(KINDS[self.kind].columns).with_metadata(meta)
        row_tab = pa.Table.from_pylist(rows, schema=schema)
        _atomic_write_table(self.parts / f"rows-{tag}.parquet", row_tab)

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
        files = sorted(self.parts.glob(f"{prefix}-*.parquet"))
        tables = [pq.read_table(f).cast(schema) for f in files]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        if table.num_rows:
            table = table.sort_by([(k, "ascending") for k in keys])
        return table


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a result table written by :class:`RunDir` (pandas dtypes as in experiments.tables)."""
    return pq.read_table(path).to_pandas()


def read_metadata(path: str | Path) -> dict[str, str]:
    """The ``coopsat.*`` Parquet key-value metadata of a table file."""
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"coopsat.")}
