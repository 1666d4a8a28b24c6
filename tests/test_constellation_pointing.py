"""Array pointing: nadir (the paper) or at the coverage centre (body-steered satellites).

Checked against independent computations from ITRS vectors: the frame built from the orbit
geometry with cross products only (y from the boresight and the velocity, x = y cross z)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coopsat.channel.element import element_angles
from coopsat.constellation import (
    WalkerDelta,
    drop_geometry,
    geodetic_to_itrs,
    sample_drop,
    upa_frame,
    utc_time,
)
from coopsat.constellation.constants import WGS84_E2
from coopsat.constellation.drops import DropSpec
from coopsat.constellation.earth import destination
from coopsat.constellation.params import ParameterError

ANGLE_FIELDS = ("theta_x_rad", "theta_y_rad", "dir_cos_x", "dir_cos_y")
SAME_FIELDS = ("elevation_rad", "azimuth_rad", "slant_range_m", "range_rate_mps", "doppler_hz")


@pytest.fixture(scope="module")
def shell():
    return WalkerDelta().build()


@pytest.fixture(scope="module")
def epoch():
    return utc_time("2025-01-01T03:00:00Z")


def geocentric_subpoint(pos):
    """(lat, lon) of the ellipsoid point on the line from the Earth's centre to ``pos``: its
    geocentric latitude is that of ``pos`` when tan(lat) = tan(lat_c) / (1 - e^2)."""
    x, y, z = pos
    return math.atan2(z, math.hypot(x, y) * (1.0 - WGS84_E2)), math.atan2(y, x)


def uts_around(lat, lon, n=40, seed=3):
    rng = np.random.default_rng(seed)
    return destination(lat, lon, rng.uniform(0, 800e3, n), rng.uniform(0, 2 * np.pi, n))


def test_centre_pointing_at_the_subsatellite_point_equals_nadir(shell, epoch):
    pos, _ = shell.propagate(epoch)
    sat = 123
    lat, lon = geocentric_subpoint(pos[sat])
    # the centre lies on the satellite's geocentric radial to rounding
    c = geodetic_to_itrs(lat, lon)
    assert np.linalg.norm(np.cross(c / np.linalg.norm(c), pos[sat] / np.linalg.norm(pos[sat]))) \
        < 1e-15
    ut_lat, ut_lon = uts_around(lat, lon)
    kw = dict(centre_lat_rad=lat, centre_lon_rad=lon, sat_index=[sat])
    nadir = drop_geometry(shell, epoch, ut_lat, ut_lon, **kw)
    centre = drop_geometry(shell, epoch, ut_lat, ut_lon, pointing="cap_centre", **kw)
    for name in ANGLE_FIELDS:
        np.testing.assert_allclose(getattr(centre, name), getattr(nadir, name), rtol=0,
                                   atol=1e-12, err_msg=name)
    for name in SAME_FIELDS:
        assert np.array_equal(getattr(centre, name), getattr(nadir, name)), name


def test_upa_frame_at_the_subsatellite_point_equals_nadir_frame(shell, epoch):
    pos, vel = shell.propagate(epoch)
    target = np.stack([geodetic_to_itrs(*geocentric_subpoint(p)) for p in pos[:50]])
    for a, b in zip(upa_frame(pos[:50], vel[:50]), upa_frame(pos[:50], vel[:50], target),
                    strict=True):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)


@pytest.fixture(scope="module")
def side_drop(shell, epoch):
    """A drop whose centre is 700 km from the master's subpoint; UT 0 sits at the centre."""
    pos, _ = shell.propagate(epoch)
    lat0, lon0 = geocentric_subpoint(pos[400])
    lat, lon = (float(v[0]) for v in destination(lat0, lon0, np.array([700e3]),
                                                 np.array([1.0])))
    ut_lat, ut_lon = uts_around(lat, lon, n=60, seed=5)
    ut_lat = np.concatenate(([lat], ut_lat))
    ut_lon = np.concatenate(([lon], ut_lon))
    kw = dict(centre_lat_rad=lat, centre_lon_rad=lon, n_satellites=6)
    return (drop_geometry(shell, epoch, ut_lat, ut_lon, pointing="cap_centre", **kw),
            drop_geometry(shell, epoch, ut_lat, ut_lon, **kw))


def test_boresight_points_at_the_cap_centre(shell, epoch, side_drop):
    centre, nadir = side_drop
    # UT 0 is the centre: its direction is the boresight (off-boresight angle ~ 0) ...
    eta, _, _ = element_angles(centre.dir_cos_x[:, 0], centre.dir_cos_y[:, 0],
                               centre.dir_cos_z[:, 0])
    assert np.max(eta) < 1e-9
    # ... where nadir pointing sees it several degrees off
    eta_nadir, _, _ = element_angles(nadir.dir_cos_x[:, 0], nadir.dir_cos_y[:, 0],
                                     nadir.dir_cos_z[:, 0])
    assert np.min(np.degrees(eta_nadir)) > 5.0
    # the frame's z itself, from the satellites' states
    pos, vel = shell.propagate(epoch)
    c = geodetic_to_itrs(centre.centre_lat_rad, centre.centre_lon_rad)
    _, _, z = upa_frame(pos[centre.sat_index], vel[centre.sat_index], c)
    to_c = c - pos[centre.sat_index]
    to_c /= np.linalg.norm(to_c, axis=1, keepdims=True)
    angle = np.arctan2(np.linalg.norm(np.cross(z, to_c), axis=1), np.sum(z * to_c, axis=1))
    assert np.max(angle) < 1e-9


def test_departure_angles_of_every_ut_against_ecef_vectors(shell, epoch, side_drop):
    centre, nadir = side_drop
    assert np.array_equal(centre.sat_index, nadir.sat_index)
    pos, vel = shell.propagate(epoch)
    r, v = pos[centre.sat_index][:, None, :], vel[centre.sat_index][:, None, :]  # (S, 1, 3)
    c = geodetic_to_itrs(centre.centre_lat_rad, centre.centre_lon_rad)
    d = centre.ut_pos_m[None, :, :] - r
    d /= np.linalg.norm(d, axis=-1, keepdims=True)  # (S, K, 3) satellite -> UT
    b = (c - r) / np.linalg.norm(c - r, axis=-1, keepdims=True)  # boresight
    # y = z x x with x in the plane of (z, v) is the unit normal of that plane: y = b x v / |.|
    y = np.cross(b, v)
    y /= np.linalg.norm(y, axis=-1, keepdims=True)
    x = np.cross(y, b)
    dx, dy, dz = (np.sum(d * a, axis=-1) for a in (x, y, b))
    np.testing.assert_allclose(centre.dir_cos_x, dx, rtol=0, atol=1e-12)
    np.testing.assert_allclose(centre.dir_cos_y, dy, rtol=0, atol=1e-12)
    np.testing.assert_allclose(centre.dir_cos_z, dz, rtol=0, atol=1e-12)
    np.testing.assert_allclose(centre.theta_y_rad, np.arccos(dy), rtol=0, atol=1e-7)
    np.testing.assert_allclose(centre.theta_x_rad, np.arctan2(dz, dx), rtol=0, atol=1e-9)
    # pointing changes the array frame only: the link geometry seen from the ground is the same
    for name in SAME_FIELDS:
        assert np.array_equal(getattr(centre, name), getattr(nadir, name)), name
    # and every UT of the 800 km cap is nearer the boresight than under nadir pointing on average
    assert np.mean(centre.dir_cos_z) > np.mean(nadir.dir_cos_z)


def test_sample_drop_passes_the_pointing_through(shell, epoch):
    kw = dict(n_users=10, n_satellites=3)
    a = sample_drop(shell, epoch, rng=np.random.default_rng(8), pointing="cap_centre", **kw)
    b = sample_drop(shell, epoch, rng=np.random.default_rng(8), **kw)
    assert np.array_equal(a.sat_index, b.sat_index)
    assert np.array_equal(a.slant_range_m, b.slant_range_m)
    assert not np.allclose(a.dir_cos_x, b.dir_cos_x)


@pytest.mark.parametrize("value", ["zenith", "", 1, None])
def test_bad_pointing_names_the_field(shell, epoch, value):
    with pytest.raises(ParameterError, match="pointing"):
        DropSpec(pointing=value)
    with pytest.raises(ParameterError, match=r"drop_geometry\.pointing"):
        drop_geometry(shell, epoch, [0.1], [0.2], centre_lat_rad=0.1, centre_lon_rad=0.2,
                      sat_index=[0], pointing=value)
