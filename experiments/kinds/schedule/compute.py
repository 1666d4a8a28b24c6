"""Rows of kind "schedule": a population of U terminals served slot by slot over real motion.

A drop is one coverage area: U terminals placed once (``population``), the constellation
stepped through ``n_slots`` slots of ``slot_s`` seconds. Every slot recomputes the geometry
of all U terminals, the nearest-S_max cooperative set (visible at every terminal) and the
statistical CSI of the U terminals (one vectorised call), like the timeline's recomputed
mode: the large-scale draws come from the drop's channel seed at every slot. Each trajectory,
one per (scheduler, scheme, K_max, S), then schedules (``schedulers``), designs the precoders
of its served set on the first S satellites (beta from the scheduler) and evaluates R_E per
served terminal on the drop's Monte Carlo draws, through the optional link abstraction
(``link``). A slot without S_max visible satellites is a skipped record (step = slot): nobody
is served, the averages decay. When the set changes the terminals keep their scheduler state.

Columns (one row per terminal served in a slot): ``experiments.tables.COMMON`` (n_users = U,
n_satellites = the trajectory's S) plus
    slot (int64), time_s (float64)  slot index and its offset from the drop's epoch
    scheduler, scheme (str)         the trajectory's scheduler and precoding scheme
    k_max (int64), p_tx_dbm (float64)  its K_max and per-satellite power on the subcarrier
    terminal (int64)                the terminal served (0 .. U - 1)
    r_e (float64)                   its E{R_k} (bit/s/Hz; through the link abstraction if on)
    throughput_mbps (float64)       r_e times channel.bandwidth_hz, Mbit/s
    estimate (float64)              its single-user rate estimate r_u (bit/s/Hz)
    beta (float64)                  its rate weight in the design
    n_served (int64)                terminals served in the slot
    slot_r_e, slot_r_ap1 (float64)  sum over the served set of E{R_k} and Rbar_k (eq. 13)
    slot_proxy (float64)            the greedy's proxy: R_AP1 of the matched filter on the set
    independent_share (float64)     share of (satellite pair, terminal pair) combinations of
                                    the served set with Delta tau > T_sym (Remark 1; NaN: S = 1)
    n_iterations (int64)            iterations of the design
    sat_set (str), set_changed (bool)  the trajectory's S satellites, changed since last slot
and the timings (geometry and channel per slot, scheduling, precoding, evaluation per set).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from coopsat import constellation
from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.linkbudget import dbm_to_w
from coopsat.channel.model import statistical_csi
from coopsat.channel.sampler import draw_standard
from coopsat.constellation.drops import DropSpec
from coopsat.constellation.geometry import DropGeometry, differential_delays
from coopsat.constellation.params import (
    ParameterError,
    choice,
    choices,
    flag,
    list_like,
    number,
    numbers,
    validate,
)
from coopsat.experiments.config.sections import P_TX_DBM
from coopsat.experiments.core.design import csi_at, design
from coopsat.experiments.core.drops import (
    DropOutcome,
    common_row,
    exceed_fraction,
    find_drop,
    geometry_at,
    skipped_record,
    timed,
)
from coopsat.experiments.core.kind import Kind
from coopsat.experiments.core.tables import COMMON, ROW_TIMES, STAGE_TIMES
from coopsat.experiments.kinds.schedule.estimates import set_rates, single_user_rates, terminals
from coopsat.experiments.kinds.schedule.link import TruncatedShannon
from coopsat.experiments.kinds.schedule.population import POPULATIONS, place_population
from coopsat.experiments.kinds.schedule.schedulers import (
    SCHEDULERS,
    GreedyInputs,
    SchedulerState,
    select,
)
from coopsat.precoding import evaluate_many

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig


@dataclass(frozen=True)
class ScheduleSection:
    """``[schedule]``: the population, the horizon, the schedulers and the link abstraction."""

    n_terminals: int = number(1000, lo=1, hi=100_000, integer=True, doc="U, terminals")
    population: str = choice("uniform", POPULATIONS, doc="placement of the terminals in the cap")
    n_clusters: int = number(10, lo=1, hi=10_000, integer=True, doc="clustered: hot spots")
    cluster_sigma_m: float = number(
        30e3, lo=0, hi=5_000e3, lo_open=True, unit="m", doc="clustered: spread per axis")
    n_slots: int = number(60, lo=1, hi=1_000_000, integer=True, doc="T, slots of the horizon")
    slot_s: float = number(1.0, lo=0, hi=86_400, lo_open=True, unit="s", doc="slot length")
    k_max: tuple[int, ...] = numbers(
        [48], lo=1, hi=100_000, integer=True, nonempty=True, distinct=True,
        doc="K_max, terminals served per slot (each a trajectory)")
    n_satellites: tuple[int, ...] = list_like(
        DropSpec, "n_satellites", [], distinct=True,
        doc="S of the trajectories (nested nearest sets); empty: drop.n_satellites")
    schedulers: tuple[str, ...] = choices(list(SCHEDULERS), SCHEDULERS)
    p_tx_dbm: float = number(35.0, **P_TX_DBM)
    pf_window_slots: float = number(
        20.0, lo=1, hi=1e9, unit="slots", doc="t_c of the averaged throughput T_u")
    delay_preference: float = number(
        1.0, lo=0, hi=1, lo_open=True, doc="w of spatial-pf-delay (Remark 1 preference)")
    link_abstraction: bool = flag(False, doc="TR 36.942 Annex A mapping inside E{.}")
    alpha: float = number(0.6, lo=0, hi=1, lo_open=True, doc="TR 36.942 Annex A, DL: 0.6")
    se_max: float = number(
        4.4, lo=0, hi=100, lo_open=True, unit="bit/s/Hz", doc="TR 36.942 Annex A, DL: 4.4")
    sinr_min_db: float = number(-10.0, lo=-100, hi=100, unit="dB",
                                doc="TR 36.942 Annex A, DL: -10 dB")

    def __post_init__(self) -> None:
        validate(self)
        if max(self.k_max) > self.n_terminals:
            raise ParameterError(
                "ScheduleSection", "k_max", list(self.k_max),
                f"each K_max <= n_terminals = {self.n_terminals}", "is out of range",
            )

    def satellites(self, config: ExperimentConfig) -> tuple[int, ...]:
        """The S values of the trajectories."""
        return self.n_satellites or (config.drop.n_satellites,)

    def link(self) -> TruncatedShannon | None:
        """The link abstraction of the evaluation, None when off."""
        if not self.link_abstraction:
            return None
        return TruncatedShannon(self.alpha, self.se_max, self.sinr_min_db)


COLUMNS = (
    *COMMON,
    ("slot", "int64"), ("time_s", "float64"), ("scheduler", "str"), ("scheme", "str"),
    ("k_max", "int64"), ("p_tx_dbm", "float64"), ("terminal", "int64"), ("r_e", "float64"),
    ("throughput_mbps", "float64"), ("estimate", "float64"), ("beta", "float64"),
    ("n_served", "int64"), ("slot_r_e", "float64"), ("slot_r_ap1", "float64"),
    ("slot_proxy", "float64"), ("independent_share", "float64"), ("n_iterations", "int64"),
    ("sat_set", "str"), ("set_changed", "bool"), *STAGE_TIMES, ("time_scheduling_s", "float64"),
    *ROW_TIMES,
)
SORT_KEYS = ("drop", "scheduler", "scheme", "k_max", "n_satellites", "slot", "terminal")


@dataclass
class Trajectory:
    """One (scheduler, scheme, K_max, S) served over the horizon, with its scheduler state."""

    scheme: str
    n_satellites: int
    state: SchedulerState
    last_set: tuple | None = None


@dataclass(frozen=True)
class Slot:
    """What every trajectory of a slot shares."""

    index: int
    geometry: DropGeometry
    csi: StatisticalCSI
    base: dict


def trajectories(config: ExperimentConfig, seeds: dict) -> list[Trajectory]:
    """Every (scheduler, scheme, K_max, S) of the run; the random scheduler of a (K_max, S)
    draws the same sets for every scheme (its own child of the drop's schedule seed)."""
    sec = config.section("schedule")
    root = seeds["schedule"]
    out = []
    for name in sec.schedulers:
        for scheme in config.precoding.schemes:
            for k in sec.k_max:
                for s in sec.satellites(config):
                    rng = np.random.default_rng(
                        np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, k, s)))
                    out.append(Trajectory(scheme, s, SchedulerState(
                        name, k, sec.pf_window_slots, rng)))
    return out


def symbol_time_s(config: ExperimentConfig) -> float:
    """T_sym = 1 / subcarrier spacing + the cyclic prefix of ``[delay]`` (Remark 1)."""
    return 1.0 / config.channel.link_budget.subcarrier_spacing_hz + config.section("delay").cp_s


def _served_rows(config, traj: Trajectory, slot: Slot, draws, estimates: dict) -> list[dict]:
    """Schedule, design and evaluate one trajectory in one slot; its rows."""
    sec, s, state = config.section("schedule"), traj.n_satellites, traj.state
    csi = csi_at(slot.csi, s, None, None)
    p_w = dbm_to_w(sec.p_tx_dbm)
    key = (s, state.k_max)
    if key not in estimates:
        estimates[key] = single_user_rates(csi, s * p_w / min(state.k_max, sec.n_terminals))
    estimate = estimates[key]
    delays = np.asarray(slot.geometry.delay_s)[:s]
    greedy = GreedyInputs(csi, s * p_w, delays, symbol_time_s(config), sec.delay_preference)
    served, t_sched = timed(select, state, estimate, greedy)
    sub = terminals(csi, served)
    beta = state.weights(served)
    result, t_pre = design(traj.scheme, sub, p_w, config, beta=beta)
    reports, t_eval = timed(evaluate_many, sub, result.weights[None], draws,
                            estimator=config.precoding.estimator, link=sec.link())
    r_e = reports.r_e[0]
    state.update(served, r_e, sec.n_terminals)
    sat = tuple(int(i) for i in np.asarray(slot.geometry.sat_index)[:s])
    share, _ = exceed_fraction(differential_delays(delays[:, served]),
                               np.array([symbol_time_s(config)]))
    base = {
        **slot.base, "n_satellites": s, "scheduler": state.name, "scheme": traj.scheme,
        "k_max": state.k_max, "n_served": int(served.size), "slot_r_e": float(np.sum(r_e)),
        "slot_r_ap1": float(reports.sum_r_ap1[0]),
        "slot_proxy": float(np.sum(set_rates(sub, np.arange(served.size),
                                             s * p_w / served.size))),
        "independent_share": float(share[0]), "n_iterations": int(result.n_iterations),
        "sat_set": ",".join(map(str, sat)),
        "set_changed": traj.last_set is not None and sat != traj.last_set,
        "time_scheduling_s": t_sched, "time_precoding_s": t_pre, "time_evaluation_s": t_eval,
    }
    traj.last_set = sat
    beta = np.ones(served.size) if beta is None else beta
    bandwidth = config.channel.link_budget.bandwidth_hz
    return [{**base, "terminal": int(u), "r_e": float(r), "throughput_mbps": float(r) * bandwidth
             / 1e6, "estimate": float(estimate[u]), "beta": float(b)}
            for u, r, b in zip(served, r_e, beta, strict=True)]


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of the coverage area of drop ``index`` over the horizon (module docstring)."""
    sec = config.section("schedule")
    skipped: list[dict] = []
    s_max = max(sec.satellites(config))
    found = find_drop(config, index, s_max, skipped, place=place_population(config))
    if found is None:
        return DropOutcome(index, [], skipped)
    trajs = trajectories(config, found.seeds)
    n_links = s_max * min(max(sec.k_max), sec.n_terminals)
    draws = draw_standard(config.precoding.mc_samples, n_links,
                          np.random.default_rng(found.seeds["mc"]))
    rows: list[dict] = []
    for index_slot in range(sec.n_slots):
        t_off = index_slot * sec.slot_s
        epoch = found.epoch + timedelta(seconds=t_off)
        try:
            g, t_geo = ((found.geometry, found.time_geometry_s) if index_slot == 0 else
                        timed(geometry_at, config, found.geometry, epoch, n_satellites=s_max))
        except constellation.NotEnoughSatellitesError as exc:
            skipped.append(skipped_record(config, index, found.attempt, epoch, str(exc),
                                          index_slot))
            for traj in trajs:
                traj.state.update(np.zeros(0, int), np.zeros(0), sec.n_terminals)
            continue
        csi, t_ch = timed(statistical_csi, g, config.channel,
                          np.random.default_rng(found.seeds["channel"]))
        base = {**common_row(config, found, epoch), "slot": index_slot, "time_s": t_off,
                "p_tx_dbm": sec.p_tx_dbm, "time_geometry_s": t_geo, "time_channel_s": t_ch,
                "n_excluded": int(g.n_excluded)}
        slot, estimates = Slot(index_slot, g, csi, base), {}
        for traj in trajs:
            rows += _served_rows(config, traj, slot, draws, estimates)
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="schedule",
    title="who gets served: U terminals scheduled over time, throughput and fairness",
    drop=drop,
    columns=COLUMNS,
    sort_keys=SORT_KEYS,
    sections={"schedule": ScheduleSection},
)
