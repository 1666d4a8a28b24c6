"""Benchmark: rendering the scenario views.

Times, on a one-area timeline of the paper's defaults (10 min in 10 s steps, 61 frames), the
animation of the drop view (``timeline.animation = "gif"``) apart from the simulation, and one
``coopsat show`` drop view; prints them against the 30 s target of the animation. Prints,
never asserts.

    python -m benchmarks.views [--drops 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from coopsat.experiments import load_config
from coopsat.experiments.cli import main as coopsat
from coopsat.experiments.driver.store import read_table
from coopsat.experiments.kinds.timeline.animation import animate

TARGET_S = 30.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coopsat-views-") as tmp:
        out = Path(tmp) / "timeline"
        t0 = time.perf_counter()
        coopsat(["timeline", "--out", str(out), "--drops", str(args.drops), "--quiet",
                 "--set", "timeline.csi_age_s=[]"])
        t_run = time.perf_counter() - t0
        config = load_config(None, presets=("timeline",),
                             overrides={"timeline.animation": "gif", "run.drops": args.drops})
        table = read_table(out / "table.parquet")
        t0 = time.perf_counter()
        (path,) = animate(table, config, out / "timeline")
        t_anim = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        n_frames = config.section("timeline").n_steps
        t0 = time.perf_counter()
        coopsat(["show", "--out", str(Path(tmp) / "show"), "--quiet"])
        t_show = time.perf_counter() - t0
    print(f"timeline ({n_frames} steps, {args.drops} area): simulation and figures {t_run:.1f} s")
    print(f"animation: {n_frames} frames in {t_anim:.1f} s ({t_anim / n_frames * 1e3:.0f} ms per "
          f"frame, {size_mb:.1f} MB); target "
          f"{TARGET_S:g} s -> {t_anim / TARGET_S:.2f} of it")
    print(f"coopsat show (one drop, map + sky plot, PNG + PDF): {t_show:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
