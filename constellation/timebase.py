"""Offline skyfield time handling: a built-in timescale and evenly spaced epoch arrays."""

from __future__ import annotations

import math
import numbers
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from skyfield.api import load
from skyfield.timelib import Time, Timescale

from .constants import SECONDS_PER_DAY


@lru_cache(maxsize=1)
def timescale() -> Timescale:
    """skyfield ``Timescale`` from the files bundled with skyfield (never downloads).

    Cached: the same immutable object is returned on every call.
    """
    return load.timescale(builtin=True)


def parse_utc(text: str) -> datetime:
    """Parse an ISO-8601 UTC timestamp such as ``"2025-01-01T00:00:00Z"`` into an aware datetime.

    A naive timestamp is taken as UTC; any other offset is converted. Raises ``ValueError``
    naming the text when it is not ISO 8601.
    """
    if not isinstance(text, str):
        raise ValueError(f"epoch must be an ISO-8601 UTC string, got {text!r}")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"epoch {text!r} is not ISO 8601 (expected e.g. '2025-01-01T00:00:00Z')"
        ) from exc
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def utc_text(value):
    """A datetime as the ISO 8601 UTC text the configs store ("2025-01-01T00:00:00Z"; naive
    means UTC, other offsets are converted); any other value is returned unchanged."""
    if not isinstance(value, datetime):
        return value
    stamp = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    fraction = f".{stamp.microsecond:06d}" if stamp.microsecond else ""
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def iso_utc_ok(text: str) -> bool:
    """True when ``text`` parses with ``parse_utc``."""
    try:
        parse_utc(text)
    except ValueError:
        return False
    return True


def epochs(start_utc: str, duration_s: float, step_s: float) -> Time:
    """Time array ``start + n * step_s`` for ``n = 0 .. floor(duration_s / step_s)`` (UTC).

    Parameters
    ----------
    start_utc : ISO-8601 string, ``duration_s >= 0`` and ``step_s > 0`` in seconds

    Returns
    -------
    skyfield ``Time`` of length ``floor(duration_s / step_s) + 1`` (the end point is included when
        ``duration_s`` is a multiple of ``step_s``)
    """
    n = whole_steps(duration_s, step_s, span_name="duration_s") + 1
    start = parse_utc(start_utc)
    seconds = start.second + start.microsecond * 1e-6 + step_s * np.arange(n)
    return timescale().utc(start.year, start.month, start.day, start.hour, start.minute, seconds)


def whole_steps(span_s: float, step_s: float, *, span_name: str = "span_s",
                step_name: str = "step_s") -> int:
    """floor(span_s / step_s), with a relative 1e-12 allowance so that a span that is a multiple
    of the step in decimal (600 / 0.1) counts its last step. Raises ValueError naming the
    argument unless span_s >= 0 and step_s > 0 are finite real numbers (seconds)."""
    for name, value, ok, rule in ((span_name, span_s, lambda v: v >= 0.0, ">= 0 s"),
                                  (step_name, step_s, lambda v: v > 0.0, "> 0 s")):
        real = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not (real and math.isfinite(value) and ok(value)):
            raise ValueError(f"{name} must be finite and {rule}, got {value!r}")
    return math.floor(span_s / step_s * (1.0 + 1e-12))


def utc_time(stamp_utc: str) -> Time:
    """Scalar skyfield ``Time`` for one ISO-8601 UTC timestamp."""
    start = parse_utc(stamp_utc)
    return timescale().utc(
        start.year, start.month, start.day, start.hour, start.minute,
        start.second + start.microsecond * 1e-6,
    )


def as_time(value: Time | str | datetime) -> Time:
    """A scalar skyfield ``Time`` from a ``Time``, an ISO 8601 UTC text
    (``"2025-01-01T00:00:00Z"``) or a ``datetime`` (naive means UTC, as in :func:`parse_utc`).

    Raises ``TypeError`` for any other type, ``ValueError`` for text that is not ISO 8601.
    """
    if isinstance(value, Time):
        return value
    if isinstance(value, datetime):
        value = utc_text(value)
    if isinstance(value, str):
        return utc_time(value)
    raise TypeError(
        f"time must be a skyfield Time, an ISO 8601 UTC text or a datetime, got "
        f"{type(value).__name__} (e.g. utc_time('2025-01-01T00:00:00Z'))"
    )


def sgp4_julian_dates(time: Time) -> tuple[np.ndarray, np.ndarray]:
    """(whole, fraction) UTC Julian dates that sgp4 expects, exactly as skyfield's EarthSatellite.

    skyfield treats the TLE epoch as UTC (AIAA 2006-6753), so it feeds sgp4 with the UTC Julian
    date split into ``t.whole`` and the TAI fraction minus the leap seconds.
    """
    whole = np.asarray(time.whole, dtype=float)
    fraction = np.asarray(time.tai_fraction, dtype=float) - leap_seconds(time) / SECONDS_PER_DAY
    return whole, fraction


def leap_seconds(time: Time) -> np.ndarray:
    """TAI - UTC (s, whole seconds since 1972) at ``time``, from skyfield's public API only.

    The UTC calendar date and clock time (``time.utc``) are turned into a Julian date with the
    Fliegel & Van Flandern (1968) day-number formula and subtracted from the TAI Julian date; the
    difference rounded to whole seconds is the leap-second offset of skyfield's built-in table.
    Inside an inserted leap second (23:59:60, the last one on 2016-12-31) the clock reads 60 s
    and the result is the offset before it, so sgp4's UTC time runs on through the leap second
    (skyfield's private ``Time._leap_seconds`` reports a half second there instead).
    """
    utc = time.utc
    year, month, day = (np.asarray(x, dtype=np.int64) for x in utc[:3])
    a = np.where(month <= 2, -1, 0)  # (month - 14) / 12 truncated toward zero
    day_number = (
        (1461 * (year + 4800 + a)) // 4
        + (367 * (month - 2 - 12 * a)) // 12
        - (3 * ((year + 4900 + a) // 100)) // 4
        + day
        - 32075
    )
    clock_s = np.asarray(utc[3], dtype=float) * 3600.0 + np.asarray(utc[4]) * 60.0 + utc[5]
    tai_minus_utc_days = (np.asarray(time.whole, dtype=float) - (day_number - 0.5)) + (
        np.asarray(time.tai_fraction, dtype=float) - clock_s / SECONDS_PER_DAY
    )
    return np.round(tai_minus_utc_days * SECONDS_PER_DAY)
