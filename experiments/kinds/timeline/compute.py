"""Rows of kind "timeline": a coverage area stepped through time, and the age of its CSI.

At each step the nearest-S set and its CSI are recomputed; mode "recomputed" precodes on that
CSI, mode "reused" keeps the step-0 satellites and precoders and evaluates them on the CSI of
the drifted geometry. Large-scale parameters: the reused set keeps its step-0 draws (held
statistical CSI); a recomputed set draws with the drop's channel seed at every step. At step 0
both modes are the same computation.

Age of the statistical CSI (mode "aged"): every ``timeline.age_origin_every`` steps, the
precoders recomputed at that step (the origin) are also evaluated at the origin epoch plus each
age of ``timeline.csi_age_s`` (log-spaced, sub-second to minutes): the same satellites and held
large-scale draws, the geometry (steering vectors, path loss) of the later epoch. This resolves
the decay that the step hides (the UT directions seen from a 600 km satellite turn at about
v / h = 0.0126 rad/s). ``set_changed`` of an aged row says whether the nearest-S set at the
evaluation epoch differs from the origin's set (a handover would be due).

Columns: ``experiments.tables.COMMON`` and ``RATES`` plus
    step (int64)            step of the time grid (mode "aged": the origin step)
    time_s (float64)        offset of the evaluation epoch from the area's first epoch
                            (``epoch_utc`` is that epoch)
    csi_age_s (float64)     age of the statistical CSI the precoders were computed from:
                            0 (recomputed), time_s (reused), the swept age (aged)
    mode (str)              "recomputed", "reused" or "aged" (above)
    sat_set (str)           comma-separated satellite indices of the set that transmits
    set_changed (bool)      the nearest-S set differs from the previous step's (aged: the
                            nearest-S set at the evaluation epoch differs from the origin's)
    min_elevation_deg (float64)  lowest elevation over the transmitting set and the UTs
    valid (bool)            every link of the transmitting set is above the elevation mask
                            (always True when recomputed); reused and aged rates stay computed
                            while all links are above the horizon, NaN beyond
and the stage and row timings.
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from coopsat import constellation
from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.linkbudget import dbm_to_w
from coopsat.channel.lsp import LargeScaleDraw
from coopsat.channel.model import draw_large_scale, statistical_csi
from coopsat.channel.sampler import StandardDraws
from coopsat.constellation.geometry import DropGeometry
from coopsat.constellation.params import ParameterError, choice, number, numbers, validate
from coopsat.experiments.config.sections import P_TX_DBM
from coopsat.experiments.core.design import RATE_KEYS, design, drop_draws, evaluate_batch
from coopsat.experiments.core.drops import (
    DropOutcome,
    FoundDrop,
    common_row,
    find_drop,
    geometry_at,
    nan_if_none,
    skipped_record,
    timed,
)
from coopsat.experiments.core.kind import Kind, Option
from coopsat.experiments.core.tables import COMMON, RATES, ROW_TIMES, STAGE_TIMES

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig


ANIMATIONS = ("none", "gif", "mp4")


@dataclass(frozen=True)
class TimelineSection:
    """``[timeline]``: fixed coverage area stepped through time (beyond the paper)."""

    duration_s: float = number(600.0, lo=0, hi=86400, unit="s")
    step_s: float = number(10.0, lo=0, hi=86400, lo_open=True, unit="s")
    p_tx_dbm: float = number(35.0, **P_TX_DBM)
    csi_age_s: tuple[float, ...] = numbers(
        [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], lo=0, hi=86400, lo_open=True,
        distinct=True, unit="s", doc="CSI ages evaluated (empty: no age study)",
    )
    age_origin_every: int = number(6, lo=1, hi=100_000, integer=True, unit="steps")
    animation: str = choice(
        "none", ANIMATIONS, doc="also write an animation of the first area (mp4 needs ffmpeg)"
    )

    def __post_init__(self) -> None:
        validate(self)
        if self.animation == "mp4" and shutil.which("ffmpeg") is None:
            raise ParameterError(
                "TimelineSection", "animation", self.animation,
                "'gif' (Pillow) or 'none'; 'mp4' needs ffmpeg on the PATH", "is not available",
            )

    @property
    def n_steps(self) -> int:
        """Steps 0, step_s, ..., up to duration_s."""
        return math.floor(self.duration_s / self.step_s + 1e-9) + 1


COLUMNS = (
    *COMMON,
    ("step", "int64"),
    ("time_s", "float64"),
    ("csi_age_s", "float64"),
    ("mode", "str"),
    *RATES,
    ("sat_set", "str"),
    ("set_changed", "bool"),
    ("min_elevation_deg", "float64"),
    ("valid", "bool"),
    *STAGE_TIMES,
    *ROW_TIMES,
)


@dataclass(frozen=True)
class Area:
    """One coverage area of a timeline: the drop's UTs and centre, held fixed on the ground."""

    config: ExperimentConfig
    found: FoundDrop
    mc_draws: StandardDraws

    @property
    def first(self) -> DropGeometry:
        """The geometry of step 0."""
        return self.found.geometry

    def geometry_at(self, epoch: datetime, sat_index=None) -> DropGeometry:
        """Geometry at ``epoch``: the nearest-S set (``sat_index`` None; raises
        NotEnoughSatellitesError) or the given satellites (even below the mask)."""
        return geometry_at(self.config, self.first, epoch, sat_index)

    def fresh_csi(self, geometry: DropGeometry) -> StatisticalCSI:
        """CSI of a new set: large-scale draws from the drop's channel seed."""
        rng = np.random.default_rng(self.found.seeds["channel"])
        return statistical_csi(geometry, self.config.channel, rng)

    def draws(self, geometry: DropGeometry) -> LargeScaleDraw:
        """The large-scale draws ``fresh_csi(geometry)`` is built from, to be held."""
        rng = np.random.default_rng(self.found.seeds["channel"])
        return draw_large_scale(geometry, self.config.channel, rng)

    def held_csi(self, geometry: DropGeometry, held: LargeScaleDraw) -> StatisticalCSI | None:
        """CSI of a kept set on a drifted geometry with its held draws; None when a link is
        below the horizon (the channel model does not apply there)."""
        if not np.min(geometry.elevation_rad) > 0.0:
            return None
        return statistical_csi(geometry, self.config.channel, large_scale=held)


def _set_str(sat_index) -> str:
    return ",".join(str(int(i)) for i in np.asarray(sat_index))


def _geometry_columns(area: Area, g: DropGeometry, sat_index, changed: bool) -> dict:
    mask_rad = math.radians(area.config.drop.min_elevation_deg)
    return {
        "sat_set": _set_str(sat_index),
        "set_changed": changed,
        "n_satellites": len(np.asarray(sat_index)),
        "min_elevation_deg": float(np.degrees(np.min(g.elevation_rad))),
        "valid": bool(g.all_visible(mask_rad)),
        "n_excluded": int(g.n_excluded),
    }


def _rate_rows(area: Area, base: dict, csi: StatisticalCSI | None, designs: dict,
               per_scheme: dict | None = None) -> list[dict]:
    """Rows of precoders ``designs`` ({scheme: result}) evaluated together on ``csi`` (NaN if
    None); ``per_scheme`` ({scheme: columns}) adds columns that differ between schemes."""
    own = per_scheme or {}
    if csi is None:
        nan = dict.fromkeys(RATE_KEYS, math.nan)
        return [{**base, **own.get(scheme, {}), "scheme": scheme,
                 "n_iterations": int(result.n_iterations), **nan, "zeta2": math.nan,
                 "time_evaluation_s": 0.0}
                for scheme, result in designs.items()]
    budget = np.full(csi.n_satellites, dbm_to_w(area.config.section("timeline").p_tx_dbm))
    columns, t_eval = evaluate_batch(
        csi, [r.weights for r in designs.values()], [budget] * len(designs), area.mc_draws,
        area.config,
    )
    return [{**base, **own.get(scheme, {}), "scheme": scheme,
             "n_iterations": int(result.n_iterations), **rates,
             "zeta2": float(np.mean(csi.zeta2)), "time_evaluation_s": t_eval}
            for (scheme, result), rates in zip(designs.items(), columns, strict=True)]


def recomputed_rows(area: Area, common: dict, g: DropGeometry, changed: bool, t_geo: float):
    """Mode "recomputed": every scheme designed on this step's nearest-S set and its CSI.
    Returns ({scheme: result}, rows)."""
    csi, t_ch = timed(area.fresh_csi, g)
    base = {
        **common,
        **_geometry_columns(area, g, g.sat_index, changed),
        "valid": True,
        "mode": "recomputed",
        "time_geometry_s": t_geo,
        "time_channel_s": t_ch,
    }
    p_w = dbm_to_w(area.config.section("timeline").p_tx_dbm)
    designs, times = {}, {}
    for scheme in area.config.precoding.schemes:
        designs[scheme], t_pre = design(scheme, csi, p_w, area.config)
        times[scheme] = {"time_precoding_s": t_pre}
    return designs, _rate_rows(area, base, csi, designs, times)  # one evaluation for all


def reused_rows(area: Area, common: dict, changed: bool, step0: dict, held, epoch, step):
    """Mode "reused": the step-0 satellites and precoders on the geometry of this step, with
    the step-0 large-scale draws ``held``; ``valid`` says whether the step-0 set is still above
    the elevation mask."""
    set0 = np.asarray(area.first.sat_index)
    t0 = time.perf_counter()
    g = area.first if step == 0 else area.geometry_at(epoch, sat_index=set0)
    t_geo = time.perf_counter() - t0
    csi, t_ch = timed(area.held_csi, g, held)
    base = {
        **common,
        "csi_age_s": common["time_s"],
        **_geometry_columns(area, g, set0, changed),
        "mode": "reused",
        "time_geometry_s": t_geo,
        "time_channel_s": t_ch,
        "time_precoding_s": 0.0,
    }
    return _rate_rows(area, base, csi, step0)


def aged_rows(area: Area, common: dict, origin: DropGeometry, designs: dict) -> list[dict]:
    """Mode "aged": the origin step's precoders ``designs`` evaluated at each CSI age, on the
    origin's satellites with the origin's large-scale draws held."""
    held = area.draws(origin)
    set_origin = np.asarray(origin.sat_index)
    origin_set = frozenset(set_origin.tolist())
    rows: list[dict] = []
    for age in area.config.section("timeline").csi_age_s:
        epoch = common["epoch_utc"] + timedelta(seconds=age)
        t0 = time.perf_counter()
        g = area.geometry_at(epoch, sat_index=set_origin)
        try:
            nearest = frozenset(np.asarray(area.geometry_at(epoch).sat_index).tolist())
        except constellation.NotEnoughSatellitesError:
            nearest = frozenset()
        t_geo = time.perf_counter() - t0
        csi, t_ch = timed(area.held_csi, g, held)
        base = {
            **common,
            "epoch_utc": epoch,
            "time_s": common["time_s"] + age,
            "csi_age_s": float(age),
            "mode": "aged",
            **_geometry_columns(area, g, set_origin, nearest != origin_set),
            "time_geometry_s": t_geo,
            "time_channel_s": t_ch,
            "time_precoding_s": 0.0,
        }
        rows += _rate_rows(area, base, csi, designs)
    return rows


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of the coverage area of drop ``index`` over the timeline (modules docstring)."""
    skipped: list[dict] = []
    found = find_drop(config, index, config.drop.n_satellites, skipped)
    if found is None:
        return DropOutcome(index, [], skipped)
    area = Area(config, found, drop_draws(config, found, config.drop.n_satellites))
    tl = config.section("timeline")
    held0 = area.draws(area.first)
    step0: dict = {}
    rows: list[dict] = []
    prev_set: frozenset | None = None
    for step in range(tl.n_steps):
        t_off = step * tl.step_s
        epoch = found.epoch + timedelta(seconds=t_off)
        common = {
            **common_row(config, found, epoch),
            "step": step,
            "time_s": t_off,
            "csi_age_s": 0.0,
            "p_tx_dbm": tl.p_tx_dbm,
            "kappa_db": nan_if_none(config.channel.kappa_db),
        }
        t0 = time.perf_counter()
        try:
            g = area.first if step == 0 else area.geometry_at(epoch)
        except constellation.NotEnoughSatellitesError as exc:
            skipped.append(skipped_record(config, index, found.attempt, epoch, str(exc), step))
            g = None
        t_geo = time.perf_counter() - t0
        cur_set = frozenset(np.asarray(g.sat_index).tolist()) if g is not None else None
        changed = prev_set is not None and cur_set != prev_set
        prev_set = cur_set if cur_set is not None else prev_set
        if g is not None:
            designs, new_rows = recomputed_rows(area, common, g, changed, t_geo)
            rows += new_rows
            if step == 0:
                step0 = designs
            if tl.csi_age_s and step % tl.age_origin_every == 0:
                rows += aged_rows(area, common, g, designs)
        rows += reused_rows(area, common, changed, step0, held0, epoch, step)
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="timeline",
    title="time-epoch study: reused vs recomputed precoders, rate vs age of the CSI",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "step", "mode", "scheme", "csi_age_s"),
    sections={"timeline": TimelineSection},
    options=(Option("--animation", "timeline.animation", "none, gif or mp4", "FORMAT"),),
)
