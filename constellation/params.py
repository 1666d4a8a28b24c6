"""Declared parameters: each library dataclass states its fields' types and allowed values once.

A field declared with :func:`number`, :func:`numbers`, :func:`choice`, :func:`flag` or
:func:`text` carries its specification in the dataclass field metadata; :func:`validate`, called
from the dataclass's ``__post_init__``, normalises every declared field (an int given for a float
becomes a float, an integral float given for an int becomes an int, a list becomes a tuple,
``"none"`` becomes None where None is allowed) and raises :class:`ParameterError` naming the
owner, the field, the bad value and what is allowed. The experiment layer maps its TOML sections
onto these same dataclasses and reports the same error under the config key
(``channel.zeta2``), so a parameter and its range are written in exactly one place: the library
that uses it. :func:`check_field` checks one value against a field's declaration (a function
that takes one of a dataclass's parameters on its own).

This module sits in the lowest layer (constellation) so that every package can use it; it
holds no state.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_SPEC = "coopsat.param"
_NONE_WORDS = ("none", "")


class ParameterError(ValueError):
    """A declared field has a wrong type or a value outside its allowed range.

    Attributes: owner (class name), name (field), value, allowed (text), problem (text).
    """

    def __init__(self, owner: str, name: str, value: Any, allowed: str, problem: str):
        self.owner, self.name, self.value = owner, name, value
        self.allowed, self.problem = allowed, problem
        super().__init__(f"{owner}.{name} = {value!r} {problem}; allowed: {allowed}")


@dataclass(frozen=True)
class Spec:
    """How one field is checked: ``kind`` (float, int, bool, str, dict; a trailing "s" for a list of
    them), ``ok(value)`` on the normalised value (each element for lists), ``allowed(name)`` the
    text of the error message, ``optional`` (None allowed), ``doc`` one line for listings."""

    kind: str
    ok: Callable[[Any], bool]
    allowed: Callable[[str], str]
    optional: bool = False
    doc: str = ""
    whole: Callable[[tuple], bool] | None = None  # list-level check (non-empty, distinct ...)


def _declare(default: Any, spec: Spec) -> Any:
    meta = {_SPEC: spec}
    if isinstance(default, list | tuple):
        values = tuple(default)
        return field(default=values, metadata=meta)
    return field(default=default, metadata=meta)


def _bounds_text(name: str, lo, hi, lo_open: bool, hi_open: bool, unit: str) -> str:
    parts = []
    if lo is not None:
        parts.append(f"{lo:g} {'<' if lo_open else '<='} ")
    parts.append(name)
    if hi is not None:
        parts.append(f" {'<' if hi_open else '<='} {hi:g}")
    return "".join(parts) + (f" {unit}" if unit else "")


def _in_bounds(lo, hi, lo_open: bool, hi_open: bool, finite: bool = True
               ) -> Callable[[float], bool]:
    def ok(v: float) -> bool:
        if math.isnan(v) or (finite and not math.isfinite(v)):
            return False
        if lo is not None and (v <= lo if lo_open else v < lo):
            return False
        return not (hi is not None and (v >= hi if hi_open else v > hi))

    return ok


def number(
    default: float | int | None,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    integer: bool = False,
    optional: bool = False,
    finite: bool = True,
    unit: str = "",
    doc: str = "",
) -> Any:
    """A number in [lo, hi] (open ends as flagged), finite unless ``finite`` is False (then an
    infinity within the bounds is allowed, NaN never); ``integer`` for an int field;
    ``optional``: None is allowed (meaning stated in ``doc``)."""

    def allowed(name: str) -> str:
        if lo is None and hi is None:
            text = "any number" + ("" if finite else ", +-inf included") + (
                f" ({unit})" if unit else "")
        else:
            text = _bounds_text(name, lo, hi, lo_open, hi_open, unit)
        text = f"an integer {text}" if integer else text
        return f"none or {text}" if optional else text

    kind = "int" if integer else "float"
    spec = Spec(kind, _in_bounds(lo, hi, lo_open, hi_open, finite), allowed, optional, doc)
    return _declare(default, spec)


def numbers(
    default: list,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    integer: bool = False,
    nonempty: bool = False,
    distinct: bool = False,
    unit: str = "",
    doc: str = "",
) -> Any:
    """A list (stored as a tuple) of numbers, each in [lo, hi]; a single number is a list of one."""

    def allowed(name: str) -> str:
        each = _bounds_text("each", lo, hi, lo_open, hi_open, unit)
        kind = ("distinct " if distinct else "") + ("integers" if integer else "numbers")
        return f"a {'non-empty ' if nonempty else ''}list of {kind}, {each}"

    def whole(values: tuple) -> bool:
        return (len(values) > 0 or not nonempty) and (
            not distinct or len(set(values)) == len(values)
        )

    kind = "ints" if integer else "floats"
    return _declare(default, Spec(kind, _in_bounds(lo, hi, lo_open, hi_open), allowed,
                                  doc=doc, whole=whole))


def choice(default: str | None, choices: tuple[str, ...], *, optional: bool = False,
           doc: str = "") -> Any:
    """One of ``choices`` (or None when ``optional``)."""
    text = f"one of {', '.join(repr(c) for c in choices)}"
    allowed = (lambda name: f"none or {text}") if optional else (lambda name: text)
    return _declare(default, Spec("str", lambda v: v in choices, allowed, optional, doc))


def choices(default: list, options: tuple[str, ...], *, doc: str = "") -> Any:
    """A non-empty list of distinct names from ``options`` (stored as a tuple)."""
    text = f"a non-empty list of distinct names from {', '.join(repr(c) for c in options)}"
    spec = Spec("strs", lambda v: v in options, lambda name: text, doc=doc,
                whole=lambda vs: bool(vs) and len(set(vs)) == len(vs))
    return _declare(default, spec)


def tables(default: list, allowed: str, *, doc: str = "") -> Any:
    """A list (stored as a tuple) of tables with string keys; their content is checked by the
    owning dataclass (``allowed`` says what they hold)."""

    def ok(v: dict) -> bool:
        return all(isinstance(k, str) for k in v)

    return _declare(default, Spec("dicts", ok, lambda name: allowed, doc=doc))


def flag(default: bool, *, doc: str = "") -> Any:
    """true or false."""
    return _declare(default, Spec("bool", lambda v: True, lambda name: "true or false", doc=doc))


def text(default: str | None, ok: Callable[[str], bool], allowed: str, *,
         optional: bool = False, doc: str = "") -> Any:
    """A string accepted by ``ok`` (``allowed`` says which)."""
    shown = (lambda name: f"none or {allowed}") if optional else (lambda name: allowed)
    return _declare(default, Spec("str", ok, shown, optional, doc))


def like(cls: type, name: str, default: Any = dataclasses.MISSING, *, doc: str = "") -> Any:
    """A field declared exactly as field ``name`` of dataclass ``cls`` (same type and allowed
    values; its default unless ``default`` is given): one declaration for one concept used by
    two dataclasses."""
    f = next((f for f in dataclasses.fields(cls) if f.name == name), None)
    spec = None if f is None else spec_of(f)
    if spec is None:
        raise AssertionError(f"{cls.__name__}.{name} is not a declared parameter")
    if doc:
        spec = dataclasses.replace(spec, doc=doc)
    return _declare(f.default if default is dataclasses.MISSING else default, spec)


def list_like(cls: type, name: str, default: list, *, nonempty: bool = False,
              distinct: bool = False, doc: str = "") -> Any:
    """A list (stored as a tuple) of values each declared as field ``name`` of ``cls`` (a swept
    input takes the allowed values of the parameter it sweeps)."""
    f = next((f for f in dataclasses.fields(cls) if f.name == name), None)
    spec = None if f is None else spec_of(f)
    if spec is None or spec.kind not in ("float", "int"):
        raise AssertionError(f"{cls.__name__}.{name} is not a declared number")
    def allowed(list_name: str) -> str:
        each = spec.allowed(list_name).removeprefix("none or ")
        values = " of distinct values" if distinct else ""
        return f"a {'non-empty ' if nonempty else ''}list{values}, each {each}"

    def whole(values: tuple) -> bool:
        return (bool(values) or not nonempty) and (
            not distinct or len(set(values)) == len(values)
        )

    return _declare(default, Spec(spec.kind + "s", spec.ok, allowed, doc=doc, whole=whole))


def spec_of(f: dataclasses.Field) -> Spec | None:
    """The specification of a dataclass field, None if it is not declared with this module."""
    return f.metadata.get(_SPEC)


def _convert(value: Any, kind: str) -> Any:
    """Normalise one value to ``kind``; raise TypeError when it is not of that type."""
    if kind == "float":
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            raise TypeError
        if isinstance(value, complex | np.complexfloating):
            raise TypeError
        return float(value)
    if kind == "int":
        if isinstance(value, bool | np.bool_):
            raise TypeError
        if isinstance(value, int | np.integer):
            return int(value)
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return int(value)
        raise TypeError
    if kind == "bool":
        if not isinstance(value, bool | np.bool_):
            raise TypeError
        return bool(value)
    if kind == "str":
        if not isinstance(value, str):
            raise TypeError
        return value
    if kind == "dict":
        if not isinstance(value, Mapping):
            raise TypeError
        return dict(value)
    raise AssertionError(f"unknown parameter kind {kind!r}")  # a declaration bug, not user input


def normalise(owner: str, name: str, value: Any, spec: Spec) -> Any:
    """The normalised value of one declared field, or :class:`ParameterError`."""

    def error(problem: str) -> ParameterError:
        return ParameterError(owner, name, value, spec.allowed(name), problem)

    if spec.optional and (value is None or (isinstance(value, str) and
                                            value.strip().lower() in _NONE_WORDS)):
        return None
    listed = spec.kind.endswith("s")
    kind = spec.kind[:-1] if listed else spec.kind
    try:
        if listed:
            items = value if isinstance(value, list | tuple | np.ndarray) else [value]
            out: Any = tuple(_convert(v, kind) for v in items)
        else:
            out = _convert(value, kind)
    except TypeError:
        expected = f"a list of {kind}" if listed else kind
        raise error(f"has the wrong type (expected {expected})") from None
    if listed:
        if not all(spec.ok(v) for v in out) or (spec.whole and not spec.whole(out)):
            raise error("is out of range")
    elif not spec.ok(out):
        raise error("is out of range")
    return out


def check_field(cls: type, name: str, value: Any, *, owner: str | None = None) -> Any:
    """``value`` normalised and checked against the declaration of field ``name`` of dataclass
    ``cls`` (for a function that takes one of a dataclass's parameters on its own); raises
    :class:`ParameterError` naming ``owner`` (default: the class) and the field."""
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return normalise(owner or cls.__name__, name, value, spec_of(f))


def validate(obj: Any) -> None:
    """Normalise and check every declared field of the frozen dataclass ``obj`` in place."""
    owner = type(obj).__name__
    for f in dataclasses.fields(obj):
        spec = spec_of(f)
        if spec is None:
            continue
        value = normalise(owner, f.name, getattr(obj, f.name), spec)
        object.__setattr__(obj, f.name, value)
