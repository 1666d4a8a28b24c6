"""The sky plot and the whole drop view (map + sky plot + key), drawn from arrays.

Sky plot: polar axes with north up, azimuth clockwise from north, radius ``90 - elevation``
(zenith at the centre, horizon at the rim), the elevation mask drawn as a circle.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from coopsat.experiments.views.coastlines import read_coastlines
from coopsat.experiments.views.maps import (
    CAP_STYLE,
    DROP_VIEW_FIGSIZE_IN,
    FONT_PT,
    FUTURE_STYLE,
    LINK_STYLE,
    MASK_STYLE,
    PAST_STYLE,
    check_master,
    check_tracks,
    draw_drop_map,
    draw_satellites,
    draw_tracks,
    line_kwargs,
    rc,
    same_shape,
)
from coopsat.experiments.views.style import SAVE_DPI

# --- the sky plot -------------------------------------------------------------------------

def sky_polar(azimuth_deg, elevation_deg) -> tuple[np.ndarray, np.ndarray]:
    """Polar-axes coordinates of the sky plot: (theta_rad, r_deg) = (azimuth, 90 - elevation).

    With ``setup_sky_axes`` (north up, clockwise) theta is drawn clockwise from north and the
    zenith (elevation 90) falls on the centre, the horizon (elevation 0) on the rim at r = 90.
    """
    return np.radians(np.asarray(azimuth_deg, dtype=float)), \
        90.0 - np.asarray(elevation_deg, dtype=float)


def setup_sky_axes(ax) -> None:
    """Polar axes as a sky plot: north up, azimuth clockwise, elevation rings 0/30/60 deg."""
    if getattr(ax, "name", None) != "polar":
        raise ValueError(f"the sky plot needs polar axes (projection='polar'), got "
                         f"{getattr(ax, 'name', type(ax).__name__)!r}")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    ax.set_rlim(0.0, 90.0)
    ax.set_rticks([30.0, 60.0, 90.0])
    ax.set_yticklabels(["60°", "30°", ""], color="0.35", fontsize=FONT_PT - 2)
    ax.set_rlabel_position(157.5)
    ax.set_xticks(np.radians([0.0, 90.0, 180.0, 270.0]))
    ax.set_xticklabels(["N", "E", "S", "W"])
    ax.tick_params(pad=0.5)
    ax.grid(True, linewidth=0.4, color="0.75")


def draw_sky_plot(
    ax,
    azimuth_deg,
    elevation_deg,
    *,
    min_elevation_deg: float,
    master: int = 0,
    track_azimuth_deg=None,
    track_elevation_deg=None,
    track_offset_s=None,
):
    """Sky plot of the cooperative set seen from the centre, on polar axes.

    Parameters
    ----------
    azimuth_deg, elevation_deg : (S,) of the satellites at the epoch (azimuth clockwise from
        north)
    min_elevation_deg : the elevation mask, drawn as a dashed circle with the sky below it
        shaded
    master : the index drawn as a star (the others numbered 1..S as on the map)
    track_azimuth_deg, track_elevation_deg : optional (S, T) tracks at ``track_offset_s`` (T,):
        past dotted, future solid with an arrowhead, below the horizon left out

    Returns
    -------
    the PathCollection of the satellites
    """
    setup_sky_axes(ax)
    az, el = same_shape("satellite", azimuth_deg, elevation_deg)
    check_master(master, az.size)
    if not (isinstance(min_elevation_deg, (int, float)) and 0.0 <= min_elevation_deg < 90.0):
        raise ValueError(f"min_elevation_deg must be in [0, 90) deg, got {min_elevation_deg!r}")
    ring = np.linspace(0.0, 2.0 * np.pi, 361)
    ax.fill_between(ring, 90.0 - min_elevation_deg, 90.0, color="0.88", zorder=0, linewidth=0)
    ax.plot(ring, np.full_like(ring, 90.0 - min_elevation_deg), **MASK_STYLE)
    if track_azimuth_deg is not None:
        t_el, t_az, offsets = check_tracks(track_elevation_deg, track_azimuth_deg,
                                            track_offset_s, az.size)
        theta, r = sky_polar(t_az, np.where(t_el >= 0.0, t_el, np.nan))
        draw_tracks(ax, np.unwrap(theta, axis=-1), r, offsets)
    theta, r = sky_polar(az, el)
    return draw_satellites(ax, theta, r, master)


def drop_view_figure(
    *,
    centre_lat_deg: float,
    centre_lon_deg: float,
    ut_lat_deg,
    ut_lon_deg,
    ut_value,
    value_label: str,
    sat_lat_deg,
    sat_lon_deg,
    track_lat_deg,
    track_lon_deg,
    track_offset_s,
    sky_azimuth_deg,
    sky_elevation_deg,
    min_elevation_deg: float,
    radius_m: float | None = None,
    master: int = 0,
    sky_track_azimuth_deg=None,
    sky_track_elevation_deg=None,
    coastlines: tuple[np.ndarray, np.ndarray] | None = None,
    value_range: tuple[float, float] | None = None,
    title: str | None = None,
):
    """The drop view as one figure, 3.5 in wide: the map on top, the sky plot and the legend
    below. Arguments as ``draw_drop_map`` and ``draw_sky_plot`` (``sky_*`` are the latter's);
    ``coastlines`` defaults to ``read_coastlines()``. Returns the Figure, laid out by
    matplotlib's constrained layout: save it with ``experiments.style.save`` (which keeps that
    layout).
    """
    coastlines = read_coastlines() if coastlines is None else coastlines
    with plt.rc_context(rc()):
        fig = plt.figure(figsize=DROP_VIEW_FIGSIZE_IN, layout="constrained", dpi=SAVE_DPI)
        grid = fig.add_gridspec(2, 2, height_ratios=(1.2, 1.0), width_ratios=(1.15, 1.0))
        ax_map = fig.add_subplot(grid[0, :])
        ax_sky = fig.add_subplot(grid[1, 0], projection="polar")
        ax_key = fig.add_subplot(grid[1, 1])
        draw_drop_map(
            ax_map, centre_lat_deg=centre_lat_deg, centre_lon_deg=centre_lon_deg,
            ut_lat_deg=ut_lat_deg, ut_lon_deg=ut_lon_deg, ut_value=ut_value,
            value_label=value_label, sat_lat_deg=sat_lat_deg, sat_lon_deg=sat_lon_deg,
            track_lat_deg=track_lat_deg, track_lon_deg=track_lon_deg,
            track_offset_s=track_offset_s, coastlines=coastlines, radius_m=radius_m,
            master=master, value_range=value_range,
        )
        draw_sky_plot(
            ax_sky, sky_azimuth_deg, sky_elevation_deg, min_elevation_deg=min_elevation_deg,
            master=master, track_azimuth_deg=sky_track_azimuth_deg,
            track_elevation_deg=sky_track_elevation_deg, track_offset_s=track_offset_s,
        )
        ax_key.axis("off")
        span_min = float(np.max(np.abs(track_offset_s))) / 60.0
        ax_key.legend(handles=legend_handles(min_elevation_deg, span_min, radius_m),
                      loc="center", frameon=False, handlelength=2.2, borderaxespad=0.0)
        if title:
            fig.suptitle(title)
    return fig


def legend_handles(min_elevation_deg: float, span_min: float, radius_m: float | None):
    """Proxy artists explaining the drop view's symbols (for a legend)."""
    handles = [
        Line2D([], [], linestyle="none", marker="o", markersize=3.2, markerfacecolor="0.55",
               markeredgecolor="black", markeredgewidth=0.25, label="UT"),
        Line2D([], [], linestyle="none", marker="+", markersize=6, color="black",
               label="Cap centre"),
        Line2D([], [], linestyle="none", marker="*", markersize=8, color="black",
               label="Master satellite"),
        Line2D([], [], linestyle="none", marker="o", markersize=4.5, markerfacecolor="white",
               markeredgecolor="black", label="Other satellites"),
        Line2D([], [], label=f"Track, next {span_min:g} min", **line_kwargs(FUTURE_STYLE)),
        Line2D([], [], label=f"Track, last {span_min:g} min", **line_kwargs(PAST_STYLE)),
        Line2D([], [], label="Link (map)", **line_kwargs(LINK_STYLE)),
        Line2D([], [], label=f"{min_elevation_deg:g}° mask (sky)", **line_kwargs(MASK_STYLE)),
    ]
    if radius_m is not None:
        handles.insert(2, Line2D([], [], label=f"Cap, {radius_m / 1e3:g} km",
                                 **line_kwargs(CAP_STYLE)))
    return handles


