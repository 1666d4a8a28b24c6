"""Views geometry: sub-satellite points and ground tracks against skyfield, sky-plot angles."""

import math

import numpy as np
import pytest
from skyfield.api import wgs84

from coopsat.constellation.earth import enu_basis, geodetic_to_itrs, itrs_to_geodetic
from coopsat.constellation.groundtrack import (
    GroundTracks,
    ground_tracks,
    sky_coordinates,
    subsatellite_points,
    track_offsets_s,
)
from coopsat.constellation.shells import preset
from coopsat.constellation.timebase import timescale, utc_time

# The requirement: a ground track matches the propagated sub-satellite points to 1 m.
ONE_METRE = 1.0
ONE_MILLIMETRE = 1e-3
# skyfield's altaz and link_geometry work on the same ITRS vectors: 1e-9 deg is ~1e-5 m at 600 km.
ONE_NANODEGREE = 1e-9
EARTH_RADIUS_M = 6_371e3
EPOCH = "2025-03-01T12:34:56Z"


@pytest.fixture(scope="module")
def satellites():
    """A few Starlink Gen1 satellites from every shell: 53, 53.2, 70 and retrograde 97.6 deg."""
    const = preset("starlink-gen1").build()
    return const.subset([0, 777, 1700, 3300, 3900, 4100, 4407])


def _ground_distance_m(lat1, lon1, lat2, lon2):
    """Small-angle ground distance (m) between geodetic points on a 6371 km sphere."""
    dlon = (np.asarray(lon1) - lon2 + np.pi) % (2 * np.pi) - np.pi
    return EARTH_RADIUS_M * np.hypot(np.asarray(lat1) - lat2, np.cos(lat2) * dlon)


def test_ground_track_matches_skyfield_subpoints_to_one_metre(satellites):
    t = utc_time(EPOCH)
    tracks = ground_tracks(satellites, t)  # +-5 min at 10 s
    assert tracks.lat_rad.shape == tracks.lon_rad.shape == (len(satellites), 61)
    epochs = t + tracks.offset_s / 86_400.0
    for i, sat in enumerate(satellites.earth_satellites()):
        lat, lon = wgs84.latlon_of(sat.at(epochs))  # skyfield's own ITRS and geodetic code
        error = _ground_distance_m(tracks.lat_rad[i], tracks.lon_rad[i], lat.radians, lon.radians)
        assert error.max() < ONE_METRE, (satellites.names[i], error.max())


def test_ground_track_epochs_equal_single_epoch_propagation(satellites):
    t = utc_time(EPOCH)
    tracks = ground_tracks(satellites, t, half_span_s=120.0, step_s=40.0)
    np.testing.assert_array_equal(tracks.offset_s, [-120.0, -80.0, -40.0, 0.0, 40.0, 80.0, 120.0])
    assert tracks.centre == 3
    for j in (0, 3, 6):
        # An independently built epoch: UTC calendar seconds, not the TT offsets of the track.
        pos, _ = satellites.propagate(
            timescale().utc(2025, 3, 1, 12, 34, 56.0 + tracks.offset_s[j])
        )
        np.testing.assert_allclose(tracks.pos_m[:, j], pos, rtol=0, atol=ONE_MILLIMETRE)
        lat, lon = subsatellite_points(pos)
        assert (
            _ground_distance_m(tracks.lat_rad[:, j], tracks.lon_rad[:, j], lat, lon).max()
            < ONE_MILLIMETRE
        )


def test_subsatellite_point_is_on_the_ellipsoid_normal_below_the_satellite(satellites):
    # Round trip: the point at height h on the normal through (lat, lon) is the satellite.
    pos, _ = satellites.propagate(utc_time(EPOCH))
    lat, lon = subsatellite_points(pos)
    _, _, height = itrs_to_geodetic(pos)
    np.testing.assert_allclose(geodetic_to_itrs(lat, lon, height), pos, rtol=0, atol=ONE_MILLIMETRE)
    _, _, up = enu_basis(lat, lon)
    foot = geodetic_to_itrs(lat, lon)
    along = np.sum((pos - foot) * up, axis=-1)
    np.testing.assert_allclose(pos - foot, along[:, None] * up, rtol=0, atol=ONE_MILLIMETRE)
    assert np.all(height > 500e3)


def test_tracks_move_in_the_direction_of_the_velocity(satellites):
    tracks = ground_tracks(satellites, utc_time(EPOCH), half_span_s=10.0, step_s=10.0)
    # Northward velocity component in the local frame has the sign of d(lat)/dt.
    c = tracks.centre
    _, north, _ = enu_basis(tracks.lat_rad[:, c], tracks.lon_rad[:, c])
    v_north = np.sum(tracks.vel_mps[:, c] * north, axis=-1)
    dlat = tracks.lat_rad[:, c + 1] - tracks.lat_rad[:, c - 1]
    assert np.all(np.abs(v_north) > 100.0)
    np.testing.assert_array_equal(np.sign(dlat), np.sign(v_north))


def test_track_offsets_and_their_errors():
    offsets = track_offsets_s()
    assert offsets.shape == (61,)
    assert offsets[0] == -300.0 and offsets[30] == 0.0 and offsets[-1] == 300.0
    np.testing.assert_array_equal(track_offsets_s(25.0, 10.0), [-20.0, -10.0, 0.0, 10.0, 20.0])
    np.testing.assert_array_equal(track_offsets_s(0.0, 10.0), [0.0])
    with pytest.raises(ValueError, match=r"step_s must be finite and > 0 s, got 0\.0"):
        track_offsets_s(300.0, 0.0)
    with pytest.raises(ValueError, match=r"half_span_s must be finite and >= 0 s, got -1\.0"):
        track_offsets_s(-1.0, 10.0)
    with pytest.raises(ValueError, match="at most 100000"):
        track_offsets_s(86_400.0, 0.1)
    # numpy scalars are numbers; a bool is not a duration
    np.testing.assert_array_equal(track_offsets_s(np.int64(20), np.float32(10.0)),
                                  [-20.0, -10.0, 0.0, 10.0, 20.0])
    with pytest.raises(ValueError, match=r"step_s must be finite and > 0 s, got True"):
        track_offsets_s(300.0, True)


def test_ground_tracks_copy_and_freeze_their_arrays():
    """The record is immutable but the arrays it was built from stay the caller's own."""
    lat = np.zeros((1, 3))
    tracks = GroundTracks(offset_s=[-1.0, 0.0, 1.0], lat_rad=lat, lon_rad=lat,
                          pos_m=np.zeros((1, 3, 3)), vel_mps=np.zeros((1, 3, 3)))
    assert isinstance(tracks.offset_s, np.ndarray) and tracks.centre == 1
    with pytest.raises(ValueError, match="read-only"):
        tracks.lat_rad[0, 0] = 1.0
    lat[0, 0] = 1.0  # still writable


def test_ground_tracks_need_a_scalar_time(satellites):
    with pytest.raises(ValueError, match="scalar skyfield Time"):
        ground_tracks(satellites, utc_time(EPOCH) + np.array([0.0, 1.0]))


OBSERVER_LAT_DEG, OBSERVER_LON_DEG, OBSERVER_H_M = 47.3, -122.1, 120.0


def _placed(east_m, north_m, up_m):
    """ITRS position at the given local East/North/Up offset from the observer."""
    lat, lon = math.radians(OBSERVER_LAT_DEG), math.radians(OBSERVER_LON_DEG)
    e, n, u = enu_basis(lat, lon)
    return geodetic_to_itrs(lat, lon, OBSERVER_H_M) + east_m * e + north_m * n + up_m * u


@pytest.mark.parametrize(
    ("enu", "azimuth_deg", "elevation_deg"),
    [
        ((0.0, 0.0, 600e3), None, 90.0),  # zenith
        ((800e3, 0.0, 800e3), 90.0, 45.0),  # due east
        ((0.0, 800e3, 800e3), 0.0, 45.0),  # due north
        ((0.0, -1000e3, 300e3), 180.0, math.degrees(math.atan(0.3))),  # due south
        ((-500e3, 0.0, 500e3 * math.sqrt(3.0)), 270.0, 60.0),  # due west
        ((700e3, 700e3, 0.0), 45.0, 0.0),  # north-east, on the horizon
    ],
)
def test_sky_coordinates_azimuth_clockwise_from_north_and_elevation(
    enu, azimuth_deg, elevation_deg
):
    pos = _placed(*enu)
    vel = np.array([7.5e3, 0.0, 0.0])
    az, el, rng = sky_coordinates(
        pos, vel, math.radians(OBSERVER_LAT_DEG), math.radians(OBSERVER_LON_DEG), OBSERVER_H_M
    )
    assert az.shape == el.shape == rng.shape == ()
    assert math.degrees(el) == pytest.approx(elevation_deg, abs=ONE_NANODEGREE)
    if azimuth_deg is not None:  # the azimuth of the zenith is undefined
        wrapped = (math.degrees(az) - azimuth_deg + 180.0) % 360.0 - 180.0  # 359.99.. is 0
        assert wrapped == pytest.approx(0.0, abs=ONE_NANODEGREE)
        assert 0.0 <= az < 2.0 * math.pi
    assert rng == pytest.approx(np.linalg.norm(enu), rel=1e-12)


def test_sky_coordinates_match_skyfield_altaz_for_tracks(satellites):
    t = utc_time(EPOCH)
    tracks = ground_tracks(satellites, t, half_span_s=60.0, step_s=30.0)
    az, el, rng = sky_coordinates(
        tracks.pos_m,
        tracks.vel_mps,
        math.radians(OBSERVER_LAT_DEG),
        math.radians(OBSERVER_LON_DEG),
        OBSERVER_H_M,
    )
    assert az.shape == el.shape == rng.shape == (len(satellites), 5)
    observer = wgs84.latlon(OBSERVER_LAT_DEG, OBSERVER_LON_DEG, elevation_m=OBSERVER_H_M)
    epochs = t + tracks.offset_s / 86_400.0
    for i, sat in enumerate(satellites.earth_satellites()):
        alt, azimuth, distance = (sat - observer).at(epochs).altaz()
        np.testing.assert_allclose(np.degrees(el[i]), alt.degrees, rtol=0, atol=1e-6)
        daz = (np.degrees(az[i]) - azimuth.degrees + 180.0) % 360.0 - 180.0
        np.testing.assert_allclose(daz, 0.0, rtol=0, atol=1e-6)
        np.testing.assert_allclose(rng[i], distance.m, rtol=0, atol=ONE_MILLIMETRE)


@pytest.mark.parametrize(
    ("lat", "lon", "height", "match"),
    [
        (math.nan, 0.0, 0.0, "lat_rad must be a finite scalar"),
        (2.0, 0.0, 0.0, r"lat_rad must be in \[-pi/2, pi/2\], got 2.0"),
        (0.0, np.array([0.0, 1.0]), 0.0, "lon_rad must be a finite scalar"),
        (0.0, 0.0, math.inf, "height_m must be a finite scalar"),
    ],
)
def test_sky_coordinates_rejects_bad_observer(lat, lon, height, match):
    with pytest.raises(ValueError, match=match):
        sky_coordinates(np.zeros(3) + 7e6, np.ones(3), lat, lon, height)
