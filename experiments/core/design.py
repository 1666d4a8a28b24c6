"""Precoders designed and evaluated per drop: the ``[precoding]`` and ``[sweep]`` sections, sweep
points, the CSI of a sweep point, batched design and evaluation shared by the kinds.

Common random numbers: the Monte Carlo normals of a drop are drawn once from its "mc" seed
(``channel.draw_standard``, for the largest cooperative set of the run) and every scheme, sweep
point and time step of the drop is evaluated on them (``precoding.evaluate_many``); its results
equal, bit for bit, those of a generator rebuilt from the same seed for every evaluation. The
instantaneous-CSI reference ("ic-wmmse") designs on the first ``precoding.ic_realisations`` of
those same realisations. The power points of one CSI are designed through one vectorised
iteration (``precoding.precode_many``), equal bit for bit to separate calls.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.linkbudget import dbm_to_w, w_to_dbm
from coopsat.channel.model import draw_large_scale, statistical_csi
from coopsat.channel.sampler import StandardDraws, draw_standard
from coopsat.experiments.core.drops import (
    DropOutcome,
    FoundDrop,
    common_row,
    find_drop,
    nan_if_none,
    skipped_record,
    stage_times,
    timed,
)
from coopsat.precoding import (
    evaluate_many,
    instantaneous_reference,
    precode_many,
    scale_per_satellite,
)

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

RATE_KEYS = (
    "r_e", "r_e_stderr", "r_ap1", "r_ap2", "power_used_max_w", "power_used_max_dbm",
    "power_used_share",
)
AXES = ("kappa_db", "zeta2", "n_satellites", "array_size", "power_offset_db", "p_tx_dbm")
"""Sweep axes in table order: the point index runs fastest over the last (power)."""


def sweep_values(config: ExperimentConfig) -> dict[str, tuple]:
    """The effective sweep lists (empty lists replaced by the single configured value)."""
    s = config.sweep
    return {
        "kappa_db": s.kappa_db or (config.channel.kappa_db,),
        "zeta2": s.zeta2 or (config.channel.zeta2,),
        "n_satellites": s.n_satellites or (config.drop.n_satellites,),
        "array_size": s.array_size or (None,),
        "power_offset_db": s.power_offset_db or (0.0,),
        "p_tx_dbm": s.p_tx_dbm,
    }


def max_satellites(config: ExperimentConfig) -> int:
    """The cooperative-set size a drop has to find (largest swept S)."""
    return max(sweep_values(config)["n_satellites"])


def sweep_points(config: ExperimentConfig) -> list[dict]:
    """The Cartesian product of the swept inputs, in table order (point index = position)."""
    values = sweep_values(config)
    zeta2_fixed = bool(config.sweep.zeta2) or config.channel.phase_model == "gaussian"
    points = [dict(zip(AXES, combo, strict=True))
              for combo in itertools.product(*(values[a] for a in AXES))]
    for pt in points:
        pt["zeta2"] = pt["zeta2"] if zeta2_fixed else None
    return points


def point_groups(config: ExperimentConfig) -> list[list[tuple[int, dict]]]:
    """The sweep points as (index, point) lists, one per CSI: consecutive points that differ
    only in their budgets (p_tx_dbm, power_offset_db) share the drop's CSI at that point."""
    key = lambda item: tuple(item[1][a] for a in AXES[:4])  # noqa: E731
    return [list(g) for _, g in itertools.groupby(enumerate(sweep_points(config)), key=key)]


def csi_at(
    base: StatisticalCSI, n_satellites: int, zeta2: float | None, kappa_db: float | None
) -> StatisticalCSI:
    """The drop's CSI restricted to its ``n_satellites`` nearest satellites, with an optional
    fixed phase-error variance ``zeta2`` (rad^2) and fixed K-factor ``kappa_db`` on every link.

    The cooperative set of S' < S satellites is the first S' of the drop's (nearest first), so
    the swept sets are nested and share their large-scale draws.
    """
    s = n_satellites
    gamma = np.asarray(base.gamma)[:s]
    kappa = np.asarray(base.kappa)[:s]
    if kappa_db is not None:
        kappa = np.full_like(kappa, 10.0 ** (kappa_db / 10.0))
    z2 = np.asarray(base.zeta2)[:s]
    if zeta2 is not None:
        z2 = np.full_like(z2, zeta2)
    return replace(base, gamma=gamma, kappa=kappa, zeta2=z2, steering=np.asarray(base.steering)[:s])


def point_power_w(pt: dict, n_satellites: int) -> np.ndarray:
    """(S,) budgets of a sweep point: the master at p_tx_dbm, the others power_offset_db lower."""
    power = np.full(n_satellites, dbm_to_w(pt["p_tx_dbm"] - pt["power_offset_db"]))
    power[0] = dbm_to_w(pt["p_tx_dbm"])
    return power


def point_inputs(point: int, pt: dict, csi: StatisticalCSI) -> dict:
    """The input columns of a sweep point's rows."""
    return {
        "point": point,
        "n_satellites": pt["n_satellites"],
        "n_antennas": csi.n_antennas,
        "p_tx_dbm": pt["p_tx_dbm"],
        "power_offset_db": pt["power_offset_db"],
        "zeta2": float(np.mean(csi.zeta2)),
        "kappa_db": nan_if_none(pt["kappa_db"]),
    }


@dataclass(frozen=True, eq=False)
class DropState:
    """What every sweep point of a drop shares: the drop, its held large-scale draws, the CSI
    of the configured array and the Monte Carlo normals (for the largest cooperative set)."""

    found: FoundDrop
    base: StatisticalCSI
    draws: StandardDraws
    time_channel_s: float

    def csi(self, config: ExperimentConfig, pt: dict) -> StatisticalCSI:
        """The CSI of a sweep point (its array size recomputes the steering and array gain
        with the drop's held large-scale draws)."""
        base = self.base
        size = pt["array_size"]
        if size is not None and not config.channel.nv == config.channel.nh == size:
            channel = replace(config.channel, nv=size, nh=size)
            held = draw_large_scale(self.found.geometry, config.channel,
                                    np.random.default_rng(self.found.seeds["channel"]))
            base = statistical_csi(self.found.geometry, channel, large_scale=held)
        return csi_at(base, pt["n_satellites"], pt["zeta2"], pt["kappa_db"])


def drop_draws(config: ExperimentConfig, found: FoundDrop, n_satellites: int) -> StandardDraws:
    """The drop's Monte Carlo normals for up to ``n_satellites`` satellites (mc seed)."""
    n_links = n_satellites * found.geometry.n_users
    rng = np.random.default_rng(found.seeds["mc"])
    return draw_standard(config.precoding.mc_samples, n_links, rng)


def drop_with_csi(
    config: ExperimentConfig, index: int, skipped: list[dict], n_satellites: int | None = None
) -> tuple[FoundDrop, StatisticalCSI, float] | None:
    """The drop with ``n_satellites`` (default: the largest swept S) and its statistical CSI
    drawn from the drop's channel seed: (found drop, CSI, channel wall time s), or None when
    the drop was skipped."""
    n_sat = max_satellites(config) if n_satellites is None else n_satellites
    found = find_drop(config, index, n_sat, skipped)
    if found is None:
        return None
    rng = np.random.default_rng(found.seeds["channel"])
    base, seconds = timed(statistical_csi, found.geometry, config.channel, rng)
    return found, base, seconds


def drop_state(config: ExperimentConfig, index: int, skipped: list[dict]) -> DropState | None:
    """The drop (with the largest swept S), its CSI and its draws, or None if it was skipped."""
    found_csi = drop_with_csi(config, index, skipped)
    if found_csi is None:
        return None
    found, base, seconds = found_csi
    return DropState(found, base, drop_draws(config, found, max_satellites(config)), seconds)


def sweep_drop(config: ExperimentConfig, index: int, group_rows) -> DropOutcome:
    """The outcome of drop ``index`` of a sweep-like kind: ``group_rows(config, state, group,
    base, skipped)`` gives the rows of one group of sweep points sharing a CSI
    (``point_groups``); base holds the columns every row of the drop carries."""
    skipped: list[dict] = []
    state = drop_state(config, index, skipped)
    if state is None:
        return DropOutcome(index, [], skipped)
    base = {**common_row(config, state.found), **stage_times(state.found, state.time_channel_s)}
    rows = []
    for group in point_groups(config):
        rows += group_rows(config, state, group, base, skipped)
    return DropOutcome(index, rows, skipped)


def failed_rows(config: ExperimentConfig, state: DropState, base: dict, inputs: list,
                scheme: str, error: Exception, skipped: list[dict]) -> list[dict]:
    """Rows with NaN rates for a scheme whose design failed at the sweep points ``inputs`` (the
    multiplier search of a "-psc" scheme or the reference in a degenerate subproblem,
    ``precoding.dual``), and one skipped record saying which and why: the rest of the drop is
    kept."""
    found = state.found
    points = ", ".join(str(i["point"]) for i in inputs)
    skipped.append(skipped_record(config, found.index, found.attempt, found.epoch,
                                  f"{scheme} at sweep points {points}: {error}"))
    nan = dict.fromkeys(RATE_KEYS, math.nan)
    return [{**base, **i, "scheme": scheme, **nan, "n_iterations": 0, "time_precoding_s": 0.0,
             "time_evaluation_s": 0.0} for i in inputs]


def design(scheme: str, csi: StatisticalCSI, power_w, config: ExperimentConfig, *,
           history: bool = False, beta: np.ndarray | None = None):
    """(PrecodingResult, wall time s) of ``scheme`` with budgets ``power_w`` ((S,) or scalar)
    and rate weights ``beta`` ((K,), default ones)."""
    power = np.broadcast_to(power_w, (csi.n_satellites,))[None]
    (result,), seconds = design_many(scheme, csi, power, config, history=history, beta=beta)
    return result, seconds


def design_many(scheme: str, csi: StatisticalCSI, powers_w: np.ndarray,
                config: ExperimentConfig, *, history: bool = False,
                beta: np.ndarray | None = None) -> tuple[tuple, float]:
    """(P PrecodingResults, wall time s per point) of ``scheme`` at budgets (P, S), rate
    weights ``beta`` ((K,), default ones)."""
    results, seconds = timed(
        precode_many, scheme, csi, powers_w, beta=beta, max_iter=config.precoding.max_iter,
        tol=config.precoding.tol, record_history=history,
    )
    return results, seconds / len(results)


def rate_columns(r_e, r_e_stderr, r_ap1, r_ap2, used_w: np.ndarray, budget_w) -> dict:
    """The ``RATE_KEYS`` columns of one design: sums in bit/s/Hz, power used (S,) W."""
    p_max = float(np.max(used_w))
    return {
        "r_e": float(r_e),
        "r_e_stderr": float(r_e_stderr),
        "r_ap1": float(r_ap1),
        "r_ap2": float(r_ap2),
        "power_used_max_w": p_max,
        "power_used_max_dbm": w_to_dbm(p_max),
        "power_used_share": float(np.sum(used_w) / np.sum(budget_w)),
    }


def evaluate_batch(csi: StatisticalCSI, weights: list, budgets: list, draws: StandardDraws,
                   config: ExperimentConfig):
    """Rate columns of precoders ``weights`` (each (S, N_T, K)) with budgets (each (S,) W) on
    the drop's shared draws (``precoding.estimator``), and the evaluation time per precoder."""
    t0 = time.perf_counter()
    reports = evaluate_many(csi, np.stack(weights), draws, estimator=config.precoding.estimator)
    seconds = (time.perf_counter() - t0) / len(weights)
    columns = [
        rate_columns(reports.sum_r_e[p], reports.sum_r_e_stderr[p], reports.sum_r_ap1[p],
                     reports.sum_r_ap2[p], reports.power_used_w[p], budgets[p])
        for p in range(len(weights))
    ]
    return columns, seconds


def reference_row(csi: StatisticalCSI, power_w: np.ndarray, config: ExperimentConfig,
                  draws: StandardDraws, starts: dict | None = None) -> tuple[dict, int, float]:
    """(rate columns, iterations, wall time s) of the instantaneous-CSI reference on the first
    ``precoding.ic_realisations`` realisations of the drop's draws (R_AP1, R_AP2: NaN), started
    from the matched filter and the designs ``starts`` (name: (S, N_T, K)); the columns add
    r_bound (the mean bound (56)) and ic_start (the start that won most realisations)."""
    gains = draws.gains(csi)[: config.precoding.ic_realisations]
    ref, seconds = timed(instantaneous_reference, csi, power_w, gains, starts=starts,
                         max_iter=config.precoding.max_iter, tol=config.precoding.tol)
    columns = rate_columns(ref.sum_rate, ref.sum_rate_stderr, math.nan, math.nan,
                           np.mean(ref.power_used_w, axis=0), power_w)
    shares = ref.start_shares()
    columns.update(r_bound=ref.bound_sum_rate, ic_start=max(shares, key=shares.get))
    return columns, int(np.max(ref.n_iterations)), seconds


def iterates(result, power_w: np.ndarray) -> list[np.ndarray]:
    """Transmitted precoders W (S, N_T, K) of every iterate of a ``record_history=True`` result,
    the initialiser first.

    The history holds the iterates before the per-satellite scaling of step 14; each is scaled
    with ``scale_per_satellite(W, power_w)`` (``power_w`` (S,), W) as it would be transmitted.
    A scheme without history (closed form) contributes its final precoder as iteration 0.
    """
    if not result.history:
        return [np.asarray(result.weights)]
    return [scale_per_satellite(np.asarray(w), power_w) for w in result.history]
