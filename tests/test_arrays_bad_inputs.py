"""Bad element-pattern and pointing keys at the command line, table-driven: exit code 2, one
line naming the key and what is allowed, nothing written."""

from __future__ import annotations

import pytest

from tests.test_experiments_bad_inputs import TINY, _run

CASES = [
    (["--set", "channel.element_pattern=dipole"],
     "channel.element_pattern = 'dipole' is out of range; allowed: one of 'isotropic', '3gpp'"),
    (["--set", "channel.element_hpbw_deg=0"], "channel.element_hpbw_deg = 0"),
    (["--set", "channel.element_hpbw_deg=-10"], "0 < element_hpbw_deg <= 180 deg"),
    (["--set", "channel.element_hpbw_deg=181"], "channel.element_hpbw_deg = 181"),
    (["--set", "channel.element_hpbw_deg=nan"], "channel.element_hpbw_deg = nan"),
    (["--set", "channel.element_scan_exponent=0"], "0 < element_scan_exponent"),
    (["--set", "channel.element_scan_exponent=-1.5"], "channel.element_scan_exponent = -1.5"),
    (["--set", "channel.element_scan_exponent=two"], "has the wrong type"),
    (["--set", "drop.pointing=zenith"],
     "drop.pointing = 'zenith' is out of range; allowed: one of 'nadir', 'cap_centre'"),
    (["--set", "drop.pointing=1"], "drop.pointing = '1' is out of range"),
]


@pytest.mark.parametrize(("extra", "fragment"), CASES, ids=[c[0][1] for c in CASES])
def test_bad_array_key_exits_2_naming_it_and_writes_nothing(extra, fragment, tmp_path,
                                                            monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "run"
    code, err = _run(["fig3", "--config", TINY, "--out", str(out), "--quiet", *extra], capsys)
    assert code == 2
    assert fragment in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists() and not (tmp_path / "results").exists()
