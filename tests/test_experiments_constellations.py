"""Kind "constellations": the same drop served by each preset at each latitude."""

import math

import numpy as np
import pytest

from coopsat import constellation
from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.cli import main
from coopsat.experiments.core.drops import drop_seeds, skyfield_time
from coopsat.experiments.driver.store import read_table

TINY = str(data_path("tiny.toml"))


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("const") / "c"
    argv = ["constellations", "--config", TINY, "--out", str(out), "--quiet"]
    assert main([*argv, "--figures", "svg"]) == 0
    config = load_config(TINY, presets=("constellations",))
    return config, read_table(out / "table.parquet"), out


def test_one_row_per_preset_latitude_and_scheme_and_figures(study):
    config, table, out = study
    assert len(table) == 2 * 2 * len(config.precoding.schemes)
    keys = table[["constellation", "latitude_deg", "scheme"]]
    assert not keys.duplicated().any()
    assert (table["found"] == (table["n_visible"] >= config.drop.n_satellites)).all()
    assert table.loc[table["found"], "r_e"].gt(0).all()
    assert table.loc[~table["found"], "r_e"].isna().all()
    for name in ("constellations_rate", "constellations_visibility"):
        assert (out / f"{name}.svg").stat().st_size > 10_000


def test_visible_count_is_the_largest_cooperative_set_a_drop_can_find(study):
    """n_visible from an independent path: the drop selection succeeds with S = n_visible and
    raises NotEnoughSatellitesError with S = n_visible + 1 (same UTs, same epoch)."""
    config, table, _ = study
    seeds = drop_seeds(config.run.seed, 0)
    lon = np.random.default_rng(seeds["epoch"]).uniform(-math.pi, math.pi)
    when = skyfield_time(config.constellation.epoch)
    for (name, lat), n_visible in table.groupby(["constellation", "latitude_deg"])[
        "n_visible"
    ].first().items():
        const = constellation.preset(name).build()
        ut_lat, ut_lon = constellation.sample_cap(
            np.random.default_rng(seeds["geometry"]), math.radians(lat), lon,
            config.drop.radius_m, config.drop.n_users)
        kwargs = {"centre_lat_rad": math.radians(lat), "centre_lon_rad": lon,
                  "min_elevation_deg": config.drop.min_elevation_deg}
        if n_visible:
            g = constellation.drop_geometry(const, when, ut_lat, ut_lon,
                                            n_satellites=int(n_visible), **kwargs)
            assert g.n_satellites == n_visible
        with pytest.raises(constellation.NotEnoughSatellitesError):
            constellation.drop_geometry(const, when, ut_lat, ut_lon,
                                        n_satellites=int(n_visible) + 1, **kwargs)


def test_centre_longitude_and_epoch_offset_are_independent_draws():
    """With an epoch spread both come from the drop's epoch stream, one after the other (they
    used to be the same uniform number); without one the longitude is its first draw."""
    from coopsat.experiments.kinds.constellations.compute import _area

    spread = load_config(TINY, presets=("constellations",),
                         overrides={"drop.epoch_spread_s": 600.0})
    fixed = load_config(TINY, presets=("constellations",))
    for index in range(5):
        seeds, epoch, lon = _area(spread, index)
        u = np.random.default_rng(seeds["epoch"]).uniform(size=2)
        offset_s = (epoch - spread.constellation.epoch).total_seconds()
        assert offset_s == pytest.approx(600.0 * u[0], abs=1e-5)
        assert lon == pytest.approx(-math.pi + 2 * math.pi * u[1], rel=1e-12)
        _, epoch0, lon0 = _area(fixed, index)
        assert epoch0 == fixed.constellation.epoch
        assert lon0 == pytest.approx(-math.pi + 2 * math.pi * u[0], rel=1e-12)
