"""Errors of the experiment layer that the command line reports in one line with exit code 2."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration key, option, input file or run directory is unusable (CLI exit code 2).

    ``key`` names the config key when the error is about one (``channel.zeta2``), else None.
    """

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key
