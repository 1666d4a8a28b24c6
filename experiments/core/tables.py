"""Result-table columns shared by the experiment kinds; each kind lists its own columns.

One tidy row per (drop, ...) of a kind; a kind's module documents its own columns and builds
its column list from the groups below, so a shared column is declared once. Types are Arrow type
names ("int64", "float64", "str", "bool", "timestamp"), converted to a pyarrow schema by
``experiments.store`` (worker processes never import pyarrow). Reading a table with pandas gives
int64, float64, str, bool and datetime64[ns, UTC]. Units are SI unless the name says otherwise
(``_dbm``, ``_db``, ``_deg``).

Columns common to every drop-based kind (``COMMON``)
    run_id (str)            first 12 hex digits of the config hash
    drop (int64)            drop index i (the per-drop seed is SeedSequence(seed, spawn_key=(i, a)))
    attempt (int64)         attempt a that found a valid cooperative set (0 unless re-drawn)
    seed (int64)            root seed (entropy) of the run
    epoch_utc (timestamp)   epoch of the drop (timeline: of the row's evaluation epoch)
    centre_lat_deg, centre_lon_deg (float64)  coverage centre, geodetic degrees
    n_users, n_satellites (int64)  K and S of the row
    n_excluded (int64)      satellites left out of the drop's selection because SGP4 failed or
                            their altitude was not physical (stale TLE sets; 0 for Walker shells)
Rate columns (``RATES``, every kind that designs and evaluates precoders)
    p_tx_dbm (float64)      per-satellite transmit power of the master (dBm)
    zeta2 (float64)         mean phase-error variance of the links (rad^2)
    kappa_db (float64)      fixed K-factor (dB); NaN = the scenario's K-factor model
    scheme (str)            the precoding scheme (``precoding.ALL_SCHEMES``) or the reference
                            "ic-wmmse" (``precoding.REFERENCES``)
    r_e, r_ap1, r_ap2 (float64)  sum rates, bit/s/Hz: Monte Carlo R_E, eq. (13), conventional MSE
    r_e_stderr (float64)    Monte Carlo standard error of r_e (std of the per-sample sum rate
                            over sqrt(n), bit/s/Hz); the drop's own draws, not the across-drop
                            spread of the figures' bands
    n_iterations (int64)    iterations run by the scheme (0 for closed forms)
    power_used_max_w, power_used_max_dbm (float64)  max over satellites of the power used
    power_used_share (float64)  power used by all satellites over the sum of their budgets
Timing columns (``STAGE_TIMES`` per drop or step, ``ROW_TIMES`` per row): wall time of the
geometry, channel, precoding and evaluation stages, in s; measurements, not reproducible content.

Skipped drops (``skipped.parquet``, ``SKIPPED``): run_id, drop, attempt, seed, step (int64, -1
if none), epoch_utc, reason (str).

Parquet key-value metadata of every file: ``coopsat.config`` (JSON), ``coopsat.config_hash``,
``coopsat.version``, ``coopsat.seed``, ``coopsat.kind``.
"""

from __future__ import annotations

Columns = tuple[tuple[str, str], ...]

COMMON: Columns = (
    ("run_id", "str"),
    ("drop", "int64"),
    ("attempt", "int64"),
    ("seed", "int64"),
    ("epoch_utc", "timestamp"),
    ("centre_lat_deg", "float64"),
    ("centre_lon_deg", "float64"),
    ("n_users", "int64"),
    ("n_satellites", "int64"),
    ("n_excluded", "int64"),
)
RATES: Columns = (
    ("p_tx_dbm", "float64"),
    ("zeta2", "float64"),
    ("kappa_db", "float64"),
    ("scheme", "str"),
    ("r_e", "float64"),
    ("r_e_stderr", "float64"),
    ("r_ap1", "float64"),
    ("r_ap2", "float64"),
    ("n_iterations", "int64"),
    ("power_used_max_w", "float64"),
    ("power_used_max_dbm", "float64"),
    ("power_used_share", "float64"),
)
SWEEP_INPUTS: Columns = (
    ("point", "int64"), ("n_antennas", "int64"), ("power_offset_db", "float64"),
)
"""The sweep point of a row (index into the run's sweep, ``experiments.sweeping.sweep_points``)
and the swept inputs not in ``RATES``: N_T of each satellite, the others' budget offset (dB)."""
STAGE_TIMES: Columns = (("time_geometry_s", "float64"), ("time_channel_s", "float64"))
ROW_TIMES: Columns = (("time_precoding_s", "float64"), ("time_evaluation_s", "float64"))
SKIPPED: Columns = (
    ("run_id", "str"),
    ("drop", "int64"),
    ("attempt", "int64"),
    ("seed", "int64"),
    ("step", "int64"),
    ("epoch_utc", "timestamp"),
    ("reason", "str"),
)
SKIPPED_SORT = ("drop", "attempt", "step")

TIMING_COLUMNS = tuple(name for name, _ in STAGE_TIMES + ROW_TIMES)
PANDAS_DTYPES = {
    "str": "str",
    "int64": "int64",
    "float64": "float64",
    "bool": "bool",
    "timestamp": "datetime64[ns, UTC]",
}


def reproducible_columns(columns) -> list[str]:
    """The columns that must be identical between runs (all but the wall-time measurements)."""
    return [c for c in columns if c not in TIMING_COLUMNS]


def pandas_dtypes(columns: Columns) -> dict[str, str]:
    """Expected pandas dtype names (``str(df[c].dtype)``) of a table with ``columns`` read back."""
    return {name: PANDAS_DTYPES[kind] for name, kind in columns}
