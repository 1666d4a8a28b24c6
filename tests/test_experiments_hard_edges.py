"""Real-world inputs at the command line (issue 14): a real-format TLE sample, TOML datetimes,
an unreachable Dask scheduler, a capped worker count."""

import tomllib

import pytest

from constellation.resources import data_path
from experiments import executors
from experiments.cli import main
from experiments.config import load_config
from experiments.store import read_table

TINY = str(data_path("tiny.toml"))
SAMPLE = "tle/celestrak_starlink_2020-05-07_sample.tle"
UNDER_THE_SAMPLE = ["--set", "drop.centre_lat_deg=52.8", "--set", "drop.centre_lon_deg=19.6"]


def test_a_study_on_the_shipped_real_format_tle_sample(tmp_path, capsys):
    """CelesTrak format (CRLF, repeated names, a debris object, a repeated catalogue number) at
    an epoch within the sets' validity: rows for every drop, the kept-newest notice printed."""
    out = tmp_path / "tle"
    argv = ["fig3", "--config", TINY, "--out", str(out), "--quiet", "--set",
            "constellation.source=tle", "--set", f"constellation.tle_path={SAMPLE}", "--set",
            "constellation.epoch_utc=2020-05-07T12:00:00Z", *UNDER_THE_SAMPLE]
    assert main(argv) == 0
    table = read_table(out / "table.parquet")
    assert table["drop"].nunique() == 2 and (table["r_e"] > 0).all()
    assert (table["n_excluded"] == 0).all()  # every set propagates fine a few hours on
    printed = capsys.readouterr().out
    assert "notice: TLE catalogue number 44713 (STARLINK-1007): 2 element sets, kept the newest" \
        in printed


def test_epoch_as_a_toml_datetime_equals_the_string(tmp_path):
    text = tmp_path / "dt.toml"
    text.write_text('[constellation]\nepoch_utc = 2025-01-01T00:00:00Z\n')
    quoted = tmp_path / "str.toml"
    quoted.write_text('[constellation]\nepoch_utc = "2025-01-01T00:00:00Z"\n')
    a, b = load_config(text), load_config(quoted)
    assert a.constellation.epoch_utc == "2025-01-01T00:00:00Z" and a.hash() == b.hash()
    as_datetime = tomllib.loads("v = 2025-01-01T00:00:00Z")["v"]
    c = load_config(None, overrides={"constellation.epoch_utc": as_datetime})
    assert c.hash() == b.hash()
    argv = ["fig2", "--config", TINY, "--out", str(tmp_path / "r"), "--quiet", "--set",
            "constellation.epoch_utc=2025-01-01T00:00:00Z"]
    assert main(argv) == 0


def test_an_unreachable_scheduler_is_one_line_with_the_timeout(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT_S", 1.0)
    out = tmp_path / "r"
    code = main(["fig2", "--config", TINY, "--out", str(out), "--quiet", "--scheduler",
                 "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "no Dask scheduler answered at 'tcp://127.0.0.1:9' within 1 s" in err
    assert not out.exists()


def test_workers_are_capped_at_the_drops_and_cpus_with_a_note(tmp_path, capsys):
    argv = ["fig2", "--config", TINY, "--out", str(tmp_path / "r"), "--quiet",
            "--workers", "1000000"]
    assert main(argv) == 0
    assert "note: --workers 1000000 capped at" in capsys.readouterr().out
