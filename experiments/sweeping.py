"""Precoders designed and evaluated per drop: the ``[precoding]`` and ``[sweep]`` sections, sweep
points, the CSI of a sweep point, and timed precoding / rate evaluation shared by the kinds.

The Monte Carlo generator is rebuilt from the drop's "mc" seed for every (sweep point, scheme),
so all schemes are evaluated on the same channel samples (common random numbers), which makes
their differences less noisy.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from channel.csi import StatisticalCSI
from channel.linkbudget import dbm_to_w, w_to_dbm
from channel.model import statistical_csi
from constellation.params import choices, number, numbers, validate
from experiments.common import FoundDrop, find_drop, timed
from precoding import SCHEMES, evaluate_rates, precode, scale_per_satellite

if TYPE_CHECKING:
    from experiments.config import ExperimentConfig

RATE_KEYS = ("r_e", "r_ap1", "r_ap2", "power_used_max_w", "power_used_max_dbm")
P_TX_DBM = {"lo": -30.0, "hi": 80.0, "unit": "dBm"}
"""Allowed per-satellite transmit power on the subcarrier, for every key that sets one."""


@dataclass(frozen=True)
class PrecodingSection:
    """``[precoding]``: schemes, Algorithm 1 parameters (I_max, chi) and the Monte Carlo size."""

    schemes: tuple[str, ...] = choices(list(SCHEMES), SCHEMES, doc="schemes to run")
    max_iter: int = number(10, lo=1, hi=1000, integer=True, doc="I_max")
    tol: float = number(1e-3, lo=0, hi=1, unit="bit/s/Hz", doc="chi")
    mc_samples: int = number(1000, lo=1, hi=1_000_000, integer=True, doc="R_E samples")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class SweepSection:
    """``[sweep]``: the swept inputs; the rows are their Cartesian product.

    An empty ``zeta2`` / ``kappa_db`` / ``n_satellites`` list means "the single value of the
    channel / drop section".
    """

    p_tx_dbm: tuple[float, ...] = numbers(
        [20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0], nonempty=True, **P_TX_DBM
    )
    zeta2: tuple[float, ...] = numbers([], lo=0, hi=100, unit="rad^2")
    kappa_db: tuple[float, ...] = numbers([], lo=-50, hi=100, unit="dB")
    n_satellites: tuple[int, ...] = numbers([], lo=1, hi=100, integer=True)

    def __post_init__(self) -> None:
        validate(self)


def sweep_values(config: ExperimentConfig) -> dict[str, tuple]:
    """The effective sweep lists (empty lists replaced by the single configured value)."""
    return {
        "kappa_db": config.sweep.kappa_db or (config.channel.kappa_db,),
        "zeta2": config.sweep.zeta2 or (config.channel.zeta2,),
        "n_satellites": config.sweep.n_satellites or (config.drop.n_satellites,),
        "p_tx_dbm": config.sweep.p_tx_dbm,
    }


def max_satellites(config: ExperimentConfig) -> int:
    """The cooperative-set size a drop has to find (largest swept S)."""
    return max(sweep_values(config)["n_satellites"])


def sweep_points(config: ExperimentConfig) -> list[dict]:
    """The Cartesian product of the swept inputs, in table order (point index = position)."""
    values = sweep_values(config)
    zeta2_fixed = bool(config.sweep.zeta2) or config.channel.phase_model == "gaussian"
    return [
        {
            "kappa_db": kappa_db,
            "zeta2": zeta2 if zeta2_fixed else None,
            "n_satellites": s,
            "p_tx_dbm": p,
        }
        for kappa_db, zeta2, s, p in itertools.product(
            values["kappa_db"], values["zeta2"], values["n_satellites"], values["p_tx_dbm"]
        )
    ]


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


@dataclass(frozen=True, eq=False)
class PointDesign:
    """One scheme designed at one sweep point: the point's input columns, its CSI and per-
    satellite power (W), the ``precoding.PrecodingResult`` and the design wall time (s)."""

    inputs: dict
    scheme: str
    csi: StatisticalCSI
    power_w: float
    result: object
    time_s: float


def point_designs(config: ExperimentConfig, base: StatisticalCSI, *, history: bool = False):
    """Every scheme at every sweep point of a drop whose CSI is ``base``: yields
    :class:`PointDesign` in table order (points, then schemes)."""
    for point, pt in enumerate(sweep_points(config)):
        csi = csi_at(base, pt["n_satellites"], pt["zeta2"], pt["kappa_db"])
        p_w = dbm_to_w(pt["p_tx_dbm"])
        inputs = point_inputs(point, pt, csi)
        for scheme in config.precoding.schemes:
            result, seconds = design(scheme, csi, p_w, config, history=history)
            yield PointDesign(inputs, scheme, csi, p_w, result, seconds)


def point_inputs(point: int, pt: dict, csi: StatisticalCSI) -> dict:
    """The input columns of a sweep point's rows."""
    return {
        "point": point,
        "n_satellites": pt["n_satellites"],
        "p_tx_dbm": pt["p_tx_dbm"],
        "zeta2": float(np.mean(csi.zeta2)),
        "kappa_db": math.nan if pt["kappa_db"] is None else pt["kappa_db"],
    }


def design(scheme: str, csi: StatisticalCSI, p_w: float, config: ExperimentConfig, *,
           history: bool = False):
    """(PrecodingResult, wall time s) of ``scheme`` with P_s = p_w on every satellite."""
    return timed(
        precode,
        scheme,
        csi,
        np.full(csi.n_satellites, p_w),
        max_iter=config.precoding.max_iter,
        tol=config.precoding.tol,
        record_history=history,
    )


def evaluate(csi: StatisticalCSI, weights, config: ExperimentConfig, mc_seed) -> tuple[dict, float]:
    """(rate columns of ``RATE_KEYS``, wall time s) of precoders ``weights`` (S, N_T, K)."""
    report, seconds = timed(
        evaluate_rates,
        csi,
        weights,
        n_samples=config.precoding.mc_samples,
        rng=np.random.default_rng(mc_seed),
    )
    p_max = float(np.max(report.power_used_w))
    out = {
        "r_e": float(report.sum_r_e),
        "r_ap1": float(report.sum_r_ap1),
        "r_ap2": float(report.sum_r_ap2),
        "power_used_max_w": p_max,
        "power_used_max_dbm": w_to_dbm(p_max),
    }
    return out, seconds


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


def drop_with_csi(
    config: ExperimentConfig, index: int, skipped: list[dict]
) -> tuple[FoundDrop, StatisticalCSI, float] | None:
    """The drop (with the largest swept S) and its statistical CSI drawn from the drop's channel
    seed: (found drop, CSI, channel wall time s), or None when the drop was skipped."""
    found = find_drop(config, index, max_satellites(config), skipped)
    if found is None:
        return None
    rng = np.random.default_rng(found.seeds["channel"])
    base, seconds = timed(statistical_csi, found.geometry, config.channel, rng)
    return found, base, seconds


def stage_times(found: FoundDrop, time_channel_s: float) -> dict:
    """The per-drop timing columns (``experiments.tables.STAGE_TIMES``)."""
    return {"time_geometry_s": found.time_geometry_s, "time_channel_s": time_channel_s}
