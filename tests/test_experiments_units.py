"""Small pieces of the experiments package against independent computations."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import channel
from experiments.config import build_config
from experiments.pipeline import (
    channel_config,
    constellation_for,
    csi_at,
    dbm_to_w,
    drop_seeds,
    exceed_fraction,
    skyfield_time,
    sweep_points,
)
from experiments.plots import mean_ci

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
    assert len(set(draws.values())) == 4


def test_sweep_points_are_the_cartesian_product_in_table_order():
    c = build_config(
        {"sweep.zeta2": [0.0, 1.0], "sweep.n_satellites": [1, 3], "sweep.p_tx_dbm": [20.0, 30.0]}
    )
    pts = sweep_points(c)
    assert len(pts) == 8 and c.max_satellites() == 3
    assert [(p["zeta2"], p["n_satellites"], p["p_tx_dbm"]) for p in pts[:3]] == [
        (0.0, 1, 20.0),
        (0.0, 1, 30.0),
        (0.0, 3, 20.0),
    ]
    assert all(p["kappa_db"] is None for p in pts)


def test_dbm_to_w():
    assert dbm_to_w(30.0) == 1.0 and dbm_to_w(50.0) == pytest.approx(100.0, rel=1e-15)


@pytest.fixture(scope="module")
def geometry():
    import constellation

    cfg = build_config({})
    const = constellation_for(cfg.constellation)
    t = skyfield_time(pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime())
    return constellation.sample_drop(
        const, t, n_users=6, n_satellites=3, rng=np.random.default_rng(5)
    )


def test_csi_at_equals_the_channel_package_with_the_same_overrides(geometry):
    """Sweeping kappa_db / zeta2 on the held CSI == building it with ChannelConfig overrides."""
    base_cfg = build_config({"channel.nv": 4, "channel.nh": 4})
    base = channel.statistical_csi(
        geometry, channel_config(base_cfg.channel), np.random.default_rng(9)
    )
    fixed_cfg = build_config(
        {"channel.nv": 4, "channel.nh": 4, "channel.kappa_db": 25.0, "channel.zeta2": 1.5}
    )
    direct = channel.statistical_csi(
        geometry, channel_config(fixed_cfg.channel), np.random.default_rng(9)
    )
    swept = csi_at(base, 3, 1.5, 25.0)
    for name in ("gamma", "kappa", "zeta2", "steering", "sigma2"):
        np.testing.assert_allclose(getattr(swept, name), getattr(direct, name), rtol=EXACT)
    sub = csi_at(base, 2, None, None)
    assert sub.n_satellites == 2
    np.testing.assert_array_equal(sub.gamma, base.gamma[:2])
    np.testing.assert_array_equal(sub.steering, base.steering[:2])
    assert math.isclose(float(np.mean(sub.zeta2)), 0.5)
