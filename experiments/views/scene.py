"""The geometry of a drop as the drop view draws it: the UTs, the cooperating satellites'
sub-satellite points and ground tracks, and where they stand in the sky seen from the centre.

Computed from the constellation (``constellation.groundtrack``); used by the "show" kind (a
drop view per drop) and by the timeline's animation (one view per step).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from coopsat.constellation.geometry import DropGeometry
from coopsat.constellation.groundtrack import ground_tracks, sky_coordinates
from coopsat.constellation.orbits import Constellation
from coopsat.experiments.core.drops import skyfield_time


@dataclass(frozen=True, eq=False)
class Scene:
    """A drop view's arrays (degrees, seconds).

    Attributes
    ----------
    centre_lat_deg, centre_lon_deg : coverage centre.
    ut_lat_deg, ut_lon_deg : (K,) UT positions.
    sat_index : (S,) constellation indices of the cooperating satellites, master first.
    sat_lat_deg, sat_lon_deg : (S,) sub-satellite points at the epoch.
    azimuth_deg, elevation_deg : (S,) seen from the centre (azimuth clockwise from north).
    track_offset_s : (T,) offsets of the track epochs from the epoch, 0 included.
    track_lat_deg, track_lon_deg, track_azimuth_deg, track_elevation_deg : (S, T).
    """

    centre_lat_deg: float
    centre_lon_deg: float
    ut_lat_deg: np.ndarray
    ut_lon_deg: np.ndarray
    sat_index: np.ndarray
    sat_lat_deg: np.ndarray
    sat_lon_deg: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    track_offset_s: np.ndarray
    track_lat_deg: np.ndarray
    track_lon_deg: np.ndarray
    track_azimuth_deg: np.ndarray
    track_elevation_deg: np.ndarray


def scene_of(
    const: Constellation,
    geometry: DropGeometry,
    epoch: datetime,
    sat_index=None,
    *,
    half_span_s: float = 300.0,
    step_s: float = 10.0,
) -> Scene:
    """The scene of ``geometry``'s UTs and centre at ``epoch`` with the satellites ``sat_index``
    (default: the drop's cooperative set), tracked over ``epoch +- half_span_s``."""
    index = np.asarray(geometry.sat_index if sat_index is None else sat_index, dtype=int)
    tracks = ground_tracks(const.subset(index), skyfield_time(epoch), half_span_s=half_span_s,
                           step_s=step_s)
    lat0, lon0 = geometry.centre_lat_rad, geometry.centre_lon_rad
    az, el, _ = sky_coordinates(tracks.pos_m, tracks.vel_mps, lat0, lon0)  # (S, T)
    c = tracks.centre
    lat, lon = np.degrees(tracks.lat_rad), np.degrees(tracks.lon_rad)
    az, el = np.degrees(az), np.degrees(el)
    return Scene(
        centre_lat_deg=math.degrees(lat0),
        centre_lon_deg=math.degrees(lon0),
        ut_lat_deg=np.degrees(np.asarray(geometry.ut_lat_rad)),
        ut_lon_deg=np.degrees(np.asarray(geometry.ut_lon_rad)),
        sat_index=index,
        sat_lat_deg=lat[:, c],
        sat_lon_deg=lon[:, c],
        azimuth_deg=az[:, c],
        elevation_deg=el[:, c],
        track_offset_s=np.asarray(tracks.offset_s),
        track_lat_deg=lat,
        track_lon_deg=lon,
        track_azimuth_deg=az,
        track_elevation_deg=el,
    )
