"""Benchmark: one scheduling horizon at the size of the study's target, and the scheduler's share.

U = 1000 terminals, T = 60 slots of 1 s, K_max = 48, S = 5, paper arrays (10 x 10), MS-JoMWMMSE,
1000 Monte Carlo samples, one drop, one trajectory per scheduler asked for (default the greedy
"spatial-pf", the costliest). Two BLAS threads (the target is "2 cores"; a variable the caller
set is kept). Prints the wall time of the drop against the 120 s target, and the time per stage
summed from the table's timing columns: geometry and channel (once per slot, shared by the
trajectories), scheduling, precoding and evaluation (per trajectory and slot), with the
scheduler's share.

    python -m benchmarks.schedule
    python -m benchmarks.schedule --schedulers pf spatial-pf --slots 20

Prints, never asserts: machines are noisy.
"""

import os

from coopsat.experiments.driver.executors import BLAS_THREAD_VARS  # numpy-free: safe before numpy

for _name in BLAS_THREAD_VARS:
    os.environ.setdefault(_name, "2")

import argparse  # noqa: E402
import time  # noqa: E402

import pandas as pd  # noqa: E402

from coopsat.experiments.config import load_config  # noqa: E402
from coopsat.experiments.kinds.schedule.compute import drop  # noqa: E402

TARGET_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedulers", nargs="+", default=["spatial-pf"])
    parser.add_argument("--slots", type=int, default=60)
    parser.add_argument("--terminals", type=int, default=1000)
    args = parser.parse_args()
    config = load_config(overrides={
        "run.kind": "schedule", "run.max_attempts": 10,
        "precoding.schemes": ["ms-jomwmmse"],
        "schedule.n_terminals": args.terminals, "schedule.n_slots": args.slots,
        "schedule.k_max": [48], "schedule.n_satellites": [5],
        "schedule.schedulers": args.schedulers,
    })
    t0 = time.perf_counter()
    outcome = drop(config, 0)
    wall = time.perf_counter() - t0
    table = pd.DataFrame(outcome.rows)
    per_slot = table.drop_duplicates(["slot"])
    per_set = table.drop_duplicates(["scheduler", "slot"])
    stages = {
        "geometry": per_slot["time_geometry_s"].sum(),
        "channel": per_slot["time_channel_s"].sum(),
        "scheduling": per_set["time_scheduling_s"].sum(),
        "precoding": per_set["time_precoding_s"].sum(),
        "evaluation": per_set["time_evaluation_s"].sum(),
    }
    threads = os.environ[BLAS_THREAD_VARS[0]]
    print(f"U = {args.terminals}, T = {args.slots} slots, K_max = 48, S = 5, 10 x 10 arrays, "
          f"MS-JoMWMMSE, schedulers {', '.join(args.schedulers)}, {threads} BLAS thread(s)")
    print(f"drop wall time {wall:.1f} s (target {TARGET_S:.0f} s: {wall / TARGET_S:.2f} of it); "
          f"{len(table)} rows, mean {per_set['n_served'].mean():.1f} served per slot, "
          f"{len(outcome.skipped)} skipped")
    total = sum(stages.values())
    for name, seconds in stages.items():
        print(f"  {name:<11} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print(f"scheduler's share of the stage time: {100 * stages['scheduling'] / total:.1f} %")


if __name__ == "__main__":
    main()
