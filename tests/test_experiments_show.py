"""Kind "show" (``coopsat show``): scene rows against the drop's geometry, figures written
with every network path refused (the timeline animation is checked in test_experiments_e2e)."""

import numpy as np
import pandas as pd
import pytest

from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.cli import main
from coopsat.experiments.core.drops import find_drop
from coopsat.experiments.driver.store import read_table

TINY = str(data_path("tiny.toml"))
ANGLE_DEG = 1e-9  # the same link geometry evaluated twice: rounding only


def test_show_rows_are_the_drops_scene_and_render_offline(offline, capsys):
    out = offline / "show"
    argv = ["show", "--config", TINY, "--out", str(out), "--quiet", "--drop", "1"]
    assert main([*argv, "--figures", "png"]) == 0
    table = read_table(out / "table.parquet")
    config = load_config(TINY, presets=("show",), overrides={"run.first_drop": 1})
    found = find_drop(config, 1, config.drop.n_satellites, [])
    g = found.geometry
    uts = table[table["element"] == "ut"].sort_values("index")
    sats = table[table["element"] == "satellite"].sort_values("index")
    tracks = table[table["element"] == "track"]
    assert set(table["drop"]) == {1}
    np.testing.assert_allclose(uts["lat_deg"], np.degrees(g.ut_lat_rad), rtol=0, atol=1e-12)
    assert np.all(np.isfinite(uts["rate_bps_hz"])) and np.all(uts["rate_bps_hz"] > 0)
    assert sats["sat_id"].tolist() == np.asarray(g.sat_index).tolist()
    # +-300 s at 10 s: 61 track points per satellite, the epoch's equal to the satellite row
    assert len(tracks) == 61 * len(sats)
    at_epoch = tracks[tracks["offset_s"] == 0.0].sort_values("index")
    np.testing.assert_array_equal(at_epoch["lat_deg"], sats["lat_deg"])
    # the sky position seen from the centre: the drop's own link geometry from a UT placed
    # at the centre gives the same elevation (independent path: constellation.links)
    from coopsat.constellation.earth import geodetic_to_itrs
    from coopsat.constellation.links import link_geometry

    centre = geodetic_to_itrs(g.centre_lat_rad, g.centre_lon_rad)[None, :]
    link = link_geometry(g.sat_pos_m, g.sat_vel_mps, centre, 2e9)
    np.testing.assert_allclose(sats["elevation_deg"], np.degrees(link.elevation_rad[:, 0]),
                               rtol=0, atol=ANGLE_DEG)
    np.testing.assert_allclose(sats["azimuth_deg"], np.degrees(link.azimuth_rad[:, 0]),
                               rtol=0, atol=ANGLE_DEG)
    assert (out / "show.png").stat().st_size > 10_000
    assert "drop 1: centre" in capsys.readouterr().out


def test_show_at_a_chosen_centre_and_epoch(tmp_path):
    out = tmp_path / "s"
    argv = ["show", "--config", TINY, "--out", str(out), "--quiet", "--lat", "48.85",
            "--lon", "2.35", "--epoch", "2025-03-01T12:00:00Z", "--figures", "none"]
    assert main(argv) == 0
    table = read_table(out / "table.parquet")
    assert table["centre_lat_deg"].iloc[0] == pytest.approx(48.85, abs=1e-12)
    assert str(table["epoch_utc"].iloc[0]) == "2025-03-01 12:00:00+00:00"


def test_show_rates_use_the_configured_estimator(tmp_path):
    """The per-UT rates of the drop view are evaluate_rates with precoding.estimator on the
    drop's mc seed (here the control variate, whose values differ from the plain mean's)."""
    from coopsat.channel.linkbudget import dbm_to_w
    from coopsat.experiments.core.design import drop_with_csi
    from coopsat.precoding import evaluate_rates, precode

    out = tmp_path / "cv"
    argv = ["show", "--config", TINY, "--out", str(out), "--quiet", "--set",
            "precoding.estimator=control-variate", "--figures", "none"]
    assert main(argv) == 0
    uts = read_table(out / "table.parquet").query("element == 'ut'").sort_values("index")
    config = load_config(TINY, presets=("show",),
                         overrides={"precoding.estimator": "control-variate"})
    found, csi, _ = drop_with_csi(config, 0, [])
    w = precode(config.section("show").scheme, csi, dbm_to_w(config.section("show").p_tx_dbm),
                max_iter=config.precoding.max_iter, tol=config.precoding.tol).weights
    kwargs = {"n_samples": config.precoding.mc_samples}
    cv = evaluate_rates(csi, w, rng=np.random.default_rng(found.seeds["mc"]),
                        estimator="control-variate", **kwargs)
    plain = evaluate_rates(csi, w, rng=np.random.default_rng(found.seeds["mc"]), **kwargs)
    np.testing.assert_allclose(uts["rate_bps_hz"], cv.r_e, rtol=1e-12)
    assert not np.allclose(uts["rate_bps_hz"], plain.r_e, rtol=1e-12, atol=0)


def test_show_draws_drop_n_satellites_under_a_sweep_and_draws_the_configured_mask(
        tmp_path, monkeypatch):
    """A show run whose config also sweeps S (as fig6's does) shows drop.n_satellites
    satellites, not the largest swept S; its figure shades the sky below drop.min_elevation_deg
    (25 deg here, not the default) and says so in its key."""
    from coopsat.experiments.kinds.show import report

    figures = []
    real_save = report.save
    monkeypatch.setattr(report, "save", lambda fig, base, formats: figures.append(fig) or real_save(
        fig, base, ("png",)))
    out = tmp_path / "swept"
    overrides = {"sweep.n_satellites": [1, 3], "drop.n_satellites": 2,
                 "drop.min_elevation_deg": 25.0}
    argv = ["show", "--config", TINY, "--out", str(out), "--quiet"]
    for key, value in overrides.items():
        argv += ["--set", f"{key}={value}"]
    assert main(argv) == 0
    table = read_table(out / "table.parquet")
    config = load_config(TINY, presets=("show",), overrides=overrides)
    found = find_drop(config, 0, 2, [])
    sats = table[table["element"] == "satellite"].sort_values("index")
    assert sats["sat_id"].tolist() == np.asarray(found.geometry.sat_index).tolist()
    assert set(table["n_satellites"]) == {2}
    assert str(table["epoch_utc"].iloc[0]) == str(pd.Timestamp(found.epoch))
    assert sats["elevation_deg"].min() >= 25.0
    # The figure: the mask circle on the sky plot at r = 90 - 25 deg, and the key's label.
    (fig,) = figures
    (sky,) = [ax for ax in fig.axes if ax.name == "polar"]
    rings = [line.get_ydata() for line in sky.get_lines() if len(line.get_ydata()) == 361]
    assert len(rings) == 1 and np.all(rings[0] == 65.0)
    labels = [t.get_text() for ax in fig.axes if ax.get_legend() for t in
              ax.get_legend().get_texts()]
    assert "25° mask (sky)" in labels and "Cap, 300 km" in labels
