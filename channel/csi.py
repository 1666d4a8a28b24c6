"""Statistical CSI of one drop (paper eq. 18-20): the contract between channel and precoding.

Conventions (``docs/design.md#channel``): ``h_{s,k} = a_{s,k} v_{s,k}`` with Rician ``a`` of
power ``gamma`` and K-factor ``kappa`` whose LoS part has phase pi/4; the compensated channel
``hbar = h phi`` with ``phi = exp(j varphi)``, ``varphi ~ N(0, zeta2)``. Hence

    phibar = E{phi} = exp(-zeta2 / 2)
    rho    = E{a phi} = sqrt(kappa gamma / (2 (kappa + 1))) (1 + j) phibar        (eq. 20)
    c      = sqrt(gamma - |rho|^2) exp(j arg rho)                                 (eq. 29, rho-safe)

``gamma`` is a linear power gain (path loss, shadowing and antenna gains); the noise power
``sigma2`` stays separate, in watts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class StatisticalCSI:
    """Statistical CSI for S satellites and K single-antenna UTs, each satellite an N_T UPA.

    Attributes
    ----------
    gamma : (S, K) float
        Average channel power E|a|^2 (linear, dimensionless power gain), > 0.
    kappa : (S, K) float
        Rician K-factor (linear), >= 0; ``np.inf`` means pure LoS.
    zeta2 : (S, K) float
        Phase-error variance (rad^2), >= 0.
    steering : (S, K, N_T) complex
        Unit-norm UPA steering vectors v(theta_{s,k}) of eq. (2)-(3).
    sigma2 : (K,) float
        Noise power per UT on the subcarrier considered (W), > 0.
    """

    gamma: np.ndarray
    kappa: np.ndarray
    zeta2: np.ndarray
    steering: np.ndarray
    sigma2: np.ndarray

    def __post_init__(self) -> None:
        steering = np.asarray(self.steering)
        if steering.ndim != 3:
            raise ValueError(
                f"StatisticalCSI.steering must be (S, K, N_T), got shape {steering.shape}"
            )
        s, k, _ = steering.shape
        shapes = {"gamma": (s, k), "kappa": (s, k), "zeta2": (s, k), "sigma2": (k,)}
        for name, shape in shapes.items():
            value = np.asarray(getattr(self, name), dtype=float)
            if value.shape != shape:
                raise ValueError(f"StatisticalCSI.{name} has shape {value.shape}, expected {shape}")
            if np.any(np.isnan(value)):
                raise ValueError(f"StatisticalCSI.{name} contains NaN")
            object.__setattr__(self, name, value)  # stored as checked: float arrays
        if not np.all(np.isfinite(steering)):
            raise ValueError("StatisticalCSI.steering contains NaN or inf")
        positive = ("> 0 and finite", lambda x: (x > 0) & np.isfinite(x))
        checks = {
            "gamma": positive,
            "kappa": (">= 0 (linear; inf = pure LoS)", lambda x: x >= 0),
            "zeta2": (">= 0 and finite", lambda x: (x >= 0) & np.isfinite(x)),
            "sigma2": positive,
        }
        for name, (allowed, ok) in checks.items():
            value = np.asarray(getattr(self, name), dtype=float)
            bad = ~ok(value)
            if np.any(bad):
                raise ValueError(
                    f"StatisticalCSI.{name} must be {allowed}; got {value[bad].ravel()[0]!r}"
                )

    @property
    def n_satellites(self) -> int:
        """S."""
        return int(np.shape(self.steering)[0])

    @property
    def n_users(self) -> int:
        """K."""
        return int(np.shape(self.steering)[1])

    @property
    def n_antennas(self) -> int:
        """N_T = Nv Nh, antennas per satellite."""
        return int(np.shape(self.steering)[2])

    @property
    def phibar(self) -> np.ndarray:
        """(S, K) E{phi} = exp(-zeta2 / 2) for the Gaussian phase-error model."""
        return np.exp(-0.5 * np.asarray(self.zeta2, dtype=float))

    @property
    def los_fraction(self) -> np.ndarray:
        """(S, K) kappa / (kappa + 1), equal to 1 for kappa = inf."""
        kappa = np.asarray(self.kappa, dtype=float)
        with np.errstate(invalid="ignore"):
            frac = kappa / (kappa + 1.0)
        return np.where(np.isinf(kappa), 1.0, frac)

    @property
    def rho(self) -> np.ndarray:
        """(S, K) complex mean channel coefficient of eq. (20), E{hbar_{s,k}} = rho v."""
        amp = np.sqrt(self.los_fraction * np.asarray(self.gamma, dtype=float)) * self.phibar
        return amp * np.exp(1j * np.pi / 4)

    @property
    def c(self) -> np.ndarray:
        """(S, K) complex coefficient of the diagonal rows of Q_k (eq. 28-29, rho-safe form).

        ``|c|^2 = gamma - |rho|^2`` and ``arg c = arg rho`` (the LoS phase pi/4).
        """
        gamma = np.asarray(self.gamma, dtype=float)
        resid = np.maximum(gamma - np.abs(self.rho) ** 2, 0.0)
        return np.sqrt(resid) * np.exp(1j * np.pi / 4)
