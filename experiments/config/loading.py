"""Experiment configuration: TOML sections mapped onto the dataclasses that declare them.

Each TOML table is one section, and each section is a frozen dataclass declared by the code
that uses it (``coopsat.constellation.params``): ``[channel]`` is ``channel.ChannelConfig`` with
its ``link_budget`` (``channel.LinkBudget``) flattened into the same table; ``[run]``,
``[drop]``, ``[precoding]`` and ``[sweep]`` are in ``config.sections``, ``[constellation]`` in
``config.constellation``; every experiment kind declares its own sections (``[delay]``,
``[timeline]``, ...) beside its drop function. The kinds reach this module as an argument
(``kinds``: the registry ``experiments.kinds.KINDS``, or any mapping of names to objects with a
``sections`` dict), so the config never imports them. A parameter and its allowed values are
therefore written once; this module only maps dotted keys (``channel.zeta2``) onto fields and
reports a library's :class:`ParameterError` as a :class:`ConfigError` naming the key, the bad
value and what is allowed. Every key is optional and defaults to the paper's value (Table I and
Section V); ``data/paper.toml`` states them all and adds ``[presets.NAME]`` tables of dotted-key
overrides (one per paper figure, plus ``quick``).

Overrides (``--set section.key=value``, presets, ``--drops``) are applied to the flat mapping
and validated with the file, before anything is written. The config hash covers every field
that can change a result row; the number of workers, the scheduler and ``run.chunk_drops`` are
execution details.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopsat.channel.config import ChannelConfig
from coopsat.constellation.params import ParameterError, spec_of
from coopsat.constellation.resources import data_path
from coopsat.experiments.config.constellation import ConstellationSection, pin_tle, subtable_of
from coopsat.experiments.config.files import read_toml
from coopsat.experiments.config.sections import (
    DropSection,
    PrecodingSection,
    RunSection,
    SweepSection,
)
from coopsat.experiments.errors import ConfigError

UNHASHED = (("run", "chunk_drops"),)
"""Keys that only group rows into checkpoint files, never change their content."""


CORE_SECTIONS: dict[str, type] = {
    "run": RunSection,
    "constellation": ConstellationSection,
    "drop": DropSection,
    "channel": ChannelConfig,
    "precoding": PrecodingSection,
    "sweep": SweepSection,
}
"""The sections every config has, in the order of ``ExperimentConfig``'s fields."""

RENAMED_KEYS = {
    **{f"constellation.{key}": f"constellation.walker.{key}" for key in (
        "inclination_deg", "n_planes", "phasing", "altitude_m", "raan_spread_deg",
        "raan_offset_deg", "anomaly_offset_deg")},
    "constellation.n_satellites": "constellation.walker.total_satellites",
    "constellation.tle_path": "constellation.tle.path",
    "constellation.tle_sha256": "constellation.tle.sha256",
    "constellation.max_element_age_days": "constellation.tle.max_element_age_days",
    "constellation.tle_names": "constellation.tle.names",
    "constellation.tle_payloads_only": "constellation.tle.payloads_only",
}
"""Keys of earlier versions -> their names now (an old name is an error naming the new one)."""

Kinds = Mapping[str, Any]
"""The experiment kinds a config may name: kind name -> an object whose ``sections`` dict maps
the kind's section names to their dataclasses (``experiments.kinds.KINDS``)."""


def all_sections(kinds: Kinds) -> dict[str, type]:
    """The core sections followed by every kind's own, ``{section name: dataclass}``."""
    out = dict(CORE_SECTIONS)
    for name, kind in kinds.items():
        for section, cls in kind.sections.items():
            if section in out and out[section] is not cls:
                raise ValueError(f"kind {name!r} declares section {section!r} a second time")
            out[section] = cls
    return out


def _nested(f: dataclasses.Field) -> type | None:
    """The dataclass type of a field whose fields are flattened into its section, else None."""
    factory = f.default_factory
    if spec_of(f) is None and isinstance(factory, type) and dataclasses.is_dataclass(factory):
        return factory
    return None


def section_keys(cls: type) -> list[str]:
    """The TOML keys of a section: its declared fields, nested dataclasses flattened, the keys
    of a sub-table ``[section.NAME]`` as ``NAME.key``."""
    keys: list[str] = []
    for f in dataclasses.fields(cls):
        inner, sub = _nested(f), subtable_of(f)
        if inner is not None:
            keys += section_keys(inner)
        elif sub is not None:
            keys += [f"{f.name}.{k}" for k in section_keys(sub[0]) if k not in sub[1]]
        elif spec_of(f) is not None:
            keys.append(f.name)
    return keys


def _config_error(exc: ParameterError, section: str) -> ConfigError:
    key = f"{section}.{exc.name}"
    return ConfigError(
        f"config key {key} = {exc.value!r} {exc.problem}; allowed: {exc.allowed}", key
    )


def _build(cls: type, values: dict[str, Any], section: str) -> Any:
    """An instance of ``cls`` from its section's keys; library errors become ConfigErrors."""
    args = dict(values)
    for f in dataclasses.fields(cls):
        inner, sub = _nested(f), subtable_of(f)
        if inner is not None:
            own = set(section_keys(inner))
            args[f.name] = _build(inner, {k: args.pop(k) for k in list(args) if k in own}, section)
        elif sub is not None:
            prefix = f"{f.name}."
            mine = {k.removeprefix(prefix): args.pop(k) for k in list(args) if k.startswith(prefix)}
            args[f.name] = _build(sub[0], mine, f"{section}.{f.name}")
    try:
        return cls(**args)
    except ParameterError as exc:
        raise _config_error(exc, section) from None


def _flat(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        sub = subtable_of(f)
        if _nested(f) is not None:
            out.update(_flat(value))
        elif sub is not None:
            if value is not None:  # a sub-table the section does not use is not stored
                out.update({f"{f.name}.{k}": v for k, v in _flat(value).items()
                            if k not in sub[1]})
        elif spec_of(f) is not None:
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


@dataclass(frozen=True)
class ExperimentConfig:
    """The whole, validated configuration: one frozen section per TOML table.

    Attributes
    ----------
    run, constellation, drop, channel, precoding, sweep
        The core sections (``channel`` is a ``coopsat.channel.ChannelConfig``).
    kind_sections : tuple of (name, section)
        The sections the experiment kinds declare, e.g. ``("timeline", TimelineSection(...))``;
        :meth:`section` returns one by name.
    """

    run: RunSection
    constellation: ConstellationSection
    drop: DropSection
    channel: ChannelConfig
    precoding: PrecodingSection
    sweep: SweepSection
    kind_sections: tuple[tuple[str, Any], ...] = ()

    def section(self, name: str) -> Any:
        """The section called ``name`` (core or a kind's); KeyError naming the known ones."""
        for key, value in self.sections:
            if key == name:
                return value
        raise KeyError(f"no config section {name!r}; known: {[k for k, _ in self.sections]}")

    @property
    def sections(self) -> tuple[tuple[str, Any], ...]:
        """Every section as (name, section): the core ones, then the kinds'."""
        core = tuple((name, getattr(self, name)) for name in CORE_SECTIONS)
        return core + self.kind_sections

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict {section: {key: value}} (tuples as lists): the stored form."""
        return {name: _flat(section) for name, section in self.sections}

    def to_json(self) -> str:
        """Canonical JSON (sorted keys)."""
        return self._json

    def hash(self) -> str:
        """SHA-256 hex digest of the canonical JSON without the ``UNHASHED`` keys, so runs that
        differ only in how rows are grouped into checkpoint files share a hash (and resume)."""
        return self._digest

    # Computed once per (immutable) config: every table file of a run stores both.
    @functools.cached_property
    def _json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @functools.cached_property
    def _digest(self) -> str:
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


def _check_renamed(dotted: str) -> None:
    if dotted in RENAMED_KEYS:
        raise ConfigError(
            f"config key {dotted} was renamed {RENAMED_KEYS[dotted]}; use the new name", dotted
        )


def build_config(
    values: Mapping[str, Any], *, kinds: Kinds, cross_checks: bool = True
) -> ExperimentConfig:
    """Validate dotted-key ``values`` (``"channel.zeta2": 0.5``) into an :class:`ExperimentConfig`.

    Raises :class:`ConfigError` for an unknown section or key, a renamed key, a wrong type, a
    bad range or a ``run.kind`` that ``kinds`` does not hold; with ``cross_checks``, also the
    sections' ``check(config)`` (keys that depend on others).
    """
    sections = all_sections(kinds)
    per_section: dict[str, dict[str, Any]] = {name: {} for name in sections}
    for dotted, value in values.items():
        _check_renamed(dotted)
        section, _, key = dotted.partition(".")
        if section not in sections:
            raise _unknown(section, list(sections), "section")
        keys = section_keys(sections[section])
        if key not in keys:
            raise _unknown(dotted, [f"{section}.{k}" for k in keys], "key")
        per_section[section][key] = value
    built = {name: _build(cls, per_section[name], name) for name, cls in sections.items()}
    if built["run"].kind not in kinds:
        raise ConfigError(
            f"config key run.kind = {built['run'].kind!r} is not an experiment kind; allowed: "
            f"one of {', '.join(map(repr, kinds))}", "run.kind",
        )
    config = ExperimentConfig(
        **{name: built[name] for name in CORE_SECTIONS},
        kind_sections=tuple((n, v) for n, v in built.items() if n not in CORE_SECTIONS),
    )
    for name, section in config.sections if cross_checks else ():
        check = getattr(section, "check", None)
        if check is not None:
            try:
                check(config)
            except ParameterError as exc:
                raise _config_error(exc, name) from None
    return config


def parse_override(text_: str, *, kinds: Kinds) -> tuple[str, Any]:
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
    if not isinstance(value, str) and _declared_kind(key, all_sections(kinds)) == "str":
        value = raw
    return key, value


def _declared_kind(dotted: str, sections: dict[str, type]) -> str | None:
    """The declared kind ("str", "float", ...) of a dotted config key, None if unknown."""
    section, _, key = dotted.partition(".")
    todo = [(sections[section], key)] if section in sections else []
    while todo:
        cls, name = todo.pop()
        for f in dataclasses.fields(cls):
            inner, sub = _nested(f), subtable_of(f)
            if inner is not None:
                todo.append((inner, name))
            elif sub is not None and name.startswith(f"{f.name}."):
                todo.append((sub[0], name.removeprefix(f"{f.name}.")))
            elif f.name == name and spec_of(f) is not None:
                return spec_of(f).kind
    return None


def load_config(
    path: str | Path | None = None,
    *,
    kinds: Kinds,
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
    _check_empty_tables(raw, all_sections(kinds))
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
    return build_config(values, kinds=kinds)


def _check_empty_tables(
    raw: Mapping[str, Any], sections: dict[str, type], prefix: str = ""
) -> None:
    """An empty table (``[chanel_typo]``) names no key, so flattening would drop it unseen:
    each one must be a known section, a sub-table of one, or a known key of one."""
    for name, value in raw.items():
        if not isinstance(value, Mapping):
            continue
        dotted = f"{prefix}{name}"
        if value:
            _check_empty_tables(value, sections, dotted + ".")
            continue
        section, _, key = dotted.partition(".")
        if section not in sections:
            raise _unknown(section, list(sections), "section")
        keys = section_keys(sections[section])
        if key and key not in keys and not any(k.startswith(f"{key}.") for k in keys):
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


def config_from_json(text_: str, *, kinds: Kinds) -> ExperimentConfig:
    """Rebuild a config stored by :meth:`ExperimentConfig.to_json`. The cross-section checks
    (e.g. the TLE file's element ages) ran when the run was created and are not repeated: a
    stored run can be re-plotted after its TLE file moved."""
    return build_config(flatten(json.loads(text_)), kinds=kinds, cross_checks=False)
