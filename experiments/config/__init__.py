"""The experiment configuration: sections, TOML files, presets, overrides, the config hash.

``loading`` maps dotted keys onto the section dataclasses and builds an ``ExperimentConfig``;
``sections`` declares ``[run]``, ``[drop]``, ``[precoding]`` and ``[sweep]``; ``constellation``
declares ``[constellation]`` and builds the satellites it names; ``files`` reads the files a user
names (configs, TLE catalogues) as plain files of bounded size. The functions that need to
know the experiment kinds take them as ``kinds=`` (``coopsat.experiments.load_config`` passes
the registry for you).
"""

from coopsat.experiments.config.files import read_toml
from coopsat.experiments.config.loading import (
    CORE_SECTIONS,
    ExperimentConfig,
    all_sections,
    build_config,
    config_from_json,
    flatten,
    load_config,
    parse_override,
    preset_names,
    section_keys,
)
from coopsat.experiments.errors import ConfigError

__all__ = [
    "CORE_SECTIONS",
    "ConfigError",
    "ExperimentConfig",
    "all_sections",
    "build_config",
    "config_from_json",
    "flatten",
    "load_config",
    "parse_override",
    "preset_names",
    "read_toml",
    "section_keys",
]
