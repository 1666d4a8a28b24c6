"""Animation of a timeline area: the drop view over time with the sum-rate trace below.

Each frame shows the first area's cap and UTs, the nearest-S set of that step (the master a
star) with its +-5 min ground tracks and links, and, below, R_E of the recomputed precoders vs
time with a cursor at the frame's epoch and the moments the cooperative set changes marked.
The geometry is recomputed from the config (a drop is a pure function of config, index and
seed, so the UTs are the table's); the rates come from the stored table. GIF through Pillow,
MP4 through ffmpeg (``timeline.animation``).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.animation import FFMpegWriter, PillowWriter

from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.core.drops import find_drop
from coopsat.experiments.views.coastlines import read_coastlines
from coopsat.experiments.views.maps import cap_outline_deg, draw_drop_map, map_extent_deg
from coopsat.experiments.views.scene import scene_of
from coopsat.experiments.views.style import SUM_RATE, X_LABELS, rc, scheme_styles

FRAME_DPI = 150
FRAMES_PER_S = 4
FIGSIZE_IN = (3.5, 4.2)


def _frames(table: pd.DataFrame, config):
    """(time_s, scene, set_changed) of every step of the table's first area."""
    rec = table[table["mode"] == "recomputed"]
    drop = int(rec["drop"].min())
    steps = rec[rec["drop"] == drop].drop_duplicates("step").sort_values("step")
    found = find_drop(config, drop, config.drop.n_satellites, [])
    const = constellation_for(config.constellation)
    for row in steps.itertuples():
        index = np.array([int(i) for i in row.sat_set.split(",")])
        epoch = pd.Timestamp(row.epoch_utc).to_pydatetime()
        yield float(row.time_s), scene_of(const, found.geometry, epoch, index), bool(
            row.set_changed)


def animate(table: pd.DataFrame, config, base: Path) -> list[Path]:
    """Write ``base``.gif (or .mp4 with ``timeline.animation = "mp4"``); returns its path."""
    frames = list(_frames(table, config))
    first = frames[0][1]
    cap_lat, cap_lon = cap_outline_deg(first.centre_lat_deg, first.centre_lon_deg,
                                       config.drop.radius_m)
    extent = map_extent_deg(
        first.centre_lat_deg, first.centre_lon_deg,
        np.concatenate([cap_lat, *[f[1].sat_lat_deg for f in frames]]),
        np.concatenate([cap_lon, *[f[1].sat_lon_deg for f in frames]]),
    )
    coast = read_coastlines()
    rec = table[(table["mode"] == "recomputed") & (table["drop"] == table["drop"].min())]
    mp4 = config.section("timeline").animation == "mp4"
    path = base.with_name(base.name + (".mp4" if mp4 else ".gif"))
    writer = FFMpegWriter(fps=FRAMES_PER_S) if mp4 else PillowWriter(fps=FRAMES_PER_S)
    with plt.rc_context(rc()):
        fig, (ax_map, ax_rate) = plt.subplots(
            2, 1, figsize=FIGSIZE_IN, gridspec_kw={"height_ratios": (2.2, 1)}
        )
        cursor = _draw_trace(ax_rate, rec, [t for t, _, ch in frames if ch])
        fig.tight_layout(pad=0.4, rect=(0.0, 0.0, 1.0, 0.97))  # room for the map title
        with writer.saving(fig, str(path), dpi=FRAME_DPI):
            for t, scene, _ in frames:
                ax_map.clear()
                draw_drop_map(
                    ax_map, centre_lat_deg=scene.centre_lat_deg,
                    centre_lon_deg=scene.centre_lon_deg, ut_lat_deg=scene.ut_lat_deg,
                    ut_lon_deg=scene.ut_lon_deg, ut_value=np.zeros(scene.ut_lat_deg.size),
                    value_label="", sat_lat_deg=scene.sat_lat_deg,
                    sat_lon_deg=scene.sat_lon_deg, track_lat_deg=scene.track_lat_deg,
                    track_lon_deg=scene.track_lon_deg, track_offset_s=scene.track_offset_s,
                    coastlines=coast, radius_m=config.drop.radius_m, extent_deg=extent,
                    value_range=(-1.0, 1.0), cmap="Greys", colorbar=False,
                )
                ax_map.set_title(f"t = {t:.0f} s; set {','.join(map(str, scene.sat_index))}",
                                 fontsize=7)
                cursor.set_xdata([t, t])
                writer.grab_frame()
        plt.close(fig)
    return [path]


def _draw_trace(ax, rec: pd.DataFrame, changes: list[float]):
    """R_E vs time per scheme, set changes as dotted lines; returns the moving cursor."""
    for scheme, st in scheme_styles(rec["scheme"]).items():
        sub = rec[rec["scheme"] == scheme].sort_values("time_s")
        ax.plot(sub["time_s"], sub["r_e"], color=st.colour, linestyle=st.linestyle,
                label=st.label)
    for i, t in enumerate(changes):  # thin dash-dot in a light violet: unlike any scheme's line
        ax.axvline(t, color="tab:pink", alpha=0.6, linestyle="-.", linewidth=0.6,
                   label="set change" if i == 0 else None)
    ax.set_xlabel(X_LABELS["time_s"])
    ax.set_ylabel(SUM_RATE.replace("Average sum", "Sum"))
    ax.set_ylim(bottom=0)
    ax.grid(True, linewidth=0.3, alpha=0.6)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=6, frameon=False, ncol=3)
    return ax.axvline(0.0, color="black", linewidth=1.0)
