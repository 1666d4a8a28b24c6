"""coopsat: statistical-CSI distributed precoding for multi-satellite cooperative downlinks.

The layers, each a sub-package (data flow one way, left to right)::

    coopsat.constellation -> coopsat.channel -> coopsat.precoding -> coopsat.experiments

The names a notebook starts from are re-exported here::

    shell = coopsat.WalkerDelta().build()                     # or preset(...), read_tle(...)
    geo = coopsat.sample_drop(shell, coopsat.utc_time("2025-01-01T00:00:00Z"),
                              n_users=48, n_satellites=5, rng=rng)
    csi = coopsat.statistical_csi(geo, coopsat.ChannelConfig(), rng)
    result = coopsat.precode("ms-jomwmmse", csi, power_w)
    report = coopsat.evaluate_rates(csi, result.weights, n_samples=1000, rng=rng)

Studies (configs, the checkpointed drop driver, tables and figures) are in
``coopsat.experiments``; ``coopsat.experiments.load_config`` and ``run_experiment`` run one
from Python as the ``coopsat`` command does.
"""

from importlib import metadata as _metadata

from coopsat.channel import ChannelConfig, LinkBudget, draw_standard, statistical_csi
from coopsat.constellation import (
    DropSpec,
    WalkerDelta,
    WalkerShells,
    preset,
    read_tle,
    sample_drop,
    utc_time,
)
from coopsat.precoding import (
    ALL_SCHEMES,
    SCHEMES,
    evaluate_rates,
    instantaneous_reference,
    precode,
)

try:
    __version__ = _metadata.version("coopsat")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "ALL_SCHEMES",
    "SCHEMES",
    "ChannelConfig",
    "DropSpec",
    "LinkBudget",
    "WalkerDelta",
    "WalkerShells",
    "__version__",
    "draw_standard",
    "evaluate_rates",
    "instantaneous_reference",
    "precode",
    "preset",
    "read_tle",
    "sample_drop",
    "statistical_csi",
    "utc_time",
]
