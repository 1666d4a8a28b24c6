"""Kind "waveform" (``coopsat waveform``): options as config keys, figures from tables, a quick
run checked against eq. (13) and eq. (10)."""

import numpy as np
import pandas as pd
import pytest

from coopsat.experiments.cli import build_parser, main, resolve
from coopsat.experiments.driver.store import read_table
from coopsat.experiments.kinds.waveform import report


def test_waveform_options_are_shortcuts_for_config_keys(tmp_path):
    args = build_parser().parse_args(
        [
            "waveform",
            "--seed",
            "7",
            "--out",
            str(tmp_path),
            "--symbols",
            "3",
            "--quick",
            "--fft-size",
            "256",
            "--zeta2",
            "0.8",
            "--drop",
            "4",
        ]
    )
    config, out = resolve(args)
    assert out == tmp_path
    assert (config.run.kind, config.run.seed, config.run.first_drop) == ("waveform", 7, 4)
    assert (config.section("waveform").n_symbols, config.section("waveform").fft_size) == (3, 256)
    assert config.channel.zeta2 == 0.8
    assert config.section("waveform").n_blocks == 16 and config.drop.n_users == 12  # waveform_quick
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["waveform", "--help"])
    assert exc.value.code == 0


def test_figures_are_written_from_tables(tmp_path):
    rates = pd.DataFrame(
        {
            "drop": [0, 0],
            "rate_ap1": [1.0, 2.0],
            "rate_measured": [1.1, 1.9],
            "rate_mc": [0.9, 2.1],
            "rate_mc_stderr": [0.01, 0.02],
            "rate_measured_ergodic": [1.0, 2.0],
            "rate_measured_ergodic_stderr": [0.05, float("nan")],
            "frac_dtau_gt_tsym": [0.9, 0.9],
        }
    )
    ici = pd.DataFrame(
        {"nu_over_df": [0.01, 0.1], "ici_measured": [3e-4, 3e-2], "ici_analytic": [3e-4, 3e-2]}
    )
    corr = pd.DataFrame(
        {
            "dtau_over_tsym": [0.0, 1.5],
            "corr_measured": [1.0, 0.02],
            "corr_overlap": [1.0, 0.0],
            "floor": [0.02, 0.02],
        }
    )
    extra = {"ici": ici, "correlation": corr}
    paths = report.plot(rates, None, tmp_path / "waveform", extra, ("svg",))
    assert sorted(p.name for p in paths) == sorted(
        f"waveform_{n}.svg" for n in ("rates", "ici", "correlation")
    )
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)


def test_quick_run_matches_eq13_and_eq10(tmp_path, capsys):
    out = tmp_path / "wf"
    argv = ["waveform", "--quick", "--out", str(out), "--seed", "3", "--quiet"]
    assert main([*argv, "--figures", "none"]) == 0
    rates = read_table(out / "table.parquet")
    ici = read_table(out / "ici.parquet")
    corr = read_table(out / "correlation.parquet")
    assert len(rates) == 12 and rates["ut"].tolist() == list(range(12))
    # 16 blocks only: per-UT agreement to a few tenths of a bit, the sum to 2 %
    assert np.max(np.abs(rates["rate_measured"] - rates["rate_ap1"])) < 0.4
    assert rates["rate_measured"].sum() == pytest.approx(rates["rate_ap1"].sum(), rel=0.02)
    np.testing.assert_allclose(ici["ici_measured"], ici["ici_analytic"], rtol=0.05)
    assert corr["corr_measured"].iloc[0] == pytest.approx(1.0)
    assert np.all(corr.loc[corr["dtau_over_tsym"] > 1.0, "corr_measured"] < 0.1)
    printed = capsys.readouterr().out
    assert "figure:" in printed and "ICI vs eq. (10)" in printed
    assert main(["plot", str(out), "--figures", "svg"]) == 0  # reads the extra tables back
    assert len(list(out.glob("waveform_*.svg"))) == 3
