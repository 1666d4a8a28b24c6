"""Monte Carlo sampler of the compensated channel (DESIGN.md, section Channel).

    hbar_{s,k} = a_{s,k} phi_{s,k} v_{s,k},
    a   = sqrt(kappa gamma / (kappa + 1)) e^{j pi/4} + sqrt(gamma / (kappa + 1)) z,  z ~ CN(0, 1)
    phi = exp(j varphi),  varphi ~ N(0, zeta2),  independent over (s, k) and samples.

Because ``hbar_{s,k}`` is rank one in the steering vector, only the scalar ``g = a phi`` needs to be
sampled; ``sample_channels`` expands to full vectors for tests and small problems.
"""

from __future__ import annotations

import numpy as np

from channel._validation import check_rng
from channel.csi import StatisticalCSI


def _check_samples(n_samples: int) -> int:
    if isinstance(n_samples, bool) or int(n_samples) != n_samples or n_samples < 1:
        raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
    return int(n_samples)


def sample_link_gains(csi: StatisticalCSI, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``g_{s,k} = a_{s,k} phi_{s,k}`` for every link, independently over (s, k) and samples.

    Inputs: csi (S, K links); n_samples >= 1; rng, an explicit numpy Generator.
    Output: (n_samples, S, K) complex; E{g} = rho (eq. 20), E|g|^2 = gamma, so that
    hbar_{s,k} = g_{s,k} v_{s,k} has the moments of eq. (18)-(19).
    """
    n = _check_samples(n_samples)
    rng = check_rng(rng)
    gamma = np.asarray(csi.gamma, dtype=float)
    los = csi.los_fraction
    shape = (n, *gamma.shape)
    scatter = np.sqrt(0.5 * gamma * (1.0 - los)) * (
        rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    )
    a = np.sqrt(gamma * los) * np.exp(1j * np.pi / 4) + scatter
    varphi = rng.standard_normal(shape) * np.sqrt(np.asarray(csi.zeta2, dtype=float))
    return a * np.exp(1j * varphi)


def sample_channels(csi: StatisticalCSI, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Full channel vectors hbar_{s,k}; output (n_samples, S, K, N_T) complex (memory heavy)."""
    g = sample_link_gains(csi, n_samples, rng)
    return g[..., None] * np.asarray(csi.steering)[None]
