"""Physical constants used across coopsat (SI units).

Sources: WGS84 (NIMA TR8350.2) for the ellipsoid and Earth rotation rate; CODATA 2018 for c and
k_B; TR 38.811 uses a spherical Earth of radius 6371 km for its elevation/slant-range formulas,
kept here as ``EARTH_MEAN_RADIUS_M`` for those closed-form checks only.
"""

SPEED_OF_LIGHT_MPS = 299_792_458.0
BOLTZMANN_J_PER_K = 1.380_649e-23

WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257_223_563
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
EARTH_ROTATION_RAD_PER_S = 7.292_115e-5
EARTH_GM_M3_PER_S2 = 3.986_004_418e14

EARTH_MEAN_RADIUS_M = 6_371_000.0

SECONDS_PER_DAY = 86_400.0
JD_UNIX_EPOCH = 2_440_587.5  # Julian date of 1970-01-01T00:00:00 UTC
