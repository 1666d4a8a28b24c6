"""Benchmarks of the multi-start instantaneous-CSI reference and of the multiplier search.

At the paper's size (S = 5, 10 x 10 UPA, K = 48; 64 realisations of one drop), printed in one run:

1. The reference started from the matched filter and the nine statistical designs of
   ``coopsat precoders-power`` (their precoders at that power) vs the reference started from the
   matched filter alone, at 35 and 50 dBm, default termination (I_max = 10, chi = 1e-3).
   Target: multi-start within 2x of single-start. Printed next to it: the mean sum rates, the
   share of realisations on which the multi-start result is at least every start's own rate
   (must be 1.00) and at least the single-start result, and the starts that won.
2. The share of the multiplier search (``precoding.dual.solve_multipliers``) in each call of
   the per-satellite designs (ms-jowmmse-psc, ms-jomwmmse-psc, 10 iterations) and of the
   reference (16 realisations), next to the share of the eigendecompositions of D_s (the floor
   of any eigenbasis-based exact per-satellite solver: the W-step cannot be cheaper than them).

One BLAS thread (drops are parallelised over processes); timings are the minimum over repeats
with the compared variants alternating within each repeat, so the ratios hold on a busy machine.

Usage: python -m benchmarks.reference [--quick]
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

import benchmarks.one_thread  # noqa: F401  (first, before numpy loads: one BLAS thread)

# isort: split

import numpy as np

import coopsat.precoding.psc as psc
from benchmarks.precoding import _paper_csi
from coopsat.channel.sampler import sample_link_gains
from coopsat.precoding import instantaneous_reference, precode

N_REAL = 64
DESIGNS = ("ss-mmse", "ss-wmmse", "ms-sepwmmse", "ms-jowmmse", "ms-jomwmmse", "ms-jowmmse-psc",
           "ms-jomwmmse-psc", "ms-mrt", "ms-rzf")  # the statistical designs of precoders-power


def _watts(dbm: float) -> float:
    return 10 ** (dbm / 10) / 1e3


def _sum_rates(csi, gains: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(n,) sum rates (54) of precoders (S, N_T, K) on realisations gains (n, S, K), written
    directly: a[s, k, i] = v_{s,k}^T w_{s,i}, signal |sum_s g a[s, k, k]|^2, interference
    sum_s sum_{i != k} |g a[s, k, i]|^2 (Remark 1)."""
    a = np.einsum("skn,sni->ski", np.asarray(csi.steering), weights)
    h = gains[:, :, :, None] * a[None]  # (n, S, K, K)
    diag = np.diagonal(h, axis1=2, axis2=3)  # (n, S, K)
    signal = np.abs(np.sum(diag, axis=1)) ** 2
    interference = np.sum(np.abs(h) ** 2, axis=(1, 3)) - np.sum(np.abs(diag) ** 2, axis=1)
    return np.sum(np.log2(1.0 + signal / (interference + csi.sigma2)), axis=1)


def _alternating(fns: dict, repeats: int) -> tuple[dict, dict]:
    """(best time s, last result) of each function, alternating them within each repeat."""
    best, out = dict.fromkeys(fns, np.inf), {}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            out[name] = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best, out


def multi_vs_single(repeats: int) -> None:
    csi = _paper_csi(11)
    gains = sample_link_gains(csi, N_REAL, np.random.default_rng(3))
    print(f"[1 multi-start reference] S=5, N_T=100, K=48, {N_REAL} realisations, "
          f"{len(DESIGNS)} statistical designs + the matched filter as starts")
    for dbm in (35.0, 50.0):
        power = _watts(dbm)
        starts = {s: precode(s, csi, power).weights for s in DESIGNS}
        t, out = _alternating({
            "single": lambda p=power: instantaneous_reference(csi, p, gains),
            "multi": lambda p=power, st=starts: instantaneous_reference(csi, p, gains,
                                                                        starts=st),
        }, repeats)
        one, many = out["single"], out["multi"]
        own = np.stack([_sum_rates(csi, gains, w) for w in starts.values()])  # (designs, n)
        dominates = np.mean(np.all(many.sum_rates[None, :] >= own - 1e-9, axis=0))
        over_single = np.mean(many.sum_rates >= one.sum_rates - 1e-9)
        shares = {k: v for k, v in many.start_shares().items() if v > 0}
        print(f"  {dbm:.0f} dBm: multi-start {t['multi']:6.3f} s vs single-start "
              f"{t['single']:6.3f} s -> {t['multi'] / t['single']:.2f} x (target <= 2 x)")
        print(f"    R_IC multi {many.sum_rate:.1f}, single {one.sum_rate:.1f}, bound "
              f"{many.bound_sum_rate:.1f} bit/s/Hz; multi >= every start on "
              f"{dominates:.2f} of the realisations, >= single-start on {over_single:.2f}")
        print("    starts that won: " + ", ".join(f"{k} {v:.2f}" for k, v in shares.items()))


@contextmanager
def _clocked(owner, name: str, clock: dict):
    """Replace ``owner.name`` by a wrapper adding its wall time to clock[name] (restored)."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            clock[name] = clock.get(name, 0.0) + time.perf_counter() - t0

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _shares(fn, repeats: int) -> tuple[float, float, float]:
    """(best total time s, multiplier-search share, eigendecomposition share) of fn()."""
    best = (np.inf, 0.0, 0.0)
    for _ in range(repeats):
        clock: dict = {}
        with _clocked(psc, "solve_multipliers", clock), _clocked(np.linalg, "eigh", clock):
            t0 = time.perf_counter()
            fn()
            total = time.perf_counter() - t0
        if total < best[0]:
            best = (total, clock.get("solve_multipliers", 0.0) / total,
                    clock.get("eigh", 0.0) / total)
    return best


def multiplier_share(repeats: int) -> None:
    csi = _paper_csi()
    gains = sample_link_gains(csi, N_REAL // 4, np.random.default_rng(3))
    print("[2 multiplier search] share of each call (best of repeats), S=5, N_T=100, K=48")
    for dbm in (35.0, 50.0):
        power = _watts(dbm)
        calls = {s: (lambda s=s, p=power: precode(s, csi, p, tol=-np.inf))
                 for s in ("ms-jowmmse-psc", "ms-jomwmmse-psc")}
        calls[f"ic-wmmse ({N_REAL // 4} real.)"] = lambda p=power: instantaneous_reference(
            csi, p, gains)
        for name, fn in calls.items():
            total, search, eig = _shares(fn, repeats)
            print(f"  {dbm:.0f} dBm {name:22s}: {1e3 * total:8.1f} ms; multiplier search "
                  f"{100 * search:4.1f} %, eigendecompositions of D_s (floor) {100 * eig:4.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 1 if args.quick else 5
    multi_vs_single(repeats)
    multiplier_share(repeats)


if __name__ == "__main__":
    main()
