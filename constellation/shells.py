"""Multi-shell Walker constellations and the shipped presets (paper, Starlink, OneWeb, Kuiper).

A ``WalkerShells`` is an ordered tuple of ``WalkerDelta`` shells; its constellation is the union
of theirs, in shell order, with satellite names ``{label}-Ppp-Sqq`` (unique because the labels
are) and catalogue numbers running on from shell to shell (1 .. N, unique, so the union can be
written as one TLE file and read back).

Presets are data, not code: ``data/constellations/presets.toml`` lists each preset's shells with
the public source of every number (FCC filings and grants). ``preset(name)`` reads that file
through ``data_path`` on every call (it is a few kB; no cache, no global state).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass

import numpy as np

from .orbits import Constellation
from .params import ParameterError
from .resources import data_path
from .walker import WalkerDelta

PRESETS_FILE = ("constellations", "presets.toml")
DEFAULT_EPOCH_UTC = WalkerDelta.epoch_utc
_LABEL = re.compile(r"[A-Za-z0-9_.]{1,16}")
_SHELL_KEYS = {
    "label", "inclination_deg", "n_planes", "sats_per_plane", "phasing", "altitude_km",
    "raan_spread_deg", "raan_offset_planes", "anomaly_offset_slots",
}
_REQUIRED_SHELL_KEYS = {"label", "inclination_deg", "n_planes", "sats_per_plane", "altitude_km"}


@dataclass(frozen=True)
class WalkerShells:
    """Several Walker shells forming one constellation.

    Attributes
    ----------
    shells : tuple[WalkerDelta, ...]
        The shells, at least one; satellites are numbered shell by shell in this order.
    labels : tuple[str, ...] or None
        One label per shell (1-16 characters from ``A-Z a-z 0-9 _ .``, unique), the prefix of
        its satellites' names. Default: ``("WALKER",)`` for a single shell, so that
        ``WalkerShells((w,)).build()`` equals ``w.build()`` exactly, else
        ``("SHELL0", "SHELL1", ...)``.
    """

    shells: tuple[WalkerDelta, ...]
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.shells, WalkerDelta) or not isinstance(self.shells, (tuple, list)):
            raise ValueError(
                f"shells must be a tuple of WalkerDelta, got {type(self.shells).__name__}"
            )
        shells = tuple(self.shells)
        if not shells:
            raise ValueError("shells must hold at least 1 WalkerDelta, got 0")
        for i, shell in enumerate(shells):
            if not isinstance(shell, WalkerDelta):
                raise ValueError(f"shells[{i}] must be a WalkerDelta, got {type(shell).__name__}")
        if self.labels is None:
            labels = ("WALKER",) if len(shells) == 1 else tuple(
                f"SHELL{k}" for k in range(len(shells)))
        elif isinstance(self.labels, str) or not isinstance(self.labels, (tuple, list)):
            raise ValueError(f"labels must be a tuple of strings, got {self.labels!r}")
        else:
            labels = tuple(self.labels)
        if len(labels) != len(shells):
            raise ValueError(
                f"labels has {len(labels)} entries but shells has {len(shells)}: give one "
                "label per shell"
            )
        for label in labels:
            if not isinstance(label, str) or not _LABEL.fullmatch(label):
                raise ValueError(
                    f"shell label {label!r} is not allowed: use 1-16 characters from "
                    "A-Z a-z 0-9 _ ."
                )
        if len(set(labels)) != len(labels):
            dup = next(lab for i, lab in enumerate(labels) if lab in labels[:i])
            raise ValueError(f"shell labels must be unique; {dup!r} appears twice")
        total = sum(s.total_satellites for s in shells)
        if total > 99_999:
            raise ValueError(
                f"the shells hold {total} satellites in all; at most 99999 fit the 5-digit "
                "catalogue numbers"
            )
        object.__setattr__(self, "shells", shells)
        object.__setattr__(self, "labels", labels)

    @property
    def total_satellites(self) -> int:
        """Total number of satellites N over all shells."""
        return sum(s.total_satellites for s in self.shells)

    def shell_index(self) -> np.ndarray:
        """(N,) int: the shell (0-based, in ``shells`` order) of each satellite of ``build()``."""
        return np.repeat(np.arange(len(self.shells)), [s.total_satellites for s in self.shells])

    def build(self) -> Constellation:
        """The union of the shells' satellites as one ``Constellation`` (shell order).

        Shell k's satellites are ``shells[k].build(label=labels[k], first_satnum=1 + n_k)``
        with ``n_k`` the number of satellites in the shells before it.
        """
        names: list[str] = []
        satrecs: list = []
        for shell, label in zip(self.shells, self.labels, strict=True):
            part = shell.build(label=label, first_satnum=len(satrecs) + 1)
            names.extend(part.names)
            satrecs.extend(part.satrecs)
        return Constellation(tuple(names), tuple(satrecs))


def nominal_min_separation_m(shells: WalkerShells | WalkerDelta, *, block: int = 256) -> float:
    """Smallest distance (m) two satellites of one orbit shell ever come to, nominal pattern.

    Satellites on circular orbits of the same radius a and inclination share the mean motion n
    and the J2 precession, so their relative geometry repeats every orbit. With the node vector
    ``P = (cos W, sin W, 0)`` and ``Q = (-sin W cos i, cos W cos i, sin i)`` of each orbit,
    ``r/a = P cos u + Q sin u``; for two satellites at arguments of latitude x and x + d,
    ``cos(theta) = C0 + C1 cos(2x + d) + S1 sin(2x + d)`` with
    ``C0 = ((P1.P2 + Q1.Q2) cos d + (P1.Q2 - Q1.P2) sin d) / 2``, ``C1 = (P1.P2 - Q1.Q2) / 2``,
    ``S1 = (P1.Q2 + Q1.P2) / 2``, so the closest approach is ``2 a sin(theta_min / 2)`` with
    ``cos(theta_min) = C0 + hypot(C1, S1)``. Pairs are formed within each group of satellites
    with equal mean semi-major axis and inclination (a shell, or shells that share both);
    shells at different altitudes cross each other's paths and are not counted.

    Parameters
    ----------
    shells : ``WalkerShells`` or one ``WalkerDelta``
    block : rows per vectorised chunk

    Returns
    -------
    the minimum over all such pairs, metres (``inf`` when no group has two satellites)
        SGP4-propagated closest approaches differ from it by the J2 short-period terms, by up to
        about 15 km (e.g. 31.3 km nominal, 16.2 km under SGP4 for the paper's shell).
    """
    if isinstance(shells, WalkerDelta):
        shells = WalkerShells((shells,))
    satrecs = shells.build().satrecs
    raan = np.array([s.nodeo for s in satrecs])
    incl = np.array([s.inclo for s in satrecs])
    u0 = np.array([s.argpo + s.mo for s in satrecs])  # e = 0: argument of latitude at epoch
    radius = np.array([s.a * s.radiusearthkm * 1e3 for s in satrecs])
    node = np.stack([np.cos(raan), np.sin(raan), np.zeros_like(raan)], axis=-1)
    normal_in_plane = np.stack(
        [-np.sin(raan) * np.cos(incl), np.cos(raan) * np.cos(incl), np.sin(incl)], axis=-1)
    _, group = np.unique(np.column_stack([np.round(radius, 3), np.round(incl, 12)]), axis=0,
                         return_inverse=True)
    best = math.inf
    for g in range(int(group.max()) + 1):  # a few groups (shells)
        members = np.flatnonzero(group.ravel() == g)
        p, q, u = node[members], normal_in_plane[members], u0[members]
        for start in range(0, members.size, block):  # blocks of rows: bounded memory
            rows = slice(start, start + block)
            a11, a12 = p[rows] @ p.T, p[rows] @ q.T
            a21, a22 = q[rows] @ p.T, q[rows] @ q.T
            d = u[None, :] - u[rows, None]
            c0 = 0.5 * ((a11 + a22) * np.cos(d) + (a12 - a21) * np.sin(d))
            cos_min = np.clip(c0 + 0.5 * np.hypot(a11 - a22, a12 + a21), -1.0, 1.0)
            theta = np.arccos(cos_min)
            theta[np.arange(theta.shape[0]), np.arange(start, start + theta.shape[0])] = np.inf
            best = min(best, float(2.0 * radius[members[0]] * np.sin(theta.min() / 2.0))
                       if np.isfinite(theta.min()) else math.inf)
    return best


def preset_names() -> tuple[str, ...]:
    """Names of the shipped presets, sorted (``data/constellations/presets.toml``)."""
    return tuple(sorted(_read_presets()))


def preset(name: str, *, epoch_utc: str = DEFAULT_EPOCH_UTC) -> WalkerShells:
    """The shipped preset ``name`` as ``WalkerShells``, every shell's elements at ``epoch_utc``.

    Raises ``ValueError`` listing the known names when ``name`` is not one of them, and naming
    the preset, shell and key when the file holds a bad entry.
    """
    table = _read_presets()
    if name not in table:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown constellation preset {name!r}; known presets: {known}")
    entry = table[name]
    shells_raw = entry.get("shells") if isinstance(entry, dict) else None
    if not isinstance(shells_raw, list) or not shells_raw:
        raise ValueError(f"preset {name!r} in {_presets_path()} has no [[{name}.shells]] entries")
    return shells_from_tables(shells_raw, epoch_utc, f"preset {name!r}")


def shells_from_tables(tables, epoch_utc: str, where: str) -> WalkerShells:
    """Shells written as tables (the format of ``presets.toml``: label, inclination_deg,
    n_planes, sats_per_plane, altitude_km, and optionally phasing, raan_spread_deg,
    raan_offset_planes, anomaly_offset_slots) as ``WalkerShells`` at ``epoch_utc``; a
    ``ValueError`` names ``where``, the shell and the key."""
    if isinstance(tables, dict) or not isinstance(tables, (list, tuple)) or not tables:
        raise ValueError(f"{where}: shells must be a non-empty list of tables, got {tables!r}")
    shells = tuple(_shell_from_toml(f"{where} shell {k}", raw, epoch_utc)
                   for k, raw in enumerate(tables))
    try:
        return WalkerShells(shells, tuple(raw["label"] for raw in tables))
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _shell_from_toml(where: str, raw, epoch_utc: str) -> WalkerDelta:
    """One shell table as a ``WalkerDelta``; errors name ``where`` (preset or config, shell)."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a table, got {raw!r}")
    unknown = sorted(set(raw) - _SHELL_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_SHELL_KEYS))
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {allowed}")
    missing = sorted(_REQUIRED_SHELL_KEYS - set(raw))
    if missing:
        raise ValueError(f"{where}: missing key {missing[0]!r}")
    for key in ("n_planes", "sats_per_plane"):
        if isinstance(raw[key], bool) or not isinstance(raw[key], int) or raw[key] < 1:
            raise ValueError(f"{where}: {key} must be an integer >= 1, got {raw[key]!r}")
    for key in ("inclination_deg", "altitude_km", "raan_spread_deg", "raan_offset_planes",
                "anomaly_offset_slots"):
        value = raw.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where}: {key} must be a number, got {value!r}")
    for key in ("raan_offset_planes", "anomaly_offset_slots"):
        if not 0.0 <= raw.get(key, 0.0) < 1.0:
            raise ValueError(f"{where}: {key} must be in [0, 1) (a fraction of the spacing), "
                             f"got {raw[key]!r}")
    spread = float(raw.get("raan_spread_deg", 360.0))
    try:
        return WalkerDelta(
            inclination_deg=float(raw["inclination_deg"]),
            total_satellites=raw["n_planes"] * raw["sats_per_plane"],
            n_planes=raw["n_planes"],
            phasing=raw.get("phasing", 1),
            altitude_m=float(raw["altitude_km"]) * 1e3,
            epoch_utc=epoch_utc,
            raan_spread_deg=spread,
            raan_offset_deg=raw.get("raan_offset_planes", 0.0) * spread / raw["n_planes"],
            anomaly_offset_deg=raw.get("anomaly_offset_slots", 0.0) * 360.0
            / raw["sats_per_plane"],
        )
    except ParameterError as exc:
        if exc.name not in _TOML_KEY_OF:  # a key of the table itself: the message names it
            raise ValueError(f"{where}: {exc}") from None
        key = _TOML_KEY_OF[exc.name]
        given = " x ".join(repr(raw.get(k, 0.0)) for k in key.split(" x "))
        raise ValueError(f"{where}: {key} = {given} gives {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


# The WalkerDelta fields computed from the table's keys, which errors name first.
_TOML_KEY_OF = {
    "altitude_m": "altitude_km", "total_satellites": "n_planes x sats_per_plane",
    "raan_offset_deg": "raan_offset_planes", "anomaly_offset_deg": "anomaly_offset_slots",
}


def _presets_path():
    return data_path(*PRESETS_FILE)


def _read_presets() -> dict:
    path = _presets_path()
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    return {k: v for k, v in table.items() if isinstance(v, dict)}
