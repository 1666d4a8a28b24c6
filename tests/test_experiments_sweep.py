"""The sweep pipeline beyond the paper: shared Monte Carlo draws, batched designs, the
instantaneous-CSI reference, unequal budgets and array sizes, against independent computations
(one precode / evaluate_rates / instantaneous_reference call per row, as the paper's pipeline
made them)."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from coopsat.channel.linkbudget import dbm_to_w
from coopsat.channel.model import statistical_csi
from coopsat.channel.sampler import sample_link_gains
from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.cli import main
from coopsat.experiments.core.design import csi_at, drop_draws, max_satellites
from coopsat.experiments.core.drops import find_drop
from coopsat.experiments.driver.store import read_table
from coopsat.precoding import (
    SolverError,
    evaluate_many,
    evaluate_rates,
    instantaneous_reference,
    precode,
)

TINY = str(data_path("tiny.toml"))
ALL = ('["ss-mmse", "ms-jowmmse", "ms-jomwmmse", "ms-jowmmse-psc", "ms-jomwmmse-psc", '
       '"ms-mrt", "ms-rzf", "ic-wmmse"]')


def _run(tmp_path, name, *sets):
    out = tmp_path / name
    argv = ["fig3", "--config", TINY, "--out", str(out), "--quiet", "--drops", "1",
            "--figures", "none"]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 0
    return read_table(out / "table.parquet")


def _drop(config):
    found = find_drop(config, 0, max_satellites(config), [])
    base = statistical_csi(found.geometry, config.channel,
                           np.random.default_rng(found.seeds["channel"]))
    return found, base


@pytest.fixture(scope="module")
def budgets(tmp_path_factory):
    sets = (f"precoding.schemes={ALL}", "sweep.p_tx_dbm=[35.0]",
            "sweep.power_offset_db=[0.0, 10.0]", "precoding.ic_realisations=16")
    table = _run(tmp_path_factory.mktemp("b"), "budgets", *sets)
    config = load_config(TINY, presets=("fig3",), overrides={
        "precoding.ic_realisations": 16, "sweep.p_tx_dbm": [35.0],
        "sweep.power_offset_db": [0.0, 10.0], "run.drops": 1})
    return config, table


def test_every_row_equals_one_precode_and_one_evaluate_rates_call(budgets):
    """Batched designs (precode_many) and batched evaluation on the drop's shared draws give,
    bit for bit, what one precode call and one evaluate_rates call with a generator rebuilt from
    the drop's mc seed give, budgets (S,) with the others 10 dB below the master included."""
    config, table = budgets
    found, base = _drop(config)
    csi = csi_at(base, config.drop.n_satellites, config.channel.zeta2, None)
    for _, row in table[table["scheme"] != "ic-wmmse"].iterrows():
        power = np.full(csi.n_satellites, dbm_to_w(35.0 - row["power_offset_db"]))
        power[0] = dbm_to_w(35.0)
        w = precode(row["scheme"], csi, power, max_iter=config.precoding.max_iter,
                    tol=config.precoding.tol).weights
        rep = evaluate_rates(csi, w, n_samples=config.precoding.mc_samples,
                             rng=np.random.default_rng(found.seeds["mc"]))
        assert row["r_e"] == rep.sum_r_e and row["r_ap1"] == rep.sum_r_ap1
        assert row["r_e_stderr"] == rep.sum_r_e_stderr > 0
        assert row["power_used_share"] == pytest.approx(
            np.sum(rep.power_used_w) / np.sum(power), rel=1e-12)


def test_reference_rows_design_on_the_first_realisations_of_the_drops_draws(budgets):
    config, table = budgets
    found, base = _drop(config)
    csi = csi_at(base, config.drop.n_satellites, config.channel.zeta2, None)
    gains = sample_link_gains(csi, config.precoding.mc_samples,
                              np.random.default_rng(found.seeds["mc"]))[:16]
    ref_rows = table[table["scheme"] == "ic-wmmse"].sort_values("power_offset_db")
    assert len(ref_rows) == 2 and ref_rows["r_ap1"].isna().all()
    for _, row in ref_rows.iterrows():
        power = np.full(csi.n_satellites, dbm_to_w(35.0 - row["power_offset_db"]))
        power[0] = dbm_to_w(35.0)
        opts = {"max_iter": config.precoding.max_iter, "tol": config.precoding.tol}
        starts = {s: precode(s, csi, power, **opts).weights
                  for s in json.loads(ALL) if s != "ic-wmmse"}
        ref = instantaneous_reference(csi, power, gains, starts=starts, **opts)
        assert row["r_e"] == pytest.approx(ref.sum_rate, rel=1e-12)
        assert row["r_e_stderr"] == pytest.approx(ref.sum_rate_stderr, rel=1e-12)
        assert row["r_bound"] == pytest.approx(ref.bound_sum_rate, rel=1e-12)
        assert row["r_bound"] > row["r_e"]
        shares = ref.start_shares()
        assert row["ic_start"] in starts or row["ic_start"] == "matched-filter"
        assert shares[row["ic_start"]] == max(shares.values())
    designs = table[table["scheme"] != "ic-wmmse"]
    assert designs["r_bound"].isna().all() and (designs["ic_start"] == "").all()


def test_unequal_budgets_exact_constraints_use_every_budget(budgets):
    _, table = budgets
    low = table[table["power_offset_db"] == 10.0].set_index("scheme")
    for scheme in ("ms-jowmmse-psc", "ms-jomwmmse-psc", "ms-mrt", "ms-rzf"):
        assert low.loc[scheme, "power_used_share"] == pytest.approx(1.0, rel=1e-9)
    assert low.loc["ms-jomwmmse", "power_used_share"] < 0.9  # step 14 leaves power unused
    assert (table["power_used_max_w"] <= dbm_to_w(35.0) * (1 + 1e-9)).all()


def test_array_size_sweep_recomputes_the_steering_with_held_large_scale_draws(tmp_path):
    table = _run(tmp_path, "arrays", "sweep.p_tx_dbm=[35.0]", "sweep.array_size=[2, 6]",
                 'precoding.schemes=["ms-jomwmmse"]')
    assert sorted(table["n_antennas"]) == [4, 36]
    config = load_config(TINY, presets=("fig3",), overrides={"run.drops": 1})
    found, base = _drop(config)
    for size in (2, 6):
        channel = replace(config.channel, nv=size, nh=size)
        csi = statistical_csi(found.geometry, channel,
                              np.random.default_rng(found.seeds["channel"]))
        np.testing.assert_array_equal(csi.kappa, base.kappa)  # the same large-scale draws
        w = precode("ms-jomwmmse", csi, np.full(csi.n_satellites, dbm_to_w(35.0)),
                    max_iter=config.precoding.max_iter, tol=config.precoding.tol).weights
        rep = evaluate_rates(csi, w, n_samples=config.precoding.mc_samples,
                             rng=np.random.default_rng(found.seeds["mc"]))
        row = table[table["n_antennas"] == size * size].iloc[0]
        assert row["r_ap1"] == rep.sum_r_ap1 and math.isfinite(row["r_e"])


def test_a_failed_multiplier_search_keeps_the_rest_of_the_drop(tmp_path, monkeypatch, capsys):
    """A "-psc" design that raises (precoding.dual's non-convergence) gives NaN rows for that
    scheme and a skipped record naming it; the other schemes' rows are computed as usual."""
    import coopsat.experiments.core.design as sweeping

    real = sweeping.precode_many

    def failing(scheme, *args, **kwargs):
        if scheme == "ms-jomwmmse-psc":
            raise SolverError("per-satellite multipliers did not converge (test)")
        return real(scheme, *args, **kwargs)

    monkeypatch.setattr(sweeping, "precode_many", failing)
    out = tmp_path / "f"
    argv = ["fig3", "--config", TINY, "--out", str(out), "--quiet", "--drops", "1", "--set",
            'precoding.schemes=["ms-jomwmmse", "ms-jomwmmse-psc"]', "--figures", "svg"]
    assert main(argv) == 0
    table = read_table(out / "table.parquet")
    skipped = read_table(out / "skipped.parquet")
    assert table.loc[table["scheme"] == "ms-jomwmmse-psc", "r_e"].isna().all()
    assert table.loc[table["scheme"] == "ms-jomwmmse", "r_e"].gt(0).all()
    assert skipped["reason"].str.contains("ms-jomwmmse-psc at sweep points 0, 1").any()
    summary = capsys.readouterr().out  # the run summary counts the failed design rows
    assert ("failed:  2 design rows without a rate (ms-jomwmmse-psc 2; reasons in skipped)"
            in summary)
    # the convergence kind: the failed scheme's row keeps an integer iteration (0)
    out5 = tmp_path / "f5"
    argv5 = ["fig5", "--config", TINY, "--out", str(out5), "--quiet", "--drops", "1", "--set",
             'precoding.schemes=["ms-jomwmmse", "ms-jomwmmse-psc"]', "--figures", "none"]
    assert main(argv5) == 0
    table5 = read_table(out5 / "table.parquet")
    assert str(table5["iteration"].dtype) == "int64"
    failed = table5[table5["scheme"] == "ms-jomwmmse-psc"]
    assert len(failed) == 1 and failed["iteration"].iloc[0] == 0 and failed["r_e"].isna().all()


def test_a_drop_that_raises_is_recorded_as_skipped(tmp_path, monkeypatch):
    from coopsat.experiments import kinds

    def explode(config, index):
        raise np.linalg.LinAlgError("singular matrix (test)")

    monkeypatch.setitem(kinds.KINDS, "sweep", replace(kinds.KINDS["sweep"], drop=explode))
    config = load_config(TINY, presets=("fig3",), overrides={"run.drops": 1})
    (outcome,) = kinds.run_chunk(config, (0,))
    assert outcome.rows == [] and "drop failed: LinAlgError: singular matrix" in \
        outcome.skipped[0]["reason"]


@pytest.mark.parametrize("error", [RuntimeError, KeyError, ZeroDivisionError])
def test_a_drop_that_raises_anything_else_ends_the_run(monkeypatch, error):
    """Only numerical failures are recorded as skipped: a bug (or the runner's injected fault, a
    RuntimeError) propagates."""
    from coopsat.experiments import kinds

    def explode(config, index):
        raise error("a bug (test)")

    monkeypatch.setitem(kinds.KINDS, "sweep", replace(kinds.KINDS["sweep"], drop=explode))
    config = load_config(TINY, presets=("fig3",), overrides={"run.drops": 1})
    with pytest.raises(error):
        kinds.run_chunk(config, (0,))


def test_the_control_variate_estimator_reaches_the_table(tmp_path):
    """precoding.estimator is passed to the evaluation: the row equals evaluate_many with that
    estimator on the drop's draws, and its standard error is below the sample mean's."""
    sets = ('precoding.schemes=["ms-jomwmmse"]', "sweep.p_tx_dbm=[35.0]")
    plain = _run(tmp_path, "mean", *sets)
    cv = _run(tmp_path, "cv", *sets, "precoding.estimator=control-variate")
    config = load_config(TINY, presets=("fig3",), overrides={"run.drops": 1})
    found, csi = _drop(config)
    power = np.full(csi.n_satellites, dbm_to_w(35.0))
    w = precode("ms-jomwmmse", csi, power, max_iter=config.precoding.max_iter,
                tol=config.precoding.tol).weights
    draws = drop_draws(config, found, csi.n_satellites)
    expected = evaluate_many(csi, w[None], draws, estimator="control-variate")
    assert cv["r_e"].iloc[0] == pytest.approx(expected.sum_r_e[0], rel=1e-12)
    assert cv["r_e_stderr"].iloc[0] == pytest.approx(expected.sum_r_e_stderr[0], rel=1e-12)
    assert cv["r_e_stderr"].iloc[0] < 0.5 * plain["r_e_stderr"].iloc[0]
    assert cv["r_e"].iloc[0] != plain["r_e"].iloc[0]
    assert abs(cv["r_e"].iloc[0] - plain["r_e"].iloc[0]) < 4 * plain["r_e_stderr"].iloc[0]


def test_every_design_has_a_catalogue_style_and_an_unknown_name_still_gets_one():
    """Every design the sweeps run has a record in the scheme catalogue (label and style); a
    name the catalogue does not know is drawn with a fallback style, never left out."""
    from coopsat.experiments.config.sections import DESIGNS
    from coopsat.experiments.views.style import scheme_styles
    from coopsat.precoding import SCHEME_INFO

    assert tuple(SCHEME_INFO) == DESIGNS
    styles = scheme_styles(["my-new-scheme", "ms-jomwmmse", "another", "ss-mmse"])
    assert list(styles)[:2] == ["ss-mmse", "ms-jomwmmse"]  # the catalogue's order first
    assert styles["ms-jomwmmse"].label == SCHEME_INFO["ms-jomwmmse"].label
    assert styles["my-new-scheme"].label == "my-new-scheme"
    fallback = {(s.colour, s.linestyle, s.marker) for n, s in styles.items() if n in
                ("another", "my-new-scheme")}
    known = {(i.colour, i.linestyle, i.marker) for i in SCHEME_INFO.values()}
    assert len(fallback) == 2 and not fallback & known
