"""Compact statistical structure of the multi-satellite channel (paper eq. 13, 16-20, 23, 27-30).

The one implementation of these quantities: precoding, rate evaluation and the OFDM waveform
simulator all use it. Every channel is rank one per link, ``hbar_{s,k} = g_{s,k} v_{s,k}``, so
all quadratic forms in ``Omega_k`` (eq. 16, 19) and ``Omega~_k`` (eq. 17, block-diagonal part)
reduce to the scalars

    t[s, k, i] = v_{s,k}^T w_{s,i}                                  (S, K, K)

and the link statistics rho (eq. 20), c (eq. 29, rho-safe; ``StatisticalCSI.rho``/``.c``) and
gamma:

    E{hbar_{s,k}^T}    = rho_{s,k} v_{s,k}^T                          (mean channel, eq. 18)
    m_k^T w_k          = sum_s rho_{s,k} t[s,k,k]                     (mean response)
    w_k^H Omega_k w_k  = |m_k^T w_k|^2 + sum_s |c_{s,k}|^2 |t[s,k,k]|^2 = ||Q_k w_k||^2  (28)
    w_i^H Omega~_k w_i = sum_s gamma_{s,k} |t[s,k,i]|^2               (i != k: interference)

The link statistics (rho, |c|^2, gamma, sigma^2) are held by ``LinkStatistics``, built from a
``StatisticalCSI`` or from channel realisations g (n, S, K): a known realisation is the
"deterministic" statistics rho = g, gamma = |g|^2, c = 0, for which the expressions above are the
instantaneous signal and interference powers of R_E (coherent over satellites, inter-satellite
interference adding in power: Remark 1). Every function here accepts leading batch axes
(power points, realisations) in front of (S, K) and (S, K, K).

No (S N_T) x (S N_T) matrix is ever formed; the dense matrices of the paper (Omega_k, Q_k, ...)
live in the test oracle (``tests/oracle_precoding.py``) as the independent check of this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsat.channel.csi import StatisticalCSI


def mean_channels(rho: np.ndarray, steering: np.ndarray) -> np.ndarray:
    """Per-satellite mean channels H_s = [rho_{s,k} v_{s,k}^T]_k (eq. 18, one block per satellite).

    Parameters
    ----------
    rho : (S, K) complex (``StatisticalCSI.rho``)
    steering : (S, K, N_T) complex

    Returns
    -------
    (S, K, N_T) complex; row k of block s is E{hbar_{s,k}^T}
    """
    return rho[:, :, None] * steering


def steering_projections(steering: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """t[..., s, k, i] = v_{s,k}^T w_{s,i}.

    Parameters
    ----------
    steering : (S, K, N_T) complex
    weights : (..., S, N_T, K) complex (column i of weights[..., s, :, :] is w_{s,i})

    Returns
    -------
    (..., S, K, K) complex
    """
    return np.matmul(steering, weights)


@dataclass(frozen=True, eq=False)
class LinkStatistics:
    """First and second moments of the scalar link gains g_{s,k} (hbar_{s,k} = g_{s,k} v_{s,k}).

    Attributes
    ----------
    rho    : (..., S, K) complex, E{g} (eq. 20).
    c2     : (..., S, K) float, |c_{s,k}|^2 = gamma - |rho|^2 (eq. 29), >= 0.
    gamma  : (..., S, K) float, E{|g|^2} (linear power gain).
    sigma2 : (K,) float, noise power per UT (W).

    The leading axes (none for one drop; (n,) for n realisations) are shared by the three link
    arrays. Build with ``from_csi`` or ``from_gains``.
    """

    rho: np.ndarray
    c2: np.ndarray
    gamma: np.ndarray
    sigma2: np.ndarray

    @classmethod
    def from_csi(cls, csi: StatisticalCSI) -> LinkStatistics:
        """Statistics of a drop: rho = ``csi.rho``, |c|^2 = ``|csi.c|^2``, gamma, sigma2."""
        return cls(
            rho=csi.rho,
            c2=np.abs(csi.c) ** 2,
            gamma=np.asarray(csi.gamma, dtype=float),
            sigma2=np.asarray(csi.sigma2, dtype=float),
        )

    @classmethod
    def from_gains(cls, gains: np.ndarray, sigma2: np.ndarray) -> LinkStatistics:
        """Deterministic statistics of known realisations: rho = g, gamma = |g|^2, c = 0.

        Parameters
        ----------
        gains : (..., S, K) complex (e.g. ``channel.sampler.sample_link_gains``, (n, S, K))
        sigma2 : (K,) W
        """
        g = np.asarray(gains, dtype=complex)
        return cls(
            rho=g,
            c2=np.zeros(g.shape),
            gamma=np.abs(g) ** 2,
            sigma2=np.asarray(sigma2, dtype=float),
        )

    @property
    def shape(self) -> tuple[int, ...]:
        """(..., S, K), the shape of the link arrays."""
        return tuple(np.shape(self.rho))

    def take(self, index: np.ndarray) -> LinkStatistics:
        """The members ``index`` of the leading batch axis (link arrays (B, S, K) -> (b, S, K))."""
        return LinkStatistics(
            rho=self.rho[index], c2=self.c2[index], gamma=self.gamma[index], sigma2=self.sigma2
        )

    def batched(self, n_batch: int) -> LinkStatistics:
        """Link arrays with a leading batch axis of length n_batch: (S, K) is repeated, an
        existing (n_batch, S, K) is kept."""
        if np.ndim(self.rho) == 3:
            if np.shape(self.rho)[0] != n_batch:
                raise ValueError(
                    f"link statistics have batch size {np.shape(self.rho)[0]}, expected {n_batch}"
                )
            return self
        shape = (n_batch, *np.shape(self.rho))
        return LinkStatistics(
            rho=np.broadcast_to(self.rho, shape).copy(),
            c2=np.broadcast_to(self.c2, shape).copy(),
            gamma=np.broadcast_to(self.gamma, shape).copy(),
            sigma2=self.sigma2,
        )


@dataclass(frozen=True, eq=False)
class LinkPowers:
    """Per-UT second-order quantities of a precoder under statistical CSI (all (..., K), W).

    Attributes
    ----------
    mean_response : m_k^T w_k = E{hbar_k^T} w_k (complex, sqrt(W)).
    scatter_power : w_k^H Omega_k w_k - |m_k^T w_k|^2 = sum_s |c_{s,k}|^2 |t[s,k,k]|^2.
    interference  : sum_{i != k} w_i^H Omega~_k w_i (eq. 13 as read in docs/design.md#channel).
    noise         : sigma_k^2, (K,).
    own_response  : (..., S, K) t[s,k,k] = v_{s,k}^T w_{s,k}, kept for the receivers of
        Algorithm 1.
    """

    mean_response: np.ndarray
    scatter_power: np.ndarray
    interference: np.ndarray
    noise: np.ndarray
    own_response: np.ndarray

    @property
    def signal_power(self) -> np.ndarray:
        """w_k^H Omega_k w_k (..., K)."""
        return np.abs(self.mean_response) ** 2 + self.scatter_power

    @property
    def total_power(self) -> np.ndarray:
        """Expected received power w_k^H Omega_k w_k + interference + sigma_k^2 (..., K)."""
        return self.signal_power + self.interference + self.noise


def link_powers(stats: StatisticalCSI | LinkStatistics, t: np.ndarray) -> LinkPowers:
    """Evaluate the quadratic forms of eq. (13), (23), (27) from t = steering_projections(...).

    Parameters
    ----------
    stats : a ``StatisticalCSI`` or ``LinkStatistics`` with link arrays (..., S, K) broadcastable
        against t's
    t : (..., S, K, K) complex

    Returns
    -------
    ``LinkPowers`` with (..., K) arrays (own_response (..., S, K))
    """
    if isinstance(stats, StatisticalCSI):
        stats = LinkStatistics.from_csi(stats)
    n_users = t.shape[-1]
    diag = np.arange(n_users)
    own = t[..., diag, diag]  # (..., S, K)
    cross = np.abs(t) ** 2
    cross[..., diag, diag] = 0.0
    interference = np.einsum("...sk,...ski->...k", stats.gamma, cross)
    return LinkPowers(
        mean_response=np.sum(stats.rho * own, axis=-2),
        scatter_power=np.sum(stats.c2 * np.abs(own) ** 2, axis=-2),
        interference=interference,
        noise=stats.sigma2,
        own_response=own,
    )
