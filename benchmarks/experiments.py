"""Benchmark: a full Fig. 3 reproduction (paper size, 7 powers x 5 schemes) on a process pool.

Prints drops per second, the wall time against the 5-minute target, the share of the measured
compute time per stage (geometry, channel, precoding, evaluation, from the table's timing
columns) and the parallel efficiency (stage time summed over workers / (wall x workers)).

    python benchmarks/experiments.py [--drops 100] [--workers 2] [--out /tmp/coopsat-bench]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path and its name would shadow the
# experiments package: put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from experiments.config import load_config  # noqa: E402
from experiments.executors import local_pool  # noqa: E402
from experiments.runner import run_experiment  # noqa: E402

TARGET_S = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    config = load_config(None, presets=("fig3",), overrides={"run.drops": args.drops})
    out = args.out or Path(tempfile.mkdtemp(prefix="coopsat-bench-"))

    t0 = time.perf_counter()
    with local_pool(args.workers) as pool:
        t_start = time.perf_counter() - t0
        result = run_experiment(config, out, executor=pool)
    wall = time.perf_counter() - t0
    table = result.table

    per_drop = table.drop_duplicates("drop")
    stages = {
        "geometry": per_drop["time_geometry_s"].sum(),
        "channel": per_drop["time_channel_s"].sum(),
        "precoding": table["time_precoding_s"].sum(),
        "evaluation": table["time_evaluation_s"].sum(),
    }
    busy = sum(stages.values())
    n_drops = table["drop"].nunique()
    print(f"Fig. 3 at paper size: {n_drops} drops x {table['point'].nunique()} powers x "
          f"{table['scheme'].nunique()} schemes = {len(table)} rows, {args.workers} workers")
    print(f"wall time            {wall:8.1f} s  (pool start-up {t_start:.1f} s)")
    print(f"target               {TARGET_S:8.1f} s  -> wall / target = {wall / TARGET_S:.3f}")
    print(f"drops per second     {n_drops / wall:8.2f}")
    print(f"stage time (summed over workers) {busy:.1f} s; share per stage:")
    for name, seconds in stages.items():
        print(f"  {name:<11} {seconds:8.2f} s  {100 * seconds / busy:5.1f} %")
    eff = busy / (wall * args.workers)
    print(f"parallel efficiency  {eff:8.2f}  (stage time / (wall x workers))")
    print(f"skipped attempts     {len(result.skipped)}")
    print(f"table: {result.table_path}")


if __name__ == "__main__":
    main()
