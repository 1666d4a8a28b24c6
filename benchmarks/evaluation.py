"""Monte Carlo evaluation of R_E: old vs new path side by side, and its standard error.

At the paper's size (S = 5, K = 48, 10 x 10 UPA; QuaDRiGa NTN Urban LOS CSIs of real Walker-Delta
drops, zeta2 = 0.5) with the five schemes, prints in one run:

1. Time per precoder. Old: ``evaluate_rates`` of the baseline commit (its sampler and rates
   modules read with ``git show``), fresh draws for every precoder, as the pipeline does today.
   New: one ``draw_standard`` per drop and one ``evaluate_many`` for all precoders of the CSI.
   Their R_E must be identical (bit for bit). Target: <= 3 ms per precoder at the standard error
   of 1000 plain samples. For information, a BLAS (matmul) kernel that is not bit-identical.
2. Where the time goes, stage by stage, old and new.
3. Standard error of R_E per scheme and power (20, 35, 50 dBm), measured as the spread of
   independent repetitions: plain sampling, antithetic normals, scrambled Sobol points (normal
   inverse transform) and the control-variate estimator on plain draws; the variance reduction
   factor (VRF) at equal samples and the efficiency at equal wall time (VRF x time ratio).

Run from the repository root: ``python -m benchmarks.evaluation [--quick]``. One BLAS thread
(drops are parallelised over processes); timings are the best of a few runs on a shared machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

import benchmarks.one_thread  # noqa: F401  (first, before numpy loads: one BLAS thread)

# isort: split

import numpy as np
from scipy.special import ndtri
from scipy.stats import qmc

import coopsat.precoding.montecarlo as montecarlo
import coopsat.precoding.rates as rates
from benchmarks.timing import best_of
from coopsat import channel, constellation
from coopsat.channel.sampler import StandardDraws, draw_standard
from coopsat.channel.structure import link_powers, steering_projections
from coopsat.precoding.schemes import SCHEMES, precode

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "b1d05df"  # before the shared-draws evaluation
S, K, NV, NH = 5, 48, 10, 10
N_MC = 1000  # the paper's Monte Carlo size (data/paper.toml, precoding.mc_samples)
N_CV = 100  # control-variate samples for about the standard error of N_MC plain ones
N_VR = 1024  # a power of two for the Sobol comparison (same n for every method there)
POWERS_DBM = (20.0, 35.0, 50.0)
FIG3_DBM = (20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0)


def _baseline_rates() -> types.ModuleType | None:
    """precoding/rates.py of BASELINE with BASELINE's sampler, or None without git history."""

    def load(path: str, name: str) -> types.ModuleType:
        src = subprocess.run(
            ["git", "show", f"{BASELINE}:{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        module = types.ModuleType(name)
        sys.modules[name] = module  # dataclasses look their module up
        exec(compile(src, f"{BASELINE}:{path}", "exec"), module.__dict__)
        return module

    try:
        sampler = load("channel/sampler.py", "baseline_sampler")
        old = load("precoding/rates.py", "baseline_rates")
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"  (baseline {BASELINE} not readable with git: {exc}; old path skipped)")
        return None
    old.sample_link_gains = sampler.sample_link_gains
    return old


def _drops(n_drops: int, powers_dbm: tuple[float, ...]):
    """[(csi, weights (P, S, N_T, K), labels [(scheme, dBm)])] of n_drops real drops."""
    shell = constellation.WalkerDelta().build()
    epoch = constellation.utc_time("2025-01-01T00:00:00Z")
    out = []
    for d in range(n_drops):
        rng = np.random.default_rng(np.random.SeedSequence(2025, spawn_key=(d,)))
        geo = constellation.sample_drop(shell, epoch, n_users=K, n_satellites=S, rng=rng)
        csi = channel.statistical_csi(geo, channel.ChannelConfig(zeta2=0.5, nv=NV, nh=NH), rng)
        labels = [(scheme, p) for p in powers_dbm for scheme in SCHEMES]
        w = [precode(s, csi, np.full(S, 10 ** ((p - 30) / 10))).weights for s, p in labels]
        out.append((csi, np.stack(w), labels))
    return out


# --- 1. time per precoder ---------------------------------------------------------------------
def _blas_rates(csi, t, g) -> np.ndarray:
    """R_E (P, K) with batched matmuls over users, (K, n, S) @ (K, S, P): not bit-identical."""
    diag = np.arange(t.shape[-1])
    own = t[..., diag, diag]
    cross = np.abs(t) ** 2
    cross[..., diag, diag] = 0.0
    leak = cross.sum(axis=-1)
    gk = np.ascontiguousarray(g.transpose(2, 0, 1))  # (K, n, S)
    signal = np.abs(gk @ own.transpose(2, 1, 0)) ** 2  # (K, n, P)
    interference = (np.abs(gk) ** 2) @ leak.transpose(2, 1, 0)
    x = np.log1p(signal / (interference + csi.sigma2[:, None, None]))
    return x.mean(axis=1).T / np.log(2.0)


def timing(drops, old) -> None:
    print(f"[1] time per precoder: S={S}, K={K}, N_T={NV * NH}, n={N_MC}, {len(drops)} drops")
    three = [i for i, (_, p_dbm) in enumerate(drops[0][2]) if p_dbm in POWERS_DBM]
    for label, sub in (("3 powers x 5 schemes", three), ("Fig. 3 sweep, 7 x 5", slice(None))):
        t_old = t_new = t_cv = t_blas = t_small = 0.0
        se_plain = se_small = 0.0
        n_prec = 0
        equal = True
        blas_diff = 0.0
        for d, (csi, w, _) in enumerate(drops):
            w = w[sub]
            seed = np.random.SeedSequence(7, spawn_key=(d,))

            def new(csi=csi, w=w, seed=seed, estimator="mean"):
                draws = draw_standard(N_MC, S * K, np.random.default_rng(seed))
                return rates.evaluate_many(csi, w, draws, estimator=estimator)

            t_new += best_of(new, 3)
            t_cv += best_of(lambda new=new: new(estimator="control-variate"), 3)
            result = new()
            small = draw_standard(N_CV, S * K, np.random.default_rng(seed))
            t_small += best_of(
                lambda csi=csi, w=w, small=small: rates.evaluate_many(
                    csi, w, small, estimator="control-variate"
                ),
                3,
            )
            t_small += best_of(lambda: draw_standard(N_CV, S * K, np.random.default_rng(1)), 3)
            cv_small = rates.evaluate_many(csi, w, small, estimator="control-variate")
            se_small += float(np.sum(cv_small.sum_r_e_stderr))
            se_plain += float(np.sum(result.sum_r_e_stderr))
            if old is not None:

                def old_path(csi=csi, w=w, seed=seed):
                    return [
                        old.evaluate_rates(
                            csi, wp, n_samples=N_MC, rng=np.random.default_rng(seed)
                        ).r_e
                        for wp in w
                    ]

                t_old += best_of(old_path, 2)
                equal &= bool(np.array_equal(np.stack(old_path()), result.r_e))
            g = draw_standard(N_MC, S * K, np.random.default_rng(seed)).gains(csi)
            t = steering_projections(np.asarray(csi.steering), w)
            t_blas += best_of(lambda csi=csi, t=t, g=g: _blas_rates(csi, t, g), 3)
            blas = _blas_rates(csi, t, g)
            blas_diff = max(blas_diff, float(np.max(np.abs(blas - result.r_e) / result.r_e)))
            n_prec += len(w)
        per = 1e3 / n_prec
        se_small, se_plain = se_small / n_prec, se_plain / n_prec
        print(f"  {label} (P = {n_prec // len(drops)} precoders per call):")
        if old is not None:
            print(f"    old path (fresh draws per precoder) : {per * t_old:7.2f} ms / precoder")
        print(f"    new path (shared draws, batched)    : {per * t_new:7.2f} ms / precoder", end="")
        print(f"   ratio {t_old / t_new:5.1f} x" if old is not None else "")
        print(f"    new path, control-variate estimator : {per * t_cv:7.2f} ms / precoder")
        if old is not None:
            print(f"    new R_E == old R_E bit for bit      : {equal}")
        print(
            f"    control variate at n = {N_CV:4d}        : {per * t_small:7.2f} ms / precoder; "
            f"mean SE of R_E {se_small:.4f} vs {se_plain:.4f} with {N_MC} plain samples"
        )
        print(
            f"    (info) BLAS kernel, R_E only        : {per * t_blas:7.2f} ms / precoder, "
            f"max rel diff {blas_diff:.1e} (not bit-identical: not used)"
        )


# --- 2. where the time goes -------------------------------------------------------------------
def profile(drops, old) -> None:
    csi, w, _ = drops[0]
    p = len(w)
    rng = np.random.default_rng(1)
    steer = np.asarray(csi.steering)
    print(f"[2] where the time goes (one drop, P = {p} precoders, n = {N_MC}), ms")
    if old is not None:
        shape = (N_MC, S, K)
        stages = {
            "sample_link_gains (normals + g)": lambda: old.sample_link_gains(csi, N_MC, rng),
            "  of which the 3 n S K normals": lambda: [
                rng.standard_normal(shape) for _ in range(3)
            ],
            "projections v^T w (x3 per call)": lambda: [
                steering_projections(steer, wp) for wp in w for _ in range(3)
            ],
            "R_E kernel (einsum, log1p, mean)": lambda: [
                old._rate_from_gains(csi, wp, g_old) for wp in w
            ],
            "R_AP1 + R_AP2": lambda: [(old.rate_ap1(csi, wp), old.rate_ap2(csi, wp)) for wp in w],
        }
        g_old = old.sample_link_gains(csi, N_MC, rng)
        print("  old path, per precoder (the gains are sampled for every precoder):")
        for name, fn in stages.items():
            scale = p if name.startswith(("projections", "R_")) else 1
            print(f"    {name:38s} {1e3 * best_of(fn, 3) / scale:7.2f}")
    draws = draw_standard(N_MC, S * K, rng)
    g = draws.gains(csi)
    g2 = np.abs(g) ** 2
    t = steering_projections(steer, w)
    powers = link_powers(csi, t)
    block = max(1, montecarlo._BLOCK_ELEMENTS // (N_MC * K))
    terms = montecarlo._sample_terms(csi, t[:block], g, g2)
    means = (powers.signal_power[:block], powers.interference[:block])
    per_drop = {
        "draw_standard (once per drop)": lambda: draw_standard(N_MC, S * K, rng),
        "gains(csi) + |g|^2 (once per CSI)": lambda: np.abs(draws.gains(csi)) ** 2,
    }
    per_prec = {
        "projections v^T w (batched)": (lambda: steering_projections(steer, w), p),
        "link_powers -> R_AP1, R_AP2, means": (lambda: link_powers(csi, t), p),
        "sample terms (2 einsums, log1p)": (
            lambda: montecarlo._sample_terms(csi, t[:block], g, g2),
            block,
        ),
        "mean estimate + standard errors": (lambda: montecarlo._mean_estimate(terms[2]), block),
        "control-variate estimate + SEs": (
            lambda: montecarlo._control_variate_estimate(csi, means, *terms),
            block,
        ),
    }
    print("  new path:")
    for name, fn in per_drop.items():
        print(f"    {name:38s} {1e3 * best_of(fn, 3):7.2f} per call")
    for name, (fn, scale) in per_prec.items():
        print(f"    {name:38s} {1e3 * best_of(fn, 3) / scale:7.2f} per precoder")


# --- 3. standard errors -----------------------------------------------------------------------
def _stream(x: np.ndarray, y: np.ndarray, u: np.ndarray) -> StandardDraws:
    """Hand-made draws from three (n, S, K) blocks of normals."""
    return StandardDraws(np.concatenate([x.ravel(), y.ravel(), u.ravel()]), n_samples=len(x))


def _draws(method: str, rng: np.random.Generator) -> StandardDraws:
    shape = (N_VR, S, K)
    if method in ("plain", "control variate"):
        return draw_standard(N_VR, S * K, rng)
    if method == "antithetic":
        half = rng.standard_normal((3, N_VR // 2, S, K))
        return _stream(*np.concatenate([half, -half], axis=1))
    # scrambled Sobol', dimensions link-major (x, y, u of link 0, then link 1, ...), shifted by
    # half a digit so that no point is exactly 0 (ndtri(0) = -inf)
    points = qmc.Sobol(d=3 * S * K, scramble=True, bits=30, rng=rng).random(N_VR) + 2.0**-31
    normals = ndtri(points).reshape(N_VR, S * K, 3)
    return _stream(*(normals[:, :, c].reshape(shape) for c in range(3)))


def standard_errors(drops, n_reps: int) -> None:
    methods = ("plain", "antithetic", "sobol", "control variate")
    print(
        f"[3] standard error of R_E (bit/s/Hz): spread of {n_reps} independent repetitions, "
        f"n = {N_VR}, {len(drops)} drops, 5 schemes x {len(POWERS_DBM)} powers"
    )
    estimates = {m: [] for m in methods}
    reported = {m: [] for m in methods}
    seconds = dict.fromkeys(methods, 0.0)
    for d, (csi, w, _) in enumerate(drops):
        est = {m: [] for m in methods}
        for rep in range(n_reps):
            for i, m in enumerate(methods):
                rng = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(d, rep, i)))
                t0 = time.perf_counter()
                estimator = "control-variate" if m == "control variate" else "mean"
                r = rates.evaluate_many(csi, w, _draws(m, rng), estimator=estimator)
                seconds[m] += time.perf_counter() - t0
                est[m].append(r.sum_r_e)
                reported[m].append(r.sum_r_e_stderr)
        for m in methods:
            estimates[m].append(np.std(est[m], axis=0, ddof=1))  # (P,) per drop
    se = {m: np.stack(estimates[m]) for m in methods}  # (drops, P)
    labels = drops[0][2]
    head = "".join(f"{m:>17s}" for m in methods)
    print(f"  {'scheme':12s} {'dBm':>4s}{head}   (RMS SE over drops; VRF vs plain)")
    for j, (scheme, p_dbm) in enumerate(labels):
        vrf = {m: np.mean(se["plain"][:, j] ** 2) / np.mean(se[m][:, j] ** 2) for m in methods}
        rms = {m: np.sqrt(np.mean(se[m][:, j] ** 2)) for m in methods}
        cells = "".join(f"{rms[m]:9.4f} ({vrf[m]:6.1f})" for m in methods)
        print(f"  {scheme:12s} {p_dbm:4.0f}{cells}")
    base = se["plain"]
    t_plain = seconds["plain"]
    print("  summary over all precoders and drops:")
    for m in methods:
        vrf = base**2 / se[m] ** 2
        calib = np.mean(reported[m]) / np.mean(se[m]) if m != "antithetic" else float("nan")
        print(
            f"    {m:16s} VRF median {np.median(vrf):6.2f} (min {vrf.min():5.2f}, max "
            f"{vrf.max():8.1f}); time x{seconds[m] / t_plain:4.2f}; equal-time efficiency "
            f"median {np.median(vrf) * t_plain / seconds[m]:6.2f}; reported/measured SE "
            f"{calib:4.2f}"
        )
    print(
        "    (antithetic and Sobol' samples are not independent: their reported SE, computed "
        "as if they were, is not meaningful; sobol is one scrambled set, no in-run SE)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 drops, 8 repetitions")
    parser.add_argument("--reps", type=int, default=None, help="repetitions in [3]")
    args = parser.parse_args()
    n_drops = 2 if args.quick else 4
    reps = args.reps or (8 if args.quick else 30)
    old = _baseline_rates()
    sweep = _drops(n_drops, FIG3_DBM)
    timing(sweep, old)
    keep = [i for i, (_, p_dbm) in enumerate(sweep[0][2]) if p_dbm in POWERS_DBM]
    three = [(csi, w[keep], [labels[i] for i in keep]) for csi, w, labels in sweep]
    profile(three, old)
    standard_errors(three, reps)


if __name__ == "__main__":
    main()
