"""Drop-view drawings: coastlines and the coverage-cap map (arrays in, no simulation); the sky
plot and the whole drop-view figure are in ``experiments.skyplot``.

Every function draws on a given matplotlib Axes from plain arrays in degrees (``*_deg``) and
metres; computing those arrays is the caller's job (``constellation.groundtrack``:
``subsatellite_points``, ``ground_tracks``, ``sky_coordinates``). ``read_coastlines`` reads the
shipped Natural Earth 1:110m coastline (``data/coastlines/``); nothing is downloaded.

Map: equirectangular (longitude, latitude in degrees) around the coverage cap, with the axes'
aspect set to ``1 / cos(centre latitude)`` so that distances are true to scale, in every
direction, at the centre's latitude (the equidistant cylindrical projection with its standard
parallel there). Longitudes are unwrapped about the centre, so a cap on the antimeridian is drawn
whole.

Sizes follow the other figures (``experiments.style``): IEEE single column (3.5 in wide), 8 pt
text; markers, line styles and a lightness-monotonic colour map (viridis) keep everything
readable in grey print.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import FuncFormatter

from coopsat.constellation.earth import destination
from coopsat.experiments.views import style
from coopsat.experiments.views.coastlines import (
    check_extent,
    draw_coastlines,
    wrap_longitude_deg,
)

WIDTH_IN = style.FIGSIZE_IN[0]
FONT_PT = style.FONT_PT
DROP_VIEW_FIGSIZE_IN = (WIDTH_IN, 4.9)
MAP_MARGIN_DEG = 1.5

CAP_STYLE = {"color": "black", "linewidth": 0.8, "linestyle": "-.", "zorder": 2}
LINK_STYLE = {"color": "0.35", "linewidth": 0.7, "linestyle": "--", "zorder": 3}
FUTURE_STYLE = {"color": "black", "linewidth": 0.9, "linestyle": "-", "zorder": 4}
PAST_STYLE = {"color": "black", "linewidth": 0.9, "linestyle": ":", "zorder": 4}
SAT_STYLE = {"marker": "o", "s": 22, "facecolor": "white", "edgecolor": "black",
             "linewidth": 0.9, "zorder": 6}
MASTER_STYLE = {"marker": "*", "s": 70, "facecolor": "black", "edgecolor": "black",
                "linewidth": 0.5, "zorder": 7}
CENTRE_STYLE = {"marker": "+", "s": 40, "color": "black", "linewidth": 1.0, "zorder": 7}
MASK_STYLE = {"color": "black", "linewidth": 0.8, "linestyle": "--", "zorder": 2}


def rc() -> dict:
    """The figures' rc settings (``experiments.style.rc``), with titles at 8 pt and tick
    labels at 7 pt (degree labels are long), for the drop view's size."""
    return {
        **style.rc(),
        "figure.figsize": DROP_VIEW_FIGSIZE_IN,
        "axes.titlesize": FONT_PT,
        "figure.titlesize": FONT_PT,
        "xtick.labelsize": FONT_PT - 1,
        "ytick.labelsize": FONT_PT - 1,
    }


# --- coastlines ---------------------------------------------------------------------------


# --- the coverage-cap map -----------------------------------------------------------------

def cap_outline_deg(centre_lat_deg: float, centre_lon_deg: float, radius_m: float,
                    n_points: int = 181) -> tuple[np.ndarray, np.ndarray]:
    """Closed outline of the spherical cap of great-circle radius ``radius_m`` (mean-radius
    sphere, as the UTs are sampled): (lat_deg, lon_deg), each (n_points,), longitude unwrapped
    about the centre."""
    bearing = np.linspace(0.0, 2.0 * np.pi, n_points)
    lat, lon = destination(math.radians(centre_lat_deg), math.radians(centre_lon_deg),
                           radius_m, bearing)
    return np.degrees(lat), wrap_longitude_deg(np.degrees(lon), centre_lon_deg)


def map_extent_deg(centre_lat_deg: float, centre_lon_deg: float, lat_deg, lon_deg,
                   margin_deg: float = MAP_MARGIN_DEG) -> tuple[float, float, float, float]:
    """(lon_min, lon_max, lat_min, lat_max) holding the centre and the given points, plus a
    margin; longitudes unwrapped about the centre, latitudes kept within [-90, 90]."""
    lat = np.append(np.ravel(np.asarray(lat_deg, dtype=float)), centre_lat_deg)
    lon = wrap_longitude_deg(np.append(np.ravel(np.asarray(lon_deg, dtype=float)),
                                       centre_lon_deg), centre_lon_deg)
    ok = np.isfinite(lat) & np.isfinite(lon)
    return (float(lon[ok].min() - margin_deg), float(lon[ok].max() + margin_deg),
            float(max(lat[ok].min() - margin_deg, -90.0)),
            float(min(lat[ok].max() + margin_deg, 90.0)))


def draw_drop_map(
    ax, *, centre_lat_deg: float, centre_lon_deg: float, ut_lat_deg, ut_lon_deg, ut_value,
    value_label: str, sat_lat_deg, sat_lon_deg, track_lat_deg, track_lon_deg, track_offset_s,
    coastlines: tuple[np.ndarray, np.ndarray], radius_m: float | None = None, master: int = 0,
    extent_deg=None, value_range: tuple[float, float] | None = None, cmap: str = "viridis",
    colorbar: bool = True,
):
    """Map of one drop: coastlines, the cap and its UTs coloured by a per-UT value, the
    cooperating satellites' sub-satellite points, their ground tracks and the link lines.

    Inputs (degrees unless said): the coverage centre (the link lines run from it to each
    sub-satellite point); UTs (K,) and the value that colours them (e.g. R_k in bit/s/Hz),
    labelled ``value_label`` on the colour bar (``value_range`` fixes its scale); sub-satellite
    points (S,) at the epoch, ``master`` drawn as a star, all numbered 1..S as in the sky plot;
    ground tracks (S, T) at ``track_offset_s`` (T,) from the epoch, past dotted, future solid
    with an arrowhead showing the direction of motion; ``coastlines`` (lon_deg, lat_deg)
    NaN-separated polylines (``read_coastlines()``); ``radius_m`` the cap radius (m, outline
    drawn when given); ``extent_deg`` (lon_min, lon_max, lat_min, lat_max), default the cap and
    the sub-satellite points plus ``MAP_MARGIN_DEG``.

    Returns
    -------
    the UTs' PathCollection (a ScalarMappable) and the Colorbar (or None)
    """
    ut_lat, ut_lon, ut_value = same_shape("UT", ut_lat_deg, ut_lon_deg, ut_value)
    check_master(master, np.size(sat_lat_deg))
    ut_lon = wrap_longitude_deg(ut_lon, centre_lon_deg)
    sat_lat, sat_lon, track_lat, track_lon, offsets = _map_satellites(
        centre_lon_deg, sat_lat_deg, sat_lon_deg, track_lat_deg, track_lon_deg, track_offset_s
    )
    if radius_m is not None:
        cap_lat, cap_lon = cap_outline_deg(centre_lat_deg, centre_lon_deg, radius_m)
    else:
        cap_lat, cap_lon = ut_lat, ut_lon
    if extent_deg is None:
        extent_deg = map_extent_deg(centre_lat_deg, centre_lon_deg,
                                    np.concatenate([cap_lat, sat_lat]),
                                    np.concatenate([cap_lon, sat_lon]))
    x0, x1, y0, y1 = check_extent(extent_deg)
    draw_coastlines(ax, *coastlines, extent_deg)
    if radius_m is not None:
        ax.plot(cap_lon, cap_lat, **CAP_STYLE)
    _draw_links(ax, centre_lon_deg, centre_lat_deg, sat_lon, sat_lat)
    draw_tracks(ax, track_lon, track_lat, offsets)
    vmin, vmax = value_range if value_range is not None else (None, None)
    uts = ax.scatter(ut_lon, ut_lat, c=ut_value, cmap=cmap, vmin=vmin, vmax=vmax, s=9,
                     marker="o", edgecolors="black", linewidths=0.25, zorder=5)
    ax.scatter([centre_lon_deg], [centre_lat_deg], **CENTRE_STYLE)

    _frame_map(ax, (x0, x1, y0, y1), centre_lat_deg)
    draw_satellites(ax, sat_lon, sat_lat, master)  # after the limits: labels placed on screen
    bar = None
    if colorbar:
        bar = ax.figure.colorbar(uts, ax=ax, shrink=0.9, pad=0.02, aspect=25)
        bar.set_label(value_label)
        bar.ax.tick_params(length=2, pad=1.5)
    return uts, bar


def _frame_map(ax, extent, centre_lat_deg: float) -> None:
    """Limits, true-to-scale aspect at the centre's latitude and degree tick labels."""
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect(1.0 / max(math.cos(math.radians(centre_lat_deg)), 0.05))
    ax.xaxis.set_major_formatter(FuncFormatter(_lon_label))
    ax.yaxis.set_major_formatter(FuncFormatter(_lat_label))
    ax.tick_params(length=2, pad=1.5)


def _map_satellites(centre_lon_deg, sat_lat_deg, sat_lon_deg, track_lat_deg, track_lon_deg,
                    track_offset_s):
    """Checked satellite points and tracks with longitudes unwrapped about the centre: each
    track continuous (no +-180 jumps) and shifted by whole turns next to its satellite."""
    sat_lat, sat_lon = same_shape("satellite", sat_lat_deg, sat_lon_deg)
    track_lat, track_lon, offsets = check_tracks(track_lat_deg, track_lon_deg, track_offset_s,
                                                  sat_lat.size)
    sat_lon = wrap_longitude_deg(sat_lon, centre_lon_deg)
    track_lon = np.degrees(np.unwrap(np.radians(track_lon), axis=-1))
    centre_idx = int(np.argmin(np.abs(offsets)))
    track_lon += sat_lon[:, None] - track_lon[:, centre_idx:centre_idx + 1]
    return sat_lat, sat_lon, track_lat, track_lon, offsets


# --- helpers ------------------------------------------------------------------------------

def _draw_links(ax, x0, y0, x, y) -> None:
    """Straight lines from (x0, y0) to every (x, y), drawn as one NaN-separated line."""
    n = np.size(x)
    xs = np.column_stack([np.full(n, x0), x, np.full(n, np.nan)]).ravel()
    ys = np.column_stack([np.full(n, y0), y, np.full(n, np.nan)]).ravel()
    ax.plot(xs, ys, **LINK_STYLE)


def draw_tracks(ax, x, y, offsets) -> None:
    """(S, T) tracks: past dotted, future solid, an arrowhead a quarter along the future part."""
    past, future = offsets <= 0.0, offsets >= 0.0
    for part, line_style in ((past, PAST_STYLE), (future, FUTURE_STYLE)):
        if part.sum() >= 2:
            xs = np.column_stack([x[:, part], np.full(len(x), np.nan)]).ravel()
            ys = np.column_stack([y[:, part], np.full(len(y), np.nan)]).ravel()
            ax.plot(xs, ys, **line_style)
    ahead = np.flatnonzero(offsets > 0.0)
    if ahead.size < 2:
        return
    i = ahead[max(ahead.size // 4 - 1, 0)]  # a quarter of the way: usually still in view
    for s in range(len(x)):  # a handful of arrowheads (S satellites), not a hot path
        tail, head = (x[s, i], y[s, i]), (x[s, i + 1], y[s, i + 1])
        if np.all(np.isfinite(tail + head)):
            ax.add_patch(FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=7,
                                         color="black", linewidth=0.8, shrinkA=0, shrinkB=0,
                                         zorder=4))


# Label positions tried around a satellite, in points from it (lower-left corner of the text),
# first choice first: upper right, upper left, lower right, lower left, above, below, right, left.
_LABEL_OFFSETS_PT = ((3.5, 2.5), (-8.0, 2.5), (3.5, -8.5), (-8.0, -8.5), (-2.0, 5.0),
                     (-2.0, -11.0), (6.0, -3.0), (-11.0, -3.0))
_LABEL_SIZE_PT = (4.0, 6.0)  # a one-digit label at FONT_PT - 2
_LABEL_CLEARANCE_PT = 7.0


def label_offsets(points_pt) -> list[tuple[float, float]]:
    """Offsets (points) of the labels of points at ``points_pt`` (S, 2), chosen greedily so
    that no label sits on another satellite or on a label placed before it: the first of
    ``_LABEL_OFFSETS_PT`` whose label centre keeps ``_LABEL_CLEARANCE_PT`` from them, else the
    one that keeps the most."""
    pts = np.asarray(points_pt, dtype=float).reshape(-1, 2)
    half = np.array(_LABEL_SIZE_PT) / 2.0
    candidates = np.array(_LABEL_OFFSETS_PT)
    placed: list[np.ndarray] = []
    out = []
    for s, p in enumerate(pts):
        obstacles = np.vstack([np.delete(pts, s, axis=0), *placed]) if len(pts) > 1 else None
        centres = p + candidates + half
        if obstacles is None or not np.all(np.isfinite(p)):
            best = 0
        else:
            gaps = np.linalg.norm(centres[:, None, :] - obstacles[None, :, :], axis=-1)
            clearance = np.nan_to_num(gaps, nan=np.inf).min(axis=1)
            clear = np.flatnonzero(clearance >= _LABEL_CLEARANCE_PT)
            best = int(clear[0]) if clear.size else int(np.argmax(clearance))
        placed.append(centres[best][None, :])
        out.append(tuple(candidates[best]))
    return out


def draw_satellites(ax, x, y, master: int):
    """Satellites as open circles, the master as a star, numbered 1..S with labels placed
    clear of each other (:func:`label_offsets`; call it once the axis limits are set);
    returns the circles."""
    others = np.arange(np.size(x)) != master
    circles = ax.scatter(x[others], y[others], **SAT_STYLE)
    ax.scatter([x[master]], [y[master]], **MASTER_STYLE)
    xy = np.column_stack([np.ravel(x), np.ravel(y)])
    points_pt = ax.transData.transform(xy) * 72.0 / ax.figure.dpi
    for s, offset in enumerate(label_offsets(points_pt)):  # S labels
        ax.annotate(str(s + 1), (xy[s, 0], xy[s, 1]), xytext=offset, textcoords="offset points",
                    fontsize=FONT_PT - 2, zorder=8)
    return circles


def line_kwargs(style: dict) -> dict:
    """The Line2D keywords (colour, width, style) of a drawing style."""
    return {k: v for k, v in style.items() if k in ("color", "linewidth", "linestyle")}


def _lon_label(x, _pos) -> str:
    lon = (x + 180.0) % 360.0 - 180.0
    if abs(lon) < 1e-9 or abs(abs(lon) - 180.0) < 1e-9:
        return f"{abs(lon):g}°"
    return f"{abs(lon):g}°{'E' if lon > 0 else 'W'}"


def _lat_label(y, _pos) -> str:
    if abs(y) < 1e-9:
        return "0°"
    return f"{abs(y):g}°{'N' if y > 0 else 'S'}"


def same_shape(what: str, *arrays) -> tuple[np.ndarray, ...]:
    """The arrays as equal non-empty 1-D float arrays, else a ValueError naming ``what``."""
    out = tuple(np.atleast_1d(np.asarray(a, dtype=float)) for a in arrays)
    if any(a.ndim != 1 or a.shape != out[0].shape for a in out) or out[0].size == 0:
        raise ValueError(f"{what} arrays must be equal non-empty 1-D arrays, got shapes "
                         f"{[a.shape for a in out]}")
    return out


def check_tracks(lat, lon, offsets, n_sat: int) -> tuple[np.ndarray, ...]:
    """(S, T) track latitudes/longitudes and increasing (T,) offsets as float arrays."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    offsets = np.asarray(offsets, dtype=float)
    if offsets.ndim != 1 or lat.shape != lon.shape or lat.shape != (n_sat, offsets.size):
        raise ValueError(f"tracks must be ({n_sat}, T) with offsets (T,), got {lat.shape}, "
                         f"{lon.shape} and {offsets.shape}")
    if not np.all(np.diff(offsets) > 0.0):
        raise ValueError("track_offset_s must increase")
    return lat, lon, offsets


def check_master(master, n_sat: int) -> None:
    """ValueError unless ``master`` is a satellite index in [0, n_sat)."""
    if isinstance(master, bool) or not isinstance(master, (int, np.integer)) or not (
            0 <= master < n_sat):
        raise ValueError(f"master must be an index in [0, {n_sat}), got {master!r}")
