"""Kind "arrays": the element gain of every set member towards every UT, both pointings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coopsat.channel.element import element_angles, element_gain_db
from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.core.drops import find_drop
from coopsat.experiments.kinds.arrays import compute, report


def _config():
    return load_config(data_path("tiny.toml"), overrides={
        "run.kind": "arrays", "channel.element_pattern": "3gpp",
        "channel.tx_element_gain_dbi": 8.0})


def test_rows_hold_each_members_gain_at_its_own_angle_for_both_pointings():
    config = _config()
    out = compute.drop(config, 0)
    table = pd.DataFrame(out.rows)
    found = find_drop(config, 0, config.drop.n_satellites, [])
    s, k = found.geometry.n_satellites, found.geometry.n_users
    assert len(table) == 2 * s * k
    for pointing in ("nadir", "cap_centre"):
        g = compute.pointed(config, found, pointing)
        sub = table[table["pointing"] == pointing].sort_values(["member", "ut"])
        cos = (g.dir_cos_x, g.dir_cos_y, g.dir_cos_z)
        expected = 8.0 + element_gain_db("3gpp", *cos)
        np.testing.assert_allclose(sub["element_gain_dbi"], np.ravel(expected), atol=1e-12)
        np.testing.assert_allclose(sub["off_boresight_deg"],
                                   np.degrees(np.ravel(element_angles(*cos)[0])), atol=1e-12)
        np.testing.assert_allclose(sub["elevation_deg"], np.ravel(g.elevation_deg), atol=1e-12)
    # the configured pointing's geometry is the drop's own
    same = compute.pointed(config, found, "nadir")
    assert np.array_equal(same.dir_cos_x, found.geometry.dir_cos_x)
    stats = report.member_stats(table)
    assert stats.index.nlevels == 2 and len(stats) == 2 * s
    assert np.all(stats["gain_mean_dbi"] <= 8.0)
    # pointing at the area brings the links nearer the boresight on average
    eta = table.groupby("pointing")["off_boresight_deg"].mean()
    assert eta["cap_centre"] < eta["nadir"]

