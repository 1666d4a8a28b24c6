"""Every subcommand end to end on the tiny config, on the real constellation/channel/precoding.

data/tiny.toml: S = 2, K = 4, 4 x 4 UPA, 2 drops, 100 Monte Carlo samples, 4 iterations.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.cli import main
from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.core.tables import SKIPPED, pandas_dtypes, reproducible_columns
from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.driver.runner import run_experiment
from coopsat.experiments.driver.store import read_metadata, read_table
from coopsat.experiments.kinds import KINDS

TINY = str(data_path("tiny.toml"))
REPO = Path(__file__).resolve().parent.parent
POWER_RTOL = 1e-9  # step-14 scaling keeps every satellite at or below P_s up to rounding
ITERATE_RTOL = 1e-10  # history iterate + step-14 scaling vs the scheme's output: rounding only


def _cli(name, out, *extra, figures="none"):
    """Run a study on the tiny config; the figures only where the test looks at them (drawing
    them is most of a tiny run's time)."""
    argv = [name, "--config", TINY, "--out", str(out), "--workers", "1", "--quiet", *extra]
    assert main([*argv, "--figures", figures]) == 0
    return read_table(out / "table.parquet")


def _check_schema(table, kind):
    columns = KINDS[kind].columns
    assert list(table.columns) == [name for name, _ in columns]
    assert {c: str(t) for c, t in table.dtypes.items()} == pandas_dtypes(columns)


def _check_figure(out, name, suffixes=(".png", ".pdf")):
    for suffix in suffixes:
        assert (out / f"{name}{suffix}").stat().st_size > 1000


def _same(a, b):
    cols = reproducible_columns(a.columns)
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


@pytest.fixture(scope="module")
def fig3(tmp_path_factory):
    out = tmp_path_factory.mktemp("fig3")
    return out, _cli("fig3", out, figures="png,pdf")


def test_fig3_rows_columns_and_physics(fig3, capsys):
    out, table = fig3
    cfg = load_config(TINY, presets=("fig3",))
    _check_schema(table, "sweep")
    _check_figure(out, "fig3")
    assert len(table) == 2 * 2 * 5  # drops x powers x schemes
    assert sorted(table["p_tx_dbm"].unique()) == [30.0, 40.0]
    assert set(table["scheme"]) == set(cfg.precoding.schemes)
    assert (table["zeta2"] == 0.5).all() and table["kappa_db"].isna().all()
    assert (table["r_e"] > 0).all() and np.isfinite(table[["r_ap1", "r_ap2"]]).all().all()
    p_w = 10 ** ((table["p_tx_dbm"] - 30) / 10)
    assert (table["power_used_max_w"] <= p_w * (1 + POWER_RTOL)).all()
    assert (table.loc[table["scheme"] == "ss-mmse", "n_iterations"] == 0).all()
    assert table["n_iterations"].max() <= cfg.precoding.max_iter
    meta = read_metadata(out / "table.parquet")
    assert meta["coopsat.config_hash"] == cfg.hash() and meta["coopsat.kind"] == "sweep"


def test_plot_subcommand_replots_from_the_stored_table(fig3):
    out, _ = fig3
    for suffix in (".png", ".pdf"):
        (out / f"fig3{suffix}").unlink()
    assert main(["plot", str(out)]) == 0  # the default formats, PNG and PDF
    _check_figure(out, "fig3")


def test_figures_option_chooses_the_formats_and_none_leaves_them_to_plot(fig3, tmp_path, capsys):
    """--figures svg writes SVG only; --figures none writes the tables (and prints the
    summary) but no figure, and ``plot --figures pdf`` draws the PDF later."""
    out, _ = fig3
    capsys.readouterr()
    assert main(["plot", str(out), "--figures", "svg"]) == 0
    svg = (out / "fig3.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and len(svg) > 10_000
    assert f"figure:  {(out / 'fig3.svg').resolve()}\n" in capsys.readouterr().out
    bare = tmp_path / "bare"
    _cli("fig3", bare, "--drops", "1")
    printed = capsys.readouterr().out
    assert f"figure:  none (--figures none; draw them with 'coopsat plot {bare}')" in printed
    assert "mean sum rate R_E (bit/s/Hz):" in printed  # the summary is still printed
    assert not list(bare.glob("fig3*")) and not (bare / "outputs.json").exists()
    assert main(["plot", str(bare), "--figures", "PDF"]) == 0
    assert sorted(p.name for p in bare.glob("fig3*")) == ["fig3.pdf"]
    assert (bare / "fig3.pdf").read_bytes().startswith(b"%PDF")


def test_fig4_fixes_kappa_and_sweeps_zeta2(tmp_path):
    table = _cli("fig4", tmp_path, figures="svg")
    _check_schema(table, "sweep")
    _check_figure(tmp_path, "fig4", (".svg",))
    assert (table["kappa_db"] == 25.0).all() and (table["p_tx_dbm"] == 35.0).all()
    assert sorted(table["zeta2"].unique()) == [0.0, 1.0]
    assert len(table) == 2 * 2 * 5


def test_fig5_has_every_iteration_of_both_joint_schemes(tmp_path):
    table = _cli("fig5", tmp_path, figures="svg")
    _check_schema(table, "convergence")
    _check_figure(tmp_path, "fig5", (".svg",))
    cfg = load_config(TINY, presets=("fig5",))
    assert set(table["scheme"]) == {"ms-jowmmse", "ms-jomwmmse"}
    per = table.groupby(["drop", "scheme"]).agg(
        first=("iteration", "min"),
        last=("iteration", "max"),
        count=("iteration", "size"),
        n=("n_iterations", "first"),
    )
    assert (per["first"] == 0).all() and (per["last"] == per["n"]).all()
    assert (per["count"] == per["n"] + 1).all()
    assert (per["n"] <= cfg.precoding.max_iter).all()


def test_a_second_swept_input_gets_its_own_figures_and_summary_rows(tmp_path, capsys):
    """zeta2 on the x axis and two powers: one figure per power, and the summary keeps the
    powers apart (they used to be averaged into one curve)."""
    table = _cli("fig3", tmp_path, "--set", "sweep.p_tx_dbm=[30.0, 35.0]", "--set",
                 "sweep.zeta2=[0.0, 1.0]", "--set", 'precoding.schemes=["ms-jomwmmse"]',
                 figures="svg")
    for power in (30, 35):
        assert (tmp_path / f"fig3-p_tx_dbm={power}.svg").stat().st_size > 10_000
    printed = capsys.readouterr().out
    for power in (30.0, 35.0):
        for zeta2 in (0.0, 1.0):
            rows = table[(table["p_tx_dbm"] == power) & (table["zeta2"] == zeta2)]
            assert f"{rows['r_e'].mean():.2f}" in printed


def test_a_convergence_run_over_several_sweep_points_draws_one_figure_per_point(tmp_path):
    """Each (drop, point, scheme) is its own iteration curve: the two points are neither
    merged nor dropped (the carry-forward used to fail on the repeated iterations)."""
    table = _cli("fig5", tmp_path, "--set", "sweep.p_tx_dbm=[30.0, 35.0]")
    assert sorted(table["point"].unique()) == [0, 1]
    assert main(["plot", str(tmp_path), "--figures", "svg"]) == 0  # from the stored table
    for point in (0, 1):
        assert (tmp_path / f"fig5-p{point}.svg").stat().st_size > 10_000
    assert not (tmp_path / "fig5.svg").exists()


def test_fig5_last_iterate_is_the_transmitted_precoder_of_a_sweep(tmp_path):
    """Two routes to the final precoder: the convergence run rebuilds it from the recorded
    history (step-14 scaling applied by experiments.sweeping.iterates), the sweep run uses the
    scheme's own output. Same drops, power and tolerance: the rates must agree to rounding."""
    conv = _cli("fig5", tmp_path / "conv")
    cfg = load_config(TINY, presets=("fig5",))
    sweep = _cli(
        "fig3",
        tmp_path / "sweep",
        "--set",
        "precoding.tol=0.0",
        "--set",
        "sweep.p_tx_dbm=[35.0]",
        "--set",
        f"precoding.schemes={list(cfg.precoding.schemes)!r}".replace("'", '"'),
    )
    last = conv[conv["iteration"] == conv["n_iterations"]].set_index(["drop", "scheme"])
    ref = sweep.set_index(["drop", "scheme"]).loc[last.index]
    np.testing.assert_array_equal(last["n_iterations"], ref["n_iterations"])
    for col in ("r_e", "r_ap1", "r_ap2", "power_used_max_w"):
        np.testing.assert_allclose(last[col], ref[col], rtol=ITERATE_RTOL)


def test_fig6_sweeps_the_cooperating_satellites(tmp_path):
    table = _cli("fig6", tmp_path)
    _check_schema(table, "sweep")
    assert sorted(table["n_satellites"].unique()) == [1, 2]
    # the single-satellite schemes use the master only: identical rates for S = 1 and S = 2
    ss = table[table["scheme"] == "ss-mmse"].pivot(
        index="drop", columns="n_satellites", values="r_ap1"
    )
    np.testing.assert_allclose(ss[1], ss[2], rtol=1e-12)


def test_fig2_delay_probabilities(tmp_path, capsys):
    table = _cli("fig2", tmp_path, figures="svg")
    _check_schema(table, "delay")
    _check_figure(tmp_path, "fig2", (".svg",))
    assert set(table["threshold_label"]) == {"grid", "T", "T_sym"}
    t = table[table["threshold_label"] == "T"]["threshold_s"].unique()
    np.testing.assert_allclose(t, [1 / 30e3], rtol=1e-12)
    assert ((table["p_exceed"] >= 0) & (table["p_exceed"] <= 1)).all()
    # P(Delta tau > T) is non-increasing in T within each drop
    for _, d in table[table["threshold_label"] == "grid"].groupby("drop"):
        assert (np.diff(d.sort_values("threshold_s")["p_exceed"]) <= 0).all()
    assert "P(Delta tau > T = 33.33 us)" in capsys.readouterr().out


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    out = tmp_path_factory.mktemp("timeline")
    return out, _cli("timeline", out, "--animation", "gif", figures="svg")


def test_timeline_reused_equals_recomputed_at_the_first_epoch(timeline):
    out, table = timeline
    _check_schema(table, "timeline")
    _check_figure(out, "timeline", (".svg",))
    with Image.open(out / "timeline.gif") as gif:  # the animation: one frame per step
        assert gif.n_frames == load_config(TINY, presets=("timeline",)).section(
            "timeline").n_steps == 4
    first = table[(table["mode"] == "recomputed") & (table["step"] == 0)]
    assert len(first) > 0
    shell = constellation_for(load_config(TINY, presets=("timeline",)).constellation)
    assert all(int(i) < len(shell) for sats in first["sat_set"] for i in sats.split(","))
    assert np.isfinite(first["r_e"]).all()
    stepped = table[table["mode"] != "aged"]
    assert sorted(stepped["time_s"].unique()) == [0.0, 20.0, 40.0, 60.0]
    first = stepped[stepped["step"] == 0].set_index(["scheme", "mode"])["r_e"].unstack("mode")
    np.testing.assert_array_equal(first["recomputed"], first["reused"])
    assert not stepped.loc[stepped["step"] == 0, "set_changed"].any()
    rec = table[table["mode"] == "recomputed"]
    assert rec["valid"].all()
    assert (rec["csi_age_s"] == 0).all()
    reused = table[table["mode"] == "reused"]
    np.testing.assert_array_equal(reused["csi_age_s"], reused["time_s"])


FRESH_CONTINUITY_RTOL = 1e-4  # 1 ms of drift moves a 4 x 4 beam by ~1e-5 rad: rates by ~1e-6


def test_timeline_csi_age_sweep(timeline):
    """Mode "aged" (tiny: ages 1 ms, 1 s, 20 s from origins at steps 0 and 2, 20 s steps).

    Two independent routes to the same number: the origin-0 precoders at age 20 s are the
    step-0 precoders evaluated at step 1, i.e. the "reused" row of step 1 (computed by another
    loop, from another geometry call); and at 1 ms the aged rate is the fresh one (continuity).
    """
    out, table = timeline
    cfg = load_config(TINY, presets=("timeline",))
    aged = table[table["mode"] == "aged"]
    ages = cfg.section("timeline").csi_age_s
    n_origins = len(range(0, len(table["step"].unique()), cfg.section("timeline").age_origin_every))
    assert len(aged) == cfg.run.drops * n_origins * len(ages) * len(cfg.precoding.schemes)
    assert sorted(aged["step"].unique()) == [0, 2]
    np.testing.assert_allclose(aged["time_s"], aged["step"] * 20.0 + aged["csi_age_s"], rtol=1e-12)
    key = ["drop", "scheme"]
    a20 = aged[(aged["step"] == 0) & (aged["csi_age_s"] == 20.0)].set_index(key)
    r1 = table[(table["mode"] == "reused") & (table["step"] == 1)].set_index(key)
    for col in ("r_e", "r_ap1", "r_ap2", "min_elevation_deg"):
        np.testing.assert_array_equal(a20[col], r1.loc[a20.index, col])
    fresh = table[table["mode"] == "recomputed"].set_index(["drop", "step", "scheme"])
    first = aged[aged["csi_age_s"] == 0.001].set_index(["drop", "step", "scheme"])
    for col in ("r_e", "r_ap1"):
        np.testing.assert_allclose(
            first[col], fresh.loc[first.index, col], rtol=FRESH_CONTINUITY_RTOL
        )
    origin = fresh.loc[aged.set_index(["drop", "step", "scheme"]).index]
    np.testing.assert_array_equal(aged["sat_set"], origin["sat_set"])
    np.testing.assert_array_equal(aged["n_iterations"], origin["n_iterations"])
    assert (out / "timeline_age.svg").stat().st_size > 1000


def test_run_subcommand_with_a_config_file(tmp_path):
    assert (
        main(
            [
                "run",
                TINY,
                "--out",
                str(tmp_path),
                "--workers",
                "1",
                "--quiet",
                "--set",
                "precoding.schemes=['ss-mmse']",
                "--drops",
                "1",
                "--figures",
                "none",
            ]
        )
        == 0
    )
    table = read_table(tmp_path / "table.parquet")
    assert set(table["scheme"]) == {"ss-mmse"} and table["drop"].unique().tolist() == [0]


def test_one_and_two_workers_give_the_same_table(fig3, tmp_path, process_pool):
    _, serial = fig3
    cfg = load_config(TINY, presets=("fig3",))
    _same(serial, run_experiment(cfg, tmp_path, executor=process_pool).table)


def _dask_fig3(tmp_path, **cluster):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        threads_per_worker=1, dashboard_address=":0", scheduler_port=0, **cluster
    ) as cluster:
        return _cli("fig3", tmp_path, "--scheduler", cluster.scheduler_address)


def test_a_dask_cluster_gives_the_serial_table(fig3, tmp_path):
    """``coopsat fig3 --scheduler ADDRESS`` through a scheduler over TCP to one worker thread
    (the tasks cross processes in the process-pool tests and in the slow test below)."""
    _same(fig3[1], _dask_fig3(tmp_path, n_workers=1, processes=False, protocol="tcp"))


@pytest.mark.slow  # starts two Dask worker processes (3 s); the test above covers the logic
def test_a_two_process_dask_cluster_gives_the_serial_table(fig3, tmp_path):
    _same(fig3[1], _dask_fig3(tmp_path, n_workers=2, processes=True))


def test_kill_9_then_resume_gives_the_uninterrupted_table(fig3, tmp_path):
    _, full = fig3
    out = tmp_path / "killed"
    env = {**os.environ, "COOPSAT_FAULT_AFTER_PARTS": "1:kill", "PYTHONPATH": str(REPO)}
    cmd = [
        sys.executable,
        "-m",
        "coopsat.experiments.cli",
        "fig3",
        "--config",
        TINY,
        "--out",
        str(out),
        "--workers",
        "1",
        "--quiet",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert len(list((out / "parts").glob("rows-*.parquet"))) == 1
    assert not (out / "table.parquet").exists()
    cfg = load_config(TINY, presets=("fig3",))
    resumed = run_experiment(cfg, out, executor=SerialExecutor(), resume=True)
    assert resumed.n_computed_drops == 1
    _same(full, resumed.table)


def test_drops_without_enough_satellites_are_recorded_not_padded(tmp_path):
    """S = 60 is never visible from a 300 km disc: every attempt is a skipped record."""
    assert (
        main(
            [
                "fig3",
                "--config",
                TINY,
                "--out",
                str(tmp_path),
                "--workers",
                "1",
                "--quiet",
                "--set",
                "drop.n_satellites=60",
                "--set",
                "run.max_attempts=2",
            ]
        )
        == 1  # every drop skipped: a failed run, but the (empty) tables are still written
    )
    table = read_table(tmp_path / "table.parquet")
    skipped = read_table(tmp_path / "skipped.parquet")
    assert table.empty and list(table.columns) == [n for n, _ in KINDS["sweep"].columns]
    assert sorted(zip(skipped["drop"], skipped["attempt"], strict=True)) == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]
    assert skipped["reason"].str.contains("n_satellites = 60 needed").all()
    assert {c: str(t) for c, t in skipped.dtypes.items()} == pandas_dtypes(SKIPPED)


def test_a_fixed_coverage_centre_is_used_by_every_drop(tmp_path):
    table = _cli(
        "fig2", tmp_path, "--set", "drop.centre_lat_deg=48.1", "--set", "drop.centre_lon_deg=11.6"
    )
    np.testing.assert_allclose(table["centre_lat_deg"], 48.1, rtol=1e-12)
    np.testing.assert_allclose(table["centre_lon_deg"], 11.6, rtol=1e-12)


TLE_RATE_RTOL = 1e-4  # the shipped TLE rounds the Walker elements: metres, ~3e-6 in the rates


def _tle_config(tmp_path, tle_path):
    text = Path(TINY).read_text().replace(
        "[drop]", f'[constellation]\nsource = "tle"\n\n[constellation.tle]\npath = "{tle_path}"\n\n'
        "[drop]", 1
    )
    path = tmp_path / "tiny_tle.toml"
    path.write_text(text)
    return path


def test_tle_constellation_reproduces_the_walker_table(fig3, tmp_path):
    """data/tle/ holds the default Walker shell as TLEs: the same drops, rates within 1e-4."""
    _, walker = fig3
    cfg = _tle_config(tmp_path, "tle/walker_53deg_1680_28_1_600km.tle")  # a shipped file
    out = tmp_path / "out"
    argv = ["fig3", "--config", str(cfg), "--out", str(out), "--workers", "1", "--quiet"]
    assert main([*argv, "--figures", "none"]) == 0
    table = read_table(out / "table.parquet")
    stored = load_config(cfg, presets=("fig3",)).constellation.tle.path
    assert Path(stored).is_absolute() and Path(stored).is_file()
    np.testing.assert_array_equal(table["centre_lat_deg"], walker["centre_lat_deg"])
    for col in ("r_e", "r_ap1", "r_ap2"):
        np.testing.assert_allclose(table[col], walker[col], rtol=TLE_RATE_RTOL)


def test_missing_tle_file_exits_2_and_writes_nothing(tmp_path, capsys):
    cfg = _tle_config(tmp_path, "no/such.tle")
    out = tmp_path / "out"
    assert main(["fig3", "--config", str(cfg), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "constellation.tle.path = 'no/such.tle'" in err and str(tmp_path) in err
    assert not out.exists()


def _small_tle(tmp_path, keep_planes=28):
    """A copy of the shipped Walker TLE (3 lines per satellite, 60 per plane) in ``tmp_path``."""
    lines = data_path("tle", "walker_53deg_1680_28_1_600km.tle").read_text().splitlines()
    path = tmp_path / "shell.tle"
    path.write_text("\n".join(lines[: 3 * 60 * keep_planes]) + "\n")
    return path


def test_malformed_tle_exits_2_naming_the_line_before_any_worker_starts(tmp_path, capsys):
    tle = _small_tle(tmp_path)
    lines = tle.read_text().splitlines()
    lines[4] = lines[4][:30] + "x" + lines[4][31:]  # inclination field of the 2nd set's line 2
    tle.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert main(["fig2", "--config", str(_tle_config(tmp_path, tle)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"constellation.tle.path = '{tle}'" in err and "TLE line 5:" in err
    assert not out.exists()


def test_an_edited_tle_file_cannot_be_resumed_into_the_earlier_run(tmp_path, capsys):
    """The config hash covers the TLE content (SHA-256), not only its path."""
    tle = _small_tle(tmp_path)
    cfg, out = _tle_config(tmp_path, tle), tmp_path / "out"
    args = ["fig2", "--config", str(cfg), "--out", str(out), "--drops", "1", "--quiet",
            "--figures", "none"]
    assert main(args) == 0
    digest = load_config(cfg, presets=("fig2",)).constellation.tle.sha256
    stored = json.loads(read_metadata(out / "table.parquet")["coopsat.config"])
    assert len(digest) == 64 and stored["constellation"]["tle.sha256"] == digest
    assert main([*args, "--resume"]) == 0  # same content: resumes (nothing left to compute)
    _small_tle(tmp_path, keep_planes=27)  # a plane less, same path
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "differs" in err and f"constellation.tle.sha256: '{digest}' -> '" in err


def test_workers_refuse_a_tle_file_changed_after_the_config_was_loaded(tmp_path):
    from coopsat.experiments.config.constellation import constellation_for
    from coopsat.experiments.errors import ConfigError

    tle = _small_tle(tmp_path, keep_planes=2)
    config = load_config(_tle_config(tmp_path, tle))
    constellation_for.cache_clear()
    assert len(constellation_for(config.constellation).names) == 120
    _small_tle(tmp_path, keep_planes=1)
    constellation_for.cache_clear()
    with pytest.raises(ConfigError, match=r"the file changed since the config was loaded"):
        constellation_for(config.constellation)


def test_a_tle_digest_given_in_the_config_must_match_the_file(tmp_path):
    from coopsat.experiments.errors import ConfigError

    tle = _small_tle(tmp_path, keep_planes=1)
    cfg = _tle_config(tmp_path, tle)
    good = load_config(cfg).constellation.tle.sha256
    ok = load_config(cfg, overrides={"constellation.tle.sha256": good})
    assert ok.constellation.tle.sha256 == good
    with pytest.raises(ConfigError, match=r"constellation\.tle\.sha256 = '0+' does not match"):
        load_config(cfg, overrides={"constellation.tle.sha256": "0" * 64})
    with pytest.raises(ConfigError, match=r"constellation\.tle\.sha256 = 'xyz'"):
        load_config(cfg, overrides={"constellation.tle.sha256": "xyz"})


def test_a_run_whose_every_drop_is_skipped_exits_1_with_the_reason(tmp_path, capsys):
    """Not a bad input (the config is valid, nothing was known before the drops were tried):
    the run ends with exit code 1 and its skipped records on disk."""
    out = tmp_path / "out"
    args = ["run", TINY, "--out", str(out), "--workers", "1", "--quiet", "--drops", "2",
            "--set", "drop.n_satellites=100"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "every drop was skipped" in err and "n_satellites = 100 needed" in err
    assert set(read_table(out / "skipped.parquet")["drop"]) == {0, 1}  # reasons stay on disk
    assert main(["plot", str(out)]) == 2
    assert "no result rows to plot" in capsys.readouterr().err


def test_zero_kelvin_noise_is_a_config_error(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", TINY, "--out", str(out), "--set", "channel.antenna_temperature_k=0.0"]) == 2
    assert "0 < antenna_temperature_k" in capsys.readouterr().err
    assert not out.exists()


def test_out_pointing_at_a_file_is_a_config_error(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("keep me")
    assert main(["fig2", "--config", TINY, "--out", str(target), "--quiet"]) == 2
    assert "is a file" in capsys.readouterr().err and target.read_text() == "keep me"
