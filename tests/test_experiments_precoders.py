"""The precoders-* studies: their quick sizes as --help states them, the converged preset that
composes with them, and the reference's upper bound in the sweep summary."""

import numpy as np
import pandas as pd
import pytest

from coopsat.experiments import load_config
from coopsat.experiments.cli import STUDIES
from coopsat.experiments.kinds.sweep import report

PRECODERS = ("precoders-power", "precoders-satellites", "precoders-budgets", "precoders-arrays")
SWEPT = {"precoders-power": "p_tx_dbm", "precoders-satellites": "n_satellites",
         "precoders-budgets": "power_offset_db", "precoders-arrays": "array_size"}


@pytest.mark.parametrize("name", PRECODERS)
def test_help_states_the_quick_sizes_of_the_config(name):
    """`coopsat NAME --quick` applies [presets.quick] then [presets.NAME_quick]; the study's
    help text names the resulting drops, reference realisations and swept values."""
    full = load_config(None, presets=(name,))
    quick = load_config(None, presets=(name, "quick", f"{name}_quick"))
    text = STUDIES[name][1]
    assert f"{quick.run.drops} drops" in text
    assert f"{quick.precoding.ic_realisations} ref. realisations" in text
    values = getattr(quick.sweep, SWEPT[name])
    assert 1 < len(values) < len(getattr(full.sweep, SWEPT[name])) + 1
    for v in values:
        assert f"{v:g}" in text, (name, v)
    assert quick.precoding.schemes == full.precoding.schemes  # every scheme still shown
    assert quick.run.drops < full.run.drops


@pytest.mark.parametrize("name", PRECODERS)
def test_converged_preset_composes_with_every_study(name):
    """--preset NAME --preset converged: the study with I_max raised far above the paper's 10
    and chi near 0, nothing else changed."""
    base = load_config(None, presets=(name,))
    conv = load_config(None, presets=(name, "converged"))
    assert conv.precoding.max_iter >= 20 * base.precoding.max_iter
    assert 0 < conv.precoding.tol <= base.precoding.tol * 1e-3
    assert conv.sweep == base.sweep and conv.precoding.schemes == base.precoding.schemes


def _table() -> pd.DataFrame:
    rows = []
    for drop in range(3):
        for point, p in enumerate((20.0, 50.0)):
            for scheme, r_e, bound, start in (("ms-jomwmmse", 80.0 + drop + p, np.nan, ""),
                                              ("ic-wmmse", 100.0 + drop + p, 150.0 + 2 * drop
                                               + p, "ms-jomwmmse")):
                rows.append({"drop": drop, "point": point, "p_tx_dbm": p, "scheme": scheme,
                             "r_e": r_e, "r_e_stderr": 0.1, "r_bound": bound,
                             "ic_start": start})
    return pd.DataFrame(rows)


def test_summary_states_the_mean_bound_and_the_winning_starts():
    config = load_config(None, presets=("precoders-power",),
                         overrides={"sweep.p_tx_dbm": [20.0, 50.0]})
    lines = report.summary(_table(), config, {})
    at = lines.index("interference-free upper bound (bit/s/Hz), mean over the reference's "
                     "realisations:")
    assert "172.0" in lines[at + 1] and "202.0" in lines[at + 1]  # 150 + 2 mean(0, 1, 2) + p
    assert "ms-jomwmmse" in lines[at + 3] and lines[at + 3].split()[-2:] == ["3", "3"]
