"""Rows of kind "constellations": each drop served by every preset at every coverage latitude.

Drop i draws one coverage longitude, one UT layout in the cap (relative to its centre), one set
of large-scale and Monte Carlo random numbers, and is then placed at each latitude of
``constellations.latitudes_deg`` and served by each preset of ``constellations.presets``
(common random numbers: differences between constellations and latitudes are not blurred by
different draws). Per (preset, latitude): the number of satellites above the elevation mask at
every UT, whether S of them were found, and the rates of every scheme at
``constellations.p_tx_dbm`` (NaN when not found).

Columns: ``experiments.tables.COMMON`` and ``RATES`` plus
    constellation (str)     preset name (``constellation.preset_names()``)
    latitude_deg (float64)  coverage-centre latitude
    n_visible (int64)       satellites above drop.min_elevation_deg at every UT
    found (bool)            n_visible >= drop.n_satellites (else rates are NaN)
and the stage and row timings.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from coopsat import constellation
from coopsat.channel.linkbudget import dbm_to_w
from coopsat.channel.model import statistical_csi
from coopsat.channel.sampler import draw_standard
from coopsat.constellation.params import choices, number, numbers, validate
from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.config.sections import P_TX_DBM
from coopsat.experiments.core.design import RATE_KEYS, design, evaluate_batch
from coopsat.experiments.core.drops import (
    DropOutcome,
    drop_epoch,
    drop_seeds,
    nan_if_none,
    skyfield_time,
)
from coopsat.experiments.core.kind import Kind
from coopsat.experiments.core.tables import COMMON, RATES, ROW_TIMES, STAGE_TIMES

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

PRESETS = constellation.preset_names()


@dataclass(frozen=True)
class ConstellationsSection:
    """``[constellations]``: the presets compared and the coverage latitudes."""

    presets: tuple[str, ...] = choices(list(PRESETS), PRESETS, doc="constellations compared")
    latitudes_deg: tuple[float, ...] = numbers(
        [0.0, 20.0, 40.0, 60.0], lo=-90, hi=90, nonempty=True, distinct=True, unit="deg",
        doc="coverage-centre latitudes",
    )
    p_tx_dbm: float = number(35.0, **P_TX_DBM)

    def __post_init__(self) -> None:
        validate(self)


COLUMNS = (
    *COMMON,
    ("constellation", "str"),
    ("latitude_deg", "float64"),
    ("n_visible", "int64"),
    ("found", "bool"),
    *RATES,
    *STAGE_TIMES,
    *ROW_TIMES,
)


def _area(config: ExperimentConfig, index: int):
    """The drop's seeds, epoch and centre longitude (rad): the epoch offset and then the
    longitude from the epoch stream (two draws, so the two are independent)."""
    seeds = drop_seeds(config.run.seed, index)
    rng = np.random.default_rng(seeds["epoch"])
    epoch = drop_epoch(config, seeds, rng)
    lon = rng.uniform(-math.pi, math.pi)
    return seeds, epoch, lon


def _served(config, const, seeds, epoch, lat_rad: float, lon_rad: float):
    """(DropGeometry or None, n_visible, time s) of one constellation at one centre."""
    t0 = time.perf_counter()
    ut_lat, ut_lon = constellation.sample_cap(
        np.random.default_rng(seeds["geometry"]), lat_rad, lon_rad, config.drop.radius_m,
        config.drop.n_users,
    )
    when = skyfield_time(epoch)
    pos, _ = const.propagate(when)
    ut_pos = constellation.geodetic_to_itrs(ut_lat, ut_lon)
    n_visible = int(np.count_nonzero(constellation.visible_mask(
        pos, ut_pos, ut_lat, ut_lon, config.drop.min_elevation_deg)))
    geometry = None
    if n_visible >= config.drop.n_satellites:
        geometry = constellation.drop_geometry(
            const, when, ut_lat, ut_lon, centre_lat_rad=lat_rad, centre_lon_rad=lon_rad,
            n_satellites=config.drop.n_satellites,
            min_elevation_deg=config.drop.min_elevation_deg,
            carrier_hz=config.channel.link_budget.carrier_hz, pointing=config.drop.pointing,
        )
    return geometry, n_visible, time.perf_counter() - t0


def _rows(config, base: dict, geometry, seeds, draws) -> list[dict]:
    """Rows of every scheme for one (preset, latitude); NaN rates when no set was found."""
    schemes = config.precoding.schemes
    if geometry is None:
        return [{**base, "scheme": s, "n_iterations": 0, **dict.fromkeys(RATE_KEYS, math.nan),
                 "time_channel_s": 0.0, "time_precoding_s": 0.0, "time_evaluation_s": 0.0}
                for s in schemes]
    t0 = time.perf_counter()
    csi = statistical_csi(geometry, config.channel, np.random.default_rng(seeds["channel"]))
    t_ch = time.perf_counter() - t0
    budget = np.full(csi.n_satellites, dbm_to_w(config.section("constellations").p_tx_dbm))
    designs = [design(scheme, csi, budget, config) for scheme in schemes]
    columns, t_eval = evaluate_batch(
        csi, [r.weights for r, _ in designs], [budget] * len(designs), draws, config
    )
    return [{**base, "scheme": scheme, **rates, "n_iterations": int(result.n_iterations),
             "zeta2": float(np.mean(csi.zeta2)), "time_channel_s": t_ch,
             "time_precoding_s": t_pre, "time_evaluation_s": t_eval}
            for scheme, (result, t_pre), rates in zip(schemes, designs, columns, strict=True)]


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index`` for every preset and latitude."""
    seeds, epoch, lon = _area(config, index)
    section = config.section("constellations")
    n_links = config.drop.n_satellites * config.drop.n_users
    draws = draw_standard(config.precoding.mc_samples, n_links,
                          np.random.default_rng(seeds["mc"]))
    rows: list[dict] = []
    for name in section.presets:
        const = constellation_for(replace(config.constellation, source="preset", preset=name))
        for lat_deg in section.latitudes_deg:
            geometry, n_visible, t_geo = _served(
                config, const, seeds, epoch, math.radians(lat_deg), lon)
            base = {
                "run_id": config.run_id, "drop": index, "attempt": 0,
                "seed": config.run.seed, "epoch_utc": epoch, "centre_lat_deg": lat_deg,
                "centre_lon_deg": math.degrees(lon), "n_users": config.drop.n_users,
                "n_satellites": config.drop.n_satellites,
                "n_excluded": 0 if geometry is None else int(geometry.n_excluded),
                "constellation": name, "latitude_deg": lat_deg, "n_visible": n_visible,
                "found": geometry is not None, "p_tx_dbm": section.p_tx_dbm,
                "zeta2": config.channel.zeta2,  # the CSI's mean where one is drawn (_rows)
                "kappa_db": nan_if_none(config.channel.kappa_db),
                "time_geometry_s": t_geo,
            }
            rows += _rows(config, base, geometry, seeds, draws)
    return DropOutcome(index, rows, [])


KIND = Kind(
    name="constellations",
    title="constellation study: rate, visible satellites and coverage per preset and latitude",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "constellation", "latitude_deg", "scheme"),
    sections={"constellations": ConstellationsSection},
)
