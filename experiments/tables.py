"""Result-table schemas: one tidy row per (drop, sweep point, scheme[, iteration | epoch]).

The pyarrow schemas below are the single source of truth; reading a table with pandas gives the
dtypes in brackets. Units are SI unless the name says otherwise (``_dbm``, ``_db``, ``_deg``).

Columns common to every kind
    run_id (str)            first 12 hex digits of the config hash
    drop (int64)            drop index i (the per-drop seed is SeedSequence(seed, spawn_key=(i, a)))
    attempt (int64)         attempt a that found a valid cooperative set (0 unless re-drawn)
    seed (int64)            root seed (entropy) of the run
    epoch_utc (datetime64[ns, UTC])  epoch of the drop (timeline: of the step)
    centre_lat_deg, centre_lon_deg (float64)  coverage centre, geodetic degrees
    n_users, n_satellites (int64)  K and S of the row
    time_geometry_s, time_channel_s (float64)  wall time of those stages for the drop (or step),
                            repeated on its rows; measurements, not part of the reproducible content

kind = "sweep" (Fig. 3, 4, 6) adds
    point (int64)           sweep-point index (Cartesian product of kappa_db, zeta2, S, p_tx_dbm)
    p_tx_dbm, zeta2, kappa_db (float64)  swept inputs; kappa_db NaN = the scenario's K-factor model
    scheme (str)            one of precoding.SCHEMES
    r_e, r_ap1, r_ap2 (float64)  sum rates, bit/s/Hz: Monte Carlo R_E, eq. (13), conventional MSE
    n_iterations (int64)    iterations run by the scheme (0 for closed-form SS-MMSE)
    power_used_max_w, power_used_max_dbm (float64)  max over satellites of the transmit power used
    time_precoding_s, time_evaluation_s (float64)  per row
kind = "convergence" (Fig. 5): the sweep columns plus ``iteration`` (int64); r_* evaluated at the
    precoder of that iteration (iteration 0 = the initialiser).
kind = "delay" (Fig. 2)
    threshold_s (float64), threshold_label (str: "grid", "T" data duration, "T_sym" with CP),
    p_exceed (float64)      fraction of (s1 < s2, l != k) pairs with Delta tau > threshold
    n_pairs (int64)
kind = "timeline"
    step (int64)            step of the time grid (mode "aged": the origin step)
    time_s (float64)        offset of the epoch the rate is evaluated at from the area's first
                            epoch (``epoch_utc`` is that epoch)
    csi_age_s (float64)     age of the statistical CSI the precoders were computed from:
                            0 (recomputed), time_s (reused), the swept age (aged)
    mode (str)              "recomputed" (precoders from the CSI of each epoch), "reused"
                            (precoders of step 0 kept while the geometry drifts) or "aged"
                            (precoders of an origin step evaluated csi_age_s later, on a log
                            grid of ages, every timeline.age_origin_every steps)
    scheme, p_tx_dbm, zeta2, kappa_db, r_e, r_ap1, r_ap2, n_iterations, power_used_max_w,
    power_used_max_dbm, time_precoding_s, time_evaluation_s: as for "sweep"
    sat_set (str)           comma-separated satellite indices of the set that transmits
    set_changed (bool)      the nearest-S set differs from the previous step's (aged: the
                            nearest-S set at the evaluation epoch differs from the origin's)
    min_elevation_deg (float64)  lowest elevation over the transmitting set and the UTs
    valid (bool)            every link of the transmitting set is above the elevation mask
                            (always True when recomputed); reused rates stay computed while all
                            links are above the horizon, NaN beyond

Skipped drops (``skipped.parquet``): run_id, drop, attempt, seed, step (int64, -1 if none),
epoch_utc, reason (str).

Parquet key-value metadata of every file: ``coopsat.config`` (JSON), ``coopsat.config_hash``,
``coopsat.version``, ``coopsat.seed``, ``coopsat.kind``.
"""

from __future__ import annotations

import pyarrow as pa

_STR = pa.string()
_I64 = pa.int64()
_F64 = pa.float64()
_TS = pa.timestamp("ns", tz="UTC")

_COMMON = [
    ("run_id", _STR),
    ("drop", _I64),
    ("attempt", _I64),
    ("seed", _I64),
    ("epoch_utc", _TS),
    ("centre_lat_deg", _F64),
    ("centre_lon_deg", _F64),
    ("n_users", _I64),
    ("n_satellites", _I64),
]
_RATES = [
    ("p_tx_dbm", _F64),
    ("zeta2", _F64),
    ("kappa_db", _F64),
    ("scheme", _STR),
    ("r_e", _F64),
    ("r_ap1", _F64),
    ("r_ap2", _F64),
    ("n_iterations", _I64),
    ("power_used_max_w", _F64),
    ("power_used_max_dbm", _F64),
]
_STAGE_TIMES = [("time_geometry_s", _F64), ("time_channel_s", _F64)]
_ROW_TIMES = [("time_precoding_s", _F64), ("time_evaluation_s", _F64)]

SCHEMAS: dict[str, pa.Schema] = {
    "sweep": pa.schema([*_COMMON, ("point", _I64), *_RATES, *_STAGE_TIMES, *_ROW_TIMES]),
    "convergence": pa.schema(
        [*_COMMON, ("point", _I64), *_RATES, ("iteration", _I64), *_STAGE_TIMES, *_ROW_TIMES]
    ),
    "delay": pa.schema(
        [
            *_COMMON,
            ("threshold_s", _F64),
            ("threshold_label", _STR),
            ("p_exceed", _F64),
            ("n_pairs", _I64),
            *_STAGE_TIMES,
        ]
    ),
    "timeline": pa.schema(
        [
            *_COMMON,
            ("step", _I64),
            ("time_s", _F64),
            ("csi_age_s", _F64),
            ("mode", _STR),
            *_RATES,
            ("sat_set", _STR),
            ("set_changed", pa.bool_()),
            ("min_elevation_deg", _F64),
            ("valid", pa.bool_()),
            *_STAGE_TIMES,
            *_ROW_TIMES,
        ]
    ),
}

SKIPPED_SCHEMA = pa.schema(
    [
        ("run_id", _STR),
        ("drop", _I64),
        ("attempt", _I64),
        ("seed", _I64),
        ("step", _I64),
        ("epoch_utc", _TS),
        ("reason", _STR),
    ]
)

SORT_KEYS: dict[str, list[str]] = {
    "sweep": ["drop", "point", "scheme"],
    "convergence": ["drop", "point", "scheme", "iteration"],
    "delay": ["drop", "threshold_s", "threshold_label"],
    "timeline": ["drop", "step", "mode", "scheme", "csi_age_s"],
}

TIMING_COLUMNS = (
    "time_geometry_s",
    "time_channel_s",
    "time_precoding_s",
    "time_evaluation_s",
)


def reproducible_columns(columns) -> list[str]:
    """The columns that must be identical between runs (all but the wall-time measurements)."""
    return [c for c in columns if c not in TIMING_COLUMNS]


def pandas_dtypes(kind: str) -> dict[str, str]:
    """Expected pandas dtype names (``str(df[c].dtype)``) of a table of ``kind`` read back."""
    names = {
        pa.string(): "str",
        pa.int64(): "int64",
        pa.float64(): "float64",
        pa.bool_(): "bool",
        _TS: "datetime64[ns, UTC]",
    }
    schema = SKIPPED_SCHEMA if kind == "skipped" else SCHEMAS[kind]
    return {f.name: names[f.type] for f in schema}
