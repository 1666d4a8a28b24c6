"""Benchmarks of the precoding package (issue 4); prints ratios measured side by side in one run.

1. Paper size (S = 5, 10 x 10 UPA, K = 48, 10 iterations): MS-JoMWMMSE fast subspace path vs the
   dense line-by-line oracle of tests/oracle_precoding.py. Target: >= 300x, same W to 1e-9.
2. Large size (S = 10, 32 x 32 UPA, K = 200): one fast run (target < 10 s) and a flop / memory
   estimate of the dense path, which is out of reach.
3. R_E with 1000 Monte Carlo samples at paper size (target < 50 ms).

Both paths run with one BLAS thread (set below, before numpy loads): the matrices are small, the
machine is shared, and drops are parallelised over processes anyway.

Usage: python benchmarks/precoding.py [--quick]   (--quick: 2 dense iterations instead of 10)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from precoding import evaluate_rates, precode  # noqa: E402
from tests.oracle_precoding import dense_joint, random_csi  # noqa: E402

P_TX_W = 10 ** (35 / 10) / 1e3  # 35 dBm per satellite (Fig. 5 / Fig. 6 operating point)


def _best_of(fn, repeats: int) -> float:
    """Minimum wall time over repeats (s): the least disturbed run on a shared machine."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def paper_size(n_iter: int) -> None:
    rng = np.random.default_rng(2025)
    csi = random_csi(rng, 5, 48, 10, 10, scale="realistic", kappa=10**2.5, zeta2=0.5)
    power = np.full(5, P_TX_W)

    def fast():
        return precode("ms-jomwmmse", csi, power, max_iter=n_iter, tol=-np.inf)

    t_fast = _best_of(fast, 20)
    t0 = time.perf_counter()
    _, dense_w = dense_joint(csi, power, modified=True, max_iter=n_iter, tol=-np.inf)
    t_dense = time.perf_counter() - t0
    w = fast().weights
    rel = np.linalg.norm(w - dense_w) / np.linalg.norm(dense_w)
    # irreducible dense cost: step 10 alone, K solves of size S N_T per iteration (batched LU)
    n = 5 * 100
    a = rng.standard_normal((48, n, n)) + 1j * rng.standard_normal((48, n, n))
    a = a @ np.conj(np.swapaxes(a, 1, 2)) + n * np.eye(n)
    rhs = rng.standard_normal((48, n, 1)) + 0j
    t_solve = n_iter * _best_of(lambda: np.linalg.solve(a, rhs), 2)
    print(f"[paper size] S=5, N_T=100, K=48, {n_iter} iterations (MS-JoMWMMSE)")
    print(f"  fast path   : {1e3 * t_fast:9.2f} ms per run (best of 20)")
    print(f"  dense oracle: {1e3 * t_dense:9.0f} ms per run")
    print(f"  speed-up    : {t_dense / t_fast:9.0f} x   (target >= 300 x)")
    print(f"  dense step-10 solves alone: {1e3 * t_solve:9.0f} ms -> {t_solve / t_fast:.0f} x")
    print(f"  max rel diff of W: {rel:.2e}   (target <= 1e-9)")


def large_size() -> None:
    s, nv, nh, k, n_iter = 10, 32, 32, 200, 10
    rng = np.random.default_rng(7)
    csi = random_csi(rng, s, k, nv, nh, scale="realistic", kappa=10**2.5, zeta2=0.5)
    t0 = time.perf_counter()
    res = precode("ms-jomwmmse", csi, P_TX_W, max_iter=n_iter, tol=-np.inf)
    t_fast = time.perf_counter() - t0
    n = s * nv * nh
    # dense Algorithm 1 per iteration: K Hermitian solves of size S N_T (LU ~ 8/3 n^3 real flops)
    # plus forming K matrices Xi_k from K terms each (K^2 n^2 complex additions, 2 flops each)
    flops = n_iter * (k * 8 / 3 * n**3 + 2 * k * k * n**2)
    mem = k * n * n * 16  # the K matrices Omega_k held by the oracle, complex128
    print(f"[large size] S={s}, N_T={nv * nh}, K={k}, {n_iter} iterations (MS-JoMWMMSE)")
    print(f"  fast path   : {t_fast:9.2f} s  (target < 10 s), {res.n_iterations} iterations")
    print(
        f"  dense path  : ~{flops:.1e} flops (~{flops / 1e11 / 3600:.0f} h at 100 GFLOP/s) and "
        f"{mem / 2**30:.0f} GiB for the Omega_k alone: out of reach"
    )


def rate_evaluation() -> None:
    rng = np.random.default_rng(11)
    csi = random_csi(rng, 5, 48, 10, 10, scale="realistic", kappa=10**2.5, zeta2=0.5)
    w = precode("ms-jomwmmse", csi, P_TX_W).weights
    t = _best_of(lambda: evaluate_rates(csi, w, n_samples=1000, rng=rng), 20)
    print("[R_E] S=5, N_T=100, K=48, 1000 samples (evaluate_rates: R_E, R_AP1, R_AP2)")
    print(f"  {1e3 * t:9.2f} ms per call (best of 20; target < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 dense iterations instead of 10")
    args = parser.parse_args()
    paper_size(2 if args.quick else 10)
    large_size()
    rate_evaluation()


if __name__ == "__main__":
    main()
