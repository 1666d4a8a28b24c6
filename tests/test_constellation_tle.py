"""TLE reading and writing: round trip, shipped sample, two/three-line sets, malformed lines."""

import re

import numpy as np
import pytest
from sgp4 import exporter

from coopsat import constellation
from coopsat.constellation import (
    TLEFormatError,
    WalkerDelta,
    data_path,
    epochs,
    format_tle,
    read_tle,
    tle_lines,
    write_tle,
)
from coopsat.constellation.tle import tle_checksum

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
        # the same catalogue number and epoch twice: error at the second line 1
        (f"{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n", 5, "same epoch"),
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


def test_a_constellation_with_repeated_catalogue_numbers_is_not_written(shell, tmp_path):
    """read_tle keys satellites by catalogue number, so a file with repeats would not read back
    as written: the writer refuses it, naming the numbers, and writes nothing."""
    from coopsat.constellation import Constellation

    twice = shell.subset([0, 1, 2])
    merged = Constellation(("A", "B", "C", "D"), (*twice.satrecs, twice.satrecs[1]))
    with pytest.raises(ValueError, match=rf"catalog_numbers must be unique .*repeated: "
                       rf"{twice.catalog_numbers[1]}$"):
        format_tle(merged)
    with pytest.raises(ValueError, match="catalog_numbers must be unique"):
        write_tle(merged, tmp_path / "out.tle")
    assert not (tmp_path / "out.tle").exists()


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


# --- Catalogue numbers identify satellites: repeated names, repeated numbers -------------------


def _iss(catalogue: str = "25544", epoch: str = "08264.51782528") -> tuple[str, str]:
    """The published ISS set with another catalogue number and/or epoch (checksums redone)."""
    l1 = _resum(_replace(_replace(ISS_L1, 2, f"{catalogue:>5s}"), 18, epoch))
    return l1, _resum(_replace(ISS_L2, 2, f"{catalogue:>5s}"))


def _text(*sets) -> str:
    """TLE text from (name or None, (line 1, line 2)) pairs."""
    out = []
    for name, (l1, l2) in sets:
        out.extend(([name] if name is not None else []) + [l1, l2])
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    ("sets", "names", "catalog_numbers"),
    [
        # two payloads and debris sharing names, as in a real CelesTrak group
        ([("DEB", _iss("45591")), ("SAT", _iss("45540")), ("DEB", _iss("45592")),
          ("SAT", _iss("45541")), ("DEB", _iss("45593")), ("ONE", _iss("45000"))],
         ("DEB [45591]", "SAT [45540]", "DEB [45592]", "SAT [45541]", "DEB [45593]", "ONE"),
         (45591, 45540, 45592, 45541, 45593, 45000)),
        # a two-line set is named by its catalogue number; a name equal to it is made unique
        ([(None, _iss("25544")), ("25544", _iss("00005"))],
         ("25544 [25544]", "25544 [00005]"), (25544, 5)),
        # a suffixed label meeting a literal one is suffixed again
        ([("A", _iss("00001")), ("A", _iss("00002")), ("A [00001]", _iss("00003"))],
         ("A [00001] [00001]", "A [00002]", "A [00001] [00003]"), (1, 2, 3)),
        # Alpha-5 catalogue numbers (sgp4 decodes A0001 as 100001)
        ([("X", _iss("A0001")), ("X", _iss("B1234"))], ("X [A0001]", "X [B1234]"),
         (100001, 111234)),
    ],
)
def test_repeated_names_are_labelled_by_catalogue_number(sets, names, catalog_numbers):
    const = read_tle(_text(*sets))
    assert const.names == names
    assert const.catalog_numbers == catalog_numbers
    assert const.notices == ()
    # Nothing but the label changes: the elements are those of the published set.
    assert all(s.inclo == const.satrecs[0].inclo for s in const.satrecs)


@pytest.mark.parametrize("newest_first", [True, False])
def test_several_epochs_of_one_catalogue_number_keep_the_newest_with_a_notice(newest_first):
    old_set = ("ISS OLD NAME", _iss(epoch="08263.51782528"))  # one day earlier
    new_set = (ISS_NAME, _iss(epoch="08264.51782528"))
    older_still = (None, _iss(epoch="08262.00000000"))
    other = ("OTHER", _iss("00005"))
    order = [new_set, other, old_set, older_still] if newest_first else [
        older_still, old_set, other, new_set]
    const = read_tle(_text(*order))
    # One satellite per catalogue number, in the place of the number's first set.
    assert const.catalog_numbers == (25544, 5)
    assert const.names == (ISS_NAME, "OTHER")
    # The kept set is the newest: 2008 day 264.51782528 is 263.51782528 days after
    # 2008-01-01T00:00 UTC = JD 2454466.5.
    sat = const.satrecs[0]
    assert sat.jdsatepoch + sat.jdsatepochF == pytest.approx(2454466.5 + 263.51782528, abs=1e-9)
    (notice,) = const.notices
    new_line, old_line, oldest_line = (2, 8, 10) if newest_first else (10, 4, 1)
    assert "\n" not in notice
    assert notice.startswith(f"TLE catalogue number 25544 ({ISS_NAME}): 3 element sets, kept "
                             f"the newest (line {new_line}, epoch 08264.51782528 = "
                             "2008-09-20T12:25:40Z)")
    assert f"line {old_line} (epoch 08263.51782528 = 2008-09-19T12:25:40Z)" in notice
    assert f"line {oldest_line} (epoch 08262.00000000 = 2008-09-18T00:00:00Z)" in notice


def test_a_notice_counts_rather_than_lists_many_dropped_sets():
    sets = [(None, _iss(epoch=f"08{day:03d}.50000000")) for day in range(200, 210)]
    (notice,) = read_tle(_text(*sets)).notices
    assert "10 element sets, kept the newest (line 19, epoch 08209.50000000" in notice
    assert notice.count("(epoch") == 3 and notice.endswith(", 6 more")  # 3 listed, 6 counted


@pytest.mark.parametrize(
    ("sets", "first", "second"),
    [
        # same name, same catalogue number, same epoch (a file concatenated with itself)
        ([(ISS_NAME, _iss()), ("OTHER", _iss("00005")), (ISS_NAME, _iss())], 2, 8),
        # different names, two-line and three-line: still the same satellite and epoch
        ([(None, _iss()), ("RENAMED", _iss())], 1, 4),
        # the same epoch after a newer one: the duplicate pair is found among three sets
        ([(None, _iss(epoch="08265.00000000")), (None, _iss()), (None, _iss())], 3, 5),
    ],
)
def test_same_catalogue_number_and_epoch_is_an_error_naming_both_lines(sets, first, second):
    with pytest.raises(TLEFormatError, match=(
            rf"TLE line {second}: catalogue number 25544 has two element sets with the same "
            rf"epoch 08264\.51782528 = 2008-09-20T12:25:40Z \(lines {first} and {second}\); "
            "allowed: one set per catalogue number and epoch")) as info:
        read_tle(_text(*sets))
    assert info.value.line_number == second


def test_line_breaks_lf_crlf_and_cr_read_alike_and_errors_survive_pickling():
    text = _text((ISS_NAME, _iss()), (None, _iss("00005")))
    ref = read_tle(text)
    for sep in ("\r\n", "\r"):
        other = read_tle(text.replace("\n", sep))
        assert other.names == ref.names and other.catalog_numbers == ref.catalog_numbers
    import pickle

    err = TLEFormatError(7, "checksum '1' does not match computed 2", ISS_L1)
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), str(back), back.line_number, back.reason, back.line) == (
        TLEFormatError, str(err), 7, err.reason, ISS_L1)


# --- The checksum, independently ---------------------------------------------------------------

# Vallado et al. (AIAA 2006-6753) verification set, satellite 00005 (SGP4-VER.TLE), and the
# ISS set of CelesTrak's "NORAD Two-Line Element Set Format" page: published with their checksums.
PUBLISHED_LINES = (
    "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753",
    "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667",
    ISS_L1,
    ISS_L2,
)


def _mod10(line: str) -> int:
    """Checksum written independently of ``tle_checksum``: the digits' sum plus the number of
    minus signs among the first 68 characters, modulo 10 (letters, blanks, '.', '+' count 0)."""
    body = line[:68]
    return (sum(map(int, re.findall(r"\d", body))) + body.count("-")) % 10


def _sample_lines() -> list[str]:
    text = data_path("tle", SAMPLE).read_bytes().decode("ascii")
    return [line for line in text.split("\r\n") if line[:2] in ("1 ", "2 ")]


def test_the_checksum_counts_ascii_digits_and_minus_signs_of_the_first_68_columns_only():
    assert tle_checksum("9" * 68 + "5") == (9 * 68) % 10  # column 69 (the checksum) excluded
    assert tle_checksum("\u0663-7 +.A") == 8  # an Arabic-Indic three counts 0, '-' 1, '7' 7
    assert tle_checksum("") == 0


def test_published_and_sample_checksums_match_an_independent_mod10_sum():
    lines = [*PUBLISHED_LINES, *_sample_lines()]
    assert len(lines) == 4 + 2 * 31
    for line in lines:
        assert int(line[68]) == _mod10(line) == tle_checksum(line), line
    # By hand, the first Vallado line: its digits sum to 131 and it has two minus signs
    # ("00000-0", "28098-4"): 133 -> checksum 3, the digit printed last.
    digits = [int(c) for c in PUBLISHED_LINES[0][:68] if c.isdigit()]
    assert sum(digits) == 131 and PUBLISHED_LINES[0][:68].count("-") == 2
    assert PUBLISHED_LINES[0][68] == "3"


@pytest.mark.parametrize("line_index", [0, 1, 2, 3])
def test_every_single_digit_change_in_a_published_line_is_refused(line_index):
    """Add 1 (mod 10) to each digit of the numeric fields in turn: the line stays well formed,
    so only the checksum can catch it, and it must."""
    line = PUBLISHED_LINES[line_index]
    which = line[0]
    columns = [c for c in range(18 if which == "1" else 8, 68) if line[c].isdigit()]
    assert len(columns) > 30
    for col in columns:
        bad = _replace(line, col, str((int(line[col]) + 1) % 10))
        assert _mod10(bad) != int(bad[68])
        pair = [PUBLISHED_LINES[line_index - line_index % 2],
                PUBLISHED_LINES[line_index - line_index % 2 + 1]]
        pair[line_index % 2] = bad
        with pytest.raises(TLEFormatError, match="checksum") as info:
            read_tle("\n".join(pair) + "\n")
        assert info.value.line_number == line_index % 2 + 1


# --- The shipped real-format sample (CelesTrak Starlink group, May 2020) ------------------------

SAMPLE = "celestrak_starlink_2020-05-07_sample.tle"


@pytest.fixture(scope="module")
def sample():
    return read_tle(data_path("tle", SAMPLE))


def test_sample_is_crlf_text_with_celestrak_name_padding_and_reads_like_its_lf_copy(sample):
    raw = data_path("tle", SAMPLE).read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == 3 * 31  # every line ends in CRLF
    assert b"\r\r" not in raw and raw.endswith(b"\r\n")
    names = raw.decode("ascii").split("\r\n")[0:-1:3]
    assert all(len(n) == 24 for n in names)  # 24-column names, blank-padded
    lf = read_tle(raw.replace(b"\r\n", b"\n"))
    assert lf.names == sample.names and lf.catalog_numbers == sample.catalog_numbers
    np.testing.assert_array_equal(lf.element_epochs_jd, sample.element_epochs_jd)


def test_sample_names_numbers_and_the_notice_for_the_repeated_catalogue_number(sample):
    assert len(sample) == 30  # 31 sets, one catalogue number twice
    assert len(set(sample.catalog_numbers)) == 30
    assert sample.names.count("STARLINK-1130 (DARKSAT)") == 1  # a unique name is unchanged
    assert [n for n in sample.names if n.startswith("STARLINK-1369")] == [
        "STARLINK-1369 [45540]", "STARLINK-1369 [45541]"]
    debris = [n for n in sample.names if "DEB" in n]
    assert debris == [f"FALCON 9 DEB [{n}]" for n in (45591, 45592, 45593, 45594)]
    for name, number in zip(sample.names, sample.catalog_numbers, strict=True):
        if "[" in name:
            assert name.endswith(f"[{number}]")
    assert sample.notices == (
        "TLE catalogue number 44713 (STARLINK-1007): 2 element sets, kept the newest (line 5, "
        "epoch 20128.16667824 = 2020-05-07T04:00:01Z), dropped line 92 (epoch 20126.91668981 = "
        "2020-05-05T22:00:02Z)",
    )
    kept = sample.satrecs[sample.names.index("STARLINK-1007")]
    # 2020 day 128.16667824 is 127.16667824 days after 2020-01-01T00:00 UTC = JD 2458849.5.
    assert kept.jdsatepoch + kept.jdsatepochF == pytest.approx(
        2458849.5 + 127.16667824, abs=1e-9)


def test_sample_round_trips_through_the_writer(sample, tmp_path):
    path = tmp_path / "sample.tle"
    write_tle(sample, path)
    back = read_tle(path)
    assert back.names == sample.names and back.catalog_numbers == sample.catalog_numbers
    t = epochs("2020-05-07T00:00:00Z", 6 * 3600.0, 3600.0)
    err = np.linalg.norm(back.propagate(t)[0] - sample.propagate(t)[0], axis=-1)
    # Same elements up to the writer's rounding (B* to 5 digits, as in the file).
    assert err.max() < TLE_ROUNDING_M


@pytest.mark.parametrize(
    ("name", "payload"),
    [("FALCON 9 DEB [45591]", False), ("CZ-4C R/B", False), ("COSMOS 2251 DEB", False),
     ("SL-16 R/B(2)", False), ("STAR 48 AKM", False), ("FENGYUN 1C DEB", False),
     ("STARLINK-1130 (DARKSAT)", True), ("STARLINK-24", True), ("DEBUT (ORIZURU)", True),
     ("ONEWEB-0012", True), ("IRIDIUM 33", True), ("RBSP A", True)],
)
def test_payload_names_follow_the_catalogue_convention(name, payload):
    assert constellation.is_payload_name(name) is payload


def test_select_by_name_keeps_matches_and_payloads():
    shell = read_tle(data_path("tle", "celestrak_starlink_2020-05-07_sample.tle"))
    assert len(shell) == 30
    debris = [n for n in shell.names if "DEB" in n]
    assert len(debris) == 4
    payloads = constellation.select_by_name(shell, payloads_only=True)
    assert payloads.names == tuple(n for n in shell.names if n not in debris)
    ones = constellation.select_by_name(shell, "starlink-13?? *")  # case-insensitive glob
    assert ones.names == ("STARLINK-1369 [45540]", "STARLINK-1369 [45541]")
    assert constellation.select_by_name(shell, "FALCON*").names == tuple(debris)
    with pytest.raises(ValueError, match=r"no satellite of 30 matches the name pattern 'FALCON\*' "
                       "among the payloads"):
        constellation.select_by_name(shell, "FALCON*", payloads_only=True)
    with pytest.raises(ValueError, match=r"^no satellite of 30 matches the name pattern 'X\*'$"):
        constellation.select_by_name(shell, "X*")  # no payload filter: nothing said of one


@pytest.mark.parametrize("newest_first", [True, False])
def test_sets_of_one_number_hours_apart_on_the_same_day_keep_the_later_one(newest_first):
    """Same UTC day, 6 h apart: the epochs differ only in their fraction of a day, so the
    comparison must use the whole epoch (a test on whole days would call them one epoch)."""
    morning = (None, _iss(epoch="20128.25000000"))  # 2020-05-07T06:00:00Z
    noon = (None, _iss(epoch="20128.50000000"))  # 2020-05-07T12:00:00Z
    const = read_tle(_text(*([noon, morning] if newest_first else [morning, noon])))
    (sat,) = const.satrecs
    # 2020 day 128.5 is 127.5 days after 2020-01-01T00:00 UTC = JD 2458849.5.
    assert sat.jdsatepoch + sat.jdsatepochF == pytest.approx(2458849.5 + 127.5, abs=1e-9)
    (notice,) = const.notices
    kept_line, dropped_line = (1, 3) if newest_first else (3, 1)
    assert (f"2 element sets, kept the newest (line {kept_line}, epoch 20128.50000000 = "
            f"2020-05-07T12:00:00Z), dropped line {dropped_line} (epoch 20128.25000000 = "
            "2020-05-07T06:00:00Z)") in notice
