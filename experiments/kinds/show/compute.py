"""Rows of kind "show": the drop view's scene of each drop, as a tidy table.

For a drop (a random one of the config, or a chosen centre and epoch through
``drop.centre_lat_deg``/``centre_lon_deg`` and ``constellation.epoch_utc``), the scheme
``show.scheme`` is designed at ``show.p_tx_dbm`` and every UT's expected rate R_k (Monte Carlo,
``precoding.mc_samples``) is computed; the cooperating satellites' ground tracks over
``+- show.track_half_span_s`` and their sky positions seen from the centre come from
``experiments.scene``.

Columns: ``experiments.tables.COMMON`` plus
    element (str)          "ut", "satellite" (at the epoch) or "track" (one row per track point)
    index (int64)          UT k, or the satellite's place s in the cooperative set (0 = master)
    sat_id (int64)         the satellite's index in the constellation (-1 for UT rows)
    offset_s (float64)     time from the epoch of a track point (0 for the other rows)
    lat_deg, lon_deg (float64)  UT position or sub-satellite point
    azimuth_deg, elevation_deg (float64)  satellite seen from the centre (NaN for UT rows)
    rate_bps_hz (float64)  R_k of UT k (NaN for satellite rows)
    scheme (str), p_tx_dbm (float64)
and the stage timings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coopsat.channel.linkbudget import dbm_to_w
from coopsat.constellation.params import choice, number, validate
from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.config.sections import P_TX_DBM
from coopsat.experiments.core.design import design, drop_with_csi
from coopsat.experiments.core.drops import DropOutcome, common_row, stage_times
from coopsat.experiments.core.kind import Kind, Option
from coopsat.experiments.core.tables import COMMON, STAGE_TIMES
from coopsat.experiments.views.scene import Scene, scene_of
from coopsat.precoding import ALL_SCHEMES, evaluate_rates

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig


@dataclass(frozen=True)
class ShowSection:
    """``[show]``: the scheme whose per-UT rates colour the map, and the tracks drawn."""

    scheme: str = choice("ms-jomwmmse", ALL_SCHEMES, doc="scheme whose R_k colour the UTs")
    p_tx_dbm: float = number(35.0, **P_TX_DBM)
    track_half_span_s: float = number(
        300.0, lo=0, hi=86_400, lo_open=True, unit="s", doc="ground tracks over +- this"
    )
    track_step_s: float = number(10.0, lo=0.1, hi=3600, unit="s", doc="track point spacing")

    def __post_init__(self) -> None:
        validate(self)


COLUMNS = (
    *COMMON,
    ("element", "str"),
    ("index", "int64"),
    ("sat_id", "int64"),
    ("offset_s", "float64"),
    ("lat_deg", "float64"),
    ("lon_deg", "float64"),
    ("azimuth_deg", "float64"),
    ("elevation_deg", "float64"),
    ("rate_bps_hz", "float64"),
    ("scheme", "str"),
    ("p_tx_dbm", "float64"),
    *STAGE_TIMES,
)


def scene_rows(scene: Scene, rates: np.ndarray) -> list[dict]:
    """The element rows of a scene (UTs with their rates, satellites, track points)."""
    nan = math.nan
    rows = [
        {"element": "ut", "index": k, "sat_id": -1, "offset_s": 0.0, "lat_deg": float(la),
         "lon_deg": float(lo), "azimuth_deg": nan, "elevation_deg": nan,
         "rate_bps_hz": float(r)}
        for k, (la, lo, r) in enumerate(zip(scene.ut_lat_deg, scene.ut_lon_deg, rates,
                                            strict=True))
    ]
    for s, sat in enumerate(scene.sat_index.tolist()):
        sat_row = {"index": s, "sat_id": sat, "rate_bps_hz": nan}
        rows.append({**sat_row, "element": "satellite", "offset_s": 0.0,
                     "lat_deg": float(scene.sat_lat_deg[s]),
                     "lon_deg": float(scene.sat_lon_deg[s]),
                     "azimuth_deg": float(scene.azimuth_deg[s]),
                     "elevation_deg": float(scene.elevation_deg[s])})
        rows += [
            {**sat_row, "element": "track", "offset_s": float(t), "lat_deg": float(la),
             "lon_deg": float(lo), "azimuth_deg": float(az), "elevation_deg": float(el)}
            for t, la, lo, az, el in zip(
                scene.track_offset_s, scene.track_lat_deg[s], scene.track_lon_deg[s],
                scene.track_azimuth_deg[s], scene.track_elevation_deg[s], strict=True)
        ]
    return rows


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """The scene rows of drop ``index`` with the per-UT rates of ``show.scheme``."""
    skipped: list[dict] = []
    found_csi = drop_with_csi(config, index, skipped, config.drop.n_satellites)  # no sweep
    if found_csi is None:
        return DropOutcome(index, [], skipped)
    found, csi, t_channel = found_csi
    sh = config.section("show")
    result, _ = design(sh.scheme, csi, dbm_to_w(sh.p_tx_dbm), config)
    report = evaluate_rates(csi, result.weights, n_samples=config.precoding.mc_samples,
                            rng=np.random.default_rng(found.seeds["mc"]),
                            estimator=config.precoding.estimator)
    scene = scene_of(constellation_for(config.constellation), found.geometry, found.epoch,
                     half_span_s=sh.track_half_span_s, step_s=sh.track_step_s)
    per_drop = {**common_row(config, found), "n_satellites": csi.n_satellites,
                "scheme": sh.scheme, "p_tx_dbm": sh.p_tx_dbm, **stage_times(found, t_channel)}
    rows = [{**per_drop, **row} for row in scene_rows(scene, report.r_e)]
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="show",
    title="the scenario of a drop: UT rates on a map, satellites, tracks and sky plot",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "element", "index", "offset_s"),
    sections={"show": ShowSection},
    options=(
        Option("--drop", "run.first_drop", "index of the drop shown", "I"),
        Option("--scheme", "show.scheme", "scheme whose per-UT rates colour the map", "NAME"),
        Option("--lat", "drop.centre_lat_deg", "coverage centre latitude (deg)", "DEG"),
        Option("--lon", "drop.centre_lon_deg", "coverage centre longitude (deg)", "DEG"),
        Option("--epoch", "constellation.epoch_utc", "epoch (ISO 8601 UTC)", "UTC"),
    ),
)
