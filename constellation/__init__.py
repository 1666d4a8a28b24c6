"""coopsat.constellation: orbits (Walker-Delta or TLE), propagation, drops and per-link geometry.

Public API::

    WalkerDelta(...).build() -> Constellation; WalkerShells(shells).build(); preset(name)
    read_tle(path_or_text) -> Constellation; write_tle(constellation, path)
    select_by_name(constellation, pattern, payloads_only); is_payload_name(name)
    Constellation.propagate(time) -> (pos_m, vel_mps)      # ITRS, (N, T, 3) or (N, 3)
    Constellation.catalog_numbers, .notices, .element_age_s(time), .usable_mask(time)
    physical_position_mask(pos_m); MIN_ALTITUDE_M, MAX_ALTITUDE_M
    timescale(); epochs(start_utc, duration_s, step_s); utc_time(stamp_utc)
    sample_drop(constellation, time, *, n_users, n_satellites, rng, ...) -> DropGeometry
    DropSpec: the drop parameters and their allowed values (declared once)
    drop_geometry(constellation, time, ut_lat_rad, ut_lon_rad, *, centre_lat_rad, ...)
    link_geometry(sat_pos_m, sat_vel_mps, ut_pos_m, carrier_hz) -> LinkGeometry
    ground_tracks(constellation, time) -> GroundTracks; sky_coordinates(pos, vel, lat, lon)
"""

from .drops import (
    DropSpec,
    default_max_abs_latitude_deg,
    drop_geometry,
    sample_cap,
    sample_centre,
    sample_drop,
)
from .earth import enu_basis, geodetic_to_itrs, itrs_to_geodetic
from .geometry import DropGeometry
from .groundtrack import (
    GroundTracks,
    ground_tracks,
    sky_coordinates,
    subsatellite_points,
    track_offsets_s,
)
from .links import ARRAY_POINTINGS, LinkGeometry, link_geometry, upa_frame
from .orbits import (
    MAX_ALTITUDE_M,
    MIN_ALTITUDE_M,
    Constellation,
    physical_position_mask,
    teme_to_itrs_matrix,
)
from .resources import data_path
from .selection import (
    NotEnoughSatellitesError,
    elevation_matrix_rad,
    select_satellites,
    visible_mask,
)
from .shells import WalkerShells, nominal_min_separation_m, preset, preset_names
from .timebase import epochs, parse_utc, timescale, utc_time
from .tle import TLEFormatError, is_payload_name, read_tle, select_by_name
from .tle_writer import format_tle, tle_lines, write_tle
from .walker import WalkerDelta

__all__ = [
    "ARRAY_POINTINGS",
    "MAX_ALTITUDE_M",
    "MIN_ALTITUDE_M",
    "Constellation",
    "DropGeometry",
    "DropSpec",
    "GroundTracks",
    "LinkGeometry",
    "NotEnoughSatellitesError",
    "TLEFormatError",
    "WalkerDelta",
    "WalkerShells",
    "data_path",
    "default_max_abs_latitude_deg",
    "drop_geometry",
    "elevation_matrix_rad",
    "enu_basis",
    "epochs",
    "format_tle",
    "geodetic_to_itrs",
    "ground_tracks",
    "is_payload_name",
    "itrs_to_geodetic",
    "link_geometry",
    "nominal_min_separation_m",
    "parse_utc",
    "physical_position_mask",
    "preset",
    "preset_names",
    "read_tle",
    "sample_cap",
    "sample_centre",
    "sample_drop",
    "select_by_name",
    "select_satellites",
    "sky_coordinates",
    "subsatellite_points",
    "teme_to_itrs_matrix",
    "timescale",
    "tle_lines",
    "track_offsets_s",
    "upa_frame",
    "utc_time",
    "visible_mask",
    "write_tle",
]
