"""Baseband CP-OFDM waveform primitives for the waveform-level check of Section III (eq. 4-10).

Transmit signal of one UT stream (eq. 4-5), symbol q occupying [q T_sym, (q+1) T_sym) with the
cyclic prefix first (T_sym = T_cp + T, T = 1 / df):

    x(t) = N^{-1/2} sum_n X_{q,n} exp(j 2 pi f_n (t - q T_sym - T_cp)),   f_n = b_n df,

b_n the signed FFT bin of used subcarrier n (centred on the carrier). Over the cyclic prefix
this is the cyclic extension of the data part, so no separate CP copy is needed.

A link with residual time advance tau (the argument of x(t + tau) in eq. 7, in samples
delta = tau f_s) and residual frequency offset nu is received as

    r(p) = x((p + delta) / f_s) exp(j 2 pi nu (p - p_ref) / f_s),

sampled at the receiver's instants p / f_s. The fractional part of delta is applied exactly as
a phase ramp exp(j 2 pi b_n frac / N) before the IFFT, the integer part as a sample index and
the whole OFDM symbols as an index into the stream's data symbols, so a delay of milliseconds
costs nothing more than one of a sample (no millisecond buffers). This is the sampled form of
the paper's continuous-time model (rectangular u(t)), with no band-limiting approximation:
ISI and ICI at any offset come out of it exactly.

Phase reference of the Doppler rotation: with ``track_common_phase`` (the default, as in eq.
(10)-(12), where phi does not depend on the symbol index m), p_ref is the start of the FFT
window of the receive symbol containing p, i.e. the UT tracks the common phase drift between
symbols and only the rotation within a symbol (the ICI of eq. 10) remains. Otherwise p_ref = 0.

Normalisation: orthonormal DFTs, so E|X|^2 per subcarrier is the power per subcarrier and white
noise of variance sigma2 per sample has power sigma2 per subcarrier.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from coopsat.channel.linkbudget import LinkBudget
from coopsat.constellation.params import ParameterError, like, number, validate

MODULATIONS = ("qpsk", "16qam")
NR_NORMAL_CP_PER_2048 = 144  # TS 38.211 sec. 5.3.1: N_CP = 144 kappa 2^-mu for l != 0, 7*2^mu


def _int_at_least(name: str, value: int, lo: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class OfdmNumerology:
    """CP-OFDM numerology; the default is 5G NR numerology 1 (30 kHz) with the normal CP.

    Attributes
    ----------
    subcarrier_spacing_hz : float
        df (Hz), > 0. T = 1 / df is the data duration.
    fft_size : int
        N, the FFT size (samples per data part); sample rate f_s = N df.
    n_subcarriers : int
        Used subcarriers, 1..N, centred on the carrier (bins -n//2 .. n - n//2 - 1).
    cp_samples : int or None
        CP length in samples; None gives the NR normal CP 144 N / 2048 (N a multiple of 128
        then, so that it is an integer; 2.34 us at 30 kHz).
    timing_backoff_samples : int or None
        The UT starts its FFT window this many samples before the end of the CP, so a residual
        delay in [b - N_cp, b] (samples) causes no ISI; None gives N_cp // 2.
    """

    subcarrier_spacing_hz: float = like(LinkBudget, "subcarrier_spacing_hz")
    fft_size: int = number(128, lo=2, hi=65536, integer=True, doc="FFT size N")
    n_subcarriers: int = number(72, lo=1, hi=65536, integer=True, doc="used subcarriers <= N")
    cp_samples: int | None = number(
        None, lo=0, integer=True, optional=True, doc="CP samples; none: NR normal CP 144 N / 2048"
    )
    timing_backoff_samples: int | None = number(
        None, lo=0, integer=True, optional=True, doc="FFT-window backoff; none: N_cp // 2"
    )

    def __post_init__(self) -> None:
        validate(self)
        n = self.fft_size
        if self.n_subcarriers > n:
            raise ParameterError(
                "OfdmNumerology", "n_subcarriers", self.n_subcarriers,
                f"1 <= n_subcarriers <= fft_size = {n}", "is out of range",
            )
        if self.cp_samples is None and (NR_NORMAL_CP_PER_2048 * n) % 2048:
            raise ParameterError(
                "OfdmNumerology", "fft_size", n,
                "a multiple of 128 (the NR normal CP 144 N / 2048 must be an integer), or set "
                "cp_samples", "gives a non-integer NR normal CP",
            )
        if self.timing_backoff_samples is not None and self.timing_backoff_samples > self.cp_len:
            raise ParameterError(
                "OfdmNumerology", "timing_backoff_samples", self.timing_backoff_samples,
                f"0 <= timing_backoff_samples <= cp_samples = {self.cp_len}", "is out of range",
            )

    @property
    def cp_len(self) -> int:
        """N_cp, CP length in samples."""
        if self.cp_samples is None:
            return NR_NORMAL_CP_PER_2048 * int(self.fft_size) // 2048
        return int(self.cp_samples)

    @property
    def backoff(self) -> int:
        """b, FFT-window backoff into the CP (samples)."""
        if self.timing_backoff_samples is None:
            return self.cp_len // 2
        return int(self.timing_backoff_samples)

    @property
    def symbol_len(self) -> int:
        """N_sym = N + N_cp, samples per OFDM symbol."""
        return int(self.fft_size) + self.cp_len

    @property
    def sample_rate_hz(self) -> float:
        """f_s = N df (Hz)."""
        return float(self.fft_size) * float(self.subcarrier_spacing_hz)

    @property
    def data_duration_s(self) -> float:
        """T = 1 / df (s)."""
        return 1.0 / float(self.subcarrier_spacing_hz)

    @property
    def symbol_duration_s(self) -> float:
        """T_sym = T + T_cp (s)."""
        return self.symbol_len / self.sample_rate_hz

    @property
    def bins(self) -> np.ndarray:
        """(n_subcarriers,) signed FFT bins b_n of the used subcarriers, ascending."""
        used = int(self.n_subcarriers)
        return np.arange(used) - used // 2

    def isi_free_delay_range_s(self) -> tuple[float, float]:
        """Residual time advance tau (s) for which the FFT window stays inside one symbol.

        A link received as x(t + tau) is ISI-free iff b - N_cp <= tau f_s < b + 1 (the first
        window sample inside the CP, the last inside the data part); this is the assumption
        under eq. (10).
        """
        fs = self.sample_rate_hz
        return (self.backoff - self.cp_len) / fs, (self.backoff + 1) / fs


def qam_symbols(modulation: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Independent, uniformly drawn unit-average-power symbols.

    "qpsk": (+-1 +- j) / sqrt(2); "16qam": ({+-1, +-3} + j {+-1, +-3}) / sqrt(10).

    Returns
    -------
    ``shape`` complex128, E|d|^2 = 1
    """
    if modulation == "qpsk":
        levels, scale = np.array([-1.0, 1.0]), np.sqrt(2.0)
    elif modulation == "16qam":
        levels, scale = np.array([-3.0, -1.0, 1.0, 3.0]), np.sqrt(10.0)
    else:
        raise ValueError(f"modulation must be one of {MODULATIONS}, got {modulation!r}")
    idx = rng.integers(0, levels.size, size=(2, *shape))
    return (levels[idx[0]] + 1j * levels[idx[1]]) / scale


def ici_coefficient(nu_norm: np.ndarray | float, offset: np.ndarray | int, fft_size: int):
    """psi of eq. (10): leakage from subcarrier n' into subcarrier n at residual Doppler nu.

        psi(eps, d) = N^{-1} sum_{i=0}^{N-1} exp(j 2 pi (eps + d) i / N)
                    = N^{-1} (1 - e^{j 2 pi (eps + d)}) / (1 - e^{j 2 pi (eps + d) / N}),

    eps = nu / df, d = n' - n (source minus destination bin). Eq. (10) prints the sign of d
    inside the bracket reversed; the magnitude summed over all n' is the same, but at the band
    edges (guard subcarriers) only this orientation matches the DFT. Inputs broadcast;
    output complex, psi = 1 at eps + d = 0.
    """
    n = _int_at_least("fft_size", fft_size, 1)
    x = np.asarray(nu_norm, dtype=float) + np.asarray(offset, dtype=float)
    # Sum of the geometric series written with sines (stable near integers):
    # psi = exp(j pi x (N-1)/N) sin(pi x) / (N sin(pi x / N)).
    den = n * np.sin(np.pi * x / n)
    near = np.abs(den) < 1e-12
    ratio = np.where(near, 1.0, np.sin(np.pi * x) / np.where(near, 1.0, den))
    # x a nonzero multiple of N would alias to psi = +-1; offsets never reach N for used bins.
    return ratio * np.exp(1j * np.pi * x * (n - 1) / n)


def ici_power_analytic(nu_norm: float, numerology: OfdmNumerology) -> tuple[float, np.ndarray]:
    """Signal attenuation and ICI power of eq. (10) for one link with unit-power symbols.

    Parameters
    ----------
    nu_norm : nu_bar / df, the residual Doppler over the subcarrier spacing

    Returns
    -------
    (|psi(eps, 0)|^2, ici (n_subcarriers,)) with ici_n = sum_{n' used, n' != n} |psi(eps, b_n' -
        b_n)|^2 (W per W of subcarrier power)
    """
    eps = float(nu_norm)
    if not np.isfinite(eps):
        raise ValueError(f"nu_norm must be finite, got {nu_norm!r}")
    bins = numerology.bins
    d = bins[None, :] - bins[:, None]  # [n, n'] = b_n' - b_n
    mag2 = np.abs(ici_coefficient(eps, d, numerology.fft_size)) ** 2
    own = float(np.abs(ici_coefficient(eps, 0, numerology.fft_size)) ** 2)
    return own, mag2.sum(axis=1) - np.diagonal(mag2)


def window_overlap_correlation(delta_tau_s: np.ndarray, numerology: OfdmNumerology) -> np.ndarray:
    """Per-subcarrier |correlation| of one stream received with a relative delay Delta tau.

    Reference link aligned (tau = 0), second link advanced by Delta tau (Remark 1). Both FFT
    windows read the same transmit symbol while the second stays in [b - N_cp, b] samples;
    beyond, the shared fraction of its window shrinks linearly:
        |corr| = max(0, 1 - e / N),  e = max(0, dt f_s - b, (b - N_cp) - dt f_s).
    Exact for integer-sample offsets with all N subcarriers used; with guard subcarriers it is
    the leading term. Input (...) seconds; output (...) in [0, 1], 0 once |Delta tau| >~ T_sym.
    """
    dt = np.asarray(delta_tau_s, dtype=float) * numerology.sample_rate_hz
    b, ncp, n = numerology.backoff, numerology.cp_len, numerology.fft_size
    excess = np.maximum(np.maximum(dt - b, (b - ncp) - dt), 0.0)
    return np.clip(1.0 - excess / n, 0.0, 1.0)


@functools.lru_cache(maxsize=16)
def _position_map(n: int, ncp: int, m: int) -> np.ndarray:
    """((M + 1) N_sym,) int: IFFT-output index of transmit position u (CP = cyclic extension):
    symbol u // N_sym, data index (u mod N_sym - N_cp) mod N."""
    nsym = n + ncp
    u = np.arange((m + 1) * nsym)
    out = (u // nsym) * n + (u % nsym - ncp) % n
    out.setflags(write=False)
    return out


def _read_index(start: np.ndarray, n: int, ncp: int, m: int) -> np.ndarray:
    """(..., M N_sym) int: where receive sample p of each link sits in its IFFT outputs.

    A link with offset ``start`` (...) in [0, N_sym) reads transmit position u = start + p
    (plus the fractional part), gathered from the linear-size ``_position_map`` for the distinct
    offsets present only, never a table over all N_sym offsets (that grew as N_sym^2 M: 600 MB
    at 4000 symbols of FFT 128).
    """
    nsym = n + ncp
    start = np.asarray(start, dtype=np.int64)
    offsets, which = np.unique(start, return_inverse=True)  # at most N_sym distinct offsets
    rows = _position_map(n, ncp, m)[offsets[:, None] + np.arange(m * nsym)]
    return rows[which.reshape(start.shape)]  # whole-row copies: as fast as a full table


def link_waveforms(
    pool: np.ndarray,
    row: np.ndarray,
    pool_start: int,
    delay_samples: np.ndarray,
    doppler_hz: np.ndarray,
    numerology: OfdmNumerology,
    n_symbols: int,
    *,
    track_common_phase: bool = True,
) -> np.ndarray:
    """Received samples of many links, r(p) = x((p + delta)/f_s) e^{j 2 pi nu (p - p_ref)/f_s}.

    Parameters
    ----------
    pool : (R, Q, n_subcarriers) complex
        Frequency-domain symbols of R source streams; ``pool[r, q - pool_start]`` is transmit
        symbol q of stream r. Must cover every symbol a link reads (ValueError otherwise).
    row : (...) int
        Stream (row of ``pool``) carried by each link.
    delay_samples, doppler_hz : (...) float
        Residual time advance delta (samples, any real value) and frequency offset nu (Hz).
    n_symbols : int
        M receive symbols, p = 0 .. M N_sym - 1 (CP included).

    Returns
    -------
    (..., M N_sym) complex, unit channel gain
    """
    m = _int_at_least("n_symbols", n_symbols, 1)
    n, ncp, nsym = numerology.fft_size, numerology.cp_len, numerology.symbol_len
    delay = np.asarray(delay_samples, dtype=float)
    whole = np.floor(delay)
    frac = delay - whole
    q0 = np.floor_divide(whole, nsym).astype(np.int64)  # first transmit symbol read
    start = (whole - q0 * nsym).astype(np.int64)  # offset into it, [0, N_sym)
    first = q0 - int(pool_start)
    if first.size and (first.min() < 0 or first.max() + m >= pool.shape[1]):
        raise ValueError(
            f"pool covers transmit symbols [{pool_start}, {pool_start + pool.shape[1]}), links "
            f"read [{q0.min()}, {q0.max() + m}]"
        )
    symbols = pool[np.asarray(row)[..., None], first[..., None] + np.arange(m + 1)]
    bins = numerology.bins
    ramp = np.exp(2j * np.pi / n * frac[..., None] * bins)  # fractional delay, exact
    neg = bins.size // 2  # bins[:neg] < 0 go to the end of the FFT grid, bins[neg:] >= 0 first
    grid = np.zeros((*symbols.shape[:-1], n), dtype=complex)
    grid[..., : bins.size - neg] = symbols[..., neg:] * ramp[..., None, neg:]
    grid[..., n - neg :] = symbols[..., :neg] * ramp[..., None, :neg]
    z = np.fft.ifft(grid, axis=-1, norm="ortho").reshape(*grid.shape[:-2], (m + 1) * n)
    idx = _read_index(start, n, ncp, m)
    out = np.take_along_axis(z, idx, axis=-1).reshape(*delay.shape, m, nsym)
    cycles = np.asarray(doppler_hz, dtype=float)[..., None] / numerology.sample_rate_hz
    within = np.exp(2j * np.pi * cycles * (np.arange(nsym) - (ncp - numerology.backoff)))
    out *= within[..., None, :]
    if not track_common_phase:
        drift = np.exp(2j * np.pi * cycles * (np.arange(m) * nsym + ncp - numerology.backoff))
        out *= drift[..., :, None]
    return out.reshape(*delay.shape, m * nsym)


def demodulate(rx: np.ndarray, numerology: OfdmNumerology) -> np.ndarray:
    """UT receiver: CP removal (FFT window b samples before the CP end), FFT, used subcarriers.

    Parameters
    ----------
    rx : (..., M N_sym) complex

    Returns
    -------
    (..., M, n_subcarriers) complex (orthonormal DFT)
    """
    nsym, n = numerology.symbol_len, numerology.fft_size
    if rx.shape[-1] % nsym:
        raise ValueError(f"rx length {rx.shape[-1]} is not a multiple of N_sym = {nsym}")
    frames = rx.reshape(*rx.shape[:-1], rx.shape[-1] // nsym, nsym)
    lo = numerology.cp_len - numerology.backoff
    spec = np.fft.fft(frames[..., lo : lo + n], axis=-1, norm="ortho")
    return spec[..., numerology.bins % n]
