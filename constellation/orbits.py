"""A set of SGP4 satellites and its vectorised propagation to ITRS.

``Constellation.propagate`` evaluates sgp4's ``SatrecArray`` for all satellites x epochs in one
C call, then applies one TEME -> ITRS rotation per epoch: the rotation skyfield composes for
``EarthSatellite.at(t).frame_xyz_and_velocity(itrs)`` (``itrs.rotation_at @ TEME.rotation_at.T``),
evaluated in its closed form ``R_z(-theta_GMST82)`` (see ``teme_to_itrs_matrix``), so both agree
to rounding; the velocity carries the Earth-rotation term ``-omega x r`` exactly as skyfield's
``itrs`` frame does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sgp4.api import SGP4_ERRORS, Satrec, SatrecArray
from skyfield.framelib import itrs
from skyfield.sgp4lib import TEME, EarthSatellite, theta_GMST1982
from skyfield.timelib import Time, Timescale

from .constants import EARTH_ROTATION_RAD_PER_S
from .timebase import sgp4_julian_dates, timescale

_KM = 1000.0


@dataclass(frozen=True, eq=False)
class Constellation:
    """Named SGP4 satellites (``N`` of them), propagated together.

    Attributes
    ----------
    names : tuple[str, ...]
        One name per satellite (length N), unique.
    satrecs : tuple[sgp4.api.Satrec, ...]
        The SGP4 element sets, same order as ``names``. Treat them as read-only.
    """

    names: tuple[str, ...]
    satrecs: tuple[Satrec, ...]
    _array: SatrecArray = field(init=False, repr=False)

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
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "satrecs", satrecs)
        object.__setattr__(self, "_array", SatrecArray(list(satrecs)))

    def __len__(self) -> int:
        return len(self.satrecs)

    @property
    def inclinations_rad(self) -> np.ndarray:
        """(N,) mean inclinations of the element sets, radians."""
        return np.array([s.inclo for s in self.satrecs])

    def subset(self, index: Sequence[int] | np.ndarray) -> Constellation:
        """The satellites at ``index`` (in that order) as a new ``Constellation``."""
        idx = np.asarray(index, dtype=int).reshape(-1)
        if idx.size and (idx.min() < -len(self) or idx.max() >= len(self)):
            raise ValueError(f"subset index out of range [0, {len(self)}): {idx.tolist()}")
        return Constellation(
            tuple(self.names[i] for i in idx), tuple(self.satrecs[i] for i in idx)
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

        Input: skyfield ``Time``, scalar or array of length T.
        Output: ``(pos_m, vel_mps)``, each (N, T, 3) for an array Time or (N, 3) for a scalar.
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
