"""Experiment configuration: TOML sections mapped onto the dataclasses that declare them.

Each TOML table is one section, and each section is a frozen dataclass declared by the code
that uses it (``constellation.params``): ``[channel]`` is ``channel.ChannelConfig`` with its
``link_budget`` (``channel.LinkBudget``) flattened into the same table; ``[run]``, ``[drop]``,
``[constellation]``, ``[precoding]`` and ``[sweep]`` are declared by this layer; every
experiment kind adds its own sections (``[delay]``, ``[timeline]``, ``[waveform]``). A
parameter and its allowed values are therefore written once; this module only maps dotted keys
(``channel.zeta2``) onto fields and reports a library's :class:`ParameterError` as a
:class:`ConfigError` naming the key, the bad value and what is allowed. Every key is optional
and defaults to the paper's value (Table I and Section V); ``data/paper.toml`` states them all
and adds ``[presets.NAME]`` tables of dotted-key overrides (one per paper figure, plus
``quick``).

Overrides (``--set section.key=value``, presets, ``--drops``) are applied to the flat mapping
and validated with the file, before anything is written. The config hash covers every field
that can change a result row; the number of workers, the scheduler and ``run.chunk_drops`` are
execution details.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopsat.channel.config import ChannelConfig
from coopsat.constellation.params import ParameterError, number, spec_of, text, validate
from coopsat.constellation.resources import data_path
from coopsat.experiments.common import DropSection
from coopsat.experiments.constellations import ConstellationSection, pin_tle
from coopsat.experiments.errors import ConfigError
from coopsat.experiments.inputs import CONFIG_MAX_BYTES, read_plain_file
from coopsat.experiments.kinds import KINDS
from coopsat.experiments.sweeping import PrecodingSection, SweepSection

MAX_SEED = 2**63 - 1
UNHASHED = (("run", "chunk_drops"),)
"""Keys that only group rows into checkpoint files, never change their content."""


MAX_NAME_CHARS = 100  # a run name is a directory and the stem of its figure files


def _plain_name(value: str) -> bool:
    return (
        0 < len(value) <= MAX_NAME_CHARS
        and value not in (".", "..")
        and all(c.isalnum() or c in "_.-" for c in value)
    )


@dataclass(frozen=True)
class RunSection:
    """``[run]``: what to compute, how many drops, the seed."""

    name: str = text(
        "paper", _plain_name,
        f"a plain file name of at most {MAX_NAME_CHARS} letters, digits, '_', '.', '-' "
        "(not '.' or '..')",
        doc="run directory and figure name",
    )
    kind: str = text("sweep", lambda v: v in KINDS, f"one of {', '.join(map(repr, KINDS))}")
    drops: int = number(100, lo=1, hi=10_000_000, integer=True, doc="number of drops")
    first_drop: int = number(0, lo=0, hi=10_000_000, integer=True, doc="index of the first drop")
    seed: int = number(20250101, lo=0, hi=MAX_SEED, integer=True, doc="root seed")
    chunk_drops: int = number(1, lo=1, hi=10_000, integer=True, doc="drops per checkpoint part")
    max_attempts: int = number(
        1, lo=1, hi=100, integer=True, doc="attempts of a drop without enough satellites"
    )

    def __post_init__(self) -> None:
        validate(self)

    @property
    def drop_indices(self) -> range:
        """The drops of the run: first_drop .. first_drop + drops - 1."""
        return range(self.first_drop, self.first_drop + self.drops)


def _sections() -> dict[str, type]:
    out: dict[str, type] = {
        "run": RunSection,
        "constellation": ConstellationSection,
        "drop": DropSection,
        "channel": ChannelConfig,
        "precoding": PrecodingSection,
        "sweep": SweepSection,
    }
    for kind in KINDS.values():
        out.update(kind.sections)
    return out


SECTIONS: dict[str, type] = _sections()


def _nested(f: dataclasses.Field) -> type | None:
    """The dataclass type of a field whose fields are flattened into its section, else None."""
    factory = f.default_factory
    if spec_of(f) is None and isinstance(factory, type) and dataclasses.is_dataclass(factory):
        return factory
    return None


def section_keys(cls: type) -> list[str]:
    """The TOML keys of a section: its declared fields, nested dataclasses flattened."""
    keys: list[str] = []
    for f in dataclasses.fields(cls):
        inner = _nested(f)
        if inner is not None:
            keys += section_keys(inner)
        elif spec_of(f) is not None:
            keys.append(f.name)
    return keys


def _build(cls: type, values: dict[str, Any], section: str) -> Any:
    """An instance of ``cls`` from its section's keys; library errors become ConfigErrors."""
    args = dict(values)
    for f in dataclasses.fields(cls):
        inner = _nested(f)
        if inner is not None:
            own = set(section_keys(inner))
            args[f.name] = _build(inner, {k: args.pop(k) for k in list(args) if k in own}, section)
    try:
        return cls(**args)
    except ParameterError as exc:
        key = f"{section}.{exc.name}"
        raise ConfigError(
            f"config key {key} = {exc.value!r} {exc.problem}; allowed: {exc.allowed}", key
        ) from None


def _flat(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if _nested(f) is not None:
            out.update(_flat(value))
        elif spec_of(f) is not None:
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


@dataclass(frozen=True)
class ExperimentConfig:
    """The whole, validated configuration: one frozen section per TOML table, as attributes
    (``config.channel`` is a ``channel.ChannelConfig``, ``config.run`` a :class:`RunSection`)."""

    sections: tuple[tuple[str, Any], ...]

    def __getattr__(self, name: str) -> Any:
        if name != "sections":
            for key, section in self.sections:
                if key == name:
                    return section
        raise AttributeError(f"ExperimentConfig has no section {name!r}")

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict {section: {key: value}} (tuples as lists): the stored form."""
        return {name: _flat(section) for name, section in self.sections}

    def to_json(self) -> str:
        """Canonical JSON (sorted keys)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def hash(self) -> str:
        """SHA-256 hex digest of the canonical JSON without the ``UNHASHED`` keys, so runs that
        differ only in how rows are grouped into checkpoint files share a hash (and resume)."""
        content = self.to_dict()
        for section, key in UNHASHED:
            del content[section][key]
        text_ = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text_.encode()).hexdigest()

    @property
    def run_id(self) -> str:
        """The first 12 hex digits of :meth:`hash`: the run id in tables and messages."""
        return self.hash()[:12]


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
    return ConfigError(f"unknown config {what} {key!r}{hint}; known: {', '.join(known)}", key)


def build_config(values: Mapping[str, Any], *, cross_checks: bool = True) -> ExperimentConfig:
    """Validate dotted-key ``values`` (``"channel.zeta2": 0.5``) into an :class:`ExperimentConfig`.

    Raises :class:`ConfigError` for an unknown section or key, a wrong type or a bad range;
    with ``cross_checks``, also the sections' ``check(config)`` (keys that depend on others).
    """
    per_section: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for dotted, value in values.items():
        section, _, key = dotted.partition(".")
        if section not in SECTIONS:
            raise _unknown(section, list(SECTIONS), "section")
        keys = section_keys(SECTIONS[section])
        if key not in keys:
            raise _unknown(dotted, [f"{section}.{k}" for k in keys], "key")
        per_section[section][key] = value
    config = ExperimentConfig(
        tuple((name, _build(cls, per_section[name], name)) for name, cls in SECTIONS.items())
    )
    for name, section in config.sections if cross_checks else ():
        check = getattr(section, "check", None)
        if check is not None:
            try:
                check(config)
            except ParameterError as exc:
                key = f"{name}.{exc.name}"
                raise ConfigError(
                    f"config key {key} = {exc.value!r} {exc.problem}; allowed: {exc.allowed}", key
                ) from None
    return config


def parse_override(text_: str) -> tuple[str, Any]:
    """``"section.key=value"`` -> (key, value); value parsed as TOML, else kept as a string.
    A key declared as text keeps the text as written when TOML reads it as something else
    (``run.name=123``, ``constellation.epoch_utc=2025-03-01``): its own check then judges it."""
    key, sep, raw = text_.partition("=")
    key = key.strip()
    if not sep or "." not in key:
        raise ConfigError(f"--set expects section.key=value, got {text_!r}")
    if any(ch in text_ for ch in "\n\r\x00"):
        raise ConfigError(
            f"--set {key}: the value holds a line break or NUL ({raw!r}); allowed: one line "
            "(write lists as [a, b])", key,
        )
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    if not isinstance(value, str) and _declared_kind(key) == "str":
        value = raw
    return key, value


def _declared_kind(dotted: str) -> str | None:
    """The declared kind ("str", "float", ...) of a dotted config key, None if unknown."""
    section, _, key = dotted.partition(".")
    todo = [SECTIONS[section]] if section in SECTIONS else []
    while todo:
        for f in dataclasses.fields(todo.pop()):
            inner = _nested(f)
            if inner is not None:
                todo.append(inner)
            elif f.name == key and spec_of(f) is not None:
                return spec_of(f).kind
    return None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file (a UTF-8 byte-order mark is allowed); a missing, unreadable, non-plain,
    oversized or invalid file is a :class:`ConfigError`."""
    path = Path(path)
    name = f"config file {str(path)!r}"
    if path.is_dir():
        raise ConfigError(f"{name} is a directory, not a TOML file")
    data = read_plain_file(path, name, CONFIG_MAX_BYTES)
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{name} is not UTF-8 text (a binary file?)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name} is not valid TOML: {exc}") from None


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
    path = data_path("paper.toml") if path is None else Path(path)
    raw = read_toml(path)
    preset_tables = _preset_tables(raw.pop("presets", {}), path)
    _check_empty_tables(raw)
    values = flatten(raw)
    for name in presets:
        if name not in preset_tables:
            raise ConfigError(
                f"preset {name!r} not found in {str(path)!r}; available: "
                f"{', '.join(sorted(preset_tables)) or 'none'}"
            )
        values.update(flatten(preset_tables[name]))
    values.update(overrides or {})
    pin_tle(values, path.parent)
    return build_config(values)


def _check_empty_tables(raw: Mapping[str, Any], prefix: str = "") -> None:
    """An empty table (``[chanel_typo]``) names no key, so flattening would drop it unseen:
    each one must be a known section, or a known key of one."""
    for name, value in raw.items():
        if not isinstance(value, Mapping):
            continue
        dotted = f"{prefix}{name}"
        if value:
            _check_empty_tables(value, dotted + ".")
            continue
        section, _, key = dotted.partition(".")
        if section not in SECTIONS:
            raise _unknown(section, list(SECTIONS), "section")
        keys = section_keys(SECTIONS[section])
        if key and key not in keys:
            raise _unknown(dotted, [f"{section}.{k}" for k in keys], "key")


def preset_names(path: str | Path | None) -> set[str]:
    """Names of the ``[presets.NAME]`` tables of a config file (``None``: data/paper.toml)."""
    path = data_path("paper.toml") if path is None else Path(path)
    return set(_preset_tables(read_toml(path).get("presets", {}), path))


def _preset_tables(presets: Any, path: Path) -> dict[str, dict]:
    """The ``[presets]`` table of a config file, checked to be a table of tables."""
    if not isinstance(presets, dict):
        raise ConfigError(f"{str(path)!r}: presets must be a table of [presets.NAME] tables, "
                          f"got {presets!r}")
    for name, table in presets.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{str(path)!r}: presets.{name} must be a table of "
                              f"\"section.key\" = value entries, got {table!r}", f"presets.{name}")
    return presets


def config_from_json(text_: str) -> ExperimentConfig:
    """Rebuild a config stored by :meth:`ExperimentConfig.to_json`. The cross-section checks
    (e.g. the TLE file's element ages) ran when the run was created and are not repeated: a
    stored run can be re-plotted after its TLE file moved."""
    return build_config(flatten(json.loads(text_)), cross_checks=False)
