"""What an experiment kind declares: its drop function, table columns, config sections, report.

A kind is one sub-package of ``experiments.kinds``: ``compute`` holds the per-drop computation
and declares ``KIND``; ``report`` (figures and the printed summary, drawn from the stored table
only) is imported by the parent process when it plots, never by the worker processes, which
stay free of pandas and matplotlib. ``experiments.kinds.KINDS`` is the registry the command
line and the driver read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coopsat.experiments.core.tables import Columns


@dataclass(frozen=True)
class Option:
    """A command-line shortcut for one config key of a kind (``--fft-size`` -> a TOML key)."""

    flag: str
    key: str
    help: str
    metavar: str = "VALUE"


@dataclass(frozen=True)
class Kind:
    """One experiment kind.

    Attributes
    ----------
    name : the ``run.kind`` value.
    title : one line saying what it computes.
    drop : ``drop(config, index) -> DropOutcome``, a pure function of (config, index, seed).
    columns, sort_keys : the rows' columns ((name, Arrow type) pairs) and the final sort order.
    sections : the config sections the kind adds, ``{name: frozen dataclass}``.
    extra_tables : ``extra_tables(config) -> {name: {column: array}}``, tables computed once per
        run besides the drop rows (``NAME.parquet`` in the run directory), or None;
        ``extra_names`` lists their names.
    options : command-line shortcuts for config keys of the kind.
    """

    name: str
    title: str
    drop: Callable[[Any, int], Any]
    columns: Columns
    sort_keys: tuple[str, ...]
    sections: dict[str, type] = field(default_factory=dict)
    extra_tables: Callable[[Any], dict[str, dict]] | None = None
    extra_names: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()

    @property
    def report(self) -> str:
        """Module path of the kind's ``plot(table, config, base, extra) -> [paths]`` and
        ``summary(table, config, extra) -> [lines]``: ``report`` beside the module of ``drop``
        (``coopsat.experiments.kinds.NAME.report``), so it is always named by its installed
        path; imported on demand (see the module docstring)."""
        return self.drop.__module__.rpartition(".")[0] + ".report"
