"""TLE reading and writing: round trip, shipped sample, two/three-line sets, malformed lines."""

import numpy as np
import pytest
from sgp4 import exporter

from constellation import (
    TLEFormatError,
    WalkerDelta,
    data_path,
    epochs,
    format_tle,
    read_tle,
    tle_lines,
    write_tle,
)
from constellation.tle import tle_checksum

# TLE text keeps angles to 1e-4 deg: half a step is 5e-5 deg = 6.1 m on a 6978 km orbit, for each
# of mean anomaly, node and inclination; the epoch (exact here) and mean motion (1e-8 rev/day,
# < 1 cm/day) add nothing visible. Twelve metres bounds the combination.
TLE_ROUNDING_M = 12.0
SHIPPED = "walker_53deg_1680_28_1_600km.tle"

ISS_NAME = "ISS (ZARYA)"
ISS_L1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
ISS_L2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"


@pytest.fixture(scope="module")
def shell():
    return WalkerDelta().build()


def test_round_trip_positions_agree_to_text_rounding(shell, tmp_path):
    path = tmp_path / "shell.tle"
    write_tle(shell, path)
    back = read_tle(path)
    assert back.names == shell.names
    t = epochs("2025-01-01T00:00:00Z", 86400.0, 3 * 3600.0)
    pos, _ = shell.propagate(t)
    pos_back, _ = back.propagate(t)
    err = np.linalg.norm(pos - pos_back, axis=-1)
    assert err.max() < TLE_ROUNDING_M
    assert err.max() > 0.1  # the text really is rounded: not a trivially identical object


def test_shipped_sample_is_the_default_walker_shell(shell):
    path = data_path("tle", SHIPPED)
    assert path.stat().st_size < 300_000
    shipped = read_tle(path)
    assert shipped.names == shell.names
    pos, _ = shipped.propagate(epochs("2025-01-01T12:00:00Z", 0.0, 1.0))
    ref, _ = shell.propagate(epochs("2025-01-01T12:00:00Z", 0.0, 1.0))
    assert np.linalg.norm(pos - ref, axis=-1).max() < TLE_ROUNDING_M


def test_line2_matches_sgp4_exporter_and_line1_parses_to_same_elements(shell):
    sat = shell.satrecs[123]
    line1, line2 = tle_lines(sat)
    ref1, ref2 = exporter.export_tle(sat)
    assert line2 == ref2
    assert len(line1) == len(line2) == 69
    # sgp4 writes a zero B* as "00000+0", we write "00000-0": both mean 0, all else identical.
    assert line1[:53] == ref1[:53] and line1[62:68] == ref1[62:68]


def test_known_iss_lines_checksums_and_fields():
    assert tle_checksum(ISS_L1) == 7 and tle_checksum(ISS_L2) == 7
    const = read_tle(f"{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n")
    assert const.names == (ISS_NAME,)
    sat = const.satrecs[0]
    assert np.degrees(sat.inclo) == pytest.approx(51.6416, abs=1e-12)
    assert sat.bstar == pytest.approx(-0.11606e-4, rel=1e-12)
    # Writing it back reproduces the published lines except the element-set number columns.
    line1, line2 = tle_lines(sat)
    assert line2[:63] == ISS_L2[:63]
    assert line1[:64] == ISS_L1[:64]


def test_two_line_and_space_track_three_line_sets_are_read():
    two = read_tle(f"{ISS_L1}\n\n{ISS_L2}\n")
    assert two.names == ("25544",)
    three = read_tle(f"0 {ISS_NAME}\r\n{ISS_L1}\r\n{ISS_L2}\r\n")
    assert three.names == (ISS_NAME,)


def _replace(line: str, col: int, text: str) -> str:
    """``line`` with ``text`` written over it from 0-based column ``col``."""
    return line[:col] + text + line[col + len(text):]


def _resum(line: str) -> str:
    """The line with a recomputed checksum, so that only the intended defect remains."""
    return line[:68] + str(tle_checksum(line))


@pytest.mark.parametrize(
    ("text", "line_number", "reason"),
    [
        (f"{ISS_NAME}\n{ISS_L1[:-1]}\n{ISS_L2}\n", 2, "69 characters"),
        (f"{ISS_NAME}\n{ISS_L1}\n{_replace(ISS_L2, 68, '0')}\n", 3, "checksum"),
        (f"{ISS_NAME}\n{ISS_L1}\n{_resum(_replace(ISS_L2, 9, 'x'))}\n", 3, "inclination"),
        (f"{ISS_NAME}\n{ISS_L1}\n{_resum(_replace(ISS_L2, 2, '25545'))}\n", 3, "catalogue number"),
        (f"{ISS_NAME}\n{ISS_L2}\n{ISS_L1}\n", 2, "expected line 1"),
        (f"{ISS_NAME}\n{ISS_L1}\n", 2, "missing its line 2"),
        (f"{ISS_L2}\n{ISS_L1}\n", 1, "without its line 1"),
        (f"{ISS_NAME}\n", 1, "not followed"),
        (f"{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n", 4, "repeats"),
        ("\n\n", 1, "no element set"),
        # sgp4 alone would accept these: B* -> NaN, catalogue '2554x' -> 2554 (regressions).
        (f"{ISS_NAME}\n{_resum(_replace(ISS_L1, 53, ' ab606-4'))}\n{ISS_L2}\n", 2, "B\\* drag"),
        (f"{ISS_NAME}\n{_resum(_replace(ISS_L1, 44, ' x0000-0'))}\n{ISS_L2}\n", 2,
         "second derivative"),
        (f"{_resum(_replace(ISS_L1, 2, '2554x'))}\n{_resum(_replace(ISS_L2, 2, '2554x'))}\n", 1,
         "catalogue number \\(columns 3-7\\)"),
        (f"{ISS_NAME}\n{ISS_L1}\n{_resum(_replace(ISS_L2, 63, 'ab353'))}\n", 3,
         "revolution number"),
        (f"{ISS_NAME}\n{_resum(_replace(ISS_L1, 62, 'x'))}\n{ISS_L2}\n", 2, "ephemeris type"),
        # a field shifted by one column: the separator at column 34 of line 2 is not blank
        (f"{ISS_NAME}\n{ISS_L1}\n{_resum(ISS_L2[:26] + ' 000670' + ISS_L2[32:])}\n", 3,
         "column 34 must be blank"),
    ],
)
def test_malformed_tle_raises_tle_format_error_naming_the_line(text, line_number, reason):
    with pytest.raises(TLEFormatError, match=reason) as info:
        read_tle(text)
    assert info.value.line_number == line_number
    assert f"TLE line {line_number}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_file_mixing_two_and_three_line_sets_keeps_order_names_and_elements(shell):
    w5, w700 = (tle_lines(shell.satrecs[i]) for i in (5, 700))
    iss2_l1 = _resum(_replace(ISS_L1, 2, "25545"))
    iss2_l2 = _resum(_replace(ISS_L2, 2, "25545"))
    text = "\n".join([
        ISS_L1, ISS_L2,                          # two-line set: named by its catalogue number
        shell.names[5], *w5,                     # three-line set
        f"0 {ISS_NAME}", iss2_l1, iss2_l2,       # Space-Track style name line
        *w700,                                   # two-line set again
    ]) + "\n"
    back = read_tle(text)
    assert back.names == ("25544", "WALKER-P00-S05", ISS_NAME, "00701")
    assert [s.satnum for s in back.satrecs] == [25544, 6, 25545, 701]
    for got, i in ((back.satrecs[1], 5), (back.satrecs[3], 700)):
        assert got.inclo == pytest.approx(shell.satrecs[i].inclo, abs=np.radians(5e-5))
        assert got.mo == pytest.approx(shell.satrecs[i].mo, abs=np.radians(5e-5))
    assert back.satrecs[2].bstar == back.satrecs[0].bstar == pytest.approx(-0.11606e-4)


def test_format_tle_is_three_lines_per_satellite(shell):
    text = format_tle(shell.subset([0, 61]))
    lines = text.splitlines()
    assert lines[0] == "WALKER-P00-S00" and lines[3] == "WALKER-P01-S01"
    assert all(len(line) == 69 for i, line in enumerate(lines) if i % 3)


def test_utf8_names_and_byte_order_mark_are_read_and_positions_match_ascii(tmp_path):
    """Catalogue names may be UTF-8 (and files may start with a BOM); elements are unchanged."""
    plain = read_tle(f"{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n")
    path = tmp_path / "utf8.tle"
    name = "STATION \u00c9T\u00c9 \u2013 1"
    path.write_bytes(f"\ufeff{name}\n{ISS_L1}\n{ISS_L2}\n".encode())
    sat = read_tle(path)
    assert sat.names == (name,)
    t = epochs("2008-09-20T12:00:00Z", 3600.0, 600.0)
    np.testing.assert_array_equal(sat.propagate(t)[0], plain.propagate(t)[0])


def test_bytes_that_are_not_utf8_and_non_ascii_element_lines_name_their_line(tmp_path):
    path = tmp_path / "latin1.tle"
    path.write_bytes(f"{ISS_L1}\n{ISS_L2}\n".encode() + b"SAT \xe9\n" + f"{ISS_L1}\n".encode())
    with pytest.raises(TLEFormatError, match=r"TLE line 3: not UTF-8 text \(byte 0xe9\)") as info:
        read_tle(path)
    assert info.value.line_number == 3
    with pytest.raises(TLEFormatError, match=r"TLE line 3: not UTF-8"):  # the same bytes, unread
        read_tle(path.read_bytes())
    assert read_tle(f"{ISS_L1}\n{ISS_L2}\n".encode()).names == read_tle(
        f"{ISS_L1}\n{ISS_L2}\n").names
    bad = ISS_L2[:20] + "\u0663" + ISS_L2[21:]  # an Arabic-Indic digit: float() would accept it
    with pytest.raises(TLEFormatError, match=r"TLE line 2: non-ASCII character .* column 21"):
        read_tle(f"{ISS_L1}\n{bad}\n")


def test_write_tle_keeps_a_utf8_name(tmp_path):
    sat = read_tle(f"0 N\u00daMERO 1\n{ISS_L1}\n{ISS_L2}\n")
    path = tmp_path / "out.tle"
    write_tle(sat, path)
    assert read_tle(path).names == ("N\u00daMERO 1",)
