"""Walker-Delta shells i:T/P/F built from SGP4 mean elements (no TLE text involved).

Convention (docs/design.md#geometry): plane p < P has RAAN 360 p / P; slot q < Q = T / P has mean
anomaly 360 q / Q + 360 F p / T; circular orbits (e = 0, argument of perigee 0), zero drag
(bstar = ndot = nddot = 0). Elements are WGS72 SGP4 mean elements, as sgp4 expects.

Generalisations for constellations of several shells (``WalkerShells`` in
``constellation/shells.py``), all zero or 360 by default, leaving the single shell above unchanged
to the last bit: the RAAN is ``raan_offset + raan_spread p / P`` and the mean anomaly gets
``anomaly_offset`` added. ``raan_spread_deg = 180`` gives the Walker-Star (polar) pattern of
near-polar shells such as OneWeb's, whose planes span half a revolution with a counter-rotating
seam; the offsets keep two shells from sharing planes and slots at the epoch.

Choice of the mean motion: SGP4 takes the Kozai mean motion n_K and internally converts it to the
Brouwer mean motion n_B, whose semi-major axis ``a = (k_e / n_B)^(2/3)`` (Earth radii) is the
mean orbit radius about which the J2 short-period terms oscillate. We pick n_K so that this mean
semi-major axis equals ``R_E(WGS72) + altitude_m`` (6378.135 km + 600 km by default), solving
with sgp4's own conversion (a few secant steps, converged to < 1 mm). The instantaneous height
above the WGS84 ellipsoid then differs from ``altitude_m`` by the Earth's flattening (up to about
+13 km at 53 deg latitude) and the J2 short-period terms (a few km).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sgp4.api import WGS72, Satrec

from .constants import JD_UNIX_EPOCH, SECONDS_PER_DAY
from .orbits import Constellation
from .params import ParameterError, number, text, validate
from .timebase import iso_utc_ok, parse_utc, utc_text

_SGP4_EPOCH_JD = 2433281.5  # 1949 December 31 00:00 UT, origin of sgp4init's epoch argument
_MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class WalkerDelta:
    """Walker-Delta shell i:T/P/F.

    Attributes
    ----------
    inclination_deg : float
        Orbit inclination, 0 < i < 180 deg.
    total_satellites : int
        T, total number of satellites (a multiple of ``n_planes``).
    n_planes : int
        P, number of equally spaced orbital planes.
    phasing : int
        F, relative phasing, 0 <= F < P.
    altitude_m : float
        Mean altitude above the WGS72 equatorial radius (see module notes), 100 km .. 40000 km.
    epoch_utc : str
        ISO-8601 UTC epoch of the elements (default 2025-01-01T00:00:00Z).
    raan_spread_deg : float
        Arc of RAAN over which the P planes are spread, (0, 360] deg: 360 (default) is the
        Walker-Delta pattern, 180 the Walker-Star pattern of polar shells.
    raan_offset_deg, anomaly_offset_deg : float
        RAAN of plane 0 and mean anomaly added to every slot, [-360, 360] deg (default 0).
    """

    inclination_deg: float = number(
        53.0, lo=0, hi=180, lo_open=True, hi_open=True, unit="deg", doc="orbit inclination i"
    )
    total_satellites: int = number(1680, lo=1, hi=99_999, integer=True, doc="T, a multiple of P")
    n_planes: int = number(28, lo=1, hi=10_000, integer=True, doc="P, orbital planes")
    phasing: int = number(1, lo=0, integer=True, doc="F, relative phasing, 0 <= F < P")
    altitude_m: float = number(
        600e3, lo=100e3, hi=40_000e3, unit="m", doc="mean altitude above R_E(WGS72)"
    )
    epoch_utc: str = text(
        "2025-01-01T00:00:00Z", iso_utc_ok, "an ISO 8601 UTC time, e.g. 2025-01-01T00:00:00Z",
        doc="epoch of the elements",
    )
    raan_spread_deg: float = number(
        360.0, lo=0, hi=360, lo_open=True, unit="deg", doc="RAAN arc of the planes (180: star)"
    )
    raan_offset_deg: float = number(0.0, lo=-360, hi=360, unit="deg", doc="RAAN of plane 0")
    anomaly_offset_deg: float = number(
        0.0, lo=-360, hi=360, unit="deg", doc="mean anomaly added to every slot"
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch_utc", utc_text(self.epoch_utc))
        validate(self)
        if self.total_satellites % self.n_planes:
            raise ParameterError(
                type(self).__name__, "n_planes", self.n_planes,
                f"a divisor of total_satellites = {self.total_satellites}",
                "does not divide total_satellites",
            )
        if self.phasing >= self.n_planes:
            raise ParameterError(
                type(self).__name__, "phasing", self.phasing,
                f"0 <= phasing < n_planes = {self.n_planes}", "is out of range",
            )

    @property
    def sats_per_plane(self) -> int:
        """Q = T / P."""
        return self.total_satellites // self.n_planes

    def plane_slot(self, index: int) -> tuple[int, int]:
        """(plane p, slot q) of satellite ``index`` (satellites are numbered plane by plane)."""
        return divmod(int(index), self.sats_per_plane)

    def raan_rad(self, plane: int) -> float:
        """RAAN of ``plane``: offset + (spread / 360) 2 pi p / P, wrapped to [0, 2 pi).

        With the defaults (spread 360 deg, offset 0) this is 2 pi p / P evaluated in the same
        order, so the default shell's elements are unchanged to the last bit.
        """
        raan = 2.0 * math.pi * (self.raan_spread_deg / 360.0) * plane / self.n_planes
        return (raan + math.radians(self.raan_offset_deg)) % (2.0 * math.pi)

    def mean_anomaly_rad(self, plane: int, slot: int) -> float:
        """Mean anomaly at epoch: 2 pi q / Q + 2 pi F p / T + offset, wrapped to [0, 2 pi)."""
        t = self.total_satellites
        m = 2.0 * math.pi * (slot / self.sats_per_plane + self.phasing * plane / t)
        return (m + math.radians(self.anomaly_offset_deg)) % (2.0 * math.pi)

    def kozai_mean_motion_rad_per_min(self) -> float:
        """Kozai mean motion (rad/min) whose SGP4 mean semi-major axis is R_E(WGS72) + altitude."""
        epoch = self._sgp4_epoch_days()
        incl = math.radians(self.inclination_deg)
        probe = Satrec()
        probe.sgp4init(WGS72, "i", 1, epoch, 0.0, 0.0, 0.0, 0.0, 0.0, incl, 0.0, 0.06, 0.0)
        target_er = 1.0 + self.altitude_m / (probe.radiusearthkm * 1000.0)
        n = probe.xke * target_er**-1.5  # two-body guess
        for _ in range(6):
            probe.sgp4init(WGS72, "i", 1, epoch, 0.0, 0.0, 0.0, 0.0, 0.0, incl, 0.0, n, 0.0)
            # a scales as n^(-2/3): a multiplicative correction converges fast.
            n *= (probe.a / target_er) ** 1.5
        return n

    def build(self, *, label: str = "WALKER", first_satnum: int = 1) -> Constellation:
        """All T satellites as a ``Constellation``, numbered plane by plane.

        Names are ``{label}-Ppp-Sqq`` (plane p, slot q; ``WALKER-P00-S00`` .. by default) and
        catalogue numbers ``first_satnum .. first_satnum + T - 1`` (1..T by default), which must
        stay within the five TLE digits (<= 99999).
        """
        if isinstance(first_satnum, bool) or not isinstance(first_satnum, int) or not (
            1 <= first_satnum <= 100_000 - self.total_satellites
        ):
            raise ValueError(
                f"first_satnum must be an int in [1, {100_000 - self.total_satellites}] so that "
                "all "
                f"{self.total_satellites} catalogue numbers fit in 5 digits, got {first_satnum!r}"
            )
        if not isinstance(label, str) or not label:
            raise ValueError(f"label must be a non-empty string, got {label!r}")
        epoch = self._sgp4_epoch_days()
        incl = math.radians(self.inclination_deg)
        n_kozai = self.kozai_mean_motion_rad_per_min()
        names, satrecs = [], []
        for index in range(self.total_satellites):
            plane, slot = self.plane_slot(index)
            sat = Satrec()
            sat.sgp4init(
                WGS72, "i", first_satnum + index, epoch, 0.0, 0.0, 0.0, 0.0, 0.0, incl,
                self.mean_anomaly_rad(plane, slot), n_kozai, self.raan_rad(plane),
            )
            if sat.error:
                raise ValueError(f"sgp4init failed for satellite {index} (error {sat.error})")
            satrecs.append(sat)
            names.append(f"{label}-P{plane:02d}-S{slot:02d}")
        return Constellation(tuple(names), tuple(satrecs))

    def _sgp4_epoch_days(self) -> float:
        stamp = parse_utc(self.epoch_utc)
        return JD_UNIX_EPOCH + stamp.timestamp() / SECONDS_PER_DAY - _SGP4_EPOCH_JD
