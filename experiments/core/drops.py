"""Pieces every drop-based experiment kind shares: seeds, finding a drop, rows, skipped records.

Every drop is a pure function of (config, drop index, root seed). Its random streams come from
``SeedSequence(seed, spawn_key=(drop, attempt))`` spawned into six children, one per stage:

    epoch (offset within drop.epoch_spread_s) | geometry | channel (large-scale draws) |
    mc (Monte Carlo R_E) | waveform (the OFDM simulation, independent of the Monte Carlo) |
    schedule (the random scheduler's choices)

so a table does not depend on the number of workers or on the order in which drops finish. A
drop whose attempt finds too few visible satellites is recorded as skipped and re-drawn with the
next attempt index, up to ``run.max_attempts``; nothing is padded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from coopsat import constellation
from coopsat.constellation.geometry import DropGeometry
from coopsat.experiments.config.constellation import constellation_for
from coopsat.precoding import SolverError

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

STAGES = ("epoch", "geometry", "channel", "mc", "waveform", "schedule")  # append only

#: The failures a drop's numerics may report on a degenerate input; they are recorded as skipped
#: (with the message) instead of ending a run. Anything else is a bug and propagates.
NUMERICAL_FAILURES: tuple[type[Exception], ...] = (SolverError, np.linalg.LinAlgError)


def drop_seeds(seed: int, drop: int, attempt: int = 0) -> dict[str, np.random.SeedSequence]:
    """Per-stage seed sequences: children of SeedSequence(seed, spawn_key=(drop, attempt))."""
    root = np.random.SeedSequence(seed, spawn_key=(drop, attempt))
    return dict(zip(STAGES, root.spawn(len(STAGES)), strict=True))


def skyfield_time(dt: datetime):
    """skyfield Time of a timezone-aware datetime (the constellation package's timescale)."""
    return constellation.timescale().from_datetime(dt)  # cached by constellation


@dataclass(frozen=True)
class DropOutcome:
    """Rows and skipped records of one drop (plain dicts with the kind's columns)."""

    drop: int
    rows: list[dict]
    skipped: list[dict]


@dataclass(frozen=True)
class FoundDrop:
    """A drop attempt with enough visible satellites: its geometry, seeds and epoch."""

    index: int
    geometry: DropGeometry
    attempt: int
    seeds: dict
    epoch: datetime
    time_geometry_s: float


def drop_epoch(config: ExperimentConfig, seeds: dict,
               rng: np.random.Generator | None = None) -> datetime:
    """The epoch of a drop attempt: ``constellation.epoch_utc`` plus a uniform offset in
    [0, drop.epoch_spread_s), the first draw of the attempt's epoch stream (``rng``, when the
    caller draws more from that stream; nothing is drawn when the spread is 0)."""
    spread = config.drop.epoch_spread_s
    rng = np.random.default_rng(seeds["epoch"]) if rng is None else rng
    offset = rng.uniform(0.0, spread) if spread > 0 else 0.0
    return config.constellation.epoch + timedelta(seconds=float(offset))


def skipped_record(
    config: ExperimentConfig, drop: int, attempt: int, epoch: datetime, reason: str, step=-1
) -> dict:
    """One row of ``skipped.parquet`` (columns ``experiments.tables.SKIPPED``)."""
    return {
        "run_id": config.run_id,
        "drop": drop,
        "attempt": attempt,
        "seed": config.run.seed,
        "step": step,
        "epoch_utc": epoch,
        "reason": reason,
    }


def find_drop(
    config: ExperimentConfig, drop: int, n_satellites: int, skipped: list[dict], *,
    place: Callable | None = None,
) -> FoundDrop | None:
    """Draw attempts of drop ``drop`` until one has ``n_satellites`` visible satellites.

    Each failed attempt appends a skipped record; None when ``run.max_attempts`` all fail.
    ``place(constellation, time, rng, n_satellites) -> DropGeometry`` places the UTs with the
    attempt's geometry generator (default: ``constellation.sample_drop`` with ``[drop]``'s K
    uniform UTs).
    """
    const = constellation_for(config.constellation)
    place = place or partial(sample_uniform_drop, config)
    t0 = time.perf_counter()
    for attempt in range(config.run.max_attempts):
        seeds = drop_seeds(config.run.seed, drop, attempt)
        epoch = drop_epoch(config, seeds)
        try:
            geometry = place(const, skyfield_time(epoch),
                             np.random.default_rng(seeds["geometry"]), n_satellites)
        except constellation.NotEnoughSatellitesError as exc:
            skipped.append(skipped_record(config, drop, attempt, epoch, str(exc)))
            continue
        return FoundDrop(drop, geometry, attempt, seeds, epoch, time.perf_counter() - t0)
    return None


def sample_uniform_drop(config: ExperimentConfig, const, time, rng: np.random.Generator,
                        n_satellites: int, n_users: int | None = None) -> DropGeometry:
    """``constellation.sample_drop`` with ``[drop]``'s cap, mask and centre: ``n_users`` UTs
    (default ``drop.n_users``) uniform in the cap, the ``n_satellites`` nearest satellites."""
    spec = config.drop
    return constellation.sample_drop(
        const,
        time,
        n_users=spec.n_users if n_users is None else n_users,
        n_satellites=n_satellites,
        rng=rng,
        radius_m=spec.radius_m,
        min_elevation_deg=spec.min_elevation_deg,
        carrier_hz=config.channel.link_budget.carrier_hz,
        centre_lat_deg=spec.centre_lat_deg,
        centre_lon_deg=spec.centre_lon_deg,
        pointing=spec.pointing,
    )


def geometry_at(config: ExperimentConfig, first: DropGeometry, epoch: datetime,
                sat_index=None, n_satellites: int | None = None) -> DropGeometry:
    """The UTs and centre of ``first`` at ``epoch`` with the given satellites ``sat_index``
    (even below the mask) or, when it is None, the nearest ``n_satellites`` (default
    ``drop.n_satellites``; raises NotEnoughSatellitesError)."""
    if sat_index is None and n_satellites is None:
        n_satellites = config.drop.n_satellites
    return constellation.drop_geometry(
        constellation_for(config.constellation),
        skyfield_time(epoch),
        np.asarray(first.ut_lat_rad),
        np.asarray(first.ut_lon_rad),
        centre_lat_rad=first.centre_lat_rad,
        centre_lon_rad=first.centre_lon_rad,
        n_satellites=None if sat_index is not None else n_satellites,
        sat_index=sat_index,
        min_elevation_deg=config.drop.min_elevation_deg,
        carrier_hz=config.channel.link_budget.carrier_hz,
        pointing=config.drop.pointing,
    )


def common_row(config: ExperimentConfig, found: FoundDrop, epoch: datetime | None = None) -> dict:
    """The columns every row of a drop carries (``experiments.tables.COMMON`` but
    n_satellites, which depends on the row)."""
    g = found.geometry
    return {
        "run_id": config.run_id,
        "drop": found.index,
        "attempt": found.attempt,
        "seed": config.run.seed,
        "epoch_utc": epoch or found.epoch,
        "centre_lat_deg": math.degrees(g.centre_lat_rad),
        "centre_lon_deg": math.degrees(g.centre_lon_rad),
        "n_users": g.n_users,
        "n_excluded": int(g.n_excluded),
    }


def stage_times(found: FoundDrop, time_channel_s: float) -> dict:
    """The per-drop timing columns (``experiments.tables.STAGE_TIMES``)."""
    return {"time_geometry_s": found.time_geometry_s, "time_channel_s": time_channel_s}


def nan_if_none(value: float | None) -> float:
    """A table value of an optional input (e.g. kappa_db: None = the scenario's own): NaN."""
    return math.nan if value is None else float(value)


def timed(fn, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """(fn(*args, **kwargs), wall time in s)."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def exceed_fraction(delta_tau_s: np.ndarray, thresholds_s: np.ndarray) -> tuple[np.ndarray, int]:
    """Fraction of distinct pairs (s1 < s2, l < k) with Delta tau > T, for each threshold T.

    ``delta_tau_s`` is DropGeometry.differential_delay_s(), shape (S, S, K, K); it is symmetric
    in (s1, s2) and in (l, k) and zero on their diagonals, so the distinct pairs are the strict
    upper triangles of both. Returns (fractions (n_thresholds,), number of pairs).
    """
    s, _, k, _ = delta_tau_s.shape
    i1, i2 = np.triu_indices(s, 1)
    l1, l2 = np.triu_indices(k, 1)
    values = np.sort(delta_tau_s[i1, i2][:, l1, l2].ravel())
    n = values.size
    if n == 0:
        return np.full(len(thresholds_s), math.nan), 0
    above = n - np.searchsorted(values, thresholds_s, side="right")
    return above / n, n
