"""Small pieces of the experiments package against independent computations."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coopsat import channel
from coopsat.experiments import build_config
from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.core.design import csi_at, max_satellites, sweep_points
from coopsat.experiments.core.drops import STAGES, drop_seeds, exceed_fraction, skyfield_time
from coopsat.experiments.kinds.timeline.report import (
    age_summary,
    crossing_age,
    refresh_average,
    set_change_summary,
)
from coopsat.experiments.views.style import mean_ci

EXACT = 1e-15  # relative: the same float operations on the same inputs


def test_exceed_fraction_matches_a_loop_over_distinct_pairs():
    rng = np.random.default_rng(3)
    s, k = 3, 5
    tau = rng.uniform(2e-3, 6e-3, size=(s, k))
    dd = np.abs((tau[:, :, None] - tau[:, None, :])[:, None] - (tau[:, :, None] - tau[:, None, :]))
    thresholds = np.array([0.0, 1e-5, 3e-4, 1e-3, 5e-3])
    frac, n = exceed_fraction(dd, thresholds)
    values = [
        dd[s1, s2, u1, u2]
        for s1, s2 in itertools.combinations(range(s), 2)
        for u1, u2 in itertools.combinations(range(k), 2)
    ]
    assert n == len(values) == 3 * 10
    expected = [np.mean([v > t for v in values]) for t in thresholds]
    np.testing.assert_array_equal(frac, expected)


def test_mean_ci_equals_the_student_t_interval():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"g": np.repeat([0, 1], 7), "v": rng.normal(size=14)})
    df.loc[3, "v"] = np.nan  # invalid rows are left out
    out = mean_ci(df, ["g"], "v").set_index("g")
    for g, sub in df.dropna().groupby("g"):
        lo, hi = stats.t.interval(
            0.95, len(sub) - 1, loc=sub["v"].mean(), scale=stats.sem(sub["v"])
        )
        assert out.loc[g, "n"] == len(sub)
        assert out.loc[g, "lo"] == pytest.approx(lo, rel=1e-12)
        assert out.loc[g, "hi"] == pytest.approx(hi, rel=1e-12)


def test_drop_seeds_are_pure_and_distinct_per_drop_attempt_and_stage():
    a = drop_seeds(11, 3)
    b = drop_seeds(11, 3)
    draws = {stage: np.random.default_rng(ss).random() for stage, ss in a.items()}
    assert draws == {stage: np.random.default_rng(ss).random() for stage, ss in b.items()}
    others = [drop_seeds(11, 4), drop_seeds(11, 3, 1), drop_seeds(12, 3)]
    for o in others:
        assert np.random.default_rng(o["mc"]).random() != draws["mc"]
    assert len(set(draws.values())) == len(STAGES) == 6  # epoch .. waveform, schedule
    # a stage appended to STAGES leaves the earlier streams as they were (the first four
    # children of the spawn), so adding the waveform stream changed no other table
    root = np.random.SeedSequence(11, spawn_key=(3, 0)).spawn(4)
    for stage, ss in zip(("epoch", "geometry", "channel", "mc"), root, strict=True):
        assert np.random.default_rng(ss).random() == draws[stage]


def test_sweep_points_are_the_cartesian_product_in_table_order():
    c = build_config(
        {"sweep.zeta2": [0.0, 1.0], "sweep.n_satellites": [1, 3], "sweep.p_tx_dbm": [20.0, 30.0]}
    )
    pts = sweep_points(c)
    assert len(pts) == 8 and max_satellites(c) == 3
    assert [(p["zeta2"], p["n_satellites"], p["p_tx_dbm"]) for p in pts[:3]] == [
        (0.0, 1, 20.0),
        (0.0, 1, 30.0),
        (0.0, 3, 20.0),
    ]
    assert all(p["kappa_db"] is None for p in pts)


@pytest.fixture(scope="module")
def geometry():
    from coopsat import constellation
    cfg = build_config({})
    const = constellation_for(cfg.constellation)
    t = skyfield_time(pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime())
    return constellation.sample_drop(
        const, t, n_users=6, n_satellites=3, rng=np.random.default_rng(5)
    )


def test_csi_at_equals_the_channel_package_with_the_same_overrides(geometry):
    """Sweeping kappa_db / zeta2 on the held CSI == building it with ChannelConfig overrides."""
    base_cfg = build_config({"channel.nv": 4, "channel.nh": 4})
    base = channel.statistical_csi(geometry, base_cfg.channel, np.random.default_rng(9))
    fixed_cfg = build_config(
        {"channel.nv": 4, "channel.nh": 4, "channel.kappa_db": 25.0, "channel.zeta2": 1.5}
    )
    direct = channel.statistical_csi(geometry, fixed_cfg.channel, np.random.default_rng(9))
    swept = csi_at(base, 3, 1.5, 25.0)
    for name in ("gamma", "kappa", "zeta2", "steering", "sigma2"):
        np.testing.assert_allclose(getattr(swept, name), getattr(direct, name), rtol=EXACT)
    sub = csi_at(base, 2, None, None)
    assert sub.n_satellites == 2
    np.testing.assert_array_equal(sub.gamma, base.gamma[:2])
    np.testing.assert_array_equal(sub.steering, base.steering[:2])
    assert math.isclose(float(np.mean(sub.zeta2)), 0.5)


# log-linear interpolation of an exponential between grid ages 2.5x apart: ~6 % off at 90 %
AGE_INTERP_RTOL = 0.1
TRAPEZOID_RTOL = 2e-4  # piecewise-linear R on a 1 ms grid vs the closed-form exponential


def test_refresh_average_equals_the_closed_form_of_an_exponential_decay():
    """R(a) = exp(-a / tau): (1 / T) integral_0^T R = (tau / T) (1 - exp(-T / tau))."""
    tau = 3.0
    ages = np.linspace(0.0, 60.0, 60_001)
    periods = np.array([0.0105, 0.5, 2.0, 7.3, 60.0])
    got = refresh_average(ages, np.exp(-ages / tau), periods)
    want = tau / periods * (1.0 - np.exp(-periods / tau))
    np.testing.assert_allclose(got, want, rtol=TRAPEZOID_RTOL)
    assert np.isnan(refresh_average(ages, np.exp(-ages / tau), [61.0])[0])


def test_refresh_average_is_exact_for_piecewise_linear_rates():
    ages, rates = np.array([0.0, 1.0, 3.0]), np.array([10.0, 8.0, 0.0])
    # by hand: T = 2: (9 + (8 + 4) / 2) / 2 = 7.5; T = 0.5: (10 + 9) / 2 = 9.5
    np.testing.assert_allclose(refresh_average(ages, rates, [0.5, 2.0, 3.0]), [9.5, 7.5, 17 / 3])


@pytest.mark.parametrize(
    "ages, periods, field",
    [
        ([1.0, 2.0], [1.0], "ages_s"),
        ([0.0, 2.0, 1.0], [1.0], "ages_s"),
        ([0.0, 1.0], [0], "periods_s"),
    ],
)
def test_refresh_average_rejects_bad_grids(ages, periods, field):
    with pytest.raises(ValueError, match=field):
        refresh_average(ages, np.ones(len(ages)), periods)


def test_crossing_age_interpolates_in_log_age():
    ages = np.array([0.0, 1.0, 10.0, 100.0])
    ratio = np.array([1.0, 0.95, 0.85, 0.2])
    # 0.9 is halfway from 0.95 to 0.85: halfway between 1 s and 10 s in log age = sqrt(10) s
    assert crossing_age(ages, ratio, 0.9) == pytest.approx(math.sqrt(10.0), rel=1e-12)
    assert crossing_age(ages, ratio, 0.1) != crossing_age(ages, ratio, 0.1)  # NaN: never
    assert crossing_age([0.0, 2.0], [1.0, 0.0], 0.75) == pytest.approx(0.5, rel=1e-12)


def _timeline_rows(rates_by_age, n_drops=2):
    rows = []
    for d in range(n_drops):
        for age, r in rates_by_age.items():
            mode = "recomputed" if age == 0 else "aged"
            rows.append(
                {
                    "drop": d,
                    "step": 0,
                    "mode": mode,
                    "scheme": "ms-jomwmmse",
                    "csi_age_s": age,
                    "time_s": age,
                    "r_e": r * (1 + 0.01 * d),
                    "set_changed": False,
                }
            )
    return pd.DataFrame(rows)


def test_age_summary_reads_the_decay_of_a_known_curve():
    """R(a) = 100 exp(-a / 4 s) on a log grid: 90 % at 4 ln(1/0.9) = 0.42 s (up to the
    log-linear interpolation between 0.2 and 0.5 s), 50 % at 4 ln 2 = 2.77 s."""
    ages = [0.0, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
    table = _timeline_rows({a: 100.0 * math.exp(-a / 4.0) for a in ages})
    s = age_summary(table).set_index("scheme").loc["ms-jomwmmse"]
    assert s["r_e_fresh"] == pytest.approx(100.5, rel=1e-12)  # mean of 100 and 101
    assert s["age_90%_s"] == pytest.approx(4.0 * math.log(1 / 0.9), rel=AGE_INTERP_RTOL)
    assert s["age_50%_s"] == pytest.approx(4.0 * math.log(2.0), rel=AGE_INTERP_RTOL)
    # refresh every T keeps (4 / T)(1 - exp(-T / 4)) >= 0.9 up to T = 0.85 s: grid age 0.5 s
    assert s["refresh_90%_s"] == 0.5 and s["refresh_50%_s"] == 5.0


def test_set_change_summary_counts_changes_per_area_time():
    rows = [
        {"drop": d, "step": k, "mode": "recomputed", "time_s": 10.0 * k, "set_changed": ch}
        for d, changes in ((0, [False, True, False, True]), (1, [False, False, False, True]))
        for k, ch in enumerate(changes)
    ]
    s = set_change_summary(pd.DataFrame(rows))
    assert s == {"changes": 3, "observed_s": 60.0, "mean_dwell_s": 20.0}
