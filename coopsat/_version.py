"""The coopsat version: the installed distribution's, else that of the source tree holding
this module (a checkout run without installing), else ``UNKNOWN_VERSION``. Light on purpose:
``import coopsat`` reads it."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

UNKNOWN_VERSION = "0+unknown"


def package_version() -> str:
    """Installed coopsat version, else the version in the pyproject.toml of the source tree
    holding this module (the nearest one above it, if it is coopsat's), else '0+unknown'."""
    try:
        return metadata.version("coopsat")
    except metadata.PackageNotFoundError:
        pass
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return _source_version(folder / "pyproject.toml")
    return UNKNOWN_VERSION


def _source_version(pyproject: Path) -> str:
    try:
        project = tomllib.loads(pyproject.read_text())["project"]
        if project["name"] == "coopsat":
            return str(project["version"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        pass
    return UNKNOWN_VERSION
