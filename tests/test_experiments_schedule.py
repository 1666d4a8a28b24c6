"""Kind "schedule": link abstraction, rate estimates, schedulers, metrics, end to end.

Independent computations: the TR 36.942 mapping against its piecewise formula on per-sample
SINRs formed here from the gains; the closed-form estimates against ``precoding.rate_ap1`` of
``precoding.matched_filter``; the vectorised greedy against a greedy that designs nothing but
evaluates ``rate_ap1`` of every candidate set one by one; proportional fair against the closed
form of two-user time sharing; Jain's index against its extremes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.sampler import draw_standard
from coopsat.channel.structure import steering_projections
from coopsat.constellation import sample_cap
from coopsat.constellation.earth import great_circle_distance_m
from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.cli import main
from coopsat.experiments.core.tables import reproducible_columns
from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.driver.runner import run_experiment
from coopsat.experiments.kinds.schedule.compute import drop
from coopsat.experiments.kinds.schedule.estimates import (
    set_rates,
    single_user_rates,
    terminals,
)
from coopsat.experiments.kinds.schedule.link import TruncatedShannon
from coopsat.experiments.kinds.schedule.metrics import jain, terminal_table
from coopsat.experiments.kinds.schedule.population import clustered_points
from coopsat.experiments.kinds.schedule.schedulers import (
    GreedyInputs,
    SchedulerState,
    greedy_select,
    select,
)
from coopsat.experiments.kinds.sweep.compute import drop as sweep_drop
from coopsat.precoding import evaluate_many, matched_filter, precode, rate_ap1

TINY = str(data_path("tiny.toml"))
TR36942 = TruncatedShannon(alpha=0.6, se_max=4.4, sinr_min_db=-10.0)


def _csi(rng, s=2, k=6, nv=2, spread=0.6) -> StatisticalCSI:
    """Random statistical CSI of S satellites with nv x nv arrays and K terminals."""
    cos = rng.uniform(-spread, spread, size=(2, s, k))
    idx = np.arange(nv)
    vx = np.exp(-1j * np.pi * idx[None, None, :] * cos[0][..., None]) / math.sqrt(nv)
    vy = np.exp(-1j * np.pi * idx[None, None, :] * cos[1][..., None]) / math.sqrt(nv)
    steering = (vy[..., :, None] * vx[..., None, :]).reshape(s, k, nv * nv)
    return StatisticalCSI(
        gamma=rng.uniform(0.5, 2.0, size=(s, k)) * 1e-12,
        kappa=rng.uniform(0.5, 20.0, size=(s, k)),
        zeta2=rng.uniform(0.0, 1.0, size=(s, k)),
        steering=steering,
        sigma2=np.full(k, 1e-13),
    )


def test_truncated_shannon_is_its_piecewise_formula():
    sinr_db = np.array([-30.0, -10.5, -9.5, 0.0, 10.0, 20.0, 22.0, 40.0])
    sinr = 10 ** (sinr_db / 10)
    # 0.6 log2(1 + 10^2.2) = 4.3904 stays below the 4.4 cap; 40 dB is capped
    expected = [0.0, 0.0, 0.6 * math.log2(1 + 10**-0.95), 0.6, 0.6 * math.log2(11.0),
                0.6 * math.log2(101.0), 0.6 * math.log2(1 + 10**2.2), 4.4]
    np.testing.assert_allclose(TR36942(sinr), expected, rtol=1e-15)


def test_mapping_inside_the_expectation_equals_the_formula_on_sampled_sinrs():
    """E{link(SINR_k)} from evaluate_many equals the mean of the formula over the per-sample
    SINRs formed here from the gains and the precoders (signal coherent over satellites,
    interference in power, eq. (10)-(12) as in precoding.rates)."""
    rng = np.random.default_rng(3)
    csi = _csi(rng)
    w = precode("ms-jomwmmse", csi, 1e-2, max_iter=3).weights
    draws = draw_standard(400, csi.n_satellites * csi.n_users, rng)
    got = evaluate_many(csi, w[None], draws, link=TR36942).r_e[0]
    g = draws.gains(csi)  # (n, S, K)
    t = steering_projections(np.asarray(csi.steering), w)  # (S, K, K): v_{s,k}^T w_{s,i}
    k = csi.n_users
    sinr = np.empty((g.shape[0], k))
    for user in range(k):
        signal = np.abs(np.sum(g[:, :, user] * t[:, user, user], axis=1)) ** 2
        others = [i for i in range(k) if i != user]
        leak = np.sum(np.abs(t[:, user, others]) ** 2, axis=1)  # (S,)
        interference = np.sum(np.abs(g[:, :, user]) ** 2 * leak, axis=1)
        sinr[:, user] = signal / (interference + csi.sigma2[user])
    expected = np.mean(TR36942(sinr), axis=0)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    plain = evaluate_many(csi, w[None], draws).r_e[0]
    np.testing.assert_allclose(plain, np.mean(np.log2(1 + sinr), axis=0), rtol=1e-12)
    assert np.all(got <= 4.4 + 1e-12) and np.all(got < plain)


def test_single_user_estimate_is_rate_ap1_of_the_matched_filter_alone():
    rng = np.random.default_rng(5)
    csi = _csi(rng, s=3, k=5)
    p_user = 2e-2
    got = single_user_rates(csi, p_user)
    for u in range(csi.n_users):
        alone = terminals(csi, [u])
        w = matched_filter(alone, np.full(csi.n_satellites, p_user / csi.n_satellites))
        assert got[u] == pytest.approx(rate_ap1(alone, w)[0], rel=1e-12)


def test_set_proxy_is_rate_ap1_of_the_matched_filter_on_the_set():
    rng = np.random.default_rng(6)
    csi = _csi(rng, s=3, k=7)
    members = np.array([4, 0, 5])
    sub = terminals(csi, members)
    p_total = 3e-2
    w = matched_filter(sub, np.full(3, p_total / 3))  # P_k = sum_s P_s / K
    got = set_rates(csi, members, p_total / members.size)
    np.testing.assert_allclose(got, rate_ap1(sub, w), rtol=1e-12)


def _brute_greedy(csi, beta, k_max, p_total):
    """Greedy by designing the matched filter of every candidate set and its R_AP1."""
    members: list[int] = []
    best = -np.inf
    while len(members) < k_max:
        scores = np.full(csi.n_users, -np.inf)
        for u in set(range(csi.n_users)) - set(members):
            cand = [*members, u]
            sub = terminals(csi, cand)
            w = matched_filter(sub, np.full(csi.n_satellites, p_total / csi.n_satellites))
            scores[u] = np.sum(beta[cand] * rate_ap1(sub, w))
        j = int(np.argmax(scores))
        if members and scores[j] <= best:
            break
        members.append(j)
        best = scores[j]
    return np.array(members)


@pytest.mark.parametrize("noise", [1e-13, 1e-16])  # noise- and interference-limited
def test_vectorised_greedy_picks_what_a_candidate_by_candidate_greedy_picks(noise):
    rng = np.random.default_rng(7)
    csi = _csi(rng, s=2, k=9, spread=0.15)
    csi = StatisticalCSI(csi.gamma, csi.kappa, csi.zeta2, csi.steering, np.full(9, noise))
    beta = rng.uniform(0.5, 2.0, size=9)
    inputs = GreedyInputs(csi, 2e-2, np.zeros((2, 9)), 1e-6, 0.0)
    got = greedy_select(inputs, beta, 6)
    np.testing.assert_array_equal(got, _brute_greedy(csi, beta, 6, 2e-2))
    assert 1 <= got.size <= 6


def test_delay_preference_prefers_independent_pairs():
    """Two candidates with the same channel statistics: the one whose differential delay to
    the first member exceeds the symbol time is taken first with the preference on."""
    rng = np.random.default_rng(8)
    csi = _csi(rng, s=2, k=3, nv=8)
    same = np.asarray(csi.steering).copy()
    same[:, 2] = same[:, 1]
    gamma = np.asarray(csi.gamma).copy()
    gamma[:, 0] *= 3.0  # terminal 0 is picked first (high SNR: adding a second one pays)
    gamma[:, 2] = gamma[:, 1]
    kappa, zeta2 = np.asarray(csi.kappa).copy(), np.asarray(csi.zeta2).copy()
    kappa[:, 2], zeta2[:, 2] = kappa[:, 1], zeta2[:, 1]
    csi = StatisticalCSI(gamma, kappa, zeta2, same, np.full(3, 1e-18))
    delays = np.array([[0.0, 0.0, 1e-5], [0.0, 0.0, 0.0]])  # only terminal 2 is independent
    plain = greedy_select(GreedyInputs(csi, 1e-2, delays, 3e-6, 1.0), np.ones(3), 2, 0.0)
    preferring = greedy_select(GreedyInputs(csi, 1e-2, delays, 3e-6, 1.0), np.ones(3), 2, 1.0)
    assert plain.tolist() == [0, 1]  # a tie, broken by index
    assert preferring.tolist() == [0, 2]


def test_round_robin_serves_everyone_within_ceil_u_over_k_slots():
    u, k = 23, 5
    state = SchedulerState("round-robin", k, 20.0, np.random.default_rng(0))
    seen = set()
    for _ in range(math.ceil(u / k)):
        served = select(state, np.ones(u), None)
        assert served.size == k and np.all(np.diff(served) > 0)
        seen |= set(served.tolist())
    assert seen == set(range(u))


@pytest.mark.parametrize("name", ["random", "round-robin", "pf"])
def test_k_max_at_least_u_serves_everyone(name):
    state = SchedulerState(name, 8, 20.0, np.random.default_rng(0))
    np.testing.assert_array_equal(select(state, np.arange(1.0, 6.0), None), np.arange(5))


def test_proportional_fair_two_terminals_converges_to_equal_time_shares():
    """Two terminals, one served per slot, constant rates r1 >> r2: PF maximises
    log(x r1) + log((1 - x) r2), so x = 1/2 and the throughputs are r1 / 2 and r2 / 2."""
    rates = np.array([8.0, 0.25])
    state = SchedulerState("pf", 1, 50.0, np.random.default_rng(0))
    n, served_count, thr = 4000, np.zeros(2), np.zeros(2)
    for _ in range(n):
        served = select(state, rates, None)
        state.update(served, rates[served], 2)
        served_count[served] += 1
        thr[served] += rates[served]
    np.testing.assert_allclose(served_count / n, [0.5, 0.5], atol=2e-3)
    np.testing.assert_allclose(thr / n, rates / 2, rtol=5e-3)
    np.testing.assert_allclose(state.average, rates / 2, rtol=0.05)


def _interfering_line(rng, u):
    """A toy multi-user slot model: U terminals at random positions on a line, a single-user
    estimate smooth in position that drifts slowly with time (as the satellites move), and an
    achieved rate of 0 for a served terminal with another served one closer than 1 / (20 K)."""
    x = rng.uniform(0.0, 1.0, u)

    def estimate(t):
        return (2.0 + np.sin(3.0 * x)) * (1.0 + 1e-3 * t * x)

    def achieved(served, t):
        pos = np.sort(x[served])
        gap = np.diff(pos)
        crowded = np.zeros(pos.size, dtype=bool)
        crowded[1:] |= gap < 0.05 / served.size
        crowded[:-1] |= gap < 0.05 / served.size
        alone = ~crowded[np.argsort(np.argsort(x[served]))]
        return estimate(t)[served] * alone

    return estimate, achieved


def test_proportional_fair_is_fairer_than_round_robin_with_drifting_estimates():
    """Many terminals, set-dependent rates (``_interfering_line``): PF must schedule every
    terminal in its first ceil(U / K) slots and, over several cycles, reach a Jain index of
    the terminals' average throughputs at least round robin's, and a higher 5th percentile.
    (Averages that start tied make PF follow the slow drift of the estimates and co-schedule
    neighbours, which then get nothing and are picked again.)"""
    u, k, horizon = 300, 20, 120
    estimate, achieved = _interfering_line(np.random.default_rng(5), u)
    totals = {}
    for name in ("round-robin", "pf"):
        state = SchedulerState(name, k, 20.0, np.random.default_rng(0))
        total, seen = np.zeros(u), np.zeros(u, dtype=bool)
        for t in range(horizon):
            served = select(state, estimate(t), None)
            rates = achieved(served, t)
            state.update(served, rates, u)
            total[served] += rates
            if t < math.ceil(u / k):
                seen[served] = True
        assert seen.all(), name
        totals[name] = total / horizon
    assert jain(totals["pf"]) >= jain(totals["round-robin"])
    assert np.quantile(totals["pf"], 0.05) > np.quantile(totals["round-robin"], 0.05)


def test_jain_index_extremes():
    assert jain(np.full(7, 3.2)) == pytest.approx(1.0, rel=1e-15)
    assert jain([5.0, 0.0, 0.0, 0.0]) == pytest.approx(0.25, rel=1e-15)
    assert jain([1.0, 3.0]) == pytest.approx(16 / 20, rel=1e-15)


def test_clustered_population_stays_in_the_cap_with_rayleigh_offsets():
    rng = np.random.default_rng(9)
    lat0, lon0, radius, sigma = 0.3, 1.0, 800e3, 20e3
    lat, lon, cluster = clustered_points(rng, lat0, lon0, radius, 20000, 5, sigma)
    assert lat.shape == lon.shape == cluster.shape == (20000,)
    assert np.all(great_circle_distance_m(lat0, lon0, lat, lon) <= radius)
    # the parents are the first draws of the same stream: rebuild them to measure the offsets
    p_lat, p_lon = sample_cap(np.random.default_rng(9), lat0, lon0, radius, 5)
    d = great_circle_distance_m(p_lat[cluster], p_lon[cluster], lat, lon)
    inner = great_circle_distance_m(lat0, lon0, p_lat, p_lon) < radius - 6 * sigma
    d_in = d[inner[cluster]]
    assert d_in.size > 1000
    assert np.mean(d_in) == pytest.approx(sigma * math.sqrt(math.pi / 2), rel=0.03)


def _config(**over):
    base = {"run.kind": "schedule", "schedule.n_slots": 1, "schedule.link_abstraction": False}
    return load_config(TINY, presets=("schedule",), overrides={**base, **over})


def test_population_of_k_max_terminals_is_the_papers_fixed_user_drop():
    """U = K_max = the paper's K: every terminal is served, and slot 0 is the sweep kind's
    result for that drop (same UTs, CSI, Monte Carlo draws, design and evaluation)."""
    cfg = _config(**{"schedule.n_terminals": 4, "schedule.k_max": [4],
                     "schedule.n_satellites": [2], "schedule.schedulers": ["round-robin"],
                     "precoding.schemes": ["ms-jomwmmse"], "sweep.p_tx_dbm": [35.0]})
    rows = drop(cfg, 0).rows
    sweep = load_config(TINY, overrides={"sweep.p_tx_dbm": [35.0],
                                         "precoding.schemes": ["ms-jomwmmse"]})
    (ref,) = sweep_drop(sweep, 0).rows
    assert sorted(r["terminal"] for r in rows) == [0, 1, 2, 3]
    assert rows[0]["slot_r_e"] == pytest.approx(ref["r_e"], rel=1e-12)
    assert rows[0]["slot_r_ap1"] == pytest.approx(ref["r_ap1"], rel=1e-12)
    assert sum(r["r_e"] for r in rows) == pytest.approx(ref["r_e"], rel=1e-12)


def test_one_and_two_workers_give_the_same_tables(tmp_path, process_pool):
    cfg = load_config(TINY, presets=("schedule",))
    serial = run_experiment(cfg, tmp_path / "a", executor=SerialExecutor()).table
    pooled = run_experiment(cfg, tmp_path / "b", executor=process_pool).table
    cols = reproducible_columns(serial.columns)
    cols = [c for c in cols if c != "time_scheduling_s"]
    assert len(serial) > 0 and serial["drop"].nunique() == 2
    assert serial[cols].equals(pooled[cols])
    every = terminal_table(serial, 12, 3)
    assert len(every) == 2 * 3 * 1 * 2 * 2 * 12  # drops x schedulers x schemes x K x S x U


def test_cli_run_writes_figures_and_tidy_tables(tmp_path):
    out = tmp_path / "run"
    args = ["schedule", "--config", TINY, "--out", str(out), "--workers", "1", "--quiet",
            "--drops", "1", "--figures", "svg"]
    assert main(args) == 0
    for suffix in ("_cdf.svg", "_kmax.svg", "_fairness.svg", "_slots.parquet",
                   "_terminals.parquet"):
        assert (out / f"schedule{suffix}").exists(), suffix


BAD = [
    (["--set", "schedule.n_terminals=0"], "schedule.n_terminals = 0"),
    (["--set", "schedule.k_max=[0]"], "schedule.k_max = [0]"),
    (["--set", "schedule.k_max=[13]"], "each K_max <= n_terminals = 12"),
    (["--set", "schedule.slot_s=0"], "schedule.slot_s = 0"),
    (["--set", "schedule.slot_s=-1"], "schedule.slot_s = -1"),
    (["--set", "schedule.alpha=0"], "schedule.alpha = 0"),
    (["--set", "schedule.alpha=1.5"], "schedule.alpha = 1.5"),
    (["--set", 'schedule.schedulers=["fifo"]'], "schedule.schedulers"),
    (["--set", 'schedule.population="poisson"'], "schedule.population = 'poisson'"),
    (["--set", "schedule.n_slots=0"], "schedule.n_slots = 0"),
    (["--set", "schedule.se_max=nan"], "schedule.se_max = nan"),
]


@pytest.mark.parametrize(("extra", "fragment"), BAD, ids=[b[1][:30] for b in BAD])
def test_bad_input_exits_2_naming_the_key_and_writes_nothing(extra, fragment, tmp_path,
                                                            monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "run"
    code = main(["schedule", "--config", TINY, "--out", str(out), "--quiet", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists() and not (tmp_path / "results").exists()
