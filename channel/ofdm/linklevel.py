"""Link-level measurements of the OFDM simulator: ICI vs residual Doppler (eq. 10) and the
correlation of one stream received over two links vs their differential delay (Remark 1)."""

from __future__ import annotations

import numpy as np

from coopsat.channel.ofdm.link import check_frame, known_symbol_split
from coopsat.channel.ofdm.waveform import OfdmNumerology, demodulate, link_waveforms, qam_symbols


def measure_ici(
    nu_norm: np.ndarray,
    *,
    numerology: OfdmNumerology,
    n_symbols: int,
    rng: np.random.Generator,
    modulation: str = "qpsk",
) -> tuple[np.ndarray, np.ndarray]:
    """Measured signal attenuation and ICI power of one link at residual Doppler nu (eq. 10).

    One aligned, noiseless, unit-gain link per value of nu_norm = nu_bar / df (P,); the known
    symbols split each subcarrier into signal and residual (``known_symbol_split``).

    Returns
    -------
    (signal (P, n), ici (P, n)) per subcarrier, W per W of subcarrier power; compare with
        ``channel.ofdm.ici_power_analytic``
    """
    m = check_frame(numerology, n_symbols, modulation)
    eps = np.atleast_1d(np.asarray(nu_norm, dtype=float))
    if eps.ndim != 1 or not np.all(np.isfinite(eps)):
        raise ValueError(f"nu_norm must be a finite 1-D array, got {nu_norm!r}")
    pool = qam_symbols(modulation, (eps.size, m + 1, numerology.n_subcarriers), rng)
    nu_hz = eps * float(numerology.subcarrier_spacing_hz)
    wave = link_waveforms(pool, np.arange(eps.size), 0, np.zeros(eps.size), nu_hz, numerology, m)
    return known_symbol_split(demodulate(wave, numerology), pool[:, :m])


def interference_correlation(
    advance_s: np.ndarray,
    *,
    numerology: OfdmNumerology,
    n_symbols: int,
    rng: np.random.Generator,
    modulation: str = "qpsk",
    doppler_hz: np.ndarray | None = None,
    max_samples_per_chunk: int = 2**22,
) -> np.ndarray:
    """Correlation of one stream received over two links (two satellites, Remark 1).

    For each pair p the same data stream arrives with time advances advance_s[p] = (tau~_1,
    tau~_2) (s) and frequency offsets doppler_hz[p] (Hz, default 0); per subcarrier n the
    complex correlation over the M symbols
        c_n = sum_m Y1 Y2* / sqrt(sum_m |Y1|^2 sum_m |Y2|^2)
    is taken, and its magnitude averaged over subcarriers. The channel gains factor out of
    |c_n|, so unit gains are used. Uncorrelated streams leave a floor of about
    sqrt(pi / (4 M)) (the mean of |c_n| for independent samples).

    Parameters
    ----------
    advance_s : (P, 2)
    n_symbols : M >= 2

    Returns
    -------
    (P,) in [0, 1]
    """
    m = check_frame(numerology, n_symbols, modulation)
    adv = np.asarray(advance_s, dtype=float)
    if adv.ndim != 2 or adv.shape[1] != 2 or not np.all(np.isfinite(adv)):
        raise ValueError(f"advance_s must be finite with shape (P, 2), got {adv.shape}")
    nu = np.zeros_like(adv) if doppler_hz is None else np.asarray(doppler_hz, dtype=float)
    if nu.shape != adv.shape or not np.all(np.isfinite(nu)):
        raise ValueError(f"doppler_hz must be finite with shape {adv.shape}, got {nu.shape}")
    delay = adv * numerology.sample_rate_hz
    nsym = numerology.symbol_len
    per_pair = 2 * (m + 1) * numerology.fft_size
    chunk = max(1, int(max_samples_per_chunk) // per_pair)
    out = np.empty(adv.shape[0])
    for lo in range(0, adv.shape[0], chunk):
        part = slice(lo, lo + chunk)
        d = delay[part]
        q_lo = int(np.floor(d.min() / nsym))
        q_hi = int(np.floor(d.max() / nsym)) + m
        pool = qam_symbols(modulation, (d.shape[0], q_hi - q_lo + 1, numerology.n_subcarriers), rng)
        rows = np.broadcast_to(np.arange(d.shape[0])[:, None], d.shape)
        y = demodulate(link_waveforms(pool, rows, q_lo, d, nu[part], numerology, m), numerology)
        cross = np.sum(y[:, 0] * y[:, 1].conj(), axis=-2)
        norm = np.sqrt(np.sum(np.abs(y[:, 0]) ** 2, -2) * np.sum(np.abs(y[:, 1]) ** 2, -2))
        out[part] = np.mean(np.abs(cross) / norm, axis=-1)
    return out
