"""Waveform-level OFDM link simulation of one drop (Section III, eq. 4-13; Remark 1).

Satellite s sends, for every UT l, an independently OFDM-modulated stream (QPSK or 16-QAM) with
the data d_l common to all satellites, precoded with w_{s,l} and pre-compensated per UT with
tau_cps_{s,l}, nu_cps_{s,l} (eq. 6). UT k receives it through h_{s,k} = a_{s,k} v_{s,k} as
(eq. 7-9)

    a_{s,k} (v_{s,k}^T w_{s,l}) x_l(t + tau~_{s,l,k}) exp(j 2 pi nu~_{s,l,k} t + j theta_{s,l,k}),
    tau~_{s,l,k}  = tau_bar_{s,l} + tau_{s,l} - tau_{s,k},
    nu~_{s,l,k}   = nu_{s,k} - nu_{s,l} + nu_bar_{s,l},
    theta_{s,l,k} = 2 pi [(f0 - nu_cps_{s,l}) tau~_{s,l,k} + nu~_{s,l,k} T_h], nu_cps = nu - nu_bar,

plus white noise of power sigma2_k per subcarrier. The channel is flat and rank one per link, so
the N_T antennas collapse exactly into the scalar g[s,k,l] = v_{s,k}^T w_{s,l} (a dense
per-antenna oracle in the tests checks this). The compensation errors (eq. 8) are drawn per
block and per (s, l) from ``CompensationErrorModel``; T_h is the prediction horizon of
``channel.phase`` (its physical model gives the same zeta2 as the carrier phase drawn here).
Delays enter relative to UT k's own compensated timing (the reference), see ``channel.ofdm``.

ISI: the engine is exact at any offset, so ISI and ICI from compensation errors beyond the CP
(and from the large differential delays of interfering streams, Remark 1) are modelled
explicitly by default (``isi="model"``). With ``isi="reject"`` a desired-link delay error
outside the ISI-free window (eq. 10 assumes the first sample inside the CP) raises ValueError.

Measurement at UT k with the known symbols d_k, per block (channel, errors and data drawn anew;
fixed over its M symbols) and subcarrier n, on the three received components separately
(exact by linearity):
  desired streams: least squares g_n = sum_m Y d* / sum_m |d|^2; signal |g_n|^2 less the
  estimation bias, residual (ICI/ISI of the own stream) sum_m |Y - g_n d|^2 / (M - 1);
  interference (streams l != k) and noise: mean |Y|^2.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.ofdm.waveform import (
    MODULATIONS,
    OfdmNumerology,
    demodulate,
    link_waveforms,
    qam_symbols,
)
from coopsat.channel.sampler import sample_link_gains
from coopsat.channel.structure import steering_projections

ISI_POLICIES = ("model", "reject")
MIN_SYMBOLS_PER_BLOCK = 2
"""Symbols per channel block: the known-symbol split needs at least two (signal + residual)."""


def _nonneg(name: str, value: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be >= 0 and finite, got {value!r}")
    return value


@dataclass(frozen=True)
class CompensationErrorModel:
    """Residual delay and Doppler errors of eq. (8): tau_bar ~ N(0, sigma_tau^2),
    nu_bar ~ N(0, sigma_nu^2), independent over links and blocks.

    Attributes: sigma_tau_s (s), sigma_nu_hz (Hz), horizon_s (s, the time T_h between fixing the
    compensation values and the block, over which nu_bar rotates the phase), all >= 0.
    """

    sigma_tau_s: float = 0.0
    sigma_nu_hz: float = 0.0
    horizon_s: float = 0.0

    def __post_init__(self) -> None:
        for name in ("sigma_tau_s", "sigma_nu_hz", "horizon_s"):
            _nonneg(name, getattr(self, name))

    @classmethod
    def for_zeta2(
        cls, zeta2: float, carrier_hz: float, sigma_nu_hz: float = 0.0, horizon_s: float = 0.0
    ) -> CompensationErrorModel:
        """The sigma_tau that gives phase-error variance zeta2 (rad^2) at the carrier f0.

        Inverts zeta2 = (2 pi)^2 [f0^2 sigma_tau^2 + sigma_nu^2 (T_h^2 + sigma_tau^2)] (the
        physical model of ``channel.phase``, subcarrier 0, nu_sat neglected next to f0).
        """
        z = _nonneg("zeta2", zeta2)
        f0 = _nonneg("carrier_hz", carrier_hz)
        sn, th = _nonneg("sigma_nu_hz", sigma_nu_hz), _nonneg("horizon_s", horizon_s)
        rest = z / (2 * np.pi) ** 2 - sn**2 * th**2
        if rest < 0 or f0 == 0:
            raise ValueError(
                f"zeta2={z!r} is below the Doppler part (2 pi sigma_nu T_h)^2 = "
                f"{(2 * np.pi * sn * th) ** 2!r}, or carrier_hz={f0!r} is 0"
            )
        return cls(np.sqrt(rest / (f0**2 + sn**2)), sn, th)

    def draw(self, shape: tuple[int, ...], rng: np.random.Generator):
        """(tau_bar (s), nu_bar (Hz)), each of ``shape``."""
        tau = rng.standard_normal(shape) * float(self.sigma_tau_s)
        nu = rng.standard_normal(shape) * float(self.sigma_nu_hz)
        return tau, nu


@dataclass(frozen=True, eq=False)
class LinkTiming:
    """Propagation delay tau_{s,k} = tau_min (s) and Doppler nu_{s,k} = nu_sat (Hz) of each link,
    shapes (S, K), and the carrier f0 (Hz). Only differences of delays matter (the reference is
    each UT's compensated timing), so any common offset may be removed.
    """

    delay_s: np.ndarray
    doppler_hz: np.ndarray
    carrier_hz: float

    def __post_init__(self) -> None:
        d, nu = np.asarray(self.delay_s, float), np.asarray(self.doppler_hz, float)
        if d.ndim != 2 or nu.shape != d.shape:
            raise ValueError(
                f"delay_s and doppler_hz must both be (S, K), got {d.shape} and {nu.shape}"
            )
        if not (np.all(np.isfinite(d)) and np.all(np.isfinite(nu))):
            raise ValueError("delay_s and doppler_hz must be finite (got NaN or inf)")
        f0 = float(self.carrier_hz)
        if not (np.isfinite(f0) and f0 > 0):
            raise ValueError(f"carrier_hz must be > 0 and finite, got {f0!r}")

    @classmethod
    def from_geometry(cls, geometry) -> LinkTiming:
        """From a ``constellation.geometry.DropGeometry`` (delay_s, doppler_hz, carrier_hz)."""
        return cls(geometry.delay_s, geometry.doppler_hz, geometry.carrier_hz)


@dataclass(frozen=True, eq=False)
class WaveformMeasurement:
    """Measured powers per block and UT, averaged over symbols and subcarriers (W).

    Attributes (B blocks, K UTs): signal_w, self_distortion_w (ICI/ISI of the own stream),
    interference_w (all other streams, all satellites), noise_w, each (B, K); link_samples,
    the number of link samples synthesised (S K K B M N_sym).
    """

    signal_w: np.ndarray
    self_distortion_w: np.ndarray
    interference_w: np.ndarray
    noise_w: np.ndarray
    link_samples: int

    @property
    def disturbance_w(self) -> np.ndarray:
        """(B, K) self distortion + interference + noise."""
        return self.self_distortion_w + self.interference_w + self.noise_w

    @property
    def sinr(self) -> np.ndarray:
        """(K,) E{signal} / E{disturbance}: the ratio inside Rbar_k of eq. (13)."""
        return self.signal_w.mean(axis=0) / self.disturbance_w.mean(axis=0)

    @property
    def rate_bps_hz(self) -> np.ndarray:
        """(K,) measured counterpart of Rbar_k (eq. 13), log2(1 + sinr)."""
        return np.log2(1.0 + self.sinr)

    @property
    def block_rates_bps_hz(self) -> np.ndarray:
        """(B, K) log2(1 + SINR_block): the rate of each block (independent channel draws)."""
        sinr = np.maximum(self.signal_w, 0.0) / self.disturbance_w
        return np.log2(1.0 + sinr)

    @property
    def ergodic_rate_bps_hz(self) -> np.ndarray:
        """(K,) measured counterpart of E{R_k}: mean over blocks of log2(1 + SINR_block)."""
        return self.block_rates_bps_hz.mean(axis=0)

    @property
    def ergodic_rate_stderr_bps_hz(self) -> np.ndarray:
        """(K,) standard error of ``ergodic_rate_bps_hz`` over the B independent blocks (sample
        standard deviation / sqrt(B)); NaN with a single block."""
        rates = self.block_rates_bps_hz
        if rates.shape[0] < 2:
            return np.full(rates.shape[1], np.nan)
        return rates.std(axis=0, ddof=1) / np.sqrt(rates.shape[0])


def known_symbol_split(y: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signal and residual power of y = g d + e per subcarrier, g fixed over the M symbols.

    g_hat = sum_m y d* / sum |d|^2; residual power P_e = sum_m |y - g_hat d|^2 / (M - 1)
    (unbiased for e independent of d); signal = |g_hat|^2 - P_e / sum_m |d|^2
    (E|g_hat|^2 = |g|^2 + P_e / sum |d|^2).

    Parameters
    ----------
    y : (..., M, n) complex, M >= 2, the received symbols
    d : (..., M, n) complex, the known symbols

    Returns
    -------
    (signal, residual), each (..., n), per unit symbol power
    """
    m = y.shape[-2]
    if m < 2:
        raise ValueError(f"need at least 2 symbols per block to split signal and residual, got {m}")
    energy = np.sum(np.abs(d) ** 2, axis=-2)
    g = np.sum(y * d.conj(), axis=-2) / energy
    resid = np.sum(np.abs(y - g[..., None, :] * d) ** 2, axis=-2) / (m - 1)
    return np.abs(g) ** 2 - resid / energy, resid


def check_frame(numerology: OfdmNumerology, n_symbols: int, modulation: str) -> int:
    """M, the symbols per block, after checking the numerology, M and the modulation."""
    if not isinstance(numerology, OfdmNumerology):
        raise ValueError(f"numerology must be an OfdmNumerology, got {type(numerology).__name__}")
    if modulation not in MODULATIONS:
        raise ValueError(f"modulation must be one of {MODULATIONS}, got {modulation!r}")
    if (
        isinstance(n_symbols, bool)
        or int(n_symbols) != n_symbols
        or n_symbols < MIN_SYMBOLS_PER_BLOCK
    ):
        raise ValueError(
            f"n_symbols must be an integer >= {MIN_SYMBOLS_PER_BLOCK}, got {n_symbols!r}"
        )
    return int(n_symbols)


def _check_drop_inputs(csi, weights, timing, isi, n_blocks):
    if not isinstance(csi, StatisticalCSI):
        raise ValueError(f"csi must be a StatisticalCSI, got {type(csi).__name__}")
    s, k, nt = csi.n_satellites, csi.n_users, csi.n_antennas
    w = np.asarray(weights)
    if w.shape != (s, nt, k) or not np.all(np.isfinite(w)):
        raise ValueError(
            f"weights must be finite with shape (S, N_T, K) = {(s, nt, k)}, got {w.shape}"
        )
    if np.shape(timing.delay_s) != (s, k):
        raise ValueError(f"timing is for {np.shape(timing.delay_s)} links, csi for {(s, k)}")
    if isi not in ISI_POLICIES:
        raise ValueError(f"isi must be one of {ISI_POLICIES}, got {isi!r}")
    if isinstance(n_blocks, bool) or int(n_blocks) != n_blocks or n_blocks < 1:
        raise ValueError(f"n_blocks must be an integer >= 1, got {n_blocks!r}")
    return w


def simulate_drop(
    csi: StatisticalCSI,
    weights: np.ndarray,
    timing: LinkTiming,
    *,
    numerology: OfdmNumerology,
    errors: CompensationErrorModel,
    n_blocks: int,
    n_symbols: int,
    rng: np.random.Generator,
    modulation: str = "qpsk",
    isi: str = "model",
    track_common_phase: bool = True,
    max_links_per_chunk: int = 2048,
) -> WaveformMeasurement:
    """Simulate B blocks of M CP-OFDM symbols of one drop and measure per-UT powers.

    Parameters
    ----------
    csi : (gamma, kappa, steering (S, K, N_T), sigma2 (K,) W per subcarrier; its zeta2 is NOT used:
        the phase error comes from ``errors`` through the waveform, compare with the analytic rate
        at the zeta2 of ``CompensationErrorModel.for_zeta2``/``channel.phase``)
    weights : W (S, N_T, K), per-subcarrier amplitudes (sum_k ||w_{s,k}||^2 = P_s in W)
    timing : (S, K)
    n_blocks : B >= 1
    n_symbols : M >= 2
    rng

    Returns
    -------
    WaveformMeasurement with (B, K) powers
    """
    w = _check_drop_inputs(csi, weights, timing, isi, n_blocks)
    m = check_frame(numerology, n_symbols, modulation)
    s_n, k_n = csi.n_satellites, csi.n_users
    g = steering_projections(np.asarray(csi.steering), w)  # v_{s,k}^T w_{s,l}
    fading = replace(csi, zeta2=np.zeros((s_n, k_n)))  # a_{s,k} only: phase from the waveform
    sigma = np.sqrt(np.asarray(csi.sigma2, dtype=float) / 2.0)
    chunk = max(1, int(max_links_per_chunk) // (s_n * k_n))
    out = np.zeros((4, int(n_blocks), k_n))
    for b, rng_b in enumerate(rng.spawn(int(n_blocks))):
        out[:, b] = _simulate_block(
            timing, errors, numerology, fading, g, sigma, rng_b,
            m=m, modulation=modulation, isi=isi, track_common_phase=track_common_phase,
            chunk=chunk,
        )
    n_links = s_n * k_n * k_n
    return WaveformMeasurement(
        *out, link_samples=int(n_blocks) * n_links * m * numerology.symbol_len
    )


def _simulate_block(timing, errors, numerology, fading, g, sigma, rng_b, *, m, modulation, isi,
                    track_common_phase, chunk) -> np.ndarray:
    """One channel block of ``simulate_drop``: (4, K) measured powers (see ``_measure_chunk``).

    Draws, in order from ``rng_b``: the link gains a, the compensation errors, the data symbols
    and the noise; then simulates the UTs in chunks of ``chunk``.
    """
    s_n, k_n = fading.n_satellites, fading.n_users
    a = sample_link_gains(fading, 1, rng_b)[0]
    tau_bar, nu_bar = errors.draw((s_n, k_n), rng_b)
    if isi == "reject":
        _reject_isi(tau_bar, numerology)
    adv, nu, gain = _link_parameters(timing, errors, g, a, tau_bar, nu_bar)
    delay = adv * numerology.sample_rate_hz
    nsym = numerology.symbol_len
    q_lo = min(int(np.floor(delay.min() / nsym)), 0)  # the known symbols 0..M-1 included
    q_hi = max(int(np.floor(delay.max() / nsym)), 0) + m
    pool = qam_symbols(modulation, (k_n, q_hi - q_lo + 1, numerology.n_subcarriers), rng_b)
    shape = (k_n, m * nsym)
    noise = sigma[:, None] * (rng_b.standard_normal(shape) + 1j * rng_b.standard_normal(shape))
    out = np.zeros((4, k_n))
    for lo in range(0, k_n, chunk):
        ks = slice(lo, min(lo + chunk, k_n))
        rows = np.broadcast_to(np.arange(k_n), delay[ks].shape)
        wave = link_waveforms(
            pool, rows, q_lo, delay[ks], nu[ks], numerology, m,
            track_common_phase=track_common_phase,
        )
        out[:, ks] = _measure_chunk(
            wave, gain[ks], noise[ks], pool[ks, -q_lo : m - q_lo], np.arange(k_n)[ks], numerology
        )
    return out


def _reject_isi(tau_bar: np.ndarray, numerology: OfdmNumerology) -> None:
    lo, hi = numerology.isi_free_delay_range_s()
    bad = (tau_bar < lo) | (tau_bar >= hi)
    if np.any(bad):
        s, k = np.argwhere(bad)[0]
        raise ValueError(
            f"delay compensation error tau_bar[{s}, {k}] = {tau_bar[s, k]!r} s is outside the "
            f"ISI-free window [{lo!r}, {hi!r}) s (eq. 10 assumes the first sample inside the "
            "CP); use isi='model' to simulate the ISI"
        )


def _link_parameters(timing, errors, g, a, tau_bar, nu_bar):
    """Advance tau~ (s), offset nu~ (Hz) and complex gain of every link, each indexed [k, s, l].

    tau~ = tau_bar_{s,l} + tau_{s,l} - tau_{s,k}; nu~ = nu_{s,k} - nu_{s,l} + nu_bar_{s,l};
    gain = a_{s,k} g[s,k,l] exp(j 2 pi ((f0 - nu_cps_{s,l}) tau~ + nu~ T_h))  (eq. 7-9).
    """
    tau = np.asarray(timing.delay_s, dtype=float)
    nu = np.asarray(timing.doppler_hz, dtype=float)
    adv = tau_bar[None] + (tau[None] - tau.T[:, :, None])
    offset = nu_bar[None] + (nu.T[:, :, None] - nu[None])
    nu_cps = nu - nu_bar
    cycles = np.mod(float(timing.carrier_hz) * adv, 1.0) - nu_cps[None] * adv
    cycles = cycles + offset * float(errors.horizon_s)
    gain = a.T[:, :, None] * g.transpose(1, 0, 2) * np.exp(2j * np.pi * cycles)
    return adv, offset, gain


def _measure_chunk(wave, gain, noise, known, ks, numerology):
    """Per-UT (signal, self distortion, interference, noise) powers of one block, shape (4, kc).

    wave (kc, S, K, M N_sym) unit-gain link samples; gain (kc, S, K); noise (kc, M N_sym);
    known (kc, M, n) the UTs' own symbols; ks (kc,) their indices.
    """
    kc, s_n, k_n, n_samp = wave.shape
    own = np.arange(k_n)[None, :] == ks[:, None]  # (kc, K): l == k
    coef = np.stack([gain * own[:, None, :], gain * ~own[:, None, :]], axis=1).reshape(
        kc, 2, s_n * k_n
    )
    rx = np.matmul(coef, wave.reshape(kc, s_n * k_n, n_samp))  # (kc, 2, M N_sym)
    y = demodulate(rx, numerology)  # (kc, 2, M, n)
    signal, resid = known_symbol_split(y[:, 0], known)
    interference = np.mean(np.abs(y[:, 1]) ** 2, axis=(-2, -1))
    noise_power = np.mean(np.abs(demodulate(noise, numerology)) ** 2, axis=(-2, -1))
    return np.stack([signal.mean(-1), resid.mean(-1), interference, noise_power])
