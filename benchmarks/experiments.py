"""Benchmark: paper figures at full size, this tree against the reference commit START.

Side by side in one run, for each figure: the wall time of ``coopsat FIG`` on a process pool of
``--workers`` processes with the reference commit's code (extracted with ``git archive``, as
``benchmarks.compare_tables`` does) and with this tree, the speed-up, and the compute time per
stage (geometry, channel, precoding, evaluation; summed over workers, from the tables' timing
columns), then the parallel efficiency of this tree at 1 and 2 workers (T_1 / (2 T_2)). The
values are not compared here: ``benchmarks.compare_tables`` does that, exactly.

    python -m benchmarks.experiments                      # fig3, fig4, fig6 at 100 drops
    python -m benchmarks.experiments --figures fig3 --drops 40 --no-efficiency

Prints, never asserts: machines are noisy; the ratios come from the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

from benchmarks.compare_tables import REPO, reference_tree, run_cli

START = "7f093dd84f6b91e731aaaebc7c79043c36e57570"  # before the performance work measured
TARGET_S = 10.0


def stage_seconds(table: pd.DataFrame) -> dict[str, float]:
    """Compute time per stage summed over the run (s): per-drop stages counted once per drop."""
    per_drop = table.drop_duplicates("drop")
    return {
        "geometry": float(per_drop["time_geometry_s"].sum()),
        "channel": float(per_drop["time_channel_s"].sum()),
        "precoding": float(table["time_precoding_s"].sum()),
        "evaluation": float(table["time_evaluation_s"].sum()),
    }


def _run(src: Path, figure: str, out: Path, drops: int, workers: int) -> tuple[float, dict]:
    wall = run_cli(src, figure, out, drops, extra=("--workers", str(workers)))
    return wall, stage_seconds(pd.read_parquet(out / "table.parquet"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", default="fig3,fig4,fig6")
    parser.add_argument("--drops", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ref", default=START)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "coopsat-compare")
    parser.add_argument("--no-efficiency", action="store_true")
    args = parser.parse_args(argv)
    sha, root = reference_tree(args.ref, args.cache)
    print(f"{args.drops} drops, {args.workers} workers; reference {sha[:7]} vs this tree "
          f"(target: <= {TARGET_S:g} s per figure)")
    print(f"{'figure':7s} {'reference':>10s} {'this tree':>10s} {'speed-up':>9s}   "
          "stage seconds, reference -> this tree (geometry, channel, precoding, evaluation)")
    with tempfile.TemporaryDirectory(prefix="coopsat-bench-") as tmp:
        for figure in args.figures.split(","):
            t_ref, s_ref = _run(root / "src", figure, Path(tmp) / f"ref-{figure}", args.drops,
                                args.workers)
            t_new, s_new = _run(REPO, figure, Path(tmp) / f"new-{figure}", args.drops,
                                args.workers)
            stages = ", ".join(f"{s_ref[k]:.1f} -> {s_new[k]:.1f}" for k in s_ref)
            print(f"{figure:7s} {t_ref:9.1f}s {t_new:9.1f}s {t_ref / t_new:8.2f}x   {stages}")
        if not args.no_efficiency:
            figure = args.figures.split(",")[0]
            t1, _ = _run(REPO, figure, Path(tmp) / "w1", args.drops, 1)
            t2, _ = _run(REPO, figure, Path(tmp) / "w2", args.drops, 2)
            print(f"parallel efficiency ({figure}, this tree): T1 = {t1:.1f} s, T2 = {t2:.1f} s, "
                  f"T1 / (2 T2) = {t1 / (2 * t2):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
