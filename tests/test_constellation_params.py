"""The declaration layer every config goes through (constellation.params), tested directly:
bounds open and closed, type normalisation, None words, list checks, declarations borrowed
from another dataclass and single-field checks. Each case states the allowed-values text the
one-line errors show."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from coopsat.constellation.params import (
    ParameterError,
    check_field,
    choice,
    flag,
    like,
    list_like,
    number,
    numbers,
    validate,
)


@dataclass(frozen=True)
class Probe:
    closed: float = number(1.0, lo=0, hi=2, unit="m")
    open_: float = number(1.0, lo=0, hi=2, lo_open=True, hi_open=True)
    count: int = number(3, lo=1, hi=10, integer=True)
    maybe: float | None = number(None, lo=0, optional=True, unit="dB")
    unbounded: float = number(0.0, finite=False)
    mode: str = choice("a", ("a", "b"))
    on: bool = flag(False)
    values: tuple[float, ...] = numbers([1.0], lo=0, nonempty=True, distinct=True, unit="s")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class Borrower:
    same: float = like(Probe, "closed")
    swept: tuple[int, ...] = list_like(Probe, "count", [], distinct=True)

    def __post_init__(self) -> None:
        validate(self)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"closed": 0}, {"closed": 0.0}),  # an int given for a float becomes a float
        ({"closed": 2.0}, {"closed": 2.0}),  # closed ends are allowed
        ({"count": 4.0}, {"count": 4}),  # an integral float given for an int becomes an int
        ({"count": np.int64(5)}, {"count": 5}),
        ({"maybe": "none"}, {"maybe": None}),
        ({"maybe": " NONE "}, {"maybe": None}),
        ({"maybe": ""}, {"maybe": None}),
        ({"unbounded": -math.inf}, {"unbounded": -math.inf}),
        ({"values": 3.0}, {"values": (3.0,)}),  # a single number is a list of one
        ({"values": [1, 2]}, {"values": (1.0, 2.0)}),
        ({"on": np.bool_(True)}, {"on": True}),
    ],
)
def test_values_are_normalised(kwargs, expected):
    probe = Probe(**kwargs)
    for name, value in expected.items():
        got = getattr(probe, name)
        assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("kwargs", "problem", "allowed"),
    [
        ({"closed": -0.1}, "is out of range", "0 <= closed <= 2 m"),
        ({"closed": math.nan}, "is out of range", "0 <= closed <= 2 m"),
        ({"closed": math.inf}, "is out of range", "0 <= closed <= 2 m"),
        ({"open_": 0.0}, "is out of range", "0 < open_ < 2"),
        ({"open_": 2.0}, "is out of range", "0 < open_ < 2"),
        ({"closed": True}, "has the wrong type (expected float)", "0 <= closed <= 2 m"),
        ({"closed": 1j}, "has the wrong type (expected float)", "0 <= closed <= 2 m"),
        ({"closed": "1"}, "has the wrong type (expected float)", "0 <= closed <= 2 m"),
        ({"count": 2.5}, "has the wrong type (expected int)", "an integer 1 <= count <= 10"),
        ({"count": 11}, "is out of range", "an integer 1 <= count <= 10"),
        ({"maybe": -1.0}, "is out of range", "none or 0 <= maybe dB"),
        ({"unbounded": math.nan}, "is out of range", "any number, +-inf included"),
        ({"mode": "c"}, "is out of range", "one of 'a', 'b'"),
        ({"on": 1}, "has the wrong type (expected bool)", "true or false"),
        ({"values": []}, "is out of range", "a non-empty list of distinct numbers, 0 <= each s"),
        ({"values": [1.0, 1.0]}, "is out of range", "list of distinct numbers"),
        ({"values": [-1.0]}, "is out of range", "0 <= each s"),
        ({"values": ["x"]}, "has the wrong type (expected a list of float)", "0 <= each s"),
    ],
)
def test_bad_values_name_the_field_the_value_and_what_is_allowed(kwargs, problem, allowed):
    with pytest.raises(ParameterError) as info:
        Probe(**kwargs)
    (name, value), = kwargs.items()
    err = info.value
    assert (err.owner, err.name, err.problem) == ("Probe", name, problem)
    assert allowed in err.allowed
    assert str(err) == f"Probe.{name} = {value!r} {problem}; allowed: {err.allowed}"


def test_borrowed_declarations_take_the_owner_s_allowed_values():
    assert Borrower(same=2.0, swept=[1, 10]).swept == (1, 10)
    with pytest.raises(ParameterError, match=r"Borrower\.same = 3\.0 is out of range; allowed: "
                       r"0 <= same <= 2 m"):
        Borrower(same=3.0)
    with pytest.raises(ParameterError, match="allowed: a list of distinct values, each an "
                       "integer 1 <= swept <= 10"):
        Borrower(swept=[1, 1])
    with pytest.raises(ParameterError, match=r"swept = \[0\] is out of range"):
        Borrower(swept=[0])
    with pytest.raises(AssertionError, match=r"Probe\.mode is not a declared number"):
        list_like(Probe, "mode", [])
    with pytest.raises(AssertionError, match=r"Probe\.nope is not a declared parameter"):
        like(Probe, "nope")


def test_check_field_checks_one_value_under_the_caller_s_name():
    assert check_field(Probe, "count", 7.0) == 7
    with pytest.raises(ParameterError, match=r"^f\.count = 0 is out of range; allowed: an "
                       r"integer 1 <= count <= 10$"):
        check_field(Probe, "count", 0, owner="f")
