"""Real-world inputs at the command line: a real-format TLE sample, TOML datetimes,
an unreachable Dask scheduler, a capped worker count."""

import tomllib

import pytest

from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.cli import main
from coopsat.experiments.driver import executors, runfolder
from coopsat.experiments.driver.store import RunDir, read_table
from coopsat.experiments.kinds.sweep import report as sweep_report

TINY = str(data_path("tiny.toml"))
SAMPLE = "tle/celestrak_starlink_2020-05-07_sample.tle"
UNDER_THE_SAMPLE = ["--set", "drop.centre_lat_deg=52.8", "--set", "drop.centre_lon_deg=19.6"]


def test_a_study_on_the_shipped_real_format_tle_sample(tmp_path, capsys, monkeypatch):
    """CelesTrak format (CRLF, repeated names, a debris object, a repeated catalogue number) at
    an epoch within the sets' validity: rows for every drop, the kept-newest notice printed."""
    out = tmp_path / "tle"
    argv = ["fig3", "--config", TINY, "--out", str(out), "--quiet", "--workers", "1", "--set",
            "constellation.source=tle", "--set", f"constellation.tle.path={SAMPLE}", "--set",
            "constellation.epoch_utc=2020-05-07T12:00:00Z", *UNDER_THE_SAMPLE, "--figures", "none"]
    assert main(argv) == 0
    table = read_table(out / "table.parquet")
    assert table["drop"].nunique() == 2 and (table["r_e"] > 0).all()
    assert (table["n_excluded"] == 0).all()  # every set propagates fine a few hours on
    printed = capsys.readouterr().out
    assert "notice: TLE catalogue number 44713 (STARLINK-1007): 2 element sets, kept the newest" \
        in printed
    assert ("notice: 4 of the 30 objects of the TLE file are not payloads by their names "
            "(FALCON 9 DEB [45591], FALCON 9 DEB [45592], FALCON 9 DEB [45593], ...) and may "
            "serve a drop; set constellation.tle.payloads_only = true") in printed
    titles = []  # the figure names the catalogue (in its legend's title)
    monkeypatch.setattr(sweep_report, "plot_sweep",
                        lambda t, x, base, title=None, formats=(): titles.append(title) or [])
    sweep_report.plot(table, RunDir.open(out).config, tmp_path / "again", {})
    assert titles == ["TLE catalogue celestrak_starlink_2020-05-07_sample.tle"]


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
    argv = ["fig2", "--config", TINY, "--out", str(tmp_path / "r"), "--quiet", "--workers", "1",
            "--set", "constellation.epoch_utc=2025-01-01T00:00:00Z", "--figures", "none"]
    assert main(argv) == 0


def test_an_unreachable_scheduler_is_one_line_with_the_timeout(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT_S", 0.2)
    out = tmp_path / "r"
    code = main(["fig2", "--config", TINY, "--out", str(out), "--quiet", "--scheduler",
                 "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "no Dask scheduler answered at 'tcp://127.0.0.1:9' within 0.2 s" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("requested", "drops", "cpus", "count", "note"),
    [
        (None, 5, 2, 2, ""),  # default: the CPUs
        (None, 1, 8, 1, ""),  # ... or the drops
        (None, 3, None, 1, ""),  # CPU count unknown: one
        (3, 5, 8, 3, ""),
        (1000000, 5, 2, 2, "note: --workers 1000000 capped at 2 (CPUs 2, drops 5)"),
        (4, 1, 8, 1, "note: --workers 4 capped at 1 (CPUs 8, drops 1)"),
    ],
)
def test_worker_count_is_capped_at_the_drops_and_cpus(
    monkeypatch, requested, drops, cpus, count, note
):
    from coopsat.experiments import cli

    monkeypatch.setattr(cli.os, "cpu_count", lambda: cpus)
    assert cli._workers(requested, drops) == (count, note)


def test_a_capped_worker_count_is_noted_on_the_run(tmp_path, capsys):
    argv = ["fig2", "--config", TINY, "--out", str(tmp_path / "r"), "--quiet", "--drops", "1",
            "--workers", "1000000", "--figures", "none"]
    assert main(argv) == 0
    assert "note: --workers 1000000 capped at 1 (CPUs " in capsys.readouterr().out


def _fig2(out, *extra, figures="none"):
    return main(["fig2", "--config", TINY, "--out", str(out), "--quiet", "--drops", "1", *extra,
                 "--figures", figures])


def test_a_stored_tle_run_is_replotted_after_its_file_moved(tmp_path):
    """The element-age check ran when the run was made; re-plotting needs only the table."""
    tle = tmp_path / "sample.tle"
    tle.write_bytes(data_path(*SAMPLE.split("/")).read_bytes())
    out = tmp_path / "run"
    assert _fig2(out, "--set", "constellation.source=tle", "--set", f"constellation.tle.path={tle}",
                 "--set", "constellation.epoch_utc=2020-05-07T12:00:00Z", *UNDER_THE_SAMPLE) == 0
    tle.unlink()
    assert not (out / "fig2.svg").exists()
    assert main(["plot", str(out), "--figures", "svg"]) == 0 and (out / "fig2.svg").exists()


def test_drop_indices_beyond_seven_digits_keep_their_rows_and_resume(tmp_path):
    out = tmp_path / "far"
    assert _fig2(out, "--set", "run.first_drop=10000000") == 0
    assert set(read_table(out / "table.parquet")["drop"]) == {10_000_000}
    assert _fig2(out, "--set", "run.first_drop=10000000", "--resume") == 0  # nothing recomputed
    assert list((out / "parts").glob("chunk-10000000-10000000.json"))


def test_overwrite_removes_every_kinds_outputs_and_resume_keeps_foreign_files(tmp_path):
    out = tmp_path / "run"
    assert _fig2(out, figures="svg") == 0
    leftovers = ["ici.parquet", "correlation.parquet", "waveform_rates.png",
                 ".table.parquet.abc.tmp"]
    for name in leftovers:  # what a replaced run of another kind (or a crash) left behind
        (out / name).write_bytes(b"x")
    runfolder.record_outputs(out, [out / "waveform_rates.png"])  # a figure coopsat wrote
    (out / "notes.txt").write_text("mine")
    (out / "old.pdf").write_text("mine: a figure coopsat did not write")
    (out / "parts" / "notes.parquet").write_bytes(b"mine")
    # a file in parts/ that is not a part is left alone
    assert _fig2(out, "--resume") == 0
    assert (out / "parts" / "notes.parquet").read_bytes() == b"mine"
    assert _fig2(out, "--overwrite", figures="svg") == 0
    assert not any((out / name).exists() for name in leftovers)
    assert (out / "notes.txt").read_text() == "mine" and (out / "fig2.svg").exists()
    assert (out / "old.pdf").read_text().startswith("mine")


def test_result_files_get_the_mode_of_any_new_file(tmp_path):
    """Atomic writes go through mkstemp (mode 0600); the results are then opened up to what
    the umask allows, like the figures."""
    import os

    out = tmp_path / "run"
    assert _fig2(out) == 0
    umask = os.umask(0)
    os.umask(umask)
    for path in (out / "table.parquet", out / "run.json", *(out / "parts").iterdir()):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path
