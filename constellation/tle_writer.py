"""Writing two-line element (TLE) files: any ``Constellation`` as three-line sets.

The format and its rounding are those ``tle`` reads (see its docstring): angles 1e-4 deg,
eccentricity 1e-7, mean motion 1e-8 rev/day, epoch 1e-8 day; each line gets its mod-10 checksum.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

from sgp4.api import Satrec

from .orbits import Constellation
from .tle import _MAX_LISTED, _XPDOTP, tle_checksum


def write_tle(constellation: Constellation, path: str | os.PathLike) -> None:
    """Write ``constellation`` as three-line element sets (name line, line 1, line 2)."""
    Path(path).write_text(format_tle(constellation), encoding="utf-8")


def format_tle(constellation: Constellation) -> str:
    """The three-line TLE text of ``constellation`` (newline-terminated). Raises ValueError if
    two satellites share a catalogue number: ``read_tle`` identifies satellites by it."""
    repeated = sorted(n for n, c in Counter(constellation.catalog_numbers).items() if c > 1)
    if repeated:
        shown = ", ".join(map(str, repeated[:_MAX_LISTED]))
        more = f" and {len(repeated) - _MAX_LISTED} more" if len(repeated) > _MAX_LISTED else ""
        raise ValueError(
            "catalog_numbers must be unique to write a TLE file (read_tle identifies "
            f"satellites by them); repeated: {shown}{more}"
        )
    out = []
    for name, sat in zip(constellation.names, constellation.satrecs, strict=True):
        line1, line2 = tle_lines(sat)
        out.extend((name, line1, line2))
    return "\n".join(out) + "\n"


def tle_lines(sat: Satrec) -> tuple[str, str]:
    """Line 1 and line 2 (with checksums) of one SGP4 element set."""
    satnum = int(sat.satnum)
    if not 0 <= satnum <= 99_999:
        raise ValueError(f"satnum must be in [0, 99999] for a TLE, got {satnum}")
    ndot = sat.ndot * _XPDOTP * 1440.0
    if abs(ndot) >= 1.0:
        raise ValueError(f"ndot must be below 1 rev/day^2 in magnitude, got {ndot}")
    ndot_text = f"{'-' if ndot < 0 else ' '}{f'{abs(ndot):.8f}'[1:]}"
    nddot = sat.nddot * _XPDOTP * 1440.0 * 1440.0
    intl = (getattr(sat, "intldesg", "") or "")[:8]
    cls = (getattr(sat, "classification", "") or "U")[:1]
    line1 = (
        f"1 {satnum:05d}{cls} {intl:<8s} {int(sat.epochyr) % 100:02d}{sat.epochdays:012.8f} "
        f"{ndot_text} {_implied_exponent(nddot, 'nddot')} {_implied_exponent(sat.bstar, 'bstar')}"
        f" 0 {int(sat.elnum) % 10000:4d}"
    )
    ecc = round(sat.ecco * 1e7)
    if not 0 <= ecc < 10_000_000:
        raise ValueError(f"eccentricity must be in [0, 1) for a TLE, got {sat.ecco}")
    line2 = (
        f"2 {satnum:05d} {_angle(sat.inclo)} {_angle(sat.nodeo)} {ecc:07d} "
        f"{_angle(sat.argpo)} {_angle(sat.mo)} {sat.no_kozai * _XPDOTP:11.8f}"
        f"{int(sat.revnum) % 100000:5d}"
    )
    return line1 + str(tle_checksum(line1)), line2 + str(tle_checksum(line2))


def _angle(rad: float) -> str:
    deg = round(math.degrees(rad) % 360.0, 4) % 360.0
    return f"{deg:8.4f}"


def _implied_exponent(value: float, name: str) -> str:
    """TLE 'decimal point assumed' field: sign, 5 mantissa digits, signed exponent (8 chars)."""
    if value == 0.0:
        return " 00000-0"
    exponent = math.floor(math.log10(abs(value))) + 1
    digits = round(abs(value) / 10.0**exponent * 1e5)
    if digits >= 100_000:
        digits //= 10
        exponent += 1
    if not -9 <= exponent <= 9:
        raise ValueError(f"{name} = {value} does not fit the TLE exponent range 1e-10..1e9")
    return f"{'-' if value < 0 else ' '}{digits:05d}{'-' if exponent < 0 else '+'}{abs(exponent)}"
