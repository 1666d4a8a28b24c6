"""The ``[constellation]`` section and the satellites it names: a Walker-Delta shell or a TLE file.

With ``source = "tle"`` the loader resolves ``tle_path`` (next to the config file, then the
working directory, then the shipped data files) and records the file's SHA-256 in
``tle_sha256``, so the config hash covers the TLE content, not only its path: an edited file
cannot be resumed into an earlier run, and a worker refuses a file changed after loading.
The constellation is built once per process (``functools.lru_cache`` on the frozen section).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import constellation
from constellation.params import ParameterError, choice, number, text, validate
from constellation.resources import data_path
from experiments.errors import ConfigError


def _iso_ok(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def iso_utc(value: Any) -> Any:
    """A TOML datetime as the ISO 8601 UTC string the section stores (naive = UTC); any other
    value unchanged (the declared check reports it)."""
    if isinstance(value, datetime):
        stamp = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%S") + (
            f".{stamp.microsecond:06d}Z" if stamp.microsecond else "Z"
        )
    return value


def _sha256_ok(value: str) -> bool:
    return value == "" or (len(value) == 64 and all(c in "0123456789abcdef" for c in value))


@dataclass(frozen=True)
class ConstellationSection:
    """``[constellation]``: the Walker-Delta shell of Table I, or a TLE file."""

    source: str = choice("walker", ("walker", "tle"), doc="where the satellites come from")
    tle_path: str = text("", lambda v: True, "a TLE file path (used when source = 'tle')")
    tle_sha256: str = text(
        "", _sha256_ok, "empty or the 64-hex-digit SHA-256 of the TLE file (filled in on load)"
    )
    inclination_deg: float = number(53.0, lo=0, hi=180, lo_open=True, hi_open=True, unit="deg")
    n_satellites: int = number(1680, lo=1, hi=99_999, integer=True, doc="T")
    n_planes: int = number(28, lo=1, hi=10_000, integer=True, doc="P")
    phasing: int = number(1, lo=0, integer=True, doc="F, 0 <= F < P")
    altitude_m: float = number(600e3, lo=100e3, hi=40_000e3, unit="m")
    epoch_utc: str = text(
        "2025-01-01T00:00:00Z", _iso_ok, "an ISO 8601 UTC time, e.g. 2025-01-01T00:00:00Z"
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", iso_utc(self.epoch_utc))
        validate(self)
        if self.n_satellites % self.n_planes:
            raise ParameterError(
                "ConstellationSection", "n_planes", self.n_planes,
                f"a divisor of n_satellites = {self.n_satellites}", "must divide n_satellites",
            )
        if self.phasing >= self.n_planes:
            raise ParameterError(
                "ConstellationSection", "phasing", self.phasing,
                f"0 <= phasing < n_planes = {self.n_planes}", "is out of range",
            )
        if self.source == "tle" and not self.tle_path:
            raise ParameterError(
                "ConstellationSection", "tle_path", self.tle_path,
                "a TLE file path when source = 'tle'", "is empty",
            )

    @property
    def epoch(self) -> datetime:
        """``epoch_utc`` as a timezone-aware UTC datetime."""
        return datetime.fromisoformat(self.epoch_utc.replace("Z", "+00:00")).astimezone(UTC)


def read_tle_checked(path: str | Path, expected_sha256: str = ""):
    """Read the TLE file at ``path`` once: (``Constellation``, SHA-256 hex digest of its bytes).

    A malformed line is a :class:`ConfigError` naming the key and the line; so is content whose
    digest differs from a non-empty ``expected_sha256`` (the file changed since the config was
    loaded).
    """
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 and digest != expected_sha256:
        raise ConfigError(
            f"config key constellation.tle_path = {str(path)!r}: the file changed since the "
            f"config was loaded (SHA-256 {expected_sha256[:12]}... expected)",
            "constellation.tle_path",
        )
    try:
        shell = constellation.read_tle(data)
    except constellation.TLEFormatError as exc:
        raise ConfigError(
            f"config key constellation.tle_path = {str(path)!r}: {exc}", "constellation.tle_path"
        ) from None
    return shell, digest


def resolve_tle_path(value: Any, config_dir: Path) -> Any:
    """The absolute path of ``constellation.tle_path``.

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
        if candidate.is_file():
            return str(candidate.resolve())
    if not given.is_absolute():
        try:
            return str(data_path(*given.parts).resolve())
        except FileNotFoundError:
            candidates.append(Path("<shipped data>") / given)
    raise ConfigError(
        f"config key constellation.tle_path = {value!r}: no such file; allowed: an existing "
        f"TLE file (looked at {', '.join(str(c) for c in candidates)})",
        "constellation.tle_path",
    )


def pin_tle(values: dict[str, Any], config_dir: Path) -> None:
    """Resolve ``constellation.tle_path`` and record its digest in ``values`` (dotted keys), in
    place, when the source is a TLE file; a digest given in the config must match the file."""
    if values.get("constellation.source") != "tle" or not values.get("constellation.tle_path"):
        return
    path = resolve_tle_path(values["constellation.tle_path"], config_dir)
    values["constellation.tle_path"] = path
    if not isinstance(path, str):
        return
    _, digest = read_tle_checked(path)
    given = values.get("constellation.tle_sha256", "")
    if given and given != digest:
        raise ConfigError(
            f"config key constellation.tle_sha256 = {given!r} does not match the file {path!r} "
            f"(SHA-256 {digest!r}): the TLE file changed; allowed: the file's digest, or leave "
            "the key out",
            "constellation.tle_sha256",
        )
    values["constellation.tle_sha256"] = digest


@functools.lru_cache(maxsize=4)
def constellation_for(cfg: ConstellationSection) -> constellation.Constellation:
    """The satellites of ``cfg``, built once per process."""
    if cfg.source == "tle":
        return read_tle_checked(cfg.tle_path, cfg.tle_sha256)[0]
    return constellation.WalkerDelta(
        inclination_deg=cfg.inclination_deg,
        n_satellites=cfg.n_satellites,
        n_planes=cfg.n_planes,
        phasing=cfg.phasing,
        altitude_m=cfg.altitude_m,
        epoch_utc=cfg.epoch_utc,
    ).build()
