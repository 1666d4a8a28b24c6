"""Two-line element (TLE) files: read a real shell (``tle_writer`` writes any ``Constellation``).

Format: NORAD two-line elements (CelesTrak "TLE format" documentation; Vallado et al.,
AIAA 2006-6753, Appendix), optionally preceded by a name line (three-line sets; a leading
``"0 "`` on the name line, as Space-Track writes it, is dropped). Every element line is checked
(length 69, line number, catalogue number, blank separator columns, every numeric field including
the implied-exponent nddot and B* fields, mod-10 checksum) before sgp4 parses it, because sgp4
itself silently turns a garbled B* into NaN and a garbled catalogue number into a different one;
a failure raises ``TLEFormatError`` naming the line number.

Satellites are identified by NORAD catalogue number, not by name: real catalogues repeat names
(several "FALCON 9 DEB" objects, two sets named "STARLINK-1369" in CelesTrak's Starlink group of
May 2020), so a repeated name is made unique by appending the catalogue number, and several sets
of one catalogue number keep the newest (``read_tle``).

Rounding of the text format (what a round trip loses): angles 1e-4 deg (about 6 m along a 600 km
orbit), eccentricity 1e-7, mean motion 1e-8 rev/day, epoch 1e-8 day (0.86 ms, about 7 m along
track).
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sgp4.api import Satrec

from .constants import JD_UNIX_EPOCH, SECONDS_PER_DAY
from .orbits import Constellation

_TLE_LINE_LENGTH = 69
# 0-based columns that hold a blank separator in the standard layout, per line.
_BLANK_COLUMNS = {"1": (8, 17, 32, 43, 52, 61, 63), "2": (7, 16, 25, 33, 42, 51)}
# Catalogue number: up to five digits (blank-padded) or Alpha-5 (a letter other than I, O,
# then four digits).
_CATALOGUE = re.compile(r" *[0-9]+|[A-HJ-NP-Z][0-9]{4}")
# "Decimal point assumed" fields: sign, five mantissa digits, exponent sign and digit.
_IMPLIED_EXPONENT = re.compile(r"[ +-][0-9]{5}[ +-][0-9]")
# Integer fields that may be blank-padded (ephemeris type, element set number, revolution number).
_BLANK_OR_DIGITS = re.compile(r" *[0-9]*")
_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day per rad/min
_MAX_LISTED = 3  # dropped sets named in a notice; more are counted


class TLEFormatError(ValueError):
    """A malformed TLE line; ``line_number`` is 1-based within the text read."""

    def __init__(self, line_number: int, reason: str, line: str = ""):
        self.line_number = line_number
        self.reason = reason
        self.line = line
        shown = f": {line!r}" if line else ""
        super().__init__(f"TLE line {line_number}: {reason}{shown}")

    def __reduce__(self):
        # Rebuild from the fields so that the error survives pickling (process pools).
        return (type(self), (self.line_number, self.reason, self.line))


# Catalogue names of objects that are not payloads: debris, rocket bodies, kick motors.
_NOT_PAYLOAD = re.compile(r"(?:^|[\s(])(?:DEB|DEBRIS|R/B|AKM|PKM|PLAT)(?:$|[\s\[()])")


def is_payload_name(name: str) -> bool:
    """False for names that mark debris, rocket bodies or kick motors in the catalogues'
    convention (``"FALCON 9 DEB"``, ``"CZ-4C R/B"``, ``"... AKM"``): TLE files carry no object
    type, the name is the only hint."""
    return _NOT_PAYLOAD.search(name.upper()) is None


def select_by_name(constellation: Constellation, pattern: str = "*",
                   payloads_only: bool = False) -> Constellation:
    """The satellites whose name matches the glob ``pattern`` (case-insensitive, ``fnmatch``;
    ``"STARLINK-*"``), and with ``payloads_only`` only those :func:`is_payload_name` accepts.
    Raises ValueError when none is left."""
    keep = [
        i for i, name in enumerate(constellation.names)
        if fnmatch.fnmatchcase(name.upper(), pattern.upper())
        and (is_payload_name(name) or not payloads_only)
    ]
    if not keep:
        raise ValueError(
            f"no satellite of {len(constellation)} matches the name pattern {pattern!r}"
            + (" among the payloads" if payloads_only else "")
        )
    return constellation.subset(keep)


# byte -> its checksum value: '0'..'9' -> 0..9, '-' -> 1, anything else 0 (a byte-level table
# sums a catalogue's lines ~10x faster than a per-character loop)
_CHECKSUM_VALUES = bytes(
    code - ord("0") if ord("0") <= code <= ord("9") else int(code == ord("-"))
    for code in range(256)
)


def tle_checksum(line: str) -> int:
    """Mod-10 checksum of the first 68 columns: ASCII digits count their value, '-' counts 1,
    any other character 0."""
    values = line[:68].encode("ascii", "ignore").translate(_CHECKSUM_VALUES)
    return sum(values) % 10


def read_tle(path_or_text: str | bytes | os.PathLike) -> Constellation:
    """Read two- or three-line element sets into a ``Constellation``.

    Parameters
    ----------
    path_or_text : a path (``os.PathLike``, or a ``str`` without a line break), the TLE text
        itself (a ``str`` containing a line break) or a file's raw ``bytes`` (decoded as UTF-8,
        as a path is); blank lines are ignored, LF, CRLF and CR line ends all accepted

    Satellites are identified by catalogue number (``Constellation.catalog_numbers``), as
    real catalogues repeat names:

    - several sets with one catalogue number (e.g. two downloads concatenated): the set with
      the newest epoch is kept, in the place of the number's first set, and
      ``Constellation.notices`` gets one line saying which lines were dropped; two such sets
      with the same epoch are a ``TLEFormatError`` naming both lines;
    - names label the satellites: a two-line set is named by its catalogue number (columns
      3-7), and a name shared by several kept sets gets the catalogue number appended to each,
      e.g. ``"FALCON 9 DEB [45591]"``.

    Raises ``TLEFormatError`` (a ``ValueError``) naming the offending line number, or when the
    text holds no element set.
    """
    if isinstance(path_or_text, os.PathLike) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and "\r" not in path_or_text
    ):
        text = _decode(Path(path_or_text).read_bytes())
    elif isinstance(path_or_text, bytes):
        text = _decode(path_or_text)
    elif isinstance(path_or_text, str):
        text = path_or_text
    else:
        raise ValueError(f"read_tle expects a path or TLE text, got {type(path_or_text).__name__}")
    sets = _parse_sets(text)
    if not sets:
        raise TLEFormatError(1, "no element set found")
    kept, notices = _newest_per_catalogue_number(sets)
    names = _unique_names(kept)
    return Constellation(names, tuple(s.satrec for s in kept), tuple(notices))


@dataclass(frozen=True)
class _ElementSet:
    """One parsed set: its name (``None`` for a two-line set), 1-based line numbers, Satrec."""

    name: str | None
    first_line: int  # the name line of a three-line set, else line 1
    line1_number: int
    line1: str
    satrec: Satrec

    @property
    def catalogue_text(self) -> str:
        return self.line1[2:7].strip()

    @property
    def epoch_text(self) -> str:
        return self.line1[18:32]

    @property
    def epoch_jd(self) -> tuple[float, float]:
        return (self.satrec.jdsatepoch, self.satrec.jdsatepochF)

    @property
    def epoch_label(self) -> str:
        """The epoch as written (YYDDD.DDDDDDDD) and as UTC to the second."""
        days = (self.satrec.jdsatepoch - JD_UNIX_EPOCH) + self.satrec.jdsatepochF
        stamp = datetime.fromtimestamp(round(days * SECONDS_PER_DAY), UTC)
        return f"{self.epoch_text} = {stamp:%Y-%m-%dT%H:%M:%SZ}"


def _parse_sets(text: str) -> list[_ElementSet]:
    """Every element set of ``text`` in file order, each line checked (``_check_line``)."""
    lines = [(i + 1, raw.rstrip()) for i, raw in enumerate(text.splitlines()) if raw.strip()]
    sets: list[_ElementSet] = []
    pos = 0
    while pos < len(lines):
        number, line = lines[pos]
        name = None
        if not line.startswith("1 "):
            if line.startswith("2 "):
                raise TLEFormatError(number, "line 2 of an element set without its line 1", line)
            name = line[2:].strip() if line.startswith("0 ") else line.strip()
            pos += 1
            if pos >= len(lines):
                raise TLEFormatError(number, "name line not followed by an element set", line)
        if pos + 1 >= len(lines):
            n_last, l_last = lines[pos]
            raise TLEFormatError(n_last, "element set is missing its line 2", l_last)
        (n1, l1), (n2, l2) = lines[pos], lines[pos + 1]
        _check_line(n1, l1, "1")
        _check_line(n2, l2, "2")
        if l1[2:7] != l2[2:7]:
            raise TLEFormatError(
                n2, f"catalogue number {l2[2:7]!r} differs from line 1's {l1[2:7]!r}", l2
            )
        try:
            sat = Satrec.twoline2rv(l1, l2)
        except (ValueError, IndexError) as exc:  # pragma: no cover - fields were checked above
            raise TLEFormatError(n1, f"sgp4 could not parse the set ({exc})", l1) from exc
        if sat.error:
            raise TLEFormatError(n1, f"sgp4 rejected the elements (error {sat.error})", l1)
        sets.append(_ElementSet(name or None, number, n1, l1, sat))
        pos += 2
    return sets


def _newest_per_catalogue_number(
    sets: list[_ElementSet],
) -> tuple[list[_ElementSet], list[str]]:
    """One set per catalogue number (the newest epoch), in order of each number's first set,
    and one notice per catalogue number that had several sets."""
    groups: dict[int, list[_ElementSet]] = {}
    for s in sets:
        groups.setdefault(int(s.satrec.satnum), []).append(s)
    kept, notices = [], []
    for group in groups.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        by_epoch = sorted(group, key=lambda s: (s.epoch_jd, s.line1_number))
        for older, newer in itertools.pairwise(by_epoch):
            if older.epoch_jd == newer.epoch_jd:
                raise TLEFormatError(
                    newer.line1_number,
                    f"catalogue number {newer.catalogue_text} has two element sets with the "
                    f"same epoch {newer.epoch_label} (lines {older.line1_number} and "
                    f"{newer.line1_number}); allowed: one set per catalogue number and epoch",
                )
        newest = by_epoch[-1]
        kept.append(newest)
        dropped = [f"line {s.line1_number} (epoch {s.epoch_label})"
                   for s in group if s is not newest]
        if len(dropped) > _MAX_LISTED:
            dropped[_MAX_LISTED:] = [f"{len(dropped) - _MAX_LISTED} more"]
        notices.append(
            f"TLE catalogue number {newest.catalogue_text}"
            + (f" ({newest.name})" if newest.name else "")
            + f": {len(group)} element sets, kept the newest (line {newest.line1_number}, epoch "
            f"{newest.epoch_label}), dropped " + ", ".join(dropped)
        )
    return kept, notices


def _unique_names(sets: list[_ElementSet]) -> tuple[str, ...]:
    """Labels: the set's name (a two-line set: its catalogue number); a label shared by
    several sets gets ``" [catalogue number]"`` appended on each of them."""
    labels = [s.name or s.catalogue_text for s in sets]
    for _ in range(3):  # a second round only if a suffixed label met a literal one
        counts = Counter(labels)
        if len(counts) == len(labels):
            return tuple(labels)
        labels = [
            f"{label} [{s.catalogue_text}]" if counts[label] > 1 else label
            for label, s in zip(labels, sets, strict=True)
        ]
    dup = next(label for label, n in Counter(labels).items() if n > 1)  # pragma: no cover
    raise TLEFormatError(  # pragma: no cover - needs names built to collide with the suffixes
        sets[labels.index(dup)].first_line, f"cannot make the name {dup!r} unique"
    )


_NUMERIC_FIELDS = {
    "1": (("epoch", 18, 32), ("first derivative of mean motion", 33, 43)),
    "2": (
        ("inclination", 8, 16),
        ("right ascension of the node", 17, 25),
        ("argument of perigee", 34, 42),
        ("mean anomaly", 43, 51),
        ("mean motion", 52, 63),
    ),
}


def _decode(data: bytes) -> str:
    """UTF-8 text of a TLE file (an optional byte-order mark dropped); a byte sequence that is
    not UTF-8 is a ``TLEFormatError`` naming its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TLEFormatError(
            line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); allowed: ASCII element lines "
            "and UTF-8 names"
        ) from None


def _check_line(number: int, line: str, which: str) -> None:
    if not line.isascii():
        col = next(i for i, ch in enumerate(line) if not ch.isascii())
        raise TLEFormatError(
            number, f"non-ASCII character {line[col]!r} at column {col + 1} of line {which}; "
            "element lines are ASCII", line,
        )
    if len(line) != _TLE_LINE_LENGTH:
        raise TLEFormatError(
            number, f"expected {_TLE_LINE_LENGTH} characters on line {which}, got {len(line)}",
            line,
        )
    if line[0] != which or line[1] != " ":
        raise TLEFormatError(number, f"expected line {which} of an element set", line)
    if not _CATALOGUE.fullmatch(line[2:7]):
        raise TLEFormatError(
            number, f"catalogue number (columns 3-7) is not 5 digits or Alpha-5: "
            f"{line[2:7]!r}", line,
        )
    for col in _BLANK_COLUMNS[which]:
        if line[col] != " ":
            raise TLEFormatError(
                number, f"column {col + 1} must be blank (fields shifted?), got {line[col]!r}",
                line,
            )
    for label, start, stop in _NUMERIC_FIELDS[which]:
        try:
            float(line[start:stop])
        except ValueError:
            raise TLEFormatError(
                number, f"{label} (columns {start + 1}-{stop}) is not a number: "
                f"{line[start:stop]!r}", line,
            ) from None
    if which == "1":
        for label, start, stop in (("second derivative of mean motion", 44, 52),
                                   ("B* drag term", 53, 61)):
            if not _IMPLIED_EXPONENT.fullmatch(line[start:stop]):
                raise TLEFormatError(
                    number, f"{label} (columns {start + 1}-{stop}) is not of the form "
                    f"'+12345-6': {line[start:stop]!r}", line,
                )
        integer_fields = (("ephemeris type", 62, 63), ("element set number", 64, 68))
    else:
        if not line[26:33].strip().isdigit():
            raise TLEFormatError(number, f"eccentricity (columns 27-33) is not digits: "
                                 f"{line[26:33]!r}", line)
        integer_fields = (("revolution number", 63, 68),)
    for label, start, stop in integer_fields:
        if not _BLANK_OR_DIGITS.fullmatch(line[start:stop]):
            raise TLEFormatError(
                number, f"{label} (columns {start + 1}-{stop}) is not digits: "
                f"{line[start:stop]!r}", line,
            )
    if not line[68].isdigit() or int(line[68]) != tle_checksum(line):
        raise TLEFormatError(
            number, f"checksum {line[68]!r} does not match computed {tle_checksum(line)}", line
        )
