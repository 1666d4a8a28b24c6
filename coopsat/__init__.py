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

from importlib import import_module as _import_module

from coopsat._version import package_version as _package_version

# The names are imported on first use (PEP 562), so that ``import coopsat.X`` stays light: the
# ``coopsat`` command can then report an interrupt during its start-up in one line.
_HOME = {
    "ChannelConfig": "channel", "LinkBudget": "channel", "draw_standard": "channel",
    "statistical_csi": "channel",
    "DropSpec": "constellation", "WalkerDelta": "constellation",
    "WalkerShells": "constellation", "preset": "constellation", "read_tle": "constellation",
    "sample_drop": "constellation", "utc_time": "constellation",
    "ALL_SCHEMES": "precoding", "SCHEMES": "precoding", "evaluate_rates": "precoding",
    "instantaneous_reference": "precoding", "precode": "precoding",
}

__version__ = _package_version()  # installed, else the source tree's pyproject.toml


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(_import_module(f"coopsat.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coopsat' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


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
