"""Figure and summary of kind "show": the drop view (map with the UTs coloured by their rate,
the cooperating satellites, their tracks and links; sky plot; key) of each drop."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from coopsat.experiments.views.skyplot import drop_view_figure
from coopsat.experiments.views.style import FIGURE_FORMATS, Formats, save, scheme_styles

MAX_FIGURES = 12  # one figure per drop; a run of many drops draws the first ones


def _arrays(t: pd.DataFrame, element: str, column: str, n_sat: int | None = None) -> np.ndarray:
    sub = t[t["element"] == element].sort_values(["index", "offset_s"])
    values = sub[column].to_numpy()
    return values if n_sat is None else values.reshape(n_sat, -1)


def plot_drop(t: pd.DataFrame, config, base: Path, formats: Formats = FIGURE_FORMATS) -> list[Path]:
    """The drop view of one drop's rows."""
    n_sat = int((t["element"] == "satellite").sum())
    tracks = t[(t["element"] == "track") & (t["index"] == 0)].sort_values("offset_s")
    first = t.iloc[0]
    fig = drop_view_figure(
        centre_lat_deg=float(first["centre_lat_deg"]),
        centre_lon_deg=float(first["centre_lon_deg"]),
        ut_lat_deg=_arrays(t, "ut", "lat_deg"),
        ut_lon_deg=_arrays(t, "ut", "lon_deg"),
        ut_value=_arrays(t, "ut", "rate_bps_hz"),
        value_label=f"$R_k$ of {scheme_styles([first['scheme']])[first['scheme']].label} "
        "(bit/s/Hz)",
        sat_lat_deg=_arrays(t, "satellite", "lat_deg"),
        sat_lon_deg=_arrays(t, "satellite", "lon_deg"),
        track_lat_deg=_arrays(t, "track", "lat_deg", n_sat),
        track_lon_deg=_arrays(t, "track", "lon_deg", n_sat),
        track_offset_s=tracks["offset_s"].to_numpy(),
        sky_azimuth_deg=_arrays(t, "satellite", "azimuth_deg"),
        sky_elevation_deg=_arrays(t, "satellite", "elevation_deg"),
        sky_track_azimuth_deg=_arrays(t, "track", "azimuth_deg", n_sat),
        sky_track_elevation_deg=_arrays(t, "track", "elevation_deg", n_sat),
        min_elevation_deg=config.drop.min_elevation_deg,
        radius_m=config.drop.radius_m,
        title=f"Drop {int(first['drop'])}, {pd.Timestamp(first['epoch_utc']):%Y-%m-%d %H:%M:%S} "
        f"UTC, {first['p_tx_dbm']:g} dBm",
    )
    return save(fig, base, formats)


def plot(
    table: pd.DataFrame, config, base: Path, extra: dict, formats: Formats = FIGURE_FORMATS
) -> list[Path]:
    """One drop view per drop (``NAME`` for a single drop, ``NAME_dropI`` for several)."""
    drops = sorted(table["drop"].unique())[:MAX_FIGURES]
    paths: list[Path] = []
    for d in drops:
        name = base if len(drops) == 1 else base.with_name(f"{base.name}_drop{d}")
        paths += plot_drop(table[table["drop"] == d], config, name, formats=formats)
    return paths


def summary(table: pd.DataFrame, config, extra: dict) -> list[str]:
    """Per drop: centre, epoch, the cooperative set with elevations, and the sum rate."""
    lines = []
    for d, t in table.groupby("drop"):
        sats = t[t["element"] == "satellite"].sort_values("index")
        uts = t[t["element"] == "ut"]
        first = t.iloc[0]
        sat_text = ", ".join(f"{int(i)} ({el:.0f} deg)" for i, el in
                             zip(sats["sat_id"], sats["elevation_deg"], strict=True))
        lines.append(
            f"drop {d}: centre ({first['centre_lat_deg']:.2f}, {first['centre_lon_deg']:.2f}) "
            f"deg at {pd.Timestamp(first['epoch_utc']):%Y-%m-%d %H:%M:%S} UTC; satellites "
            f"{sat_text}; sum R_E of {first['scheme']} {uts['rate_bps_hz'].sum():.1f} bit/s/Hz"
        )
    return lines
