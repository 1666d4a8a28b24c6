"""Element patterns of the satellite array: the gain of one element towards each UT.

The pattern is the shape of the element gain, 0 dB at boresight; the boresight (peak) gain is
``LinkBudget.tx_element_gain_dbi`` for every pattern (6 dBi in the paper's Table I, 8 dBi for the
element of TR 38.901 Table 7.3-1). Directions are the unit vectors d from the satellite to a UT in
the array frame (x, y, z) of ``constellation.links.upa_frame``: z is the boresight (towards the
Earth's centre, or the coverage centre when the array is pointed at it), y the UPA's vertical axis
(the axis of theta_y in eq. (2)), x = y cross z. In direction cosines (d . x, d . y, d . z):

    off-boresight angle   eta  = arccos(d . z)

and the element's local frame of TR 38.901 (boresight along its x', zenith along its z') is
(x', y', z') = (z, x, y), so its zenith and azimuth angles are

    theta'' = arccos(d . y)                (= theta_y of eq. (2); 90 deg on the boresight plane)
    phi''   = atan2(d . x, d . z)          (0 at boresight, +-180 deg behind the array)

Patterns (relative gain A in dB, 0 at boresight, >= -A_max):

    "isotropic"  A = 0                                              (the paper)
    "3gpp"       A_V = -min(12 ((theta'' - 90) / theta_3dB)^2, SLA_V)
                 A_H = -min(12 (phi'' / phi_3dB)^2, A_max)
                 A   = -min(-(A_V + A_H), A_max)                    (TR 38.901 Table 7.3-1)
    "cosine"     A   = max(10 q log10(cos eta), -A_max)  (cos eta > 0; -A_max behind)

with theta_3dB = phi_3dB = the half-power beamwidth (65 deg in TR 38.901), SLA_V = A_max = 30 dB.
The cosine element's floor at -A_max keeps every link's power positive behind the array.
"""

from __future__ import annotations

import math

import numpy as np

ELEMENT_PATTERNS = ("isotropic", "3gpp", "cosine")
"""Element patterns of ``ChannelConfig.element_pattern``."""

MAX_ATTENUATION_DB = 30.0
"""A_max (front-to-back) and SLA_V (side-lobe limit) of TR 38.901 Table 7.3-1, dB."""


def element_angles(dir_cos_x, dir_cos_y, dir_cos_z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(eta, theta'', phi'') in radians of directions given by their array-frame cosines.

    Parameters
    ----------
    dir_cos_x : d . x, dir_cos_y = d . y, dir_cos_z = d . z, broadcastable arrays (...) of a unit
        vector d

    Returns
    -------
    three (...) arrays: the off-boresight angle eta in [0, pi], the element zenith angle theta'' in
        [0, pi] and azimuth phi'' in (-pi, pi] (module docstring)
        Computed with atan2, exact to rounding near boresight.
    """
    cx, cy, cz = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in
                                       (dir_cos_x, dir_cos_y, dir_cos_z)))
    eta = np.arctan2(np.hypot(cx, cy), cz)
    theta = np.arctan2(np.hypot(cx, cz), cy)
    phi = np.arctan2(cx, cz)
    return eta, theta, phi


def tr38901_element_db(theta_rad, phi_rad, hpbw_rad: float) -> np.ndarray:
    """Relative gain A(theta'', phi'') (dB) of the TR 38.901 Table 7.3-1 element.

    Parameters
    ----------
    theta_rad : phi_rad (...) zenith and azimuth in the element's frame (radians)
    hpbw_rad : the half-power beamwidth of both cuts (radians, 65 deg in TR 38.901)

    Returns
    -------
    (...) dB in [-30, 0], 0 at theta'' = 90 deg, phi'' = 0
    """
    theta = np.asarray(theta_rad, dtype=float)
    phi = np.asarray(phi_rad, dtype=float)
    a_v = -np.minimum(12.0 * ((theta - 0.5 * math.pi) / hpbw_rad) ** 2, MAX_ATTENUATION_DB)
    a_h = -np.minimum(12.0 * (phi / hpbw_rad) ** 2, MAX_ATTENUATION_DB)
    return -np.minimum(-(a_v + a_h), MAX_ATTENUATION_DB)


def cosine_element_db(dir_cos_z, exponent: float) -> np.ndarray:
    """Relative gain 10 q log10(cos eta) (dB) of the cosine scan-loss element, floored at -30 dB.

    Parameters
    ----------
    dir_cos_z : cos(eta) (...) of each direction
    exponent : q > 0

    Returns
    -------
    (...) dB in [-30, 0]; cos eta <= 0 (behind the array) gives -30 dB
    """
    floor = 10.0 ** (-MAX_ATTENUATION_DB / (10.0 * exponent))  # cos eta where the floor starts
    cos_eta = np.maximum(np.asarray(dir_cos_z, dtype=float), floor)
    return np.maximum(10.0 * exponent * np.log10(cos_eta), -MAX_ATTENUATION_DB)


def element_gain_db(
    pattern: str, dir_cos_x, dir_cos_y, dir_cos_z, *, hpbw_deg: float = 65.0,
    exponent: float = 1.5,
) -> np.ndarray | float:
    """Relative element gain (dB, 0 at boresight) towards directions given by array-frame cosines.

    Parameters
    ----------
    pattern : str
        One of ``ELEMENT_PATTERNS``.
    dir_cos_x, dir_cos_y, dir_cos_z : array_like (...)
        d . x, d . y, d . z of unit directions d in the array frame (module docstring).
    hpbw_deg : float
        Half-power beamwidth of the "3gpp" element, both cuts, deg in (0, 180].
    exponent : float
        q of the "cosine" element, > 0.

    Returns
    -------
    float or ndarray (...)
        0.0 (a float, added to every link) for "isotropic"; else the pattern's dB values.

    Raises
    ------
    ValueError
        For an unknown pattern or a beamwidth or exponent out of range.
    """
    if pattern == "isotropic":
        return 0.0
    if pattern == "3gpp":
        if not (0.0 < hpbw_deg <= 180.0):
            raise ValueError(f"hpbw_deg must be in (0, 180] deg, got {hpbw_deg!r}")
        _, theta, phi = element_angles(dir_cos_x, dir_cos_y, dir_cos_z)
        return tr38901_element_db(theta, phi, math.radians(hpbw_deg))
    if pattern == "cosine":
        if not (exponent > 0.0 and math.isfinite(exponent)):
            raise ValueError(f"exponent must be finite and > 0, got {exponent!r}")
        return cosine_element_db(dir_cos_z, exponent)
    raise ValueError(f"pattern must be one of {ELEMENT_PATTERNS}, got {pattern!r}")
