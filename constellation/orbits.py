"""A set of SGP4 satellites and its vectorised propagation to ITRS.

``Constellation.propagate`` evaluates sgp4's ``SatrecArray`` for all satellites x epochs in one
C call, then applies one TEME -> ITRS rotation per epoch: the rotation skyfield composes for
``EarthSatellite.at(t).frame_xyz_and_velocity(itrs)`` (``itrs.rotation_at @ TEME.rotation_at.T``),
evaluated in its closed form ``R_z(-theta_GMST82)`` (see ``teme_to_itrs_matrix``), so both agree
to rounding; the velocity carries the Earth-rotation term ``-omega x r`` exactly as skyfield's
``itrs`` frame does.

Element sets go stale: ``Constellation.element_age_s`` gives each set's distance from a time, and
``physical_position_mask`` / ``Constellation.usable_mask`` flag satellites whose SGP4 call fails
or whose altitude is outside ``[MIN_ALTITUDE_M, MAX_ALTITUDE_M]`` (drops never select those).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sgp4.api import SGP4_ERRORS, Satrec, SatrecArray
from skyfield.framelib import itrs
from skyfield.sgp4lib import TEME, EarthSatellite, theta_GMST1982
from skyfield.timelib import Time, Timescale

from .constants import EARTH_ROTATION_RAD_PER_S, SECONDS_PER_DAY
from .earth import itrs_to_geodetic
from .timebase import sgp4_julian_dates, timescale

_KM = 1000.0

# Physical altitude range (height above the WGS84 ellipsoid) of a satellite position worth
# using; outside it a propagated element set is treated as invalid at that epoch (see
# ``physical_position_mask``).
MIN_ALTITUDE_M = 100e3
MAX_ALTITUDE_M = 50_000e3
APOGEE_MARGIN_M = 100e3
"""How far above its element set's apogee a position may lie (SGP4's short-period terms move
the radius by about 10 km) before it counts as not physical: drag only lowers an orbit, so a
satellite far above its own apogee is stale elements extrapolated past their validity."""


@dataclass(frozen=True, eq=False)
class Constellation:
    """Named SGP4 satellites (``N`` of them), propagated together.

    Attributes
    ----------
    names : tuple[str, ...]
        One label per satellite (length N), unique. ``read_tle`` makes repeated catalogue names
        unique by appending the catalogue number, e.g. ``"STARLINK-1369 [45540]"``.
    satrecs : tuple[sgp4.api.Satrec, ...]
        The SGP4 element sets, same order as ``names``. Treat them as read-only.
    notices : tuple[str, ...]
        One-line remarks on how the satellites were obtained (e.g. ``read_tle`` keeping the
        newest of several sets of one catalogue number), for the caller to show; default none.
    catalog_numbers : tuple[int, ...]
        NORAD catalogue number of each satellite (length N), taken from ``Satrec.satnum``
        (Alpha-5 numbers as sgp4 decodes them: ``A0001`` -> 100001). Unique in a constellation
        read from TLE text (``read_tle`` keeps one set per number); a synthetic shell may repeat
        them (each Walker shell numbers its satellites 1..T). Not an ``__init__`` argument.
    """

    names: tuple[str, ...]
    satrecs: tuple[Satrec, ...]
    notices: tuple[str, ...] = ()
    catalog_numbers: tuple[int, ...] = field(init=False)
    _array: SatrecArray = field(init=False, repr=False)
    _epoch_jd: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = tuple(str(n) for n in self.names)
        satrecs = tuple(self.satrecs)
        if len(names) != len(satrecs):
            raise ValueError(
                f"Constellation.names has {len(names)} entries but satrecs has {len(satrecs)}"
            )
        if not satrecs:
            raise ValueError("Constellation needs at least 1 satellite, got 0")
        for i, sat in enumerate(satrecs):
            if not isinstance(sat, Satrec):
                raise ValueError(f"Constellation.satrecs[{i}] is {type(sat).__name__}, not Satrec")
        if len(set(names)) != len(names):
            seen: set[str] = set()
            dup = next(n for n in names if n in seen or seen.add(n))
            raise ValueError(f"Constellation.names must be unique; {dup!r} appears twice")
        if isinstance(self.notices, str) or not all(isinstance(n, str) for n in self.notices):
            raise ValueError(
                f"Constellation.notices must be a tuple of str, got {self.notices!r}"
            )
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "satrecs", satrecs)
        object.__setattr__(self, "notices", tuple(self.notices))
        object.__setattr__(self, "catalog_numbers", tuple(int(s.satnum) for s in satrecs))
        object.__setattr__(self, "_array", SatrecArray(list(satrecs)))
        epoch_whole = np.array([s.jdsatepoch for s in satrecs], dtype=float)
        epoch_fraction = np.array([s.jdsatepochF for s in satrecs], dtype=float)
        object.__setattr__(self, "_epoch_jd", (epoch_whole, epoch_fraction))

    def __len__(self) -> int:
        return len(self.satrecs)

    @property
    def inclinations_rad(self) -> np.ndarray:
        """(N,) mean inclinations of the element sets, radians."""
        return np.array([s.inclo for s in self.satrecs])

    @property
    def element_epochs_jd(self) -> np.ndarray:
        """(N,) epoch of each element set, UTC Julian date (``jdsatepoch + jdsatepochF``).

        One float loses about 40 us of the whole + fraction pair; ``element_age_s`` keeps both.
        """
        whole, fraction = self._epoch_jd
        return whole + fraction

    def element_age_s(self, time: Time) -> np.ndarray:
        """Age of each element set at ``time``: ``|t - element epoch|`` in seconds.

        Both epochs are UTC Julian dates as sgp4 reads them (``sgp4_julian_dates``), differenced
        as (whole days, fraction) pairs so that no precision is lost. A set further from ``time``
        than a few days to weeks (longer for high orbits) predicts poorly or not at all.

        Parameters
        ----------
        time : skyfield ``Time``, scalar or array of length T

        Returns
        -------
        (N,) for a scalar ``Time``, (N, T) for an array; seconds, >= 0
        """
        if np.ndim(time.whole) > 1:
            raise ValueError(f"time must be a scalar or 1-D skyfield Time, got shape "
                             f"{np.shape(time.whole)}")
        whole, fraction = sgp4_julian_dates(time)
        epoch_whole, epoch_fraction = self._epoch_jd
        days = (np.atleast_1d(whole)[None, :] - epoch_whole[:, None]) + (
            np.atleast_1d(fraction)[None, :] - epoch_fraction[:, None]
        )
        age = np.abs(days) * SECONDS_PER_DAY
        return age[:, 0] if np.ndim(time.whole) == 0 else age

    @property
    def apogee_radius_m(self) -> np.ndarray:
        """(N,) geocentric radius of each element set's apogee at its epoch, in metres."""
        return np.array([(1.0 + s.alta) * s.radiusearthkm * 1e3 for s in self.satrecs])

    def usable_mask(self, time: Time) -> np.ndarray:
        """Which satellites have a usable position at ``time``: SGP4 succeeded, the height
        above the WGS84 ellipsoid is in ``[MIN_ALTITUDE_M, MAX_ALTITUDE_M]`` and the radius is
        at most ``APOGEE_MARGIN_M`` above the apogee of the satellite's own element set.

        Parameters
        ----------
        time : skyfield ``Time``, scalar or array of length T

        Returns
        -------
        bool, (N,) for a scalar ``Time``, (N, T) for an array
        """
        return physical_position_mask(self.propagate(time)[0], self.apogee_radius_m)

    def subset(self, index: Sequence[int] | np.ndarray) -> Constellation:
        """The satellites at ``index`` (in that order) as a new ``Constellation``.

        The notices are kept: they describe how the source was read.
        """
        idx = np.asarray(index, dtype=int).reshape(-1)
        if idx.size and (idx.min() < -len(self) or idx.max() >= len(self)):
            raise ValueError(f"subset index out of range [0, {len(self)}): {idx.tolist()}")
        return Constellation(
            tuple(self.names[i] for i in idx), tuple(self.satrecs[i] for i in idx),
            self.notices,
        )

    def earth_satellites(self, ts: Timescale | None = None) -> list[EarthSatellite]:
        """The satellites as skyfield ``EarthSatellite`` objects (for skyfield's own tools)."""
        ts = timescale() if ts is None else ts
        out = []
        for name, sat in zip(self.names, self.satrecs, strict=True):
            es = EarthSatellite.from_satrec(sat, ts)
            es.name = name
            out.append(es)
        return out

    def propagate_teme(self, time: Time) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Raw SGP4 output: TEME position (m), velocity (m/s) shaped (N, T, 3), error codes (N, T).

        A scalar ``Time`` counts as T = 1 here. Epochs with a nonzero sgp4 error code (e.g. a
        decayed orbit) hold NaN.
        """
        whole, fraction = sgp4_julian_dates(time)
        errors, r_km, v_kmps = self._array.sgp4(np.atleast_1d(whole), np.atleast_1d(fraction))
        r = r_km * _KM
        v = v_kmps * _KM
        if errors.any():
            bad = errors != 0
            r[bad] = np.nan
            v[bad] = np.nan
        return r, v, errors

    def propagate(self, time: Time) -> tuple[np.ndarray, np.ndarray]:
        """ITRS positions and velocities of all satellites at ``time``.

        ``r_itrs = M(t) r_teme`` with ``M(t) = R_itrs(t) R_teme(t)^T`` (skyfield's two frame
        rotations) and ``v_itrs = M(t) v_teme - omega_E x r_itrs`` (Earth rotation rate
        ``omega_E`` about z, skyfield's ``itrs`` frame convention).

        Parameters
        ----------
        time : skyfield ``Time``, scalar or array of length T

        Returns
        -------
        ``(pos_m, vel_mps)``, each (N, T, 3) for an array Time or (N, 3) for a scalar
            Satellite-epochs where SGP4 fails (sgp4 error code) are NaN.
        """
        whole, fraction = sgp4_julian_dates(time)
        errors, r_km, v_kmps = self._array.sgp4(np.atleast_1d(whole), np.atleast_1d(fraction))
        # km -> m folded into the rotation: (T, N, 3) @ (T, 3, 3) as one batched matmul.
        rot_t = teme_to_itrs_matrix(time).transpose(0, 2, 1) * _KM
        pos = np.matmul(r_km.transpose(1, 0, 2), rot_t).transpose(1, 0, 2)
        vel = np.matmul(v_kmps.transpose(1, 0, 2), rot_t).transpose(1, 0, 2)
        if errors.any():
            pos[errors != 0] = np.nan
            vel[errors != 0] = np.nan
        vel[..., 0] += EARTH_ROTATION_RAD_PER_S * pos[..., 1]
        vel[..., 1] -= EARTH_ROTATION_RAD_PER_S * pos[..., 0]
        if np.ndim(time.whole) == 0:
            return pos[:, 0, :], vel[:, 0, :]
        return pos, vel


def teme_to_itrs_matrix(time: Time) -> np.ndarray:
    """TEME -> ITRS rotation matrices, shape (T, 3, 3) (T = 1 for a scalar ``Time``).

    skyfield composes ``itrs.rotation_at(t) @ TEME.rotation_at(t).T`` with
    ``itrs = R_z(-GAST) M`` and ``TEME = R_z(theta_GMST82 - GAST) M`` (M: precession-nutation):
    M and GAST cancel, leaving ``R_z(-theta_GMST82)`` (AIAA 2006-6753, TEME -> PEF), times the
    polar-motion matrix when the timescale has polar offsets loaded. Computing that product
    directly skips the IAU 2000A nutation series (most of the cost for many epochs).
    """
    theta, _ = theta_GMST1982(time.whole, time.ut1_fraction)
    c, s = np.cos(np.atleast_1d(theta)), np.sin(np.atleast_1d(theta))
    rot = np.zeros((c.size, 3, 3))
    rot[:, 0, 0] = c
    rot[:, 0, 1] = s
    rot[:, 1, 0] = -s
    rot[:, 1, 1] = c
    rot[:, 2, 2] = 1.0
    if time.ts.polar_motion_table is not None:
        rot = np.matmul(_as_stack(time.polar_motion_matrix()).transpose(2, 0, 1), rot)
    return rot


def skyfield_teme_to_itrs_matrix(time: Time) -> np.ndarray:
    """The same rotation as skyfield's frames compose it (reference for tests), (T, 3, 3)."""
    return np.einsum("ijt,kjt->tik", _as_stack(itrs.rotation_at(time)),
                     _as_stack(TEME.rotation_at(time)))


def _as_stack(matrix: np.ndarray) -> np.ndarray:
    """skyfield returns (3, 3) for scalar times and (3, 3, T) for arrays: make it (3, 3, T)."""
    matrix = np.asarray(matrix)
    return matrix[:, :, None] if matrix.ndim == 2 else matrix


def sgp4_error_message(code: int) -> str:
    """sgp4's text for an error code (0 means success)."""
    return SGP4_ERRORS.get(int(code), f"unknown sgp4 error {code}") if code else "success"


def physical_position_mask(pos_m, apogee_radius_m=None) -> np.ndarray:
    """True where an ITRS position is finite and physically plausible for a satellite.

    Plausible means a height above the WGS84 ellipsoid in ``[MIN_ALTITUDE_M, MAX_ALTITUDE_M]``
    = [100 km, 50,000 km]. Below 100 km (the Karman line) an orbit decays within hours, so a
    set that propagates there is a re-entered object or stale elements extrapolated past their
    decay; SGP4 itself only fails once the radius drops below one Earth radius (6378 km), which
    still leaves tens of kilometres above the polar ellipsoid (b = 6357 km). Above 50,000 km
    lies nothing a cooperative downlink would use (GEO is at 35,786 km; Molniya apogees reach
    about 40,000 km); larger heights come from high-drag elements extrapolated far from their
    epoch (2020 Starlink sets propagated to 2025 reach 1.8 million km) and would otherwise pass
    as distant satellites.

    With ``apogee_radius_m`` (N,), the radii of the satellites' element-set apogees
    (``Constellation.apogee_radius_m``), a position more than ``APOGEE_MARGIN_M`` above its
    satellite's apogee is not plausible either (a 550 km set propagated to 17,600 km).

    Parameters
    ----------
    pos_m : (N, ..., 3) or (..., 3) ITRS positions in metres (NaN where SGP4 failed)

    Returns
    -------
    (N, ...) or (...) bool
    """
    pos = np.asarray(pos_m, dtype=float)
    finite = np.all(np.isfinite(pos), axis=-1)
    safe = np.where(finite[..., None], pos, 1.0e7)  # any finite point: masked out below
    _, _, height = itrs_to_geodetic(safe)
    ok = finite & (height >= MIN_ALTITUDE_M) & (height <= MAX_ALTITUDE_M)
    if apogee_radius_m is not None:
        limit = np.asarray(apogee_radius_m, dtype=float) + APOGEE_MARGIN_M
        limit = limit.reshape(limit.shape + (1,) * (ok.ndim - limit.ndim))
        ok &= np.linalg.norm(safe, axis=-1) <= limit
    return ok
