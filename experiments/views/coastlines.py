"""Coastlines for the drop view: the shipped Natural Earth 1:110m polylines (read once per
process), longitude wrapping and clipping to a map's extent, and drawing them."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D

from coopsat.constellation.resources import data_path

COASTLINE_FILE = ("coastlines", "natural_earth_110m_coastline.csv")
COASTLINE_HEADER = "lon_deg,lat_deg"
COAST_STYLE = {"color": "0.6", "linewidth": 0.5, "zorder": 1}

def read_coastlines(path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The shipped coastline polylines (read once per process) or a file of the same format
    at ``path``.

    Returns
    -------
    ``(lon_deg, lat_deg)``, each (M,), polylines separated by NaN entries (both NaN together)

    Raises
    ------
    ``ValueError`` naming the file when its header, a value or a range is wrong.
    """
    if path is None:
        lon, lat = _shipped_coastlines()
        return lon.copy(), lat.copy()
    return _coastline_file(Path(path))


@functools.cache
def _shipped_coastlines() -> tuple[np.ndarray, np.ndarray]:
    return _coastline_file(data_path(*COASTLINE_FILE))


def _coastline_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    rows = [line for line in path.read_text(encoding="ascii").splitlines()
            if line.strip() and not line.startswith("#")]
    if not rows or rows[0].strip() != COASTLINE_HEADER:
        got = rows[0].strip() if rows else "nothing"
        raise ValueError(f"{path}: expected the header {COASTLINE_HEADER!r}, got {got!r}")
    try:
        data = np.loadtxt(rows[1:], delimiter=",", ndmin=2, dtype=float)
    except ValueError as exc:
        raise ValueError(f"{path}: not two numbers per row ({exc})") from None
    if data.shape[1] != 2:
        raise ValueError(f"{path}: expected 2 columns, got {data.shape[1]}")
    lon, lat = data[:, 0], data[:, 1]
    if not np.array_equal(np.isnan(lon), np.isnan(lat)) or not np.all(
            np.isfinite(data) | np.isnan(data)):
        raise ValueError(f"{path}: separator rows must be 'nan,nan' and values finite")
    ok = np.isnan(lon) | ((np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0))
    if not ok.all():
        bad = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"{path}: point {bad} ({lon[bad]}, {lat[bad]}) is outside "
                         "[-180, 180] x [-90, 90] deg")
    return lon.copy(), lat.copy()


def wrap_longitude_deg(lon_deg, centre_lon_deg: float) -> np.ndarray:
    """Longitudes shifted by whole turns into ``[centre - 180, centre + 180)`` degrees."""
    return (np.asarray(lon_deg, dtype=float) - centre_lon_deg + 180.0) % 360.0 - 180.0 \
        + centre_lon_deg


def clip_polylines(lon_deg, lat_deg, extent_deg) -> tuple[np.ndarray, np.ndarray]:
    """NaN-separated polylines wrapped about the extent's centre and cut to the extent.

    Longitudes are wrapped into ``centre +- 180`` deg (``wrap_longitude_deg``) and a line is
    broken where a segment jumps by more than 180 deg (it crossed the far side). Points outside
    ``extent_deg = (lon_min, lon_max, lat_min, lat_max)`` become NaN, except the neighbours of
    inside points, so that lines run on to the frame (the axes clip them there).

    Returns
    -------
    ``(lon_deg, lat_deg)``, NaN-separated, without repeated, leading or trailing NaNs
    """
    x0, x1, y0, y1 = check_extent(extent_deg)
    lon = wrap_longitude_deg(lon_deg, 0.5 * (x0 + x1))
    lat = np.asarray(lat_deg, dtype=float)
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0) + 1
    lon = np.insert(lon, jumps, np.nan)
    lat = np.insert(lat, jumps, np.nan)
    inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    keep = inside.copy()
    keep[1:] |= inside[:-1]
    keep[:-1] |= inside[1:]
    lon = np.where(keep, lon, np.nan)
    lat = np.where(keep, lat, np.nan)
    gap = np.isnan(lon)
    keep = ~(gap & np.concatenate(([True], gap[:-1])))  # first NaN of each run only
    lon, lat = lon[keep], lat[keep]
    if lon.size and np.isnan(lon[-1]):
        lon, lat = lon[:-1], lat[:-1]
    return lon, lat


def draw_coastlines(ax, coast_lon_deg, coast_lat_deg, extent_deg) -> Line2D:
    """Coastlines clipped to ``extent_deg`` as one grey line; returns the Line2D."""
    lon, lat = clip_polylines(coast_lon_deg, coast_lat_deg, extent_deg)
    (line,) = ax.plot(lon, lat, **COAST_STYLE)
    return line


def check_extent(extent_deg) -> tuple[float, float, float, float]:
    ext = np.asarray(extent_deg, dtype=float).reshape(-1)
    if ext.size != 4 or not np.all(np.isfinite(ext)) or not (ext[0] < ext[1] and
                                                              ext[2] < ext[3]):
        raise ValueError(f"extent_deg must be finite (lon_min, lon_max, lat_min, lat_max) with "
                         f"min < max, got {extent_deg!r}")
    if ext[1] - ext[0] > 360.0 or ext[2] < -90.0 or ext[3] > 90.0:
        raise ValueError(f"extent_deg must span at most 360 deg of longitude within latitudes "
                         f"[-90, 90], got {extent_deg!r}")
    return tuple(float(v) for v in ext)
