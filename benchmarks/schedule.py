"""Benchmark: one scheduling horizon at the size of the study's target, and the scheduler's share.

U = 1000 terminals, T = 60 slots of 1 s, K_max = 48, S = 5, paper arrays (10 x 10), MS-JoMWMMSE,
1000 Monte Carlo samples, one drop, one trajectory per scheduler asked for (default the greedy
"spatial-pf", the costliest), with one BLAS thread as the runner's executors give every drop
(``--threads`` to change it). Prints the wall time and the CPU time of the process (all its
threads) for the drop against the 120 s target: on a shared machine the CPU seconds are the
honest number, the wall time grows with the load. Then the time per stage, wall and CPU, each
stage function wrapped here: geometry and channel (once per slot, shared by the
trajectories), scheduling, precoding and evaluation (per trajectory and slot), with the
scheduler's share. Last, side by side, the first ``--compare-slots`` slots again with one and
with two BLAS threads: the designs' matrices are small, and with two threads on a loaded
2-core machine the precoding time grows many times over (thread hand-offs).

    python -m benchmarks.schedule
    python -m benchmarks.schedule --schedulers pf spatial-pf --slots 20

Prints, never asserts: machines are noisy.
"""

import argparse
import os
import time
from collections import defaultdict

import pandas as pd
from threadpoolctl import threadpool_limits

from coopsat.experiments import load_config
from coopsat.experiments.kinds.schedule import compute

TARGET_S = 120.0
STAGES = {  # stage name: the function of ``compute`` that does it
    "geometry": "geometry_at", "channel": "statistical_csi", "scheduling": "select",
    "precoding": "design", "evaluation": "evaluate_many",
}


def _wrap(spent: dict, stage: str, fn):
    """``fn`` accumulating its wall and CPU seconds into spent[stage]."""
    def wrapped(*args, **kwargs):
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage][0] += time.perf_counter() - w0
            spent[stage][1] += time.process_time() - c0
    return wrapped


def _config(args, slots: int):
    return load_config(overrides={
        "run.kind": "schedule", "run.max_attempts": 10,
        "precoding.schemes": ["ms-jomwmmse"],
        "schedule.n_terminals": args.terminals, "schedule.n_slots": slots,
        "schedule.k_max": [48], "schedule.n_satellites": [5],
        "schedule.schedulers": args.schedulers,
    })


def _run(config, threads: int) -> tuple[float, float, dict, object]:
    """(wall s, CPU s, {stage: [wall s, CPU s]}, outcome) of drop 0 with ``threads``."""
    spent = defaultdict(lambda: [0.0, 0.0])
    saved = {name: getattr(compute, name) for name in STAGES.values()}
    for stage, name in STAGES.items():
        setattr(compute, name, _wrap(spent, stage, saved[name]))
    try:
        with threadpool_limits(limits=threads):
            w0, c0 = time.perf_counter(), time.process_time()
            outcome = compute.drop(config, 0)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    finally:
        for name, fn in saved.items():
            setattr(compute, name, fn)
    return wall, cpu, spent, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedulers", nargs="+", default=["spatial-pf"])
    parser.add_argument("--slots", type=int, default=60)
    parser.add_argument("--terminals", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads of the drop")
    parser.add_argument("--compare-slots", type=int, default=3,
                        help="slots of the 1 vs 2 BLAS thread comparison (0: none)")
    args = parser.parse_args()
    wall, cpu, spent, outcome = _run(_config(args, args.slots), args.threads)
    table = pd.DataFrame(outcome.rows)
    per_set = table.drop_duplicates(["scheduler", "slot"])
    print(f"U = {args.terminals}, T = {args.slots} slots, K_max = 48, S = 5, 10 x 10 arrays, "
          f"MS-JoMWMMSE, schedulers {', '.join(args.schedulers)}, {args.threads} BLAS "
          f"thread(s), load average {os.getloadavg()[0]:.1f}")
    print(f"drop: wall {wall:.1f} s, CPU {cpu:.1f} s (target {TARGET_S:.0f} s: CPU "
          f"{cpu / TARGET_S:.2f} of it, wall {wall / TARGET_S:.2f}); {len(table)} rows, mean "
          f"{per_set['n_served'].mean():.1f} served per slot, {len(outcome.skipped)} skipped")
    total_wall = sum(w for w, _ in spent.values())
    total_cpu = sum(c for _, c in spent.values())
    print(f"  {'stage':<11} {'wall s':>8} {'%':>6} {'CPU s':>8} {'%':>6}")
    for stage in STAGES:
        w, c = spent[stage]
        print(f"  {stage:<11} {w:8.2f} {100 * w / total_wall:6.1f} {c:8.2f} "
              f"{100 * c / total_cpu:6.1f}")
    print(f"  {'other':<11} {wall - total_wall:8.2f} {'':>6} {cpu - total_cpu:8.2f}  (the "
          f"first slot's drop search, rate estimates, proxy, delay statistic, rows)")
    w, c = spent["scheduling"]
    print(f"scheduler's share: {100 * w / total_wall:.1f} % of the wall time, "
          f"{100 * c / total_cpu:.1f} % of the CPU time of the stages")
    if args.compare_slots > 0:
        short = _config(args, args.compare_slots)
        runs = {n: _run(short, n)[2]["precoding"] for n in (1, 2)}
        print(f"precoding of the first {args.compare_slots} slots, 1 vs 2 BLAS threads: wall "
              f"{runs[1][0]:.2f} vs {runs[2][0]:.2f} s, CPU {runs[1][1]:.2f} vs "
              f"{runs[2][1]:.2f} s (2 threads / 1 thread: wall {runs[2][0] / runs[1][0]:.1f}x, "
              f"CPU {runs[2][1] / runs[1][1]:.1f}x)")


if __name__ == "__main__":
    main()
