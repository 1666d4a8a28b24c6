"""The ``[constellation]`` section and the satellites it names: a Walker-Delta shell or a TLE file.

With ``source = "tle"`` the loader resolves ``tle.path`` (next to the config file, then the
working directory, then the shipped data files) and records the file's SHA-256 in
``tle.sha256``, so the config hash covers the TLE content, not only its path: an edited file
cannot be resumed into an earlier run, and a worker refuses a file changed after loading.
The constellation is built once per process (``functools.lru_cache`` on the frozen section).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from coopsat import constellation
from coopsat.constellation.constants import SECONDS_PER_DAY
from coopsat.constellation.params import (
    ParameterError,
    choice,
    flag,
    like,
    number,
    tables,
    text,
    validate,
)
from coopsat.constellation.resources import data_path
from coopsat.constellation.shells import WalkerShells, preset, preset_names, shells_from_tables
from coopsat.constellation.timebase import parse_utc, utc_text
from coopsat.experiments.config.files import TLE_MAX_BYTES, read_plain_file
from coopsat.experiments.errors import ConfigError

SOURCES = ("walker", "preset", "shells", "tle")
LAST_EPOCH_YEAR = 2200  # later drop epochs are refused: no element set or time scale reaches them


def _sha256_ok(value: str) -> bool:
    return value == "" or (len(value) == 64 and all(c in "0123456789abcdef" for c in value))


def subtable(cls: type, *, exclude: tuple[str, ...] = ()) -> Any:
    """A field holding a nested table ``[section.NAME]`` of ``cls``'s keys (``exclude``: keys
    the section sets itself); None when the section does not use it."""
    return dataclasses.field(default=None, metadata={"subtable": cls, "exclude": exclude})


def subtable_of(f: dataclasses.Field) -> tuple[type, tuple[str, ...]] | None:
    """(dataclass, excluded keys) of a :func:`subtable` field, else None."""
    cls = f.metadata.get("subtable")
    return None if cls is None else (cls, f.metadata["exclude"])


@dataclass(frozen=True)
class TleSource:
    """``[constellation.tle]``: the element sets of a TLE file."""

    path: str = text("", lambda v: True, "a TLE file path", doc="TLE file (source = 'tle')")
    sha256: str = text(
        "", _sha256_ok, "empty or the 64-hex-digit SHA-256 of the TLE file (filled in on load)"
    )
    names: str = text(
        "*", lambda v: v != "", "a glob pattern on the satellite names, e.g. 'STARLINK-*'",
        doc="keep the satellites whose name matches (case-insensitive)",
    )
    payloads_only: bool = flag(
        False, doc="leave out objects named as debris or rocket bodies",
    )
    max_element_age_days: float = number(
        30.0, lo=0, hi=36_500, lo_open=True, unit="days",
        doc="largest gap between epoch_utc and a TLE set's own epoch",
    )

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class ConstellationSection:
    """``[constellation]``: where the satellites come from, and when.

    Each source has its own keys and the section holds only those of its source (the others are
    None): "walker" (default) the single Walker-Delta shell of ``[constellation.walker]``
    (``constellation.WalkerDelta``'s keys: Table I's 53 deg, 28 x 60, 600 km); "preset" a
    shipped multi-shell preset (``preset``; ``constellation.preset_names()``); "shells" the
    Walker shells listed in ``shells`` (tables in the format of
    ``data/constellations/presets.toml``); "tle" the element sets of ``[constellation.tle]``.
    Every source uses ``epoch_utc``, the drops' epoch (and the Walker elements'); a TLE set
    further than ``tle.max_element_age_days`` from it is refused at config load.
    """

    source: str = choice("walker", SOURCES, doc="where the satellites come from")
    epoch_utc: str = like(constellation.WalkerDelta, "epoch_utc")
    walker: constellation.WalkerDelta | None = subtable(  # noqa: RUF009 (a field(), default None)
        constellation.WalkerDelta, exclude=("epoch_utc",)
    )
    preset: str = text(
        "", lambda v: v == "" or v in preset_names(),
        f"a shipped preset, one of {', '.join(map(repr, preset_names()))}",
        doc="with source = 'preset'",
    )
    shells: tuple[dict, ...] = tables(
        [],
        "a list of shell tables (label, inclination_deg, n_planes, sats_per_plane, "
        "altitude_km; optional phasing, raan_spread_deg, raan_offset_planes, "
        "anomaly_offset_slots), as in data/constellations/presets.toml",
        doc="with source = 'shells'",
    )
    tle: TleSource | None = subtable(TleSource)  # noqa: RUF009 (a field(), default None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", utc_text(self.epoch_utc))  # a TOML datetime too
        validate(self)
        walker = self.walker or constellation.WalkerDelta()
        keep = {
            "walker": dataclasses.replace(walker, epoch_utc=self.epoch_utc)
            if self.source == "walker" else None,
            "tle": (self.tle or TleSource()) if self.source == "tle" else None,
            "preset": self.preset if self.source == "preset" else "",
            "shells": self.shells if self.source == "shells" else (),
        }
        for name, value in keep.items():  # only the source's own keys stay
            object.__setattr__(self, name, value)
        needs = {"preset": ("preset", self.preset), "shells": ("shells", self.shells),
                 "tle": ("tle.path", keep["tle"].path if keep["tle"] else "")}
        key, value = needs.get(self.source, (None, None))
        if key is not None and not value:
            raise ParameterError(
                "ConstellationSection", key, value,
                f"a value when source = {self.source!r}", "is empty",
            )
        if self.source == "shells":
            try:
                self.walker_shells()
            except ValueError as exc:
                raise ParameterError(
                    "ConstellationSection", "shells", list(self.shells), str(exc), "is invalid"
                ) from None

    def __hash__(self) -> int:  # the shells tables are dicts: hash the content
        return hash(json.dumps(dataclasses.asdict(self), sort_keys=True))

    @property
    def epoch(self) -> datetime:
        """``epoch_utc`` as a timezone-aware UTC datetime."""
        return parse_utc(self.epoch_utc)

    def walker_shells(self) -> WalkerShells:
        """The shells of source "preset" or "shells"."""
        if self.source == "preset":
            return preset(self.preset, epoch_utc=self.epoch_utc)
        return shells_from_tables(list(self.shells), self.epoch_utc, "constellation.shells")

    def check(self, config) -> None:
        """Cross-section checks at load: every drop epoch (epoch_utc .. epoch_utc +
        drop.epoch_spread_s) lies in LAST_EPOCH_YEAR or before; TLE sets no older than
        ``tle.max_element_age_days`` at any of them."""
        start = self.epoch
        try:
            end = start + timedelta(seconds=config.drop.epoch_spread_s)
        except OverflowError:
            end = None
        if end is None or end.year > LAST_EPOCH_YEAR:
            raise ParameterError(
                "ConstellationSection", "epoch_utc", self.epoch_utc,
                f"a time with epoch_utc + drop.epoch_spread_s in {LAST_EPOCH_YEAR} or before",
                f"is out of range with drop.epoch_spread_s = {config.drop.epoch_spread_s:g} s",
            )
        if self.tle is None:
            return
        const = constellation_for(self)
        ts = constellation.timescale()
        ages = [const.element_age_s(ts.from_datetime(t)) for t in (start, end)]
        worst = float(np.max(ages)) / SECONDS_PER_DAY
        if worst > self.tle.max_element_age_days:
            raise ParameterError(
                "ConstellationSection", "epoch_utc", self.epoch_utc,
                f"a time within constellation.tle.max_element_age_days = "
                f"{self.tle.max_element_age_days:g} days of every set's epoch (raise that key "
                "to use stale elements)",
                f"is {worst:.1f} days from the oldest TLE set of {self.tle.path!r}",
            )


def read_tle_checked(path: str | Path, expected_sha256: str = ""):
    """Read the TLE file at ``path`` once: (``Constellation``, SHA-256 hex digest of its bytes).

    A malformed line is a :class:`ConfigError` naming the key and the line; so is content whose
    digest differs from a non-empty ``expected_sha256`` (the file changed since the config was
    loaded).
    """
    what = f"config key constellation.tle.path = {str(path)!r}: the file"
    data = read_plain_file(path, what, TLE_MAX_BYTES, "constellation.tle.path")
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 and digest != expected_sha256:
        raise ConfigError(
            f"config key constellation.tle.path = {str(path)!r}: the file changed since the "
            f"config was loaded (SHA-256 {expected_sha256[:12]}... expected)",
            "constellation.tle.path",
        )
    try:
        shell = constellation.read_tle(data)
    except constellation.TLEFormatError as exc:
        raise ConfigError(
            f"config key constellation.tle.path = {str(path)!r}: {exc}", "constellation.tle.path"
        ) from None
    return shell, digest


def resolve_tle_path(value: Any, config_dir: Path) -> Any:
    """The absolute path of ``constellation.tle.path``.

    A relative path is looked up next to the config file, then in the working directory, then
    among the shipped data files (``tle/walker_53deg_1680_28_1_600km.tle``). A file found
    nowhere is a :class:`ConfigError` naming the places looked at, raised before anything is
    written. A non-string value is returned unchanged (validation reports its type).
    """
    if not isinstance(value, str):
        return value
    given = Path(value).expanduser()
    candidates = [given]
    if not given.is_absolute():
        candidates = [config_dir.resolve() / given, Path.cwd() / given]
    for candidate in candidates:
        if candidate.exists() and not candidate.is_dir():  # a FIFO or device: refused on read
            return str(candidate.resolve())
    if not given.is_absolute():
        try:
            return str(data_path(*given.parts).resolve())
        except FileNotFoundError:
            candidates.append(Path("<shipped data>") / given)
    raise ConfigError(
        f"config key constellation.tle.path = {value!r}: no such file; allowed: an existing "
        f"TLE file (looked at {', '.join(str(c) for c in candidates)})",
        "constellation.tle.path",
    )


def pin_tle(values: dict[str, Any], config_dir: Path) -> None:
    """Resolve ``constellation.tle.path`` and record its digest in ``values`` (dotted keys), in
    place, when the source is a TLE file; a digest given in the config must match the file."""
    if values.get("constellation.source") != "tle" or not values.get("constellation.tle.path"):
        return
    path = resolve_tle_path(values["constellation.tle.path"], config_dir)
    values["constellation.tle.path"] = path
    if not isinstance(path, str):
        return
    _, digest = read_tle_checked(path)
    given = values.get("constellation.tle.sha256", "")
    if given and given != digest:
        raise ConfigError(
            f"config key constellation.tle.sha256 = {given!r} does not match the file {path!r} "
            f"(SHA-256 {digest!r}): the TLE file changed; allowed: the file's digest, or leave "
            "the key out",
            "constellation.tle.sha256",
        )
    values["constellation.tle.sha256"] = digest


@functools.lru_cache(maxsize=4)
def constellation_for(cfg: ConstellationSection) -> constellation.Constellation:
    """The satellites of ``cfg``, built once per process."""
    if cfg.tle is not None:
        return _selected(read_tle_checked(cfg.tle.path, cfg.tle.sha256)[0], cfg.tle)
    if cfg.walker is not None:
        return cfg.walker.build()
    return cfg.walker_shells().build()


def _selected(shell: constellation.Constellation, tle: TleSource):
    """The satellites of a TLE file that ``tle.names`` and ``tle.payloads_only`` keep, with a
    notice naming the objects left that are not payloads by their names."""
    try:
        kept = constellation.select_by_name(shell, tle.names, tle.payloads_only)
    except ValueError as exc:
        raise ConfigError(f"config key constellation.tle.names = {tle.names!r}: {exc}",
                          "constellation.tle.names") from None
    other = [n for n in kept.names if not constellation.is_payload_name(n)]
    if not other:
        return kept
    shown = ", ".join(other[:3]) + (", ..." if len(other) > 3 else "")
    notice = (
        f"{len(other)} of the {len(kept)} objects of the TLE file are not payloads by their "
        f"names ({shown}) and may serve a drop; set constellation.tle.payloads_only = true or "
        "constellation.tle.names to leave them out"
    )
    return constellation.Constellation(kept.names, kept.satrecs, (*kept.notices, notice))
