"""Large-scale parameters by scenario: LOS probability, K-factor, shadow fading, clutter loss.

Scenarios
---------
``urban_los_quadriga`` (the paper's, default)
    QuaDRiGa 'QuaDRiGa_NTN_Urban_LOS': always LOS; K-factor (dB) ~ N(mu_K, 5.65^2) with
    mu_K = 22.55 + 7.9 log10(f/GHz) - 11 log10(alpha/rad) (33.3 dB at 10 deg, 22.8 dB at 90 deg for
    2 GHz); shadow fading std 0.05 dB; path loss 20 log10(d/m) + 32.55 + 20 log10(f/GHz).
``dense_urban``, ``urban``, ``suburban``, ``rural``
    3GPP TR 38.811 tables (S or Ka band): LOS drawn with the probability of Table 6.6.1-1; LOS
    links get a K-factor (dB) ~ N(mean, std^2) from Tables 6.7.2-*, NLOS links are Rayleigh
    (kappa = 0) and add the clutter loss of Tables 6.6.2-*; shadow fading ~ N(0, sigma_SF^2) dB
    with the LOS or NLOS std; path loss is exact free space.

Sources and values: ``data/tables/*.csv`` (each file names its source; see ``SOURCES.md``).

Interpolation (all tables are given at 10, 20, ..., 90 deg): linear in elevation (degrees)
between tabulated points, so tabulated elevations return the published values exactly.
Elevations in [0, 10) deg are clamped to the 10-deg values (TR 38.811 tabulates nothing lower, and
the cooperative set keeps satellites above 10 deg anyway); the QuaDRiGa formula is clamped the same
way so that log10(alpha) stays finite. Elevations outside [0, 90] deg raise ``ValueError``.
Band: ``"s"`` below 13 GHz, ``"ka"`` above (the split ns-3 uses), unless set explicitly.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import numpy as np

from coopsat.channel._validation import check_rng
from coopsat.channel.linkbudget import fspl_db
from coopsat.constellation.resources import data_path

QUADRIGA = "urban_los_quadriga"
TR38811_SCENARIOS = ("dense_urban", "urban", "suburban", "rural")
SCENARIOS = (QUADRIGA, *TR38811_SCENARIOS)
BANDS = ("s", "ka")
S_BAND_MAX_HZ = 13e9
"""Carriers below this use the S-band tables, above it the Ka-band ones (ns-3's split)."""

TABLE_MIN_ELEVATION_DEG = 10.0
TABLE_MAX_ELEVATION_DEG = 90.0

# Column names in the CSVs for each scenario (LOS probability and SF/CL share suburban/rural).
_LOS_COLUMN = {"dense_urban": "dense_urban", "urban": "urban", "suburban": "suburban_rural",
               "rural": "suburban_rural"}
_SF_SCENARIO = _LOS_COLUMN


# ---------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------
def check_scenario(scenario: str) -> str:
    """Return ``scenario`` if known, else raise ValueError listing the allowed names."""
    if scenario not in SCENARIOS:
        raise ValueError(f"scenario must be one of {SCENARIOS}, got {scenario!r}")
    return scenario


def check_band(band: str) -> str:
    """Return ``band`` if it is "s" or "ka", else raise ValueError."""
    if band not in BANDS:
        raise ValueError(f"band must be one of {BANDS}, got {band!r}")
    return band


def band_for_carrier(carrier_hz: float) -> str:
    """``"s"`` for carriers below 13 GHz, ``"ka"`` otherwise (carrier_hz > 0, Hz)."""
    if not (math.isfinite(carrier_hz) and carrier_hz > 0):
        raise ValueError(f"carrier_hz must be > 0 and finite, got {carrier_hz!r}")
    return "s" if carrier_hz < S_BAND_MAX_HZ else "ka"


def check_elevation_deg(elevation_deg: np.ndarray | float) -> np.ndarray:
    """Elevation array (any shape, degrees) validated to lie in [0, 90]."""
    el = np.asarray(elevation_deg, dtype=float)
    bad = ~((el >= 0.0) & (el <= 90.0))
    if np.any(bad):
        raise ValueError(f"elevation must be in [0, 90] deg, got {el[bad].ravel()[0]!r} deg")
    return el


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
@cache
def _read_table(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Header and rows of a shipped CSV (comment lines starting with '#' skipped); cached."""
    with open(data_path("tables", name), newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.reader(lines)
    header = tuple(next(reader))
    return header, tuple(tuple(row) for row in reader)


def _grid(name: str, column: str, band: str | None = None, scenario: str | None = None):
    """(elevation_deg, values) of one column of a long-format table, sorted by elevation."""
    header, rows = _read_table(name)
    idx = {h: i for i, h in enumerate(header)}
    keep = [
        r
        for r in rows
        if (band is None or r[idx["band"]] == band)
        and (scenario is None or r[idx["scenario"]] == scenario)
    ]
    if not keep:
        raise ValueError(f"no rows in {name} for band={band!r}, scenario={scenario!r}")
    el = np.array([float(r[idx["elevation_deg"]]) for r in keep])
    val = np.array([float(r[idx[column]]) for r in keep])
    order = np.argsort(el)
    return el[order], val[order]


def _interp(elevation_deg: np.ndarray, grid_deg: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Linear interpolation in elevation, clamped to the tabulated range."""
    return np.interp(elevation_deg, grid_deg, values)  # np.interp clamps at both ends


@cache
def quadriga_parameters() -> MappingProxyType[str, float]:
    """QuaDRiGa NTN Urban LOS scalar parameters from ``quadriga_ntn_urban_los.csv``."""
    header, rows = _read_table("quadriga_ntn_urban_los.csv")
    idx = {h: i for i, h in enumerate(header)}
    return MappingProxyType({r[idx["parameter"]]: float(r[idx["value"]]) for r in rows})


def _clamp_elevation(el_deg: np.ndarray) -> np.ndarray:
    return np.clip(el_deg, TABLE_MIN_ELEVATION_DEG, TABLE_MAX_ELEVATION_DEG)


# ---------------------------------------------------------------------------------------------
# Look-ups (vectorised over any elevation shape)
# ---------------------------------------------------------------------------------------------
def los_probability(elevation_deg: np.ndarray | float, scenario: str) -> np.ndarray:
    """P(LOS) in [0, 1] (TR 38.811 Table 6.6.1-1; 1 for the QuaDRiGa LOS scenario).

    Parameters
    ----------
    elevation_deg : any shape, degrees in [0, 90]

    Returns
    -------
    same shape
    """
    el = check_elevation_deg(elevation_deg)
    if check_scenario(scenario) == QUADRIGA:
        return np.ones_like(el)
    grid, pct = _grid("los_probability_tr38811.csv", _LOS_COLUMN[scenario])
    return _interp(el, grid, pct) / 100.0


def k_factor_db(
    elevation_deg: np.ndarray | float, scenario: str, band: str, carrier_hz: float = 2e9
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std (dB) of the LOS Rician K-factor; each output has the elevation's shape.

    QuaDRiGa: mu = 22.55 + 7.9 log10(f/GHz) - 11 log10(alpha/rad), std 5.65 dB (continuous in
    frequency; ``band`` unused). TR 38.811: Tables 6.7.2-* at the S or Ka band (``carrier_hz``
    unused).
    """
    el = check_elevation_deg(elevation_deg)
    if check_scenario(scenario) == QUADRIGA:
        p = quadriga_parameters()
        f_ghz = carrier_hz / 1e9
        if not (math.isfinite(f_ghz) and f_ghz > 0):
            raise ValueError(f"carrier_hz must be > 0 and finite, got {carrier_hz!r}")
        alpha = np.radians(_clamp_elevation(el))
        mean = p["k_mu_db"] + p["k_f_coeff_db"] * math.log10(f_ghz)
        mean = mean + p["k_el_coeff_db"] * np.log10(alpha)
        return mean, np.full_like(el, p["k_std_db"])
    band = check_band(band)
    grid, mean = _grid("k_factor_los_tr38811.csv", "k_mean_db", band, scenario)
    _, std = _grid("k_factor_los_tr38811.csv", "k_std_db", band, scenario)
    return _interp(el, grid, mean), _interp(el, grid, std)


def shadow_fading_std_db(
    elevation_deg: np.ndarray | float, scenario: str, band: str, los: np.ndarray | bool = True
) -> np.ndarray:
    """Shadow-fading std (dB) for LOS or NLOS links (TR 38.811 Tables 6.6.2-1..3; QuaDRiGa 0.05).

    Parameters
    ----------
    elevation_deg : (...), degrees
    los : broadcastable bool

    Returns
    -------
    (...) dB
    """
    el = check_elevation_deg(elevation_deg)
    if check_scenario(scenario) == QUADRIGA:
        return np.full(np.broadcast(el, los).shape, quadriga_parameters()["sf_std_db"])
    band = check_band(band)
    table, col = "shadow_fading_clutter_tr38811.csv", _SF_SCENARIO[scenario]
    grid, sf_los = _grid(table, "sf_los_db", band, col)
    _, sf_nlos = _grid(table, "sf_nlos_db", band, col)
    return np.where(los, _interp(el, grid, sf_los), _interp(el, grid, sf_nlos))


def clutter_loss_db(elevation_deg: np.ndarray | float, scenario: str, band: str) -> np.ndarray:
    """Clutter loss (dB) applied to NLOS links (TR 38.811 Tables 6.6.2-1..3; 0 for QuaDRiGa)."""
    el = check_elevation_deg(elevation_deg)
    if check_scenario(scenario) == QUADRIGA:
        return np.zeros_like(el)
    band = check_band(band)
    grid, cl = _grid("shadow_fading_clutter_tr38811.csv", "cl_db", band, _SF_SCENARIO[scenario])
    return _interp(el, grid, cl)


def path_loss_db(distance_m: np.ndarray | float, carrier_hz: float, scenario: str) -> np.ndarray:
    """Basic path loss (dB): free space; QuaDRiGa uses the constant 32.55 dB instead of 32.45 dB.

    Parameters
    ----------
    distance_m : (...), metres > 0
    carrier_hz : Hz

    Returns
    -------
    (...) dB
    """
    loss = fspl_db(distance_m, carrier_hz)
    if check_scenario(scenario) == QUADRIGA:
        d = np.asarray(distance_m, dtype=float)
        loss = 20.0 * np.log10(d) + quadriga_parameters()["pl_constant_db"]
        loss = loss + 20.0 * math.log10(carrier_hz / 1e9)
    return loss


def scintillation_loss_db(carrier_hz: float) -> float:
    """Ionospheric scintillation loss 6.22 / (f/GHz)^1.5 dB below 6 GHz, 0 above.

    TR 38.811 section 6.6.6.1 (fade exceeded 1 % of the time at mid latitudes, as coded in ns-3's
    ThreeGppPropagationLossModel); 2.2 dB at 2 GHz. A fixed loss, off in the paper reproduction.
    """
    if not (math.isfinite(carrier_hz) and carrier_hz > 0):
        raise ValueError(f"carrier_hz must be > 0 and finite, got {carrier_hz!r}")
    f_ghz = carrier_hz / 1e9
    return 6.22 / f_ghz**1.5 if f_ghz < 6.0 else 0.0


# ---------------------------------------------------------------------------------------------
# Per-drop draw
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LargeScaleDraw:
    """Large-scale parameters of every link of one drop, drawn once and then held.

    Attributes
    ----------
    los : bool
        LOS state of the link.
    kappa_db : float
        Drawn Rician K-factor in dB; ``-inf`` (kappa = 0, Rayleigh) for NLOS links.
    shadow_fading_db : float
        Shadow-fading loss in dB (positive = extra loss).
    clutter_loss_db : float
        Clutter loss in dB (0 on LOS links), >= 0.
    """

    los: np.ndarray
    kappa_db: np.ndarray
    shadow_fading_db: np.ndarray
    clutter_loss_db: np.ndarray

    def __post_init__(self) -> None:
        shape = np.shape(self.los)
        if len(shape) != 2:
            raise ValueError(f"LargeScaleDraw.los must be (S, K), got shape {shape}")
        for name in ("kappa_db", "shadow_fading_db", "clutter_loss_db"):
            value = np.asarray(getattr(self, name), dtype=float)
            if value.shape != shape:
                raise ValueError(f"LargeScaleDraw.{name} has shape {value.shape}, expected {shape}")
            if np.any(np.isnan(value)):
                raise ValueError(f"LargeScaleDraw.{name} contains NaN")
        if np.any(np.isposinf(self.kappa_db)):
            raise ValueError("LargeScaleDraw.kappa_db must be < +inf dB (use a large finite value)")
        for name in ("shadow_fading_db", "clutter_loss_db"):
            if not np.all(np.isfinite(getattr(self, name))):
                raise ValueError(f"LargeScaleDraw.{name} must be finite")
        cl = np.asarray(self.clutter_loss_db, dtype=float)
        if np.any(cl < 0):
            raise ValueError(f"LargeScaleDraw.clutter_loss_db must be >= 0 dB, got {cl.min()!r}")

    @property
    def shape(self) -> tuple[int, int]:
        """(S, K)."""
        return tuple(np.shape(self.los))  # type: ignore[return-value]

    @property
    def kappa(self) -> np.ndarray:
        """(S, K) linear K-factor (0 for NLOS)."""
        return np.power(10.0, np.asarray(self.kappa_db, dtype=float) / 10.0)


def draw_link_parameters(
    elevation_rad: np.ndarray,
    *,
    scenario: str,
    band: str,
    carrier_hz: float,
    rng: np.random.Generator,
) -> LargeScaleDraw:
    """Draw LOS state, K-factor and shadow fading for every (s, k) link of one drop.

    Always consumes three (S, K) blocks from ``rng`` in the same order (uniforms for LOS, normals
    for the K-factor, normals for shadow fading), whatever the scenario, so drops with the same
    seed share their random numbers across scenarios.

    Parameters
    ----------
    elevation_rad : (S, K) link elevations (rad)
    scenario : (one of ``SCENARIOS``)
    band : ("s" or "ka")
    carrier_hz : f0 (Hz)
    rng : a numpy Generator

    Returns
    -------
    (S, K) draws
    """
    el_deg = check_elevation_deg(np.degrees(np.asarray(elevation_rad, dtype=float)))
    rng = check_rng(rng)
    u_los = rng.random(el_deg.shape)
    z_k = rng.standard_normal(el_deg.shape)
    z_sf = rng.standard_normal(el_deg.shape)
    los = u_los < los_probability(el_deg, scenario)
    k_mean, k_std = k_factor_db(el_deg, scenario, band, carrier_hz)
    kappa_db = np.where(los, k_mean + k_std * z_k, -np.inf)
    sf_db = shadow_fading_std_db(el_deg, scenario, band, los) * z_sf
    cl_db = np.where(los, 0.0, clutter_loss_db(el_deg, scenario, band))
    return LargeScaleDraw(los=los, kappa_db=kappa_db, shadow_fading_db=sf_db, clutter_loss_db=cl_db)
