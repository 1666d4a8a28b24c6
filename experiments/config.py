"""Experiment configuration: frozen, validated dataclasses loaded from TOML.

A config file has one table per section below; every key is optional and defaults to the paper's
value (Table I and Section V). ``data/paper.toml`` states them all explicitly and adds
``[presets.NAME]`` tables of dotted-key overrides, one per paper figure plus ``quick``.

Overrides (``--set section.key=value``, presets, ``--drops``) are applied to the raw mapping and
then validated with the file, so an unknown key or an out-of-range value is a :class:`ConfigError`
that names the key, the bad value and what is allowed, before anything is written.

The config hash (:meth:`ExperimentConfig.hash`) covers every field that can change a result row;
the number of workers, the scheduler and the checkpoint chunk size are execution details. With
``constellation.source = 'tle'`` the loader also records the file's SHA-256
(``constellation.tle_sha256``), so the hash covers the TLE content, not only its path: an edited
file cannot be resumed into an earlier run.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("sweep", "convergence", "delay", "timeline")
SCHEMES = ("ss-mmse", "ss-wmmse", "ms-sepwmmse", "ms-jowmmse", "ms-jomwmmse")
SCENARIOS = ("urban_los_quadriga", "dense_urban", "urban", "suburban", "rural")
PHASE_MODELS = ("gaussian", "physical")
MAX_SEED = 2**63 - 1


class ConfigError(ValueError):
    """A configuration key is unknown, mistyped or out of range (CLI exit code 2)."""


def _spec(default: Any, kind: str, allowed: str, ok=None, **extra: Any) -> Any:
    """A dataclass field with validation metadata: type ``kind`` and predicate ``ok``."""
    meta = {"kind": kind, "allowed": allowed, "ok": ok or (lambda v: True), **extra}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


def _between(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False):
    def ok(v: float) -> bool:
        above = v > lo if lo_open else v >= lo
        below = v < hi if hi_open else v <= hi
        return math.isfinite(v) and above and below

    return ok


def _choice(choices: tuple[str, ...]):
    return lambda v: v in choices


def _all(pred):
    return lambda values: all(pred(v) for v in values)


class _Section:
    """Validation shared by every section: types first, then ranges (messages name the key)."""

    SECTION = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            key = f"{self.SECTION}.{f.name}"
            value = _coerce(key, value, f.metadata["kind"], f.metadata["allowed"])
            if value is not None and not f.metadata["ok"](value):
                raise ConfigError(
                    f"config key {key} = {value!r} is out of range; "
                    f"allowed: {f.metadata['allowed']}"
                )
            object.__setattr__(self, f.name, tuple(value) if isinstance(value, list) else value)


def _coerce(key: str, value: Any, kind: str, allowed: str) -> Any:
    """Check ``value`` against the field kind (int, float, str, bool, opt_float, floats, ...)."""

    def bad() -> ConfigError:
        return ConfigError(
            f"config key {key} = {value!r} has the wrong type; expected {kind}, allowed: {allowed}"
        )

    def as_float(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise bad()
        return float(v)

    def as_int(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and v.is_integer():
                return int(v)
            raise bad()
        return int(v)

    if kind == "float":
        return as_float(value)
    if kind == "int":
        return as_int(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad()
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise bad()
        return value
    if kind == "opt_str":
        if value is None or (isinstance(value, str) and value.lower() in ("none", "")):
            return None
        if not isinstance(value, str):
            raise bad()
        return value
    if kind == "opt_float":
        if value is None or (isinstance(value, str) and value.lower() in ("none", "")):
            return None
        return as_float(value)
    if kind in ("floats", "ints", "strs"):
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list | tuple):
            raise bad()
        conv = {"floats": as_float, "ints": as_int, "strs": None}[kind]
        if conv is None:
            if not all(isinstance(v, str) for v in value):
                raise bad()
            return list(value)
        return [conv(v) for v in value]
    raise AssertionError(f"unknown field kind {kind}")  # programming error, not user input


@dataclass(frozen=True)
class RunConfig(_Section):
    """``[run]``: what to compute and how many drops."""

    SECTION = "run"
    name: str = _spec("paper", "str", "a non-empty name [A-Za-z0-9_.-]", lambda v: _safe_name(v))
    kind: str = _spec("sweep", "str", f"one of {KINDS}", _choice(KINDS))
    drops: int = _spec(100, "int", "1 <= drops <= 10_000_000", _between(1, 10_000_000))
    seed: int = _spec(20250101, "int", f"0 <= seed <= {MAX_SEED}", _between(0, MAX_SEED))
    chunk_drops: int = _spec(1, "int", "1 <= chunk_drops <= 10_000", _between(1, 10_000))
    max_attempts: int = _spec(1, "int", "1 <= max_attempts <= 100", _between(1, 100))


def _safe_name(v: str) -> bool:
    return bool(v) and all(c.isalnum() or c in "_.-" for c in v)


@dataclass(frozen=True)
class ConstellationConfig(_Section):
    """``[constellation]``: the Walker-Delta shell of Table I (or a TLE file)."""

    SECTION = "constellation"
    source: str = _spec("walker", "str", "'walker' or 'tle'", _choice(("walker", "tle")))
    tle_path: str = _spec("", "str", "a TLE file path (used when source = 'tle')")
    tle_sha256: str = _spec(
        "",
        "str",
        "empty or the 64-hex-digit SHA-256 of the TLE file (load_config fills it in)",
        lambda v: v == "" or (len(v) == 64 and all(c in "0123456789abcdef" for c in v)),
    )
    inclination_deg: float = _spec(53.0, "float", "0 <= inclination_deg <= 180", _between(0, 180))
    n_satellites: int = _spec(1680, "int", "1 <= n_satellites <= 100_000", _between(1, 100_000))
    n_planes: int = _spec(28, "int", "1 <= n_planes <= n_satellites", _between(1, 100_000))
    phasing: int = _spec(1, "int", "0 <= phasing < n_planes", _between(0, 100_000))
    altitude_m: float = _spec(
        600e3, "float", "150e3 <= altitude_m <= 40_000e3", _between(150e3, 40_000e3)
    )
    epoch_utc: str = _spec(
        "2025-01-01T00:00:00Z",
        "str",
        "ISO 8601 UTC, e.g. 2025-01-01T00:00:00Z",
        lambda v: _iso_ok(v),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.n_planes > self.n_satellites or self.n_satellites % self.n_planes:
            raise ConfigError(
                f"config key constellation.n_planes = {self.n_planes} must divide "
                f"constellation.n_satellites = {self.n_satellites}"
            )
        if self.phasing >= self.n_planes:
            raise ConfigError(
                f"config key constellation.phasing = {self.phasing} is out of range; "
                f"allowed: 0 <= phasing < n_planes = {self.n_planes}"
            )
        if self.source == "tle" and not self.tle_path:
            raise ConfigError("config key constellation.tle_path is empty but source = 'tle'")


def _iso_ok(v: str) -> bool:
    from datetime import datetime

    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class DropConfig(_Section):
    """``[drop]``: coverage area, UTs and the cooperative set (Section V)."""

    SECTION = "drop"
    n_users: int = _spec(48, "int", "1 <= n_users <= 10_000", _between(1, 10_000))
    n_satellites: int = _spec(5, "int", "1 <= n_satellites <= 100", _between(1, 100))
    radius_m: float = _spec(
        800e3, "float", "0 < radius_m <= 5_000e3", _between(0, 5_000e3, lo_open=True)
    )
    min_elevation_deg: float = _spec(
        10.0, "float", "0 <= min_elevation_deg < 90", _between(0, 90, hi_open=True)
    )
    centre_lat_deg: float | None = _spec(
        None, "opt_float", "none (random, uniform by area) or -90..90 deg", _between(-90, 90)
    )
    centre_lon_deg: float | None = _spec(
        None, "opt_float", "none (random) or -180..360 deg", _between(-180, 360)
    )
    epoch_spread_s: float = _spec(
        0.0,
        "float",
        "0 <= epoch_spread_s <= 1e8 (each drop's epoch is uniform in [epoch, epoch + spread))",
        _between(0, 1e8),
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.centre_lat_deg is None) != (self.centre_lon_deg is None):
            raise ConfigError(
                f"config keys drop.centre_lat_deg = {self.centre_lat_deg!r} and "
                f"drop.centre_lon_deg = {self.centre_lon_deg!r}: give both or neither"
            )


@dataclass(frozen=True)
class ChannelSection(_Section):
    """``[channel]``: array, link budget (Table I) and large-scale model."""

    SECTION = "channel"
    nv: int = _spec(10, "int", "1 <= nv <= 256", _between(1, 256))
    nh: int = _spec(10, "int", "1 <= nh <= 256", _between(1, 256))
    scenario: str = _spec("urban_los_quadriga", "str", f"one of {SCENARIOS}", _choice(SCENARIOS))
    kappa_db: float | None = _spec(
        None, "opt_float", "none (scenario model) or -50..100 dB", _between(-50, 100)
    )
    zeta2: float = _spec(0.5, "float", "0 <= zeta2 <= 100 rad^2", _between(0, 100))
    phase_model: str = _spec("gaussian", "str", f"one of {PHASE_MODELS}", _choice(PHASE_MODELS))
    scintillation: bool = _spec(False, "bool", "true or false")
    carrier_hz: float = _spec(2e9, "float", "1e8 <= carrier_hz <= 1e11", _between(1e8, 1e11))
    bandwidth_hz: float = _spec(20e6, "float", "1e3 <= bandwidth_hz <= 1e10", _between(1e3, 1e10))
    subcarrier_spacing_hz: float = _spec(
        30e3, "float", "1e3 <= subcarrier_spacing_hz <= 1e7", _between(1e3, 1e7)
    )
    noise_figure_db: float = _spec(7.0, "float", "0 <= noise_figure_db <= 30", _between(0, 30))
    antenna_temperature_k: float = _spec(
        290.0, "float", "0 < antenna_temperature_k <= 1e4", _between(0, 1e4, lo_open=True)
    )
    tx_element_gain_dbi: float = _spec(
        6.0, "float", "-30 <= tx_element_gain_dbi <= 60", _between(-30, 60)
    )
    rx_gain_dbi: float = _spec(0.0, "float", "-30 <= rx_gain_dbi <= 60", _between(-30, 60))
    band: str | None = _spec(
        None, "opt_str", "none (from the carrier), 's' or 'ka'", _choice(("s", "ka"))
    )
    sigma_tau_s: float = _spec(
        0.0, "float", "0 <= sigma_tau_s <= 1 (physical phase model)", _between(0, 1)
    )
    sigma_nu_hz: float = _spec(
        0.0, "float", "0 <= sigma_nu_hz <= 1e6 (physical phase model)", _between(0, 1e6)
    )
    prediction_horizon_s: float = _spec(
        0.0, "float", "0 <= prediction_horizon_s <= 100", _between(0, 100)
    )
    subcarrier_index: int = _spec(
        0, "int", "0 <= subcarrier_index < bandwidth / spacing", _between(0, 10_000_000)
    )
    array_gain: bool = _spec(True, "bool", "true (gamma includes the N_T array gain) or false")

    def __post_init__(self) -> None:
        super().__post_init__()
        n_sc = int(self.bandwidth_hz // self.subcarrier_spacing_hz)
        if n_sc < 1:
            raise ConfigError(
                f"config key channel.bandwidth_hz = {self.bandwidth_hz!r} is below "
                f"channel.subcarrier_spacing_hz = {self.subcarrier_spacing_hz!r}"
            )
        if self.subcarrier_index >= n_sc:
            raise ConfigError(
                f"config key channel.subcarrier_index = {self.subcarrier_index} is out of range; "
                f"allowed: 0 <= subcarrier_index < {n_sc}"
            )


@dataclass(frozen=True)
class PrecodingSection(_Section):
    """``[precoding]``: schemes and Algorithm 1 parameters (I_max, chi), Monte Carlo size."""

    SECTION = "precoding"
    schemes: tuple[str, ...] = _spec(
        list(SCHEMES),
        "strs",
        f"a non-empty subset of {SCHEMES}",
        lambda v: bool(v) and len(set(v)) == len(v) and _all(_choice(SCHEMES))(v),
    )
    max_iter: int = _spec(10, "int", "1 <= max_iter <= 1000", _between(1, 1000))
    tol: float = _spec(1e-3, "float", "0 <= tol <= 1", _between(0, 1))
    mc_samples: int = _spec(1000, "int", "1 <= mc_samples <= 1_000_000", _between(1, 1_000_000))


@dataclass(frozen=True)
class SweepSection(_Section):
    """``[sweep]``: the swept inputs; the rows are their Cartesian product.

    An empty ``zeta2`` / ``kappa_db`` / ``n_satellites`` list means "the single value of the
    channel / drop section".
    """

    SECTION = "sweep"
    p_tx_dbm: tuple[float, ...] = _spec(
        [20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0],
        "floats",
        "a non-empty list of -30..80 dBm",
        lambda v: bool(v) and _all(_between(-30, 80))(v),
    )
    zeta2: tuple[float, ...] = _spec([], "floats", "a list of 0..100 rad^2", _all(_between(0, 100)))
    kappa_db: tuple[float, ...] = _spec(
        [], "floats", "a list of -50..100 dB", _all(_between(-50, 100))
    )
    n_satellites: tuple[int, ...] = _spec([], "ints", "a list of 1..100", _all(_between(1, 100)))


@dataclass(frozen=True)
class DelaySection(_Section):
    """``[delay]`` (Fig. 2): OFDM timing and the threshold grid for P(Delta tau > T)."""

    SECTION = "delay"
    cp_s: float = _spec(
        2.34375e-6,
        "float",
        "0 <= cp_s <= 1e-3 (NR normal CP at 30 kHz: 2.34375e-6 s, TS 38.211 5.3.1)",
        _between(0, 1e-3),
    )
    threshold_min_s: float = _spec(
        1e-7, "float", "0 < threshold_min_s <= 1", _between(0, 1, lo_open=True)
    )
    threshold_max_s: float = _spec(
        1e-2, "float", "0 < threshold_max_s <= 10", _between(0, 10, lo_open=True)
    )
    n_thresholds: int = _spec(61, "int", "2 <= n_thresholds <= 10_000", _between(2, 10_000))


@dataclass(frozen=True)
class TimelineSection(_Section):
    """``[timeline]``: fixed coverage area stepped through time (beyond the paper)."""

    SECTION = "timeline"
    duration_s: float = _spec(600.0, "float", "0 <= duration_s <= 86400", _between(0, 86400))
    step_s: float = _spec(10.0, "float", "0 < step_s <= 86400", _between(0, 86400, lo_open=True))
    p_tx_dbm: float = _spec(35.0, "float", "-30 <= p_tx_dbm <= 80", _between(-30, 80))
    csi_age_s: tuple[float, ...] = _spec(
        [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0],
        "floats",
        "a list of distinct ages 0 < age <= 86400 s (empty: no age study)",
        lambda v: len(set(v)) == len(v) and _all(_between(0, 86400, lo_open=True))(v),
    )
    age_origin_every: int = _spec(
        6, "int", "1 <= age_origin_every <= 100_000 steps", _between(1, 100_000)
    )


_SECTIONS: dict[str, type[_Section]] = {
    "run": RunConfig,
    "constellation": ConstellationConfig,
    "drop": DropConfig,
    "channel": ChannelSection,
    "precoding": PrecodingSection,
    "sweep": SweepSection,
    "delay": DelaySection,
    "timeline": TimelineSection,
}


@dataclass(frozen=True)
class ExperimentConfig:
    """The whole, validated experiment configuration (one frozen section per TOML table)."""

    run: RunConfig = field(default_factory=RunConfig)
    constellation: ConstellationConfig = field(default_factory=ConstellationConfig)
    drop: DropConfig = field(default_factory=DropConfig)
    channel: ChannelSection = field(default_factory=ChannelSection)
    precoding: PrecodingSection = field(default_factory=PrecodingSection)
    sweep: SweepSection = field(default_factory=SweepSection)
    delay: DelaySection = field(default_factory=DelaySection)
    timeline: TimelineSection = field(default_factory=TimelineSection)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict (tuples as lists), the form stored beside the results."""
        out = {}
        for name in _SECTIONS:
            sec = dataclasses.asdict(getattr(self, name))
            out[name] = {k: list(v) if isinstance(v, tuple) else v for k, v in sec.items()}
        return out

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): the hashed form."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def hash(self) -> str:
        """SHA-256 hex digest of the canonical JSON without ``run.chunk_drops``.

        The chunk size only decides how rows are grouped into checkpoint files, never their
        content, so runs that differ only in it share a hash (and can resume each other).
        """
        content = self.to_dict()
        del content["run"]["chunk_drops"]
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def sweep_values(self) -> dict[str, tuple]:
        """The effective sweep lists (empty lists replaced by the single configured value)."""
        return {
            "kappa_db": self.sweep.kappa_db or (self.channel.kappa_db,),
            "zeta2": self.sweep.zeta2 or (self.channel.zeta2,),
            "n_satellites": self.sweep.n_satellites or (self.drop.n_satellites,),
            "p_tx_dbm": self.sweep.p_tx_dbm,
        }

    def max_satellites(self) -> int:
        """The cooperative-set size a drop has to find (largest swept S)."""
        return max(self.sweep_values()["n_satellites"])


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables to dotted keys: ``{"a": {"b": 1}} -> {"a.b": 1}`` (lists stay values)."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def _unknown(key: str, known: list[str], what: str) -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"unknown config {what} {key!r}{hint}; known: {', '.join(known)}")


def build_config(values: Mapping[str, Any]) -> ExperimentConfig:
    """Validate dotted-key ``values`` (``"channel.zeta2": 0.5``) into an :class:`ExperimentConfig`.

    Raises :class:`ConfigError` for an unknown section or key, a wrong type or a bad range.
    """
    per_section: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    for dotted, value in values.items():
        section, _, key = dotted.partition(".")
        if section not in _SECTIONS:
            raise _unknown(section, list(_SECTIONS), "section")
        cls = _SECTIONS[section]
        names = [f.name for f in dataclasses.fields(cls)]
        if key not in names:
            raise _unknown(dotted, [f"{section}.{n}" for n in names], "key")
        per_section[section][key] = value
    return ExperimentConfig(**{name: cls(**per_section[name]) for name, cls in _SECTIONS.items()})


def parse_override(text: str) -> tuple[str, Any]:
    """``"section.key=value"`` -> (key, value); value parsed as TOML, else kept as a string."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or "." not in key:
        raise ConfigError(f"--set expects section.key=value, got {text!r}")
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file; a missing file or a syntax error is a :class:`ConfigError`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {exc}") from None


def load_config(
    path: str | Path | None = None,
    *,
    presets: tuple[str, ...] = (),
    overrides: Mapping[str, Any] | None = None,
) -> ExperimentConfig:
    """Load a TOML config, apply named presets then dotted ``overrides``, and validate.

    ``path=None`` reads the shipped ``data/paper.toml``. Presets are ``[presets.NAME]`` tables of
    the file; a missing preset is a :class:`ConfigError` listing the available ones.
    """
    if path is None:
        from constellation.resources import data_path

        path = data_path("paper.toml")
    raw = read_toml(path)
    preset_tables = raw.pop("presets", {})
    values = flatten(raw)
    for name in presets:
        if name not in preset_tables:
            raise ConfigError(
                f"preset {name!r} not found in {str(path)!r}; available: "
                f"{', '.join(sorted(preset_tables)) or 'none'}"
            )
        values.update(flatten(preset_tables[name]))
    values.update(overrides or {})
    if values.get("constellation.source") == "tle" and values.get("constellation.tle_path"):
        values["constellation.tle_path"] = resolve_tle_path(
            values["constellation.tle_path"], Path(path).parent
        )
        if isinstance(values["constellation.tle_path"], str):
            _, digest = read_tle_checked(values["constellation.tle_path"])
            given = values.get("constellation.tle_sha256", "")
            if given and given != digest:
                raise ConfigError(
                    f"config key constellation.tle_sha256 = {given!r} does not match the file "
                    f"{values['constellation.tle_path']!r} (SHA-256 {digest!r}): the TLE file "
                    "changed; allowed: the file's digest, or leave the key out"
                )
            values["constellation.tle_sha256"] = digest
    return build_config(values)


def read_tle_checked(path: str | Path, expected_sha256: str = ""):
    """Read the TLE file at ``path`` once: (``Constellation``, SHA-256 hex digest of its bytes).

    A malformed line is a :class:`ConfigError` naming the key and the line; so is content whose
    digest differs from a non-empty ``expected_sha256`` (the file changed since the config was
    loaded).
    """
    import constellation

    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 and digest != expected_sha256:
        raise ConfigError(
            f"config key constellation.tle_path = {str(path)!r}: the file changed since the "
            f"config was loaded (SHA-256 {expected_sha256[:12]}... expected)"
        )
    try:
        shell = constellation.read_tle(data)
    except constellation.TLEFormatError as exc:
        raise ConfigError(f"config key constellation.tle_path = {str(path)!r}: {exc}") from None
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
        from constellation.resources import data_path

        try:
            return str(data_path(*given.parts).resolve())
        except FileNotFoundError:
            candidates.append(Path("<shipped data>") / given)
    raise ConfigError(
        f"config key constellation.tle_path = {value!r}: no such file; allowed: an existing "
        f"TLE file (looked at {', '.join(str(c) for c in candidates)})"
    )


def preset_names(path: str | Path | None) -> set[str]:
    """Names of the ``[presets.NAME]`` tables of a config file (``None``: data/paper.toml)."""
    if path is None:
        from constellation.resources import data_path

        path = data_path("paper.toml")
    return set(read_toml(path).get("presets", {}))


def config_from_json(text: str) -> ExperimentConfig:
    """Rebuild a config stored by :meth:`ExperimentConfig.to_json`."""
    return build_config(flatten(json.loads(text)))
