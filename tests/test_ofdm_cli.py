"""The ``coopsat waveform`` subcommand: argument parsing, figures from tables, a quick run."""

import argparse

import numpy as np
import pandas as pd
import pytest

from experiments import waveform


def _parser():
    parser = argparse.ArgumentParser(prog="coopsat")
    waveform.register(parser.add_subparsers(dest="command"))
    return parser


def test_register_adds_the_waveform_subcommand_with_its_options(tmp_path):
    args = _parser().parse_args(
        ["waveform", "--seed", "7", "--out", str(tmp_path), "--symbols", "3", "--quick"]
    )
    assert args.func is waveform.run
    assert (args.seed, args.out, args.symbols, args.quick) == (7, tmp_path, 3, True)
    with pytest.raises(SystemExit) as exc:
        _parser().parse_args(["waveform", "--help"])
    assert exc.value.code == 0
    with pytest.raises(SystemExit):
        _parser().parse_args(["waveform", "--blocks", "0"])


def test_figures_are_written_from_tables(tmp_path):
    rates = pd.DataFrame(
        {
            "rate_ap1": [1.0, 2.0],
            "rate_measured": [1.1, 1.9],
            "rate_mc": [0.9, 2.1],
            "rate_measured_ergodic": [1.0, 2.0],
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
    paths = waveform.plot_rates(rates, tmp_path) + waveform.plot_ici(ici, tmp_path)
    paths += waveform.plot_correlation(corr, tmp_path, 0.9)
    assert len(paths) == 6
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)


def test_quick_run_matches_eq13_and_eq10(tmp_path, capsys):
    args = _parser().parse_args(["waveform", "--quick", "--out", str(tmp_path), "--seed", "3"])
    assert args.func(args) == 0
    rates = pd.read_csv(tmp_path / "waveform_rates.csv")
    ici = pd.read_csv(tmp_path / "waveform_ici.csv")
    corr = pd.read_csv(tmp_path / "waveform_correlation.csv")
    # 16 blocks only: per-UT agreement to a few tenths of a bit, the sum to 2 %
    assert np.max(np.abs(rates["rate_measured"] - rates["rate_ap1"])) < 0.4
    assert rates["rate_measured"].sum() == pytest.approx(rates["rate_ap1"].sum(), rel=0.02)
    np.testing.assert_allclose(ici["ici_measured"], ici["ici_analytic"], rtol=0.05)
    assert corr["corr_measured"].iloc[0] == pytest.approx(1.0)
    assert np.all(corr.loc[corr["dtau_over_tsym"] > 1.0, "corr_measured"] < 0.1)
    assert "figures:" in capsys.readouterr().out
