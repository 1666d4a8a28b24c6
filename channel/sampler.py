"""Monte Carlo sampler of the compensated channel (docs/design.md#channel).

    hbar_{s,k} = a_{s,k} phi_{s,k} v_{s,k},
    a   = sqrt(kappa gamma / (kappa + 1)) e^{j pi/4} + sqrt(gamma / (kappa + 1)) z,  z ~ CN(0, 1)
    phi = exp(j varphi),  varphi ~ N(0, zeta2),  independent over (s, k) and samples.

Because ``hbar_{s,k}`` is rank one in the steering vector, only the scalar ``g = a phi`` needs to be
sampled; ``sample_channels`` expands to full vectors for tests and small problems.

Common random numbers. The gains are a fixed transform of three blocks of standard normals
(x, y: real and imaginary part of z times sqrt(2); u: varphi / sqrt(zeta2)), drawn from the
generator in that order, each of shape (n, S, K). ``draw_standard`` draws these normals once as
a ``StandardDraws`` and ``StandardDraws.gains(csi)`` transforms them for any statistical CSI, so
one set of draws serves every precoder and sweep point of a drop (zeta2, kappa or gamma may
differ between points). A generator's normals form one stream, so the 3 n S K normals of a
smaller (S, K) are the first ones of a larger draw: draws made for the largest S of a sweep give,
for every smaller S, exactly the gains a fresh generator in the same state would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsat.channel._validation import check_rng
from coopsat.channel.csi import StatisticalCSI


def check_samples(n_samples: object) -> int:
    whole = (
        not isinstance(n_samples, bool)
        and isinstance(n_samples, int | np.integer | float | np.floating)
        and np.isfinite(n_samples)
        and int(n_samples) == n_samples
    )
    if not whole or n_samples < 1:
        raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
    return int(n_samples)


def _check_links(n_links: object) -> int:
    if isinstance(n_links, bool) or not isinstance(n_links, int | np.integer) or n_links < 1:
        raise ValueError(
            f"n_links must be an integer >= 1 (S K of the largest CSI), got {n_links!r}"
        )
    return int(n_links)


@dataclass(frozen=True, eq=False)
class StandardDraws:
    """Standard normals behind n_samples link-gain draws of up to n_links links, held for reuse.

    Attributes
    ----------
    normals : (3 n_samples n_links,) float, read-only
        The generator's standard-normal stream. For a CSI with S K <= n_links links the first
        3 n S K values are the blocks x, y, u, each (n, S, K) in C order (``gains``).
    n_samples : int
        n >= 1, the number of channel draws.

    Build with ``draw_standard``; a hand-made stream (e.g. antithetic or quasi-random normals)
    is accepted too, and every evaluation then treats its n samples as independent.
    """

    normals: np.ndarray
    n_samples: int

    def __post_init__(self) -> None:
        n = check_samples(self.n_samples)
        normals = np.asarray(self.normals, dtype=float)
        if normals.flags.writeable:  # held read-only: shared by every evaluation of a drop
            normals = normals.copy()
        if normals.ndim != 1 or normals.size == 0 or normals.size % (3 * n):
            raise ValueError(
                f"StandardDraws.normals must be a 1-D stream of 3 n_samples n_links values "
                f"(n_samples = {n}), got shape {np.shape(self.normals)}"
            )
        if not np.all(np.isfinite(normals)):
            raise ValueError("StandardDraws.normals contains NaN or inf")
        normals.flags.writeable = False
        object.__setattr__(self, "normals", normals)
        object.__setattr__(self, "n_samples", n)

    @property
    def n_links(self) -> int:
        """Largest number of links S K these draws serve."""
        return self.normals.size // (3 * self.n_samples)

    def gains(self, csi: StatisticalCSI) -> np.ndarray:
        """Link gains g_{s,k} = a_{s,k} phi_{s,k} of ``csi`` from these normals.

        Parameters
        ----------
        csi : with S K <= n_links links

        Returns
        -------
        (n_samples, S, K) complex, identical (bit for bit) to ``sample_link_gains(csi, n_samples,
            rng)`` with rng in the state the draws were made from
        """
        if not isinstance(csi, StatisticalCSI):
            raise TypeError(f"csi must be a channel.csi.StatisticalCSI, got {type(csi).__name__}")
        shape = (self.n_samples, *np.shape(csi.gamma))
        size = int(np.prod(shape))
        if size > self.n_samples * self.n_links:
            raise ValueError(
                f"csi has S K = {size // self.n_samples} links but the draws hold "
                f"n_links = {self.n_links}; draw with n_links >= {size // self.n_samples}"
            )
        x, y, u = (self.normals[i * size : (i + 1) * size].reshape(shape) for i in range(3))
        return _gains(csi, x, y, u)


def draw_standard(n_samples: int, n_links: int, rng: np.random.Generator) -> StandardDraws:
    """Draw the standard normals of n_samples link-gain samples for up to n_links = S K links.

    Parameters
    ----------
    n_samples : >= 1
    n_links : >= 1 (S K of the largest CSI the draws will serve)
    rng : an explicit numpy Generator (3 n_samples n_links normals are taken from it)

    Returns
    -------
    ``StandardDraws``
        Memory: 24 n_samples n_links bytes.
    """
    n = check_samples(n_samples)
    links = _check_links(n_links)
    rng = check_rng(rng)
    normals = rng.standard_normal(3 * n * links)
    normals.flags.writeable = False  # no defensive copy needed in StandardDraws
    return StandardDraws(normals=normals, n_samples=n)


def _gains(csi: StatisticalCSI, x: np.ndarray, y: np.ndarray, u: np.ndarray) -> np.ndarray:
    """g = a phi from standard normals x, y, u (n, S, K); the one transform of this module."""
    gamma = np.asarray(csi.gamma, dtype=float)
    los = csi.los_fraction
    spread = np.sqrt(0.5 * gamma * (1.0 - los))  # (S, K)
    mean_a = np.sqrt(gamma * los) * np.exp(1j * np.pi / 4)  # (S, K) complex LoS part
    # a = mean_a + spread (x + j y), one real component at a time: the same rounded operations
    # as the complex expression (whose products with the zero imaginary part of spread are
    # exact zeros), without its complex temporaries
    a = np.empty(x.shape, dtype=complex)
    np.multiply(spread, x, out=a.real)
    a.real += mean_a.real
    np.multiply(spread, y, out=a.imag)
    a.imag += mean_a.imag
    varphi = u * np.sqrt(np.asarray(csi.zeta2, dtype=float))
    return a * np.exp(1j * varphi)


def sample_link_gains(csi: StatisticalCSI, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``g_{s,k} = a_{s,k} phi_{s,k}`` for every link, independently over (s, k) and samples.

    Parameters
    ----------
    csi : (S, K links)
    n_samples : >= 1
    rng : an explicit numpy Generator

    Returns
    -------
    (n_samples, S, K) complex; E{g} = rho (eq
        20), E|g|^2 = gamma, so that hbar_{s,k} = g_{s,k} v_{s,k} has the moments of eq. (18)-(19).
        Same as ``draw_standard(n_samples, S K, rng).gains(csi)``.
    """
    return draw_standard(n_samples, csi.n_satellites * csi.n_users, rng).gains(csi)


def sample_channels(csi: StatisticalCSI, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Full channel vectors hbar_{s,k}; output (n_samples, S, K, N_T) complex (memory heavy)."""
    g = sample_link_gains(csi, n_samples, rng)
    return g[..., None] * np.asarray(csi.steering)[None]
