"""Schedulers: which terminals (at most K_max of U) are served in a slot, with which weights.

    "random"            K_max terminals uniformly at random (the paper's placement of K users,
                        redrawn every slot from the population)
    "round-robin"       terminals p, p + 1, ..., p + K_max - 1 (mod U), p advancing by K_max:
                        every terminal is served within ceil(U / K_max) slots
    "pf"                proportional fair: the K_max largest r_u / T_u, r_u the single-user
                        statistical-CSI rate estimate (``estimates.single_user_rates``), T_u the
                        terminal's averaged throughput; starved terminals (T_u at or below its
                        floor, every terminal at the start) go first, in round-robin order
    "spatial-pf"        greedy proportional fair: start empty and add the candidate that most
                        raises the weighted proxy sum rate sum_k beta_k R_k of the set (R_AP1 of
                        the matched filter, ``estimates``), scoring all U candidates at once per
                        step; stop at K_max or when no candidate raises it
    "spatial-pf-delay"  "spatial-pf" preferring candidates whose pairs with the members have
                        inter-satellite differential delays above the OFDM symbol time (Remark
                        1, the statistic of Fig. 2): a positive gain is scaled by
                        (1 - w + w q_u), q_u the share of (member, satellite pair) combinations
                        of candidate u above the symbol time, w = ``delay_preference``

T_u is an exponentially weighted average of the achieved throughput (bit/s/Hz, 0 in a slot
where u is not served), T_u <- (1 - 1/t_c) T_u + R_u / t_c with t_c = ``pf_window_slots``,
started at 0 (nothing received yet). The metric and the weights divide by max(T_u, f_u), the
floor f_u = r_u(0) K_max / (U t_c) being one slot's worth of the equal time-sharing share.
Starved terminals are taken in round-robin order, not by r_u / f_u: with statistical CSI, r_u
varies smoothly over the area and drifts slowly with the constellation, so ranking tied
terminals by it would co-schedule neighbours, which the joint design cannot separate (it
switches many of them off, they stay starved and are picked together again). The
proportional-fair schedulers precode with beta_k = 1 / max(T_k, f_k), normalised to mean 1
over the served set (problem (P1) allows any positive weights); the others with beta = 1. With
U <= K_max every scheduler serves every terminal. The served set is returned in ascending
terminal order.

The state of a terminal (T_u, the round-robin position) belongs to the terminal, not to the
satellites: when the cooperative set changes between slots it is kept, and only the CSI (hence
r_u) is recomputed for the new set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsat.constellation.geometry import differential_delays
from coopsat.experiments.kinds.schedule.estimates import Coupling, unit_signal

SCHEDULERS = ("random", "round-robin", "pf", "spatial-pf", "spatial-pf-delay")
PROPORTIONAL_FAIR = ("pf", "spatial-pf", "spatial-pf-delay")


@dataclass
class SchedulerState:
    """Per-terminal state of one scheduler over the horizon (mutated slot by slot)."""

    name: str
    k_max: int
    window_slots: float
    rng: np.random.Generator
    average: np.ndarray | None = None  # (U,) T_u, bit/s/Hz
    next_rr: int = 0
    floor: np.ndarray | None = None  # (U,) T_u floor of the metric and beta, bit/s/Hz

    def start(self, estimate: np.ndarray) -> None:
        """At the first slot: T_u = 0, nobody scheduled yet, and the floor of T_u, one slot's
        worth of the equal time-sharing share: r_u(0) K_max / (U t_c)."""
        u = estimate.size
        if self.average is None:
            self.average = np.zeros(u)
        if self.floor is None:
            share = np.asarray(estimate, float) * min(self.k_max, u) / u
            self.floor = np.maximum(share / self.window_slots, np.finfo(float).tiny)

    def update(self, served: np.ndarray, rates: np.ndarray, n_terminals: int) -> None:
        """Account a slot: ``rates`` (bit/s/Hz) achieved by the ``served`` terminals."""
        achieved = np.zeros(n_terminals)
        achieved[served] = rates
        if self.average is None:
            self.average = np.zeros(n_terminals)
        self.average += (achieved - self.average) / self.window_slots

    def floored(self) -> np.ndarray:
        """(U,) max(T_u, floor_u): what the metric r_u / T_u and beta_u = 1 / T_u divide by."""
        return np.maximum(self.average, self.floor)

    def weights(self, served: np.ndarray) -> np.ndarray | None:
        """beta of the served set: 1 / T_k normalised to mean 1 (PF), None (all ones) else."""
        if self.name not in PROPORTIONAL_FAIR:
            return None
        beta = 1.0 / self.floored()[served]
        return beta / np.mean(beta)


def select(state: SchedulerState, estimate: np.ndarray, greedy: GreedyInputs | None) -> np.ndarray:
    """Terminals served this slot (ascending indices) by ``state``'s scheduler.

    estimate: (U,) single-user rate estimates r_u (bit/s/Hz); greedy: what the spatial
    schedulers need (None for the others)."""
    u = estimate.size
    k = min(state.k_max, u)
    state.start(estimate)
    if k == u:
        return np.arange(u)
    if state.name == "random":
        chosen = state.rng.choice(u, size=k, replace=False)
    elif state.name == "round-robin":
        chosen = (state.next_rr + np.arange(k)) % u
        state.next_rr = int((state.next_rr + k) % u)
    elif state.name == "pf":
        chosen = _proportional_fair(state, estimate, k)
    else:
        beta = 1.0 / state.floored()
        pref = greedy.delay_preference if state.name == "spatial-pf-delay" else 0.0
        chosen = greedy_select(greedy, beta / np.mean(beta), k, pref)
    return np.sort(chosen)


def _proportional_fair(state: SchedulerState, estimate: np.ndarray, k: int) -> np.ndarray:
    """The k terminals of "pf": the starved ones (T_u at or below its floor) first, in
    round-robin order from ``state.next_rr``, then the largest r_u / T_u."""
    u = estimate.size
    starved = state.average <= state.floor
    turn = (np.arange(u) - state.next_rr) % u
    rank = np.where(starved, turn, -estimate / state.floored())
    chosen = np.lexsort((rank, ~starved))[:k]
    last = chosen[starved[chosen]]
    if last.size:
        state.next_rr = int((last[-1] + 1) % u)
    return chosen


@dataclass(frozen=True)
class GreedyInputs:
    """The slot's data of the greedy schedulers: the CSI of all U terminals, the total power
    sum_s P_s (W), the delays (S, U) s and the symbol time (s) of the delay preference."""

    csi: object
    total_power_w: float
    delay_s: np.ndarray
    symbol_s: float
    delay_preference: float


def _weighted_sum(beta, sig, interference, noise, power) -> np.ndarray:
    """sum over the first axis of beta log2(1 + P sig / (P I + sigma2)), broadcasting."""
    return np.sum(beta * np.log2(1.0 + power * sig / (power * interference + noise)), axis=0)


def greedy_select(inp: GreedyInputs, beta: np.ndarray, k_max: int,
                  preference: float = 0.0) -> np.ndarray:
    """The greedy weighted-sum-rate selection (module docstring), at most ``k_max`` members.

    Every step evaluates, for all U candidates at once, the weighted proxy sum rate of the set
    with the candidate added (members' interference (n, U), the candidate's own term (U,)),
    at the per-user power sum_s P_s / (n + 1) of the matched filter."""
    csi = inp.csi
    sig = unit_signal(csi)
    noise = np.asarray(csi.sigma2)
    coupling = Coupling(csi)
    u = sig.size
    onto_members = np.zeros((0, u))  # C[k, u] for members k
    member_interf = np.zeros(0)  # sum_{i in set, i != k} C[k, i]
    cand_interf = np.zeros(u)  # sum_{i in set} C[u, i]
    independent = np.zeros(u)
    pairs = np.triu_indices(np.shape(inp.delay_s)[0], 1)
    tau = np.asarray(inp.delay_s)
    members: list[int] = []
    current = 0.0
    available = np.ones(u, dtype=bool)
    while len(members) < k_max:
        n = len(members)
        power = inp.total_power_w / (n + 1)
        mb = np.asarray(members, dtype=int)
        kept = _weighted_sum(beta[mb, None], sig[mb, None],
                             member_interf[:, None] + onto_members, noise[mb, None], power)
        total = kept + beta * np.log2(1.0 + power * sig / (power * cand_interf + noise))
        gain = np.where(available, total - current, -np.inf)
        if n and not np.any(gain > 0):
            break
        score = gain
        if preference > 0 and n and pairs[0].size:
            share = independent / (n * pairs[0].size)
            factor = 1.0 - preference + preference * share
            score = np.multiply(gain, factor, out=gain.copy(), where=gain > 0)
        j = int(np.argmax(score))
        onto, from_ = coupling.add(j)
        member_interf = np.append(member_interf + onto[mb], cand_interf[j])
        onto_members = np.vstack([onto_members, from_])
        cand_interf += onto
        delta = differential_delays(tau[:, j : j + 1], tau)[pairs[0], pairs[1], 0]  # (pairs, U)
        independent += np.sum(delta > inp.symbol_s, axis=0)
        members.append(j)
        available[j] = False
        current = float(total[j])
    return np.asarray(members, dtype=int)
