"""Compare the result tables of this working tree with those of a reference commit, exactly.

A refactor must change no result. This script runs the paper figures (``coopsat fig2`` ..
``fig6``), the time-epoch study (``timeline``) and the waveform check (``waveform``) at their
defaults and default seed, once with the code of a reference commit (extracted with
``git archive`` into a cache folder, run from there) and once with this working tree, and
compares every table value by value: floats bit for bit (NaN equal to NaN), strings and
integers exactly. Timing columns (``time_*``, wall-clock measurements) and ``run_id`` (a
prefix of the config hash, which changes whenever the config gains a key) are left out;
columns present on one side only are listed, not compared.

    python -m benchmarks.compare_tables                      # all studies, reference 7f093dd
    python -m benchmarks.compare_tables --only fig3,fig5 --drops 10
    python -m benchmarks.compare_tables --ref HEAD~3

The reference runs are cached under ``--cache`` (default ``~/.cache/coopsat-compare``), keyed
by commit and drop count, so a second comparison only runs this tree. Exit code 0 when every
compared table is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REF = "7f093dd84f6b91e731aaaebc7c79043c36e57570"  # a fixed reference commit
PRECODER_STUDIES = (
    "precoders-power", "precoders-satellites", "precoders-budgets", "precoders-arrays"
)
STUDIES = (
    "fig2", "fig3", "fig4", "fig5", "fig6", "timeline", "waveform", "show", "constellations",
    *PRECODER_STUDIES,
)
STUDY_DROPS = dict.fromkeys(PRECODER_STUDIES, 4)
"""Drops of a study when --drops is not given (the others run at their defaults)."""
# tables of a study: (names in the new output, then older names the reference may use)
WAVEFORM_TABLES = {
    "table.parquet": ("table.parquet", "waveform_rates.csv"),
    "ici.parquet": ("ici.parquet", "waveform_ici.csv"),
    "correlation.parquet": ("correlation.parquet", "waveform_correlation.csv"),
}
RUN_TABLES = {
    "table.parquet": ("table.parquet",),
    "skipped.parquet": ("skipped.parquet",),
}
IGNORED = {"run_id"}


def run_cli(src: Path, study: str, out: Path, drops: int | None, extra=()) -> float:
    """Run ``coopsat STUDY`` with the code in ``src``; returns the wall time in s."""
    argv = [study, "--out", str(out), *extra]
    if study != "waveform":
        argv += ["--quiet"]
        if drops is not None:
            argv += ["--drops", str(drops)]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    if (src / "coopsat").is_dir():  # the installed package (this tree, pip install -e .)
        code = "import sys; from coopsat.experiments.cli import main; sys.exit(main(sys.argv[1:]))"
    else:  # a tree from before the coopsat package: its folders are top-level modules
        code = "import sys; from experiments.cli import main; sys.exit(main(sys.argv[1:]))"
        env["PYTHONPATH"] = str(src)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *argv], cwd=src, env=env, check=True)
    return time.perf_counter() - t0


def extract(ref: str, dest: Path) -> None:
    """The tree of commit ``ref`` under ``dest`` (git archive: no worktree bookkeeping)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def reference_tree(ref: str, cache: Path) -> tuple[str, Path]:
    """(full sha, cache folder) of commit ``ref``, its tree extracted under folder/src."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", ref], check=True, capture_output=True, text=True
    ).stdout.strip()
    root = cache / sha
    if not (root / "src" / "pyproject.toml").exists():
        extract(sha, root / "src")
    return sha, root


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, float_precision="round_trip")
    return pd.read_parquet(path)


def _same(a: pd.Series, b: pd.Series) -> bool:
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        return bool(np.array_equal(x, y, equal_nan=True))
    return bool((a.astype(str).to_numpy() == b.astype(str).to_numpy()).all())


def compare_frames(ref: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Differences between two tables (empty list: identical in their common value columns)."""
    problems = []
    if len(ref) != len(new):
        return [f"row count {len(ref)} -> {len(new)}"]
    dropped = [c for c in ref.columns if c not in new.columns]
    if dropped:
        problems.append(f"columns missing in the new table: {dropped}")
    common = [
        c
        for c in ref.columns
        if c in new.columns and not c.startswith("time_") and c not in IGNORED
    ]
    for col in common:
        a, b = ref[col].reset_index(drop=True), new[col].reset_index(drop=True)
        if not _same(a, b):
            if a.dtype.kind == "f":
                diff = np.nanmax(np.abs(a.to_numpy(float) - b.to_numpy(float)))
                problems.append(f"column {col!r} differs (max |diff| {diff:.3g})")
            else:
                problems.append(f"column {col!r} differs")
    return problems


def compare_study(study: str, ref_dir: Path, new_dir: Path) -> tuple[list[str], list[str]]:
    """(problems, notes) of one study's output folders."""
    tables = WAVEFORM_TABLES if study == "waveform" else RUN_TABLES
    problems, notes = [], []
    for name, candidates in tables.items():
        ref_path = next((ref_dir / c for c in candidates if (ref_dir / c).exists()), None)
        new_path = new_dir / name
        if ref_path is None or not new_path.exists():
            problems.append(f"{name}: missing on the {'reference' if ref_path is None else 'new'}"
                            " side")
            continue
        ref_name = ref_path.name
        ref, new = _read(ref_path), _read(new_path)
        extra = [c for c in new.columns if c not in ref.columns]
        if extra:
            notes.append(f"{new_path.name}: new columns {extra}")
        problems += [f"{ref_name}: {p}" for p in compare_frames(ref, new)]
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=DEFAULT_REF, help="reference commit (default %(default)s)")
    parser.add_argument("--only", default=",".join(STUDIES), help="comma-separated studies")
    parser.add_argument("--drops", type=int, default=None, help="drops (default: each study's)")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "coopsat-compare"
    )
    parser.add_argument(
        "--reference-only", action="store_true", help="only run (and cache) the reference"
    )
    args = parser.parse_args(argv)
    studies = [s for s in args.only.split(",") if s]
    unknown = sorted(set(studies) - set(STUDIES))
    if unknown:
        parser.error(f"unknown studies {unknown}; allowed: {', '.join(STUDIES)}")
    sha, ref_root = reference_tree(args.ref, args.cache)
    failed = False
    with tempfile.TemporaryDirectory(prefix="coopsat-compare-") as tmp:
        for study in studies:
            drops = args.drops if args.drops is not None else STUDY_DROPS.get(study)
            tag = "default" if drops is None else f"drops{drops}"
            ref_out = ref_root / "results" / tag / study
            marker = ref_out / ".complete"
            if not marker.exists():
                shutil.rmtree(ref_out, ignore_errors=True)
                t_ref = run_cli(ref_root / "src", study, ref_out, drops)
                marker.write_text(f"{t_ref:.1f}\n")
            t_ref = float(marker.read_text())
            if args.reference_only:
                print(f"{study:9s} reference {sha[:7]} cached ({t_ref:.1f} s)")
                continue
            new_out = Path(tmp) / study
            t_new = run_cli(REPO, study, new_out, drops)
            problems, notes = compare_study(study, ref_out, new_out)
            status = "IDENTICAL" if not problems else "DIFFERENT"
            failed |= bool(problems)
            times = (f"reference {sha[:7]} {t_ref:.1f} s when it was cached, this tree "
                     f"{t_new:.1f} s now: not side by side, a rough guide only")
            print(f"{study:9s} {status}  ({times})")
            for line in problems + notes:
                print(f"    {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
