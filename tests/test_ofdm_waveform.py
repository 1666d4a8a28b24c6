"""CP-OFDM primitives of channel.ofdm: numerology, waveform engine vs a direct tone sum, ICI of
eq. (10), ISI beyond the CP and the inter-satellite correlation of Remark 1."""

import numpy as np
import pytest

from coopsat.channel.ofdm import (
    OfdmNumerology,
    demodulate,
    ici_coefficient,
    ici_power_analytic,
    interference_correlation,
    known_symbol_split,
    link_waveforms,
    measure_ici,
    qam_symbols,
    window_overlap_correlation,
)

MACHINE = 1e-10  # float64 round-off of FFT-based synthesis, relative to unit-power samples
ICI_REL_TOL = 0.05  # target tolerance on the ICI power
ICI_BIN_REL_TOL = 0.1  # per subcarrier: > 6 standard errors at 4000 symbols
UNCORRELATED = 0.05  # target bound on |corr| beyond one OFDM symbol
NR_CP_30KHZ_S = 144 * 64 / 2 / (480e3 * 4096)  # TS 38.211: 144 kappa 2^-mu T_c, mu = 1


def test_numerology_one_has_the_nr_normal_cp():
    num = OfdmNumerology(fft_size=2048, n_subcarriers=612)
    assert num.cp_len == 144
    assert num.cp_len / num.sample_rate_hz == pytest.approx(NR_CP_30KHZ_S, rel=1e-12)
    small = OfdmNumerology()  # 128-point FFT: same CP duration, 9 samples
    assert small.cp_len == 9
    assert small.symbol_duration_s == pytest.approx(1 / 30e3 + NR_CP_30KHZ_S, rel=1e-12)
    lo, hi = small.isi_free_delay_range_s()
    assert (lo, hi) == pytest.approx(((4 - 9) / 3.84e6, 5 / 3.84e6))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fft_size": 100}, "fft_size = 100 gives a non-integer NR normal CP"),
        ({"n_subcarriers": 200}, "n_subcarriers"),
        ({"subcarrier_spacing_hz": -30e3}, "subcarrier_spacing_hz"),
        ({"timing_backoff_samples": 10}, "timing_backoff_samples"),
        ({"cp_samples": -1}, "cp_samples"),
    ],
)
def test_numerology_rejects_bad_values(kwargs, field):
    with pytest.raises(ValueError, match=field):
        OfdmNumerology(**kwargs)


@pytest.mark.parametrize(("modulation", "n_points"), [("qpsk", 4), ("16qam", 16)])
def test_qam_symbols_have_unit_power_and_the_full_alphabet(modulation, n_points):
    d = qam_symbols(modulation, (20000,), np.random.default_rng(0))
    assert np.unique(np.round(d, 12)).size == n_points
    assert np.mean(np.abs(d) ** 2) == pytest.approx(1.0, abs=0.02)
    with pytest.raises(ValueError, match="modulation"):
        qam_symbols("8psk", (3,), np.random.default_rng(0))


def _direct_waveform(x_pool, pool_start, delay, nu_hz, num, m, track):
    """Dense oracle: evaluate the continuous-time tone sum sample by sample (no FFT)."""
    n, ncp, nsym, fs = num.fft_size, num.cp_len, num.symbol_len, num.sample_rate_hz
    p = np.arange(m * nsym)
    u = p + delay
    q = np.floor(u / nsym).astype(int)
    j = u - q * nsym
    tones = np.exp(2j * np.pi * np.outer(j - ncp, num.bins) / n)  # (samples, used)
    x = np.sum(x_pool[q - pool_start] * tones, axis=1) / np.sqrt(n)
    ref = (p // nsym) * nsym + ncp - num.backoff if track else 0
    return x * np.exp(2j * np.pi * nu_hz * (p - ref) / fs)


@pytest.mark.parametrize("track", [True, False])
def test_link_waveforms_match_a_direct_tone_sum(track):
    num = OfdmNumerology(fft_size=128, n_subcarriers=50, timing_backoff_samples=3)
    rng = np.random.default_rng(1)
    m = 3
    delays = np.array([0.0, 0.37, -2.61, 140.2, -9.9, 5123.75, -4021.5])  # samples
    nus = np.array([0.0, 1200.0, -350.0, 8e3, 15e3, -2.5e3, 40.0])
    pool = qam_symbols("16qam", (delays.size, 80, num.n_subcarriers), rng)
    start = -35
    got = link_waveforms(
        pool, np.arange(delays.size), start, delays, nus, num, m, track_common_phase=track
    )
    for i in range(delays.size):
        want = _direct_waveform(pool[i], start, delays[i], nus[i], num, m, track)
        np.testing.assert_allclose(got[i], want, atol=MACHINE)


def test_aligned_link_returns_the_symbols_and_the_cp_is_cyclic():
    num = OfdmNumerology()
    m = 5
    pool = qam_symbols("qpsk", (1, m + 1, num.n_subcarriers), np.random.default_rng(2))
    rx = link_waveforms(pool, np.array(0), 0, np.array(0.0), np.array(0.0), num, m)
    frames = rx.reshape(m, num.symbol_len)
    np.testing.assert_allclose(frames[:, : num.cp_len], frames[:, -num.cp_len :], atol=MACHINE)
    backoff_ramp = np.exp(-2j * np.pi * num.bins * num.backoff / num.fft_size)
    np.testing.assert_allclose(demodulate(rx, num), pool[0, :m] * backoff_ramp, atol=MACHINE)


def test_link_waveforms_reject_a_pool_that_misses_symbols():
    num = OfdmNumerology()
    pool = np.ones((1, 3, num.n_subcarriers), complex)
    with pytest.raises(ValueError, match="pool covers"):
        link_waveforms(pool, np.array(0), 0, np.array(-5.0), np.array(0.0), num, 2)


def test_ici_coefficient_closed_form_matches_the_dft_sum():
    n = 64
    eps = np.array([0.0, 0.013, 0.25, -0.4, 0.5])[:, None]
    d = np.arange(-5, 6)[None, :]
    i = np.arange(n)
    direct = np.exp(2j * np.pi * (eps + d)[..., None] * i / n).mean(axis=-1)
    np.testing.assert_allclose(ici_coefficient(eps, d, n), direct, atol=1e-13)


def test_ici_power_sums_to_one_over_the_full_band():
    num = OfdmNumerology(fft_size=128, n_subcarriers=128)
    for eps in (0.01, 0.2, 0.45):
        own, ici = ici_power_analytic(eps, num)
        np.testing.assert_allclose(own + ici, 1.0, atol=1e-12)  # Parseval
        assert own == pytest.approx(np.sinc(eps) ** 2, rel=0.01)  # large-N limit


@pytest.mark.parametrize("n_used", [72, 128])
def test_measured_ici_matches_eq10_within_5_percent(n_used):
    num = OfdmNumerology(fft_size=128, n_subcarriers=n_used)
    eps = np.array([0.02, 0.1, 0.3])
    signal, ici = measure_ici(eps, numerology=num, n_symbols=300, rng=np.random.default_rng(3))
    for i, e in enumerate(eps):
        own, want = ici_power_analytic(e, num)
        assert ici[i].mean() == pytest.approx(want.mean(), rel=ICI_REL_TOL)
        assert signal[i].mean() == pytest.approx(own, rel=0.01)


def test_measured_ici_matches_eq10_on_every_subcarrier_of_a_partial_band():
    """Per subcarrier, not only on average: with guard bins the ICI is asymmetric at the band
    edges (the lowest used bin gets its interference from above), and only the orientation
    b_n' - b_n of eq. (10) matches the DFT there. 4000 symbols: ~1.6 % standard error per bin."""
    num = OfdmNumerology(fft_size=128, n_subcarriers=72)
    eps = np.array([0.1, 0.3])
    _, ici = measure_ici(eps, numerology=num, n_symbols=4000, rng=np.random.default_rng(5))
    for i, e in enumerate(eps):
        _, want = ici_power_analytic(e, num)
        np.testing.assert_allclose(ici[i], want, rtol=ICI_BIN_REL_TOL)
        d = num.bins[:, None] - num.bins[None, :]  # the other orientation, b_n - b_n'
        mag2 = np.abs(ici_coefficient(e, d, num.fft_size)) ** 2
        mirrored = mag2.sum(axis=1) - np.diagonal(mag2)
        assert np.max(np.abs(mirrored / want - 1.0)) > 3 * ICI_BIN_REL_TOL  # it would fail


def test_no_ici_without_residual_doppler():
    num = OfdmNumerology()
    signal, ici = measure_ici([0.0], numerology=num, n_symbols=4, rng=np.random.default_rng(4))
    assert np.max(ici) < 1e-25
    np.testing.assert_allclose(signal, 1.0, atol=1e-12)


@pytest.mark.parametrize("excess", [0, 7, 32, 100])
def test_isi_beyond_the_cp_matches_the_window_overlap(excess):
    """Full band, advance b + e samples: own-symbol share (N - e)/N, the rest ISI + ICI."""
    num = OfdmNumerology(fft_size=128, n_subcarriers=128)
    m = 400
    pool = qam_symbols("qpsk", (1, m + 2, 128), np.random.default_rng(5))
    delay = np.array(float(num.backoff + excess))
    y = demodulate(link_waveforms(pool, np.array(0), 0, delay, np.array(0.0), num, m), num)
    signal, resid = known_symbol_split(y, pool[0, :m])
    share = (1 - excess / 128) ** 2
    assert signal.mean() == pytest.approx(share, abs=0.01)
    assert resid.mean() == pytest.approx(1 - share, abs=0.01)


def test_known_symbol_split_is_unbiased():
    rng = np.random.default_rng(6)
    m, n = 8, 4000
    d = qam_symbols("16qam", (m, n), rng)
    g = 0.7 * np.exp(0.3j)
    e = 0.5 * (rng.standard_normal((m, n)) + 1j * rng.standard_normal((m, n)))  # power 0.5
    signal, resid = known_symbol_split(g * d + e, d)
    assert signal.mean() == pytest.approx(0.49, rel=0.03)
    assert resid.mean() == pytest.approx(0.5, rel=0.02)
    with pytest.raises(ValueError, match="at least 2 symbols"):
        known_symbol_split(d[:1], d[:1])


def test_interference_is_coherent_at_zero_and_uncorrelated_beyond_one_symbol():
    num = OfdmNumerology()
    t_sym = num.symbol_duration_s
    dt = np.array([0.0, 1.01, 1.5, 3.7, 60.2]) * t_sym
    pairs = np.stack([np.zeros_like(dt), dt], axis=1)
    corr = interference_correlation(
        pairs, numerology=num, n_symbols=2000, rng=np.random.default_rng(7)
    )
    assert corr[0] == pytest.approx(1.0, abs=1e-12)
    assert np.all(corr[1:] < UNCORRELATED)


def test_partial_overlap_correlation_follows_the_window_overlap():
    num = OfdmNumerology(fft_size=128, n_subcarriers=128)
    dt = (num.backoff + np.array([-12.0, 0.0, 20.0, 64.0, 110.0])) / num.sample_rate_hz
    pairs = np.stack([np.zeros_like(dt), dt], axis=1)
    corr = interference_correlation(
        pairs, numerology=num, n_symbols=2000, rng=np.random.default_rng(8)
    )
    floor = np.sqrt(np.pi / 4 / 2000)  # mean |corr| of independent samples
    np.testing.assert_allclose(corr, window_overlap_correlation(dt, num), atol=floor + 0.01)


def test_read_index_equals_the_direct_cyclic_prefix_position_formula():
    """Receive sample p of a link with offset b reads transmit position u = b + p: symbol
    u // N_sym, data index (u mod N_sym - N_cp) mod N. Checked for every offset at once."""
    from coopsat.channel.ofdm.waveform import _read_index

    n, ncp, m = 16, 3, 5
    nsym = n + ncp
    start = np.arange(nsym).reshape(1, nsym)  # (1, 19): every offset, a batch axis kept
    got = _read_index(start, n, ncp, m)
    assert got.shape == (1, nsym, m * nsym)
    for b in range(nsym):
        for p in range(m * nsym):
            u = b + p
            assert got[0, b, p] == (u // nsym) * n + (u % nsym - ncp) % n
