"""Rows of kind "arrays": one per (drop, pointing, set member, UT).

Each drop's cooperative set is found once (``drop.pointing`` does not change the selection) and
its geometry evaluated with the array pointed at nadir and at the coverage centre. Columns:
``experiments.tables.COMMON`` plus
    pointing (str)           "nadir" or "cap_centre" (``constellation.ARRAY_POINTINGS``)
    member (int64)           rank of the satellite in the set (0: the master, nearest the centre)
    ut (int64)               UT index k
    elevation_deg (float64)  elevation of the satellite seen from the UT
    off_boresight_deg (float64)  angle eta between the link and the array boresight
    element_gain_dbi (float64)   gain of one element towards the UT under ``channel``'s
                             element pattern (``channel.tx_element_gain_dbi`` at boresight)
and the stage timings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coopsat import constellation
from coopsat.channel.element import element_angles, element_gain_db
from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.core.drops import (
    DropOutcome,
    common_row,
    find_drop,
    skyfield_time,
    stage_times,
)
from coopsat.experiments.core.kind import Kind
from coopsat.experiments.core.tables import COMMON, STAGE_TIMES

if TYPE_CHECKING:
    from coopsat.experiments.config import ExperimentConfig

COLUMNS = (
    *COMMON,
    ("pointing", "str"),
    ("member", "int64"),
    ("ut", "int64"),
    ("elevation_deg", "float64"),
    ("off_boresight_deg", "float64"),
    ("element_gain_dbi", "float64"),
    *STAGE_TIMES,
)


def pointed(config: ExperimentConfig, found, pointing: str):
    """The drop's geometry (same set, same UTs) with the arrays pointed as ``pointing``."""
    g = found.geometry
    return constellation.drop_geometry(
        constellation_for(config.constellation), skyfield_time(found.epoch),
        np.asarray(g.ut_lat_rad), np.asarray(g.ut_lon_rad), centre_lat_rad=g.centre_lat_rad,
        centre_lon_rad=g.centre_lon_rad, sat_index=np.asarray(g.sat_index),
        min_elevation_deg=config.drop.min_elevation_deg,
        carrier_hz=config.channel.link_budget.carrier_hz, pointing=pointing,
    )


def link_rows(config: ExperimentConfig, geometry) -> dict[str, np.ndarray]:
    """(S, K) columns of one pointing: elevation, off-boresight angle and element gain."""
    ch = config.channel
    cosines = (geometry.dir_cos_x, geometry.dir_cos_y, geometry.dir_cos_z)
    eta, _, _ = element_angles(*cosines)
    gain = ch.link_budget.tx_element_gain_dbi + element_gain_db(
        ch.element_pattern, *cosines, hpbw_deg=ch.element_hpbw_deg,
        exponent=ch.element_scan_exponent,
    )
    shape = eta.shape
    return {
        "elevation_deg": np.degrees(geometry.elevation_rad),
        "off_boresight_deg": np.degrees(eta),
        "element_gain_dbi": np.broadcast_to(gain, shape),
    }


def drop(config: ExperimentConfig, index: int) -> DropOutcome:
    """Rows of drop ``index``: every member's element gain towards every UT, both pointings."""
    skipped: list[dict] = []
    found = find_drop(config, index, config.drop.n_satellites, skipped)
    if found is None:
        return DropOutcome(index, [], skipped)
    common = {**common_row(config, found), "n_satellites": found.geometry.n_satellites,
              **stage_times(found, 0.0)}
    rows = []
    for pointing in constellation.ARRAY_POINTINGS:
        geometry = (found.geometry if pointing == config.drop.pointing
                    else pointed(config, found, pointing))
        cols = link_rows(config, geometry)
        s, k = cols["off_boresight_deg"].shape
        for m in range(s):
            rows += [{**common, "pointing": pointing, "member": m, "ut": u,
                      **{name: float(v[m, u]) for name, v in cols.items()}} for u in range(k)]
    return DropOutcome(index, rows, skipped)


KIND = Kind(
    name="arrays",
    title="element gain of each cooperative-set member vs its off-boresight angle",
    drop=drop,
    columns=COLUMNS,
    sort_keys=("drop", "pointing", "member", "ut"),
)
