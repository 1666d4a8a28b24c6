"""Tests written for the survivors of mutation runs (mutmut; README, "Mutation testing"): the
exact text of every TLE reading error (the offending line included), the writer's field limits
and number formats, and the notices of repeated catalogue numbers."""

from __future__ import annotations

import math

import pytest
from sgp4.api import WGS72, Satrec

from coopsat.constellation import TLEFormatError, read_tle, tle_lines
from coopsat.constellation.tle import tle_checksum

NAME = "ISS (ZARYA)"
L1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
L2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"


def _put(line: str, col: int, text: str) -> str:
    """``line`` with ``text`` over it from 0-based ``col`` and the checksum recomputed."""
    line = line[:col] + text + line[col + len(text):]
    return line[:68] + str(tle_checksum(line))


# --- Reading: the whole message of each error, the offending line quoted --------------------

BAD_L1_ECC = _put(L2, 26, "x006703")
SHIFTED = _put(L2[:26] + " 000670" + L2[32:], 0, "2")  # eccentricity one column to the right
READ_ERRORS = [
    ("\n\n", 1, "no element set found", None),
    (f"{L2}\n{L1}\n", 1, "line 2 of an element set without its line 1", L2),
    (f"{NAME}\n", 1, "name line not followed by an element set", NAME),
    (f"{NAME}\n{L1}\n", 2, "element set is missing its line 2", L1),
    (f"{L1}\n{_put(L2, 2, '25545')}\n", 2,
     "catalogue number '25545' differs from line 1's '25544'", _put(L2, 2, "25545")),
    (f"{_put(L1, 9, 'é')}\n{L2}\n", 1,
     "non-ASCII character 'é' at column 10 of line 1; element lines are ASCII", _put(L1, 9, "é")),
    (f"{L1[:-1]}\n{L2}\n", 1, "expected 69 characters on line 1, got 68", L1[:-1]),
    (f"{NAME}\n{L2}\n{L1}\n", 2, "expected line 1 of an element set", L2),
    (f"{_put(L1, 2, '2554x')}\n{_put(L2, 2, '2554x')}\n", 1,
     "catalogue number (columns 3-7) is not 5 digits or Alpha-5: '2554x'", _put(L1, 2, "2554x")),
    # a lowercase letter and the letter I are not Alpha-5 (whatever the four digits after them)
    (f"{_put(L1, 2, 'x2554')}\n{_put(L2, 2, 'x2554')}\n", 1,
     "catalogue number (columns 3-7) is not 5 digits or Alpha-5: 'x2554'", _put(L1, 2, "x2554")),
    (f"{_put(L1, 2, 'I2554')}\n{_put(L2, 2, 'I2554')}\n", 1,
     "catalogue number (columns 3-7) is not 5 digits or Alpha-5: 'I2554'", _put(L1, 2, "I2554")),
    (f"{L1}\n{SHIFTED}\n", 2, "column 34 must be blank (fields shifted?), got '3'", SHIFTED),
    (f"{L1}\n{_put(L2, 9, 'x')}\n", 2, "inclination (columns 9-16) is not a number: ' x1.6416'",
     _put(L2, 9, "x")),
    (f"{_put(L1, 44, ' x0000-0')}\n{L2}\n", 1, "second derivative of mean motion (columns 45-52) "
     "is not of the form '+12345-6': ' x0000-0'", _put(L1, 44, " x0000-0")),
    (f"{_put(L1, 53, ' ab606-4')}\n{L2}\n", 1, "B* drag term (columns 54-61) is not of the form "
     "'+12345-6': ' ab606-4'", _put(L1, 53, " ab606-4")),
    (f"{_put(L1, 62, 'x')}\n{L2}\n", 1, "ephemeris type (columns 63-63) is not digits: 'x'",
     _put(L1, 62, "x")),
    (f"{_put(L1, 64, 'x')}\n{L2}\n", 1, "element set number (columns 65-68) is not digits: "
     "'x292'", _put(L1, 64, "x")),
    (f"{L1}\n{BAD_L1_ECC}\n", 2, "eccentricity (columns 27-33) is not digits: 'x006703'",
     BAD_L1_ECC),
    (f"{L1}\n{_put(L2, 63, 'ab353')}\n", 2, "revolution number (columns 64-68) is not digits: "
     "'ab353'", _put(L2, 63, "ab353")),
    (f"{L1}\n{L2[:68]}0\n", 2, "checksum '0' does not match computed 7", L2[:68] + "0"),
    # mean motion 0: every field well formed, sgp4 itself refuses the elements
    (f"{L1}\n{_put(L2, 52, ' 0.00000000')}\n", 1, "sgp4 rejected the elements (error 2)", L1),
]


@pytest.mark.parametrize(("text", "line_number", "reason", "line"), READ_ERRORS)
def test_every_reading_error_has_its_whole_message(text, line_number, reason, line):
    with pytest.raises(TLEFormatError) as info:
        read_tle(text)
    shown = "" if line is None else f": {line!r}"
    assert str(info.value) == f"TLE line {line_number}: {reason}{shown}"
    assert (info.value.line_number, info.value.reason) == (line_number, reason)
    assert info.value.line == ("" if line is None else line)


def test_not_utf8_and_not_text_errors_have_their_whole_message():
    with pytest.raises(TLEFormatError) as info:
        read_tle(f"{L1}\n".encode() + b"\xff\n")
    assert str(info.value) == ("TLE line 2: not UTF-8 text (byte 0xff); allowed: ASCII element "
                               "lines and UTF-8 names")
    with pytest.raises(ValueError, match=r"^read_tle expects a path or TLE text, got float$"):
        read_tle(1.5)


def test_trailing_blanks_after_element_lines_are_ignored():
    const = read_tle(f"{NAME}   \n{L1}  \n{L2}\t\n")
    assert const.names == (NAME,) and const.catalog_numbers == (25544,)


def test_a_notice_lists_three_dropped_sets_and_names_a_two_line_set_by_nothing():
    sets = [_put(L1, 18, f"08{day:03d}.50000000") for day in (200, 201, 202, 203)]
    (notice,) = read_tle("".join(f"{s}\n{L2}\n" for s in sets)).notices
    assert notice == (
        "TLE catalogue number 25544: 4 element sets, kept the newest (line 7, epoch "
        "08203.50000000 = 2008-07-21T12:00:00Z), dropped line 1 (epoch 08200.50000000 = "
        "2008-07-18T12:00:00Z), line 3 (epoch 08201.50000000 = 2008-07-19T12:00:00Z), line 5 "
        "(epoch 08202.50000000 = 2008-07-20T12:00:00Z)")


# --- Writing: field limits and number formats, by hand ----------------------------------------

def _satrec(**elements) -> Satrec:
    """An SGP4 element set (sgp4init, WGS72), catalogue number 5 unless given."""
    e = {"satnum": 5, "epoch": 18000.5, "bstar": 2.8098e-5, "ndot": 6.969196665e-13,
         "nddot": 0.0, "ecco": 0.1, "argpo": 0.1, "inclo": 0.9, "mo": 0.2, "no_kozai": 0.06,
         "nodeo": 0.3, **elements}
    sat = Satrec()
    sat.sgp4init(WGS72, "i", e["satnum"], e["epoch"], e["bstar"], e["ndot"], e["nddot"],
                 e["ecco"], e["argpo"], e["inclo"], e["mo"], e["no_kozai"], e["nodeo"])
    return sat


@pytest.mark.parametrize(("satnum", "columns"), [(0, "00000"), (99_999, "99999")])
def test_catalogue_numbers_at_the_ends_of_the_five_digit_range_are_written(satnum, columns):
    line1, line2 = tle_lines(_satrec(satnum=satnum))
    assert line1[2:7] == line2[2:7] == columns


@pytest.mark.parametrize(
    ("elements", "message"),
    [
        ({"satnum": 100_000}, "satnum must be in [0, 99999] for a TLE, got 100000"),
        ({"ecco": 0.99999996}, "eccentricity must be in [0, 1) for a TLE, got 0.99999996"),
        # 1.5 rev/day^2 = 1.5 / (1440 min * 1440 min / 2 pi rad) rad/min^2
        ({"ndot": 1.5 * 2 * math.pi / 1440**2}, "ndot must be below 1 rev/day^2 in magnitude"),
        ({"bstar": 9.9e-11}, "bstar = 9.9e-11 does not fit the TLE exponent range 1e-10..1e9"),
        ({"bstar": 1e9}, "bstar = 1000000000.0 does not fit the TLE exponent range 1e-10..1e9"),
        ({"nddot": 1e9}, "nddot = 4.7523411359331e+17 does not fit the TLE exponent range"),
    ],
)
def test_values_a_tle_cannot_hold_are_refused_by_name(elements, message):
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace(
            "(", r"\(").replace(")", r"\)").replace("^", r"\^").replace("+", r"\+")):
        tle_lines(_satrec(**elements))


@pytest.mark.parametrize(
    ("bstar", "field"),
    [
        (9.999996e-5, " 10000-3"),  # the mantissa rounds up to 100000: one more exponent
        (9.9999e-5, " 99999-4"),  # the largest mantissa that keeps its exponent
        (1e-10, " 10000-9"),  # the smallest exponent
        (5e8, " 50000+9"),  # the largest
        (1.5, " 15000+1"),
        (0.5, " 50000+0"),  # exponent 0 is written "+0"
        (-2.8098e-5, "-28098-4"),
        (0.0, " 00000-0"),
    ],
)
def test_implied_exponent_fields_by_hand(bstar, field):
    line1, _ = tle_lines(_satrec(bstar=bstar))
    assert line1[53:61] == field


def test_nddot_eccentricity_angles_and_classification_are_written_by_hand():
    # nddot 1.2345e-5 rev/day^3 in sgp4's rad/min^3; a Molniya-like eccentricity; a RAAN of
    # -0.1 rad = 354.2704 deg; a mean anomaly 4e-5 deg short of 360 rounds to 0.0000.
    nddot = 1.2345e-5 * 2 * math.pi / 1440**3
    sat = _satrec(nddot=nddot, ecco=0.7, nodeo=-0.1, mo=math.radians(359.99996))
    sat.classification = "C"
    line1, line2 = tle_lines(sat)
    assert line1[7] == "C"
    assert line1[44:52] == " 12345-4"
    assert line2[26:33] == "7000000"
    assert line2[17:25] == "354.2704"
    assert line2[43:51] == "  0.0000"
    back = Satrec.twoline2rv(line1, line2)
    assert back.classification == "C"
    assert back.nddot == pytest.approx(nddot, rel=1e-4)


def test_year_element_set_and_revolution_numbers_keep_their_last_digits():
    sat = _satrec()
    sat.epochyr, sat.elnum, sat.revnum = 2020, 10_001, 100_001
    line1, line2 = tle_lines(sat)
    assert line1[18:20] == "20"
    assert line1[64:68] == "   1"
    assert line2[63:68] == "    1"


@pytest.mark.parametrize(
    ("repeated", "shown"), [((1, 2, 3), "1, 2, 3"), ((1, 2, 3, 4), "1, 2, 3 and 1 more")]
)
def test_the_writer_names_up_to_three_repeated_catalogue_numbers(repeated, shown):
    from coopsat.constellation import Constellation, format_tle

    sats = tuple(_satrec(satnum=n) for n in repeated for _ in range(2))
    names = tuple(f"S{i}" for i in range(len(sats)))
    with pytest.raises(ValueError) as info:
        format_tle(Constellation(names, sats))
    assert str(info.value) == ("catalog_numbers must be unique to write a TLE file (read_tle "
                               f"identifies satellites by them); repeated: {shown}")


# --- Run store: what --resume names when the configs differ; what counts as a run -------------

def _resume_error(tmp_path, edit) -> str:
    """The ResumeError message of resuming, with the tiny config, a run whose recorded config
    is the tiny config changed by ``edit`` (a function of the config dict, in place)."""
    import json

    from coopsat.constellation.resources import data_path
    from coopsat.experiments import load_config
    from coopsat.experiments.driver.store import ResumeError, RunDir

    config = load_config(data_path("tiny.toml"))
    stored = config.to_dict()
    edit(stored)
    record = {"config": stored, "config_hash": "0" * 64, "version": "0", "kind": "sweep"}
    (tmp_path / "run.json").write_text(json.dumps(record))
    with pytest.raises(ResumeError) as info:
        RunDir.create(tmp_path, config, resume=True)
    message = str(info.value)
    assert message.startswith(f"--resume: the config of {str(tmp_path)!r} (hash 000000000000) "
                              f"differs from this one (hash {config.run_id})")
    assert message.endswith("; use another --out, or --overwrite (without --resume) to start "
                            "over")
    return message


def _edits(*changes):
    def edit(d):
        for change in changes:
            change(d)
    return edit


@pytest.mark.parametrize(
    ("edit", "listed"),
    [
        # a section only in the stored config, a key only in the stored and one only in the new
        (_edits(lambda d: d.update(old={"k": 1}), lambda d: d["drop"].update(gone=2),
                lambda d: d["channel"].pop("zeta2")),
         " in channel.zeta2: '<absent>' -> 0.5, drop.gone: 2 -> '<absent>', old.k: 1 -> "
         "'<absent>'"),
        # a stored section that is not a table
        (lambda d: d.update(show=3), " in show.: 3 -> {"),
        # run.chunk_drops is not hashed: never listed
        (lambda d: d["run"].update(chunk_drops=99), "; use another"),
        # six changes are listed, a seventh is counted as "..."
        (lambda d: d["run"].update({f"x{i}": i for i in range(6)}),
         " in run.x0: 0 -> '<absent>', run.x1: 1 -> '<absent>', run.x2: 2 -> '<absent>', "
         "run.x3: 3 -> '<absent>', run.x4: 4 -> '<absent>', run.x5: 5 -> '<absent>'; use"),
        (lambda d: d["run"].update({f"x{i}": i for i in range(7)}),
         "run.x5: 5 -> '<absent>', ...; use"),
    ],
)
def test_resume_names_the_keys_whose_values_differ(tmp_path, edit, listed):
    message = _resume_error(tmp_path, edit)
    assert listed in message
    assert "chunk_drops" not in message


def test_a_section_missing_from_the_stored_config_lists_each_of_its_keys(tmp_path):
    message = _resume_error(tmp_path, lambda d: d.pop("precoding"))
    assert " in precoding.estimator: '<absent>' -> 'mean', " in message


@pytest.mark.parametrize("leftover", ["run.json", "table.parquet", "skipped.parquet", "parts"])
def test_a_folder_with_any_run_file_or_part_is_refused_without_overwrite(tmp_path, leftover):
    from coopsat.constellation.resources import data_path
    from coopsat.experiments import load_config
    from coopsat.experiments.config import ConfigError
    from coopsat.experiments.driver.store import RunDir

    if leftover == "parts":
        (tmp_path / "parts").mkdir()
        (tmp_path / "parts" / "rows-0000000-0000000.parquet").write_bytes(b"x")
    else:
        (tmp_path / leftover).write_bytes(b"x")
    config = load_config(data_path("tiny.toml"))
    with pytest.raises(ConfigError, match=r"already holds a coopsat run; add --resume"):
        RunDir.create(tmp_path, config, resume=False)
    assert (tmp_path / ("parts" if leftover == "parts" else leftover)).exists()
