"""Benchmarks of the precoding package; prints ratios measured side by side.

1. Paper size (S = 5, 10 x 10 UPA, K = 48, 10 iterations): MS-JoMWMMSE fast subspace path vs the
   dense line-by-line oracle of tests/oracle_precoding.py. Target: >= 300x, same W to 1e-9.
2. Per-satellite constraints at paper size: MS-JoMWMMSE-PSC / MS-JoWMMSE-PSC vs MS-JoMWMMSE /
   MS-JoWMMSE (10 iterations each). Target: <= 1.5x.
3. Batching: 7 power points (20..50 dBm) through ``precode_many`` vs 7 ``precode`` calls, paper
   size, for the joint schemes (same results, checked bitwise).
4. Instantaneous-CSI reference at paper size, 64 realisations, one power point (35 dBm).
   Target: < 0.5 s per drop and power point. Printed next to the time of its 10 x S x 64
   eigendecompositions alone, the floor of any eigenbasis-based exact per-satellite solver.
5. Large size (S = 10, 32 x 32 UPA, K = 200, 10 iterations): MS-JoMWMMSE-PSC (target < 3 s)
   and MS-JoMWMMSE (target <= 0.5 s), a flop / memory estimate of the dense path.
6. R_E with 1000 Monte Carlo samples at paper size (target < 50 ms).
7. With --profile: where the time of one joint call goes, per stage of Algorithm 1, at paper
   and large size (cProfile, grouped by function).

All paths run with one BLAS thread (set below, before numpy loads): the matrices are small, the
machine is shared, and drops are parallelised over processes anyway. Timings are the minimum
over repeats (the least disturbed run); the compared variants alternate within each repeat, so
the ratios hold even when the machine is busy.

Usage: python -m benchmarks.precoding [--quick] [--profile]
       (--quick: 2 dense iterations instead of 10, fewer repeats)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import benchmarks.one_thread  # noqa: F401  (first, before numpy loads: one BLAS thread)

# isort: split

import numpy as np

from benchmarks.timing import best_of
from coopsat.channel.sampler import sample_link_gains
from coopsat.precoding import (
    evaluate_rates,
    instantaneous_reference,
    precode,
    precode_many,
)
from tests.oracle_precoding import dense_joint, random_csi

P_TX_W = 10 ** (35 / 10) / 1e3  # 35 dBm per satellite (Fig. 5 / Fig. 6 operating point)
SWEEP_W = 10 ** (np.arange(20.0, 51.0, 5.0) / 10) / 1e3  # the 7 powers of Fig. 3


def _paper_csi(seed: int = 2025):
    return random_csi(np.random.default_rng(seed), 5, 48, 10, 10, scale="realistic",
                      kappa=10**2.5, zeta2=0.5)


def _large_csi():
    return random_csi(np.random.default_rng(7), 10, 200, 32, 32, scale="realistic",
                      kappa=10**2.5, zeta2=0.5)


def _side_by_side(fns: dict, repeats: int) -> dict:
    """Best-of-repeats times of several functions, alternating them within each repeat."""
    best = dict.fromkeys(fns, np.inf)
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def paper_size(n_iter: int) -> None:
    csi = _paper_csi()
    power = np.full(5, P_TX_W)

    def fast():
        return precode("ms-jomwmmse", csi, power, max_iter=n_iter, tol=-np.inf)

    t_fast = best_of(fast, 20)
    t0 = time.perf_counter()
    _, dense_w = dense_joint(csi, power, modified=True, max_iter=n_iter, tol=-np.inf)
    t_dense = time.perf_counter() - t0
    w = fast().weights
    rel = np.linalg.norm(w - dense_w) / np.linalg.norm(dense_w)
    print(f"[1 paper size] S=5, N_T=100, K=48, {n_iter} iterations (MS-JoMWMMSE)")
    print(f"  fast path   : {1e3 * t_fast:9.2f} ms per run (best of 20)")
    print(f"  dense oracle: {1e3 * t_dense:9.0f} ms per run")
    print(f"  speed-up    : {t_dense / t_fast:9.0f} x   (target >= 300 x)")
    print(f"  max rel diff of W: {rel:.2e}   (target <= 1e-9)")


def per_satellite(repeats: int) -> None:
    csi = _paper_csi()
    power = np.full(5, P_TX_W)
    names = ("ms-jomwmmse", "ms-jomwmmse-psc", "ms-jowmmse", "ms-jowmmse-psc")
    fns = {s: (lambda s=s: precode(s, csi, power, tol=-np.inf)) for s in names}
    t = _side_by_side(fns, repeats)
    print("[2 per-satellite constraints] S=5, N_T=100, K=48, 10 iterations, 35 dBm")
    for base in ("ms-jomwmmse", "ms-jowmmse"):
        psc = base + "-psc"
        print(f"  {psc:16s}: {1e3 * t[psc]:7.2f} ms vs {base:12s}: {1e3 * t[base]:7.2f} ms"
              f" -> {t[psc] / t[base]:.2f} x   (target <= 1.5 x)")


def batching(repeats: int) -> None:
    csi = _paper_csi()
    powers = np.repeat(SWEEP_W[:, None], 5, axis=1)
    print(f"[3 batching] {len(powers)} power points 20..50 dBm, S=5, N_T=100, K=48, default "
          "termination (chi = 1e-3, I_max = 10)")
    for scheme in ("ms-jomwmmse", "ms-jowmmse", "ms-jomwmmse-psc", "ms-jowmmse-psc"):
        many = precode_many(scheme, csi, powers)
        same = all(np.array_equal(m.weights, precode(scheme, csi, p).weights)
                   for m, p in zip(many, powers, strict=True))
        t = _side_by_side({
            "many": lambda s=scheme: precode_many(s, csi, powers),
            "loop": lambda s=scheme: [precode(s, csi, p) for p in powers],
        }, repeats)
        print(f"  {scheme:16s}: batched {1e3 * t['many']:7.1f} ms vs 7 calls "
              f"{1e3 * t['loop']:7.1f} ms -> {t['loop'] / t['many']:.2f} x faster; "
              f"bitwise equal: {same}")


def reference(repeats: int) -> None:
    csi = _paper_csi(11)
    gains = sample_link_gains(csi, 64, np.random.default_rng(3))
    eig_in = np.random.default_rng(0).standard_normal((5 * 64, 48, 48, 2)) @ [1.0, 1j]
    eig_in = eig_in @ np.conj(np.swapaxes(eig_in, 1, 2))
    t = _side_by_side({
        "ic": lambda: instantaneous_reference(csi, P_TX_W, gains),
        "eigh": lambda: np.linalg.eigh(eig_in),
    }, repeats)
    ref = instantaneous_reference(csi, P_TX_W, gains)
    print("[4 instantaneous-CSI reference] S=5, N_T=100, K=48, 64 realisations, 35 dBm")
    print(f"  ic-wmmse    : {t['ic']:7.3f} s per drop and power point (target < 0.5 s); "
          f"R_IC = {ref.sum_rate:.1f} +- {ref.sum_rate_stderr:.2f} bit/s/Hz, iterations "
          f"{np.mean(ref.n_iterations):.1f}")
    print(f"  its 10 x 320 eigendecompositions (48 x 48) alone: {10 * t['eigh']:7.3f} s "
          f"({100 * 10 * t['eigh'] / t['ic']:.0f} % of it)")


def large_size(repeats: int) -> None:
    s, nv, nh, k, n_iter = 10, 32, 32, 200, 10
    csi = _large_csi()
    t = _side_by_side({
        name: (lambda name=name: precode(name, csi, P_TX_W, max_iter=n_iter, tol=-np.inf))
        for name in ("ms-jomwmmse", "ms-jomwmmse-psc")
    }, repeats)
    n = s * nv * nh
    flops = n_iter * (k * 8 / 3 * n**3 + 2 * k * k * n**2)
    mem = k * n * n * 16  # the K matrices Omega_k held by the oracle, complex128
    eig_in = np.random.default_rng(0).standard_normal((s, k, k, 2)) @ [1.0, 1j]
    eig_in = eig_in @ np.conj(np.swapaxes(eig_in, 1, 2))
    t_eigh = n_iter * best_of(lambda: np.linalg.eigh(eig_in), repeats)
    print(f"[5 large size] S={s}, N_T={nv * nh}, K={k}, {n_iter} iterations")
    print(f"  ms-jomwmmse-psc: {t['ms-jomwmmse-psc']:6.2f} s (target < 3 s)")
    print(f"  ms-jomwmmse    : {t['ms-jomwmmse']:6.2f} s (target <= 0.5 s; its "
          f"{n_iter} x {s} eigendecompositions of {k} x {k} alone take {t_eigh:.2f} s)")
    print(
        f"  dense path     : ~{flops:.1e} flops (~{flops / 1e11 / 3600:.0f} h at 100 GFLOP/s) "
        f"and {mem / 2**30:.0f} GiB for the Omega_k alone: out of reach"
    )


def rate_evaluation() -> None:
    rng = np.random.default_rng(11)
    csi = random_csi(rng, 5, 48, 10, 10, scale="realistic", kappa=10**2.5, zeta2=0.5)
    w = precode("ms-jomwmmse", csi, P_TX_W).weights
    t = best_of(lambda: evaluate_rates(csi, w, n_samples=1000, rng=rng), 20)
    print("[6 R_E] S=5, N_T=100, K=48, 1000 samples (evaluate_rates: R_E, R_AP1, R_AP2)")
    print(f"  {1e3 * t:9.2f} ms per call (best of 20; target < 50 ms)")


_STAGES = [  # (label, functions whose own time counts for it), in Algorithm 1 order
    ("subspace QR, coordinates, init", ("qr", "from_steering", "to_coords", "matched_filter",
                                        "matched_filter_per_satellite", "scale_to_budget")),
    ("step 7: projections t = B z", ("projections",)),
    ("steps 7-8: receivers, MSEs", ("receivers", "link_powers", "signal_power", "total_power",
                                    "take", "batched", "_take")),
    ("step 9: eigh of D_s", ("eigh",)),
    ("steps 9-10: D_s, y^ (gemm), rhs", ("eigen_step",)),
    ("steps 10-11: per-user update", ("per_user_update",)),
    ("per-satellite update (46)", ("per_satellite_update", "build", "_leave_one_out")),
    ("multipliers: Newton (45)-(50)", ("solve_multipliers", "evaluate", "_directions", "put")),
    ("back to weights, step 14", ("to_weights", "scale_per_satellite")),
]


def _profile(label: str, fn, repeats: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeats):
        fn()
    prof.disable()
    stats = pstats.Stats(prof).stats  # {(file, line, name): (cc, nc, tottime, cumtime, ...)}
    own = {}
    for (_, _, name), row in stats.items():
        own[name] = own.get(name, 0.0) + row[2]
    total = sum(own.values())
    print(f"  {label}: {1e3 * total / repeats:.1f} ms per call")
    counted = 0.0
    for stage, names in _STAGES:
        t = sum(own.get(n, 0.0) for n in names)
        counted += t
        if t > 0:
            print(f"    {stage:34s} {1e3 * t / repeats:8.2f} ms  {100 * t / total:5.1f} %")
    rest = total - counted
    print(f"    {'numpy/Python overhead elsewhere':34s} {1e3 * rest / repeats:8.2f} ms  "
          f"{100 * rest / total:5.1f} %")


def profiles() -> None:
    print("[7 profile] own time per stage of one joint call (10 iterations, tol = -inf)")
    paper, large = _paper_csi(), _large_csi()
    for scheme in ("ms-jomwmmse", "ms-jomwmmse-psc"):
        _profile(f"{scheme}, paper size", lambda s=scheme: precode(s, paper, P_TX_W,
                                                                   tol=-np.inf), 20)
    for scheme in ("ms-jomwmmse", "ms-jomwmmse-psc"):
        _profile(f"{scheme}, S=10, 32x32, K=200",
                 lambda s=scheme: precode(s, large, P_TX_W, tol=-np.inf), 1)
    gains = sample_link_gains(paper, 64, np.random.default_rng(3))
    _profile("ic-wmmse, paper size, 64 realisations",
             lambda: instantaneous_reference(paper, P_TX_W, gains), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 dense iterations, fewer repeats")
    parser.add_argument("--profile", action="store_true", help="also print the stage profile")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    paper_size(2 if args.quick else 10)
    per_satellite(repeats * 3)
    batching(repeats)
    reference(repeats)
    large_size(2 if args.quick else 3)
    rate_evaluation()
    if args.profile:
        profiles()


if __name__ == "__main__":
    main()
