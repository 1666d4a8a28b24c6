"""Benchmark: throughput of the OFDM waveform simulator (``channel.ofdm``) on one core.

A paper-size drop (S = 5, K = 48, 10 x 10 UPA, 128-point FFT, NR normal CP) with millisecond
differential delays and +-40 kHz Dopplers. Prints, measured side by side in one run:
  - link samples/s of ``simulate_drop`` (one sample of one (satellite, stream, UT) link
    synthesised, delayed, Doppler-shifted and combined; S K K M N_sym per block) against the
    10 Msamples/s-per-core target, and the received samples/s (K M N_sym per block);
  - the same engine driven one link at a time (a Python loop over links, the naive baseline),
    and the speed-up of the vectorised path over it.
BLAS/FFT threads are pinned to 1 before numpy loads, so the figures are per core.

    python -m benchmarks.ofdm [--blocks 4] [--symbols 4]
"""

from __future__ import annotations

import argparse
import time

import benchmarks.one_thread  # noqa: F401  (first, before numpy loads: one BLAS thread)

# isort: split

import numpy as np

from coopsat.channel.csi import StatisticalCSI
from coopsat.channel.ofdm import (
    CompensationErrorModel,
    LinkTiming,
    OfdmNumerology,
    demodulate,
    link_waveforms,
    qam_symbols,
    simulate_drop,
)
from coopsat.channel.steering import upa_steering

TARGET_PER_CORE = 10e6  # target: link samples per second and core
S, K, NV, NH = 5, 48, 10, 10


def _drop(rng):
    steer = upa_steering(rng.uniform(-0.6, 0.6, (S, K)), rng.uniform(-0.6, 0.6, (S, K)), NV, NH)
    csi = StatisticalCSI(
        np.full((S, K), 1e-12), np.full((S, K), 10.0), np.zeros((S, K)), steer, np.full(K, 1e-13)
    )
    weights = np.conj(steer).transpose(0, 2, 1) * 0.1
    timing = LinkTiming(rng.uniform(2e-3, 6e-3, (S, K)), rng.uniform(-4e4, 4e4, (S, K)), 2e9)
    return csi, weights, timing


def _naive(num, n_links, m, rng):
    """The engine called once per link (what the vectorised path replaces)."""
    delays = rng.uniform(-5000, 5000, n_links)
    nus = rng.uniform(-4e4, 4e4, n_links)
    q_lo = int(np.floor(delays.min() / num.symbol_len))
    n_q = int(np.floor(delays.max() / num.symbol_len)) + m - q_lo + 1
    pool = qam_symbols("qpsk", (1, n_q, num.n_subcarriers), rng)
    t0 = time.perf_counter()
    acc = np.zeros(m * num.symbol_len, complex)
    for d, nu in zip(delays, nus, strict=True):
        acc += link_waveforms(pool, np.array(0), q_lo, np.array(d), np.array(nu), num, m)
    demodulate(acc, num)
    return n_links * m * num.symbol_len / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--symbols", type=int, default=4)
    args = parser.parse_args()
    num = OfdmNumerology()
    csi, weights, timing = _drop(np.random.default_rng(0))
    errors = CompensationErrorModel.for_zeta2(0.5, 2e9, sigma_nu_hz=30.0)
    kwargs = dict(numerology=num, errors=errors, n_symbols=args.symbols)
    simulate_drop(csi, weights, timing, n_blocks=1, rng=np.random.default_rng(1), **kwargs)
    t0 = time.perf_counter()
    meas = simulate_drop(
        csi, weights, timing, n_blocks=args.blocks, rng=np.random.default_rng(2), **kwargs
    )
    wall = time.perf_counter() - t0
    rate = meas.link_samples / wall
    received = args.blocks * K * args.symbols * num.symbol_len / wall
    naive = _naive(num, 2000, args.symbols, np.random.default_rng(3))
    print(
        f"drop S={S} K={K} N_T={NV * NH}, FFT {num.fft_size}, {args.blocks} blocks x "
        f"{args.symbols} symbols: {wall:.2f} s"
    )
    print(
        f"vectorised: {rate / 1e6:.1f} Mlink-samples/s per core "
        f"(target {TARGET_PER_CORE / 1e6:.0f}: ratio {rate / TARGET_PER_CORE:.2f}); "
        f"{received / 1e6:.3f} Mreceived-samples/s"
    )
    print(
        f"naive per-link loop: {naive / 1e6:.2f} Mlink-samples/s; "
        f"vectorised / naive = {rate / naive:.1f}"
    )


if __name__ == "__main__":
    main()
