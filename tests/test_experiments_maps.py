"""Drop-view drawings: sky-plot mapping, map geometry, shipped coastlines, offline rendering."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from coopsat.experiments.views.coastlines import (
    clip_polylines,
    read_coastlines,
    wrap_longitude_deg,
)
from coopsat.experiments.views.maps import draw_drop_map
from coopsat.experiments.views.skyplot import (
    draw_sky_plot,
    drop_view_figure,
    setup_sky_axes,
    sky_polar,
)
from coopsat.experiments.views.style import save

# Display coordinates are pixels: 1e-6 px is rounding, far below any drawing error.
ONE_MICROPIXEL = 1e-6
COASTLINE_POLYLINES = 128  # data/coastlines/README.md: 127 land masses + the Caspian Sea
COASTLINE_POINTS = 5134


@pytest.fixture
def polar_ax():
    fig = plt.figure(figsize=(3.0, 3.0))
    ax = fig.add_subplot(projection="polar")
    yield ax
    plt.close(fig)


def _display(ax, azimuth_deg, elevation_deg):
    theta, r = sky_polar(azimuth_deg, elevation_deg)
    return ax.transData.transform(np.column_stack([np.atleast_1d(theta), np.atleast_1d(r)]))


def test_sky_plot_zenith_at_centre_east_clockwise_from_north_up(polar_ax):
    draw_sky_plot(
        polar_ax,
        [0.0, 90.0, 0.0, 180.0, 270.0],
        [90.0, 30.0, 30.0, 30.0, 30.0],
        min_elevation_deg=10.0,
    )
    polar_ax.figure.canvas.draw()
    centre = polar_ax.transAxes.transform((0.5, 0.5))
    zenith, east, north, south, west = _display(
        polar_ax, [0.0, 90.0, 0.0, 180.0, 270.0], [90.0, 30.0, 30.0, 30.0, 30.0]
    )
    np.testing.assert_allclose(zenith, centre, atol=ONE_MICROPIXEL)
    # East: to the right of the centre at the same height (theta = 90 deg clockwise from north).
    assert east[0] > centre[0] + 10
    assert east[1] == pytest.approx(centre[1], abs=ONE_MICROPIXEL)
    assert north[1] > centre[1] + 10
    assert north[0] == pytest.approx(centre[0], abs=ONE_MICROPIXEL)
    assert south[1] < centre[1] - 10 and west[0] < centre[0] - 10
    # Elevation 30 deg lies at 60/90 of the rim's radius, the same in every direction.
    rim = polar_ax.transAxes.transform((1.0, 0.5))[0] - centre[0]
    for point in (east, north, south, west):
        assert np.hypot(*(point - centre)) == pytest.approx(rim * 60.0 / 90.0, rel=1e-9)


def test_sky_plot_artists_hold_the_mapped_satellites_and_the_mask(polar_ax):
    az, el = np.array([10.0, 90.0, 200.0]), np.array([80.0, 30.0, 15.0])
    circles = draw_sky_plot(polar_ax, az, el, min_elevation_deg=25.0, master=0)
    theta, r = sky_polar(az, el)
    # The master (index 0) is drawn as its own star; the circles hold the others.
    np.testing.assert_allclose(circles.get_offsets(), np.column_stack([theta[1:], r[1:]]))
    stars = [
        c for c in polar_ax.collections if c is not circles and c.get_offsets().shape == (1, 2)
    ]
    assert any(np.allclose(c.get_offsets(), [[theta[0], r[0]]]) for c in stars)
    mask_lines = [ln for ln in polar_ax.lines if ln.get_linestyle() == "--"]
    assert len(mask_lines) == 1
    np.testing.assert_allclose(mask_lines[0].get_ydata(), 90.0 - 25.0)
    assert polar_ax.get_theta_direction() == -1  # clockwise
    assert polar_ax.get_theta_offset() == pytest.approx(math.pi / 2)  # zero at the top (north)


def test_sky_plot_tracks_skip_the_sky_below_the_horizon(polar_ax):
    offsets = np.array([-20.0, -10.0, 0.0, 10.0, 20.0])
    t_el = np.array([[-5.0, 2.0, 10.0, 20.0, 30.0]])
    t_az = np.array([[350.0, 355.0, 0.0, 5.0, 10.0]])
    n_lines = len(polar_ax.lines)
    draw_sky_plot(
        polar_ax,
        [0.0],
        [10.0],
        min_elevation_deg=5.0,
        track_azimuth_deg=t_az,
        track_elevation_deg=t_el,
        track_offset_s=offsets,
    )
    (past_line,) = [ln for ln in polar_ax.lines[n_lines:] if ln.get_linestyle() == ":"]
    past = np.asarray(past_line.get_xdata()), np.asarray(past_line.get_ydata())
    assert np.isnan(past[1][0])  # the point 5 deg below the horizon is left out
    # Theta is unwrapped: 350 -> 355 -> 360 deg, not back through 0 (no line across the plot).
    np.testing.assert_allclose(np.degrees(past[0][1:3]), [355.0, 360.0])


def test_sky_plot_needs_polar_axes_and_consistent_inputs(polar_ax):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="needs polar axes"):
        setup_sky_axes(ax)
    plt.close(fig)
    with pytest.raises(ValueError, match="equal non-empty 1-D arrays"):
        draw_sky_plot(polar_ax, [0.0, 1.0], [10.0], min_elevation_deg=10.0)
    with pytest.raises(ValueError, match=r"master must be an index in \[0, 1\)"):
        draw_sky_plot(polar_ax, [0.0], [10.0], min_elevation_deg=10.0, master=1)
    with pytest.raises(ValueError, match=r"min_elevation_deg must be in \[0, 90\)"):
        draw_sky_plot(polar_ax, [0.0], [10.0], min_elevation_deg=90.0)


def test_shipped_coastlines_are_finite_lon_lat_polylines_in_range():
    lon, lat = read_coastlines()
    gaps = np.isnan(lon)
    np.testing.assert_array_equal(gaps, np.isnan(lat))
    assert gaps.sum() == COASTLINE_POLYLINES - 1
    assert (~gaps).sum() == COASTLINE_POINTS
    assert not gaps[0] and not gaps[-1] and not np.any(gaps[1:] & gaps[:-1])
    assert np.all(np.abs(lon[~gaps]) <= 180.0) and np.all(np.abs(lat[~gaps]) <= 90.0)
    # Natural Earth 110m: both sides of the antimeridian, north Greenland near 83.6 N, and the
    # southern tip of Africa (Cape Agulhas, 34.8 S 20.0 E) is a vertex within 0.2 deg.
    assert lon[~gaps].min() == -180.0 and lon[~gaps].max() == 180.0
    assert 83.0 < lat[~gaps].max() < 84.0
    near_agulhas = np.hypot(lon - 20.0, lat + 34.8)
    assert np.nanmin(near_agulhas) < 0.2
    # The pole edge of Antarctica's box was cut away: no segment runs along latitude -90.
    assert not np.any((lat[1:] <= -89.999) & (lat[:-1] <= -89.999))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("lon,lat\n1,2\n", "expected the header 'lon_deg,lat_deg', got 'lon,lat'"),
        ("lon_deg,lat_deg\n1,2\nnan,3\n", "separator rows must be 'nan,nan'"),
        ("lon_deg,lat_deg\n1,2\n181,3\n", r"point 1 \(181.0, 3.0\) is outside"),
        ("lon_deg,lat_deg\n1,2\nx,3\n", "not two numbers per row"),
        ("# only a comment\n", "got 'nothing'"),
    ],
)
def test_coastline_reader_names_the_file_and_the_problem(offline, text, match):
    path = offline / "coast.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as info:
        read_coastlines(path)
    assert str(path) in str(info.value)


def test_wrap_and_clip_polylines_across_the_antimeridian():
    np.testing.assert_allclose(wrap_longitude_deg([-179.0, 179.0, 0.0], 180.0), [181.0, 179.0, 0.0])
    lon = np.array([170.0, 179.0, -179.0, -170.0, np.nan, 10.0, 11.0])
    lat = np.array([60.0, 60.0, 60.0, 60.0, np.nan, 0.0, 0.0])
    # Extent around the antimeridian: the first line stays whole and continuous, the second
    # (far away) disappears.
    x, y = clip_polylines(lon, lat, (165.0, 195.0, 50.0, 70.0))
    np.testing.assert_allclose(x, [170.0, 179.0, 181.0, 190.0])
    np.testing.assert_allclose(y, [60.0, 60.0, 60.0, 60.0])
    # Extent around Greenwich: the first line crosses the far side and is broken there.
    x, y = clip_polylines(lon, lat, (-20.0, 20.0, -10.0, 10.0))
    np.testing.assert_allclose(x, [10.0, 11.0])  # only the 10 E line is left
    np.testing.assert_allclose(y, [0.0, 0.0])
    # Points outside are dropped except the neighbours of inside points.
    x, y = clip_polylines(
        [0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 0.1, 0.2, 0.3, 0.4], (1.5, 2.5, -1.0, 1.0)
    )
    np.testing.assert_allclose(x, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(y, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="extent_deg must be finite"):
        clip_polylines(lon, lat, (10.0, 0.0, -1.0, 1.0))


def _cap_drop():
    """A small synthetic drop across the antimeridian (arrays only, no simulation)."""
    centre = (62.0, 179.5)
    ut_lat = np.array([61.0, 62.5, 63.0])
    ut_lon = np.array([178.0, -179.8, 179.0])
    sat_lat = np.array([64.0, 60.0])
    sat_lon = np.array([-178.0, 176.0])
    offsets = np.array([-20.0, -10.0, 0.0, 10.0, 20.0])
    track_lat = sat_lat[:, None] + np.array([-0.6, -0.3, 0.0, 0.3, 0.6])
    track_lon = np.array(
        [[-178.4, -178.2, -178.0, -177.8, -177.6], [175.6, 175.8, 176.0, 176.2, 176.4]]
    )
    return centre, ut_lat, ut_lon, sat_lat, sat_lon, offsets, track_lat, track_lon


def test_drop_map_unwraps_about_the_centre_and_colours_uts_by_value():
    centre, ut_lat, ut_lon, sat_lat, sat_lon, offsets, track_lat, track_lon = _cap_drop()
    coast = (np.array([170.0, 179.0, -179.0, -170.0]), np.array([66.0, 66.0, 66.0, 66.0]))
    fig, ax = plt.subplots()
    values = np.array([1.0, 5.0, 3.0])
    uts, bar = draw_drop_map(
        ax,
        centre_lat_deg=centre[0],
        centre_lon_deg=centre[1],
        ut_lat_deg=ut_lat,
        ut_lon_deg=ut_lon,
        ut_value=values,
        value_label="$R_k$ (bit/s/Hz)",
        sat_lat_deg=sat_lat,
        sat_lon_deg=sat_lon,
        track_lat_deg=track_lat,
        track_lon_deg=track_lon,
        track_offset_s=offsets,
        coastlines=coast,
        radius_m=200e3,
    )
    np.testing.assert_allclose(uts.get_offsets(), np.column_stack([[178.0, 180.2, 179.0], ut_lat]))
    np.testing.assert_array_equal(uts.get_array(), values)
    assert bar.ax.get_ylabel() == "$R_k$ (bit/s/Hz)"
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < 176.0 and x1 > 182.0 and y0 < 60.0 and y1 > 64.0  # both satellites in view
    assert ax.get_aspect() == pytest.approx(1.0 / math.cos(math.radians(62.0)))
    # Ground tracks run on continuously through 180 deg (no jump of 360 deg).
    solid = [ln for ln in ax.lines if ln.get_linestyle() == "-" and ln.get_color() == "black"]
    xs = np.concatenate([np.asarray(ln.get_xdata(), dtype=float) for ln in solid])
    assert np.nanmax(np.abs(np.diff(xs))) < 1.0
    plt.close(fig)


def test_drop_map_rejects_inconsistent_tracks():
    centre, ut_lat, ut_lon, sat_lat, sat_lon, offsets, track_lat, track_lon = _cap_drop()
    fig, ax = plt.subplots()
    common = dict(
        centre_lat_deg=centre[0],
        centre_lon_deg=centre[1],
        ut_lat_deg=ut_lat,
        ut_lon_deg=ut_lon,
        ut_value=ut_lat,
        value_label="x",
        sat_lat_deg=sat_lat,
        sat_lon_deg=sat_lon,
        coastlines=(np.zeros(1), np.zeros(1)),
    )
    with pytest.raises(ValueError, match=r"tracks must be \(2, T\)"):
        draw_drop_map(
            ax,
            track_lat_deg=track_lat[:1],
            track_lon_deg=track_lon[:1],
            track_offset_s=offsets,
            **common,
        )
    with pytest.raises(ValueError, match="track_offset_s must increase"):
        draw_drop_map(
            ax,
            track_lat_deg=track_lat,
            track_lon_deg=track_lon,
            track_offset_s=offsets[::-1],
            **common,
        )
    plt.close(fig)


def test_drop_view_renders_offline_to_png_and_pdf(offline):
    """A real drop (paper shell) drawn and saved with every network path refused (the
    ``offline`` fixture): only the two figure files may appear in the working directory.
    """
    from coopsat.constellation import sample_drop, utc_time
    from coopsat.constellation.groundtrack import (
        ground_tracks,
        sky_coordinates,
        subsatellite_points,
    )
    from coopsat.constellation.shells import preset

    const = preset("paper").build()
    t = utc_time("2025-01-01T00:00:00Z")
    geo = sample_drop(const, t, n_users=12, n_satellites=4, rng=np.random.default_rng(3))
    tracks = ground_tracks(const.subset(geo.sat_index), t)
    lat, lon = subsatellite_points(geo.sat_pos_m)
    az, el, _ = sky_coordinates(
        geo.sat_pos_m, geo.sat_vel_mps, geo.centre_lat_rad, geo.centre_lon_rad
    )
    t_az, t_el, _ = sky_coordinates(
        tracks.pos_m, tracks.vel_mps, geo.centre_lat_rad, geo.centre_lon_rad
    )
    fig = drop_view_figure(
        centre_lat_deg=math.degrees(geo.centre_lat_rad),
        centre_lon_deg=math.degrees(geo.centre_lon_rad),
        ut_lat_deg=np.degrees(geo.ut_lat_rad),
        ut_lon_deg=np.degrees(geo.ut_lon_rad),
        ut_value=np.degrees(geo.elevation_rad[0]),
        value_label="Master elevation (deg)",
        sat_lat_deg=np.degrees(lat),
        sat_lon_deg=np.degrees(lon),
        track_lat_deg=np.degrees(tracks.lat_rad),
        track_lon_deg=np.degrees(tracks.lon_rad),
        track_offset_s=tracks.offset_s,
        sky_azimuth_deg=np.degrees(az),
        sky_elevation_deg=np.degrees(el),
        min_elevation_deg=10.0,
        radius_m=800e3,
        sky_track_azimuth_deg=np.degrees(t_az),
        sky_track_elevation_deg=np.degrees(t_el),
        title="paper shell, 2025-01-01 00:00 UTC",
    )
    # IEEE column width and 8 pt text at most, everywhere in the figure.
    assert fig.get_size_inches()[0] == pytest.approx(3.5)
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert sizes and max(sizes) <= 8.0
    paths = save(fig, offline / "drop_view")
    assert sorted(p.name for p in offline.iterdir()) == ["drop_view.pdf", "drop_view.png"]
    assert [p.name for p in paths] == ["drop_view.png", "drop_view.pdf"]
    png = (offline / "drop_view.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1050  # 3.5 in at 300 dpi
    assert 900 < height < 1800
    assert (offline / "drop_view.pdf").read_bytes()[:5] == b"%PDF-"


def _boxes_overlap(a, b, size=(4.0, 6.0)):
    return abs(a[0] - b[0]) < size[0] and abs(a[1] - b[1]) < size[1]


def test_satellite_labels_near_each_other_do_not_collide():
    """Two satellites a few points apart used to print their labels as one number ("35")."""
    from coopsat.experiments.views.maps import _LABEL_OFFSETS_PT, label_offsets

    assert label_offsets([[100.0, 100.0]]) == [_LABEL_OFFSETS_PT[0]]  # alone: the usual place
    rng = np.random.default_rng(2)
    for pts in ([[100.0, 100.0], [103.0, 100.5]], [[50.0, 50.0], [50.0, 54.0], [54.0, 52.0]],
                (rng.random((5, 2)) * 15.0).tolist()):
        pts = np.asarray(pts)
        offsets = np.asarray(label_offsets(pts))
        corners = pts + offsets  # lower-left corners of the labels
        for i in range(len(pts)):
            for j in range(i + 1, len(pts)):
                assert not _boxes_overlap(corners[i], corners[j]), (pts, offsets)
    # a NaN position (a satellite out of view) neither breaks the others nor gets moved
    offsets = label_offsets([[np.nan, np.nan], [10.0, 10.0], [12.0, 10.0]])
    assert offsets[0] == _LABEL_OFFSETS_PT[0] and offsets[1] != offsets[2]
