"""``coopsat``: run configured experiments, reproduce the paper's figures, re-plot stored runs.

    coopsat fig3 --quick                  a few-drop Fig. 3 on the paper's defaults
    coopsat fig4 --drops 200 --workers 8  Fig. 4 at 200 drops on 8 processes
    coopsat run my.toml --set channel.zeta2=1.0 --resume
    coopsat waveform --fft-size 256       the OFDM waveform check (options = config keys)
    coopsat fig3 --scheduler tcp://host:8786   the same run on a Dask cluster
    coopsat plot results/fig3             re-plot from the stored table

Every study subcommand applies the preset of its name from the config (``data/paper.toml`` by
default); the experiment kinds (``experiments.kinds.KINDS``) supply the computation, the
figures, the printed summary and their own options, each a shortcut for one config key.

Exit codes: 0 done; 1 the run finished without a result row (every drop skipped: the reasons
are in its skipped.parquet) or the disk failed; 2 bad command line, config, input file or run
directory (nothing written); 130 interrupted (the finished chunks are kept: rerun with
``--resume``).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import sys
from pathlib import Path

import matplotlib

import coopsat
from coopsat.experiments.config import ExperimentConfig, preset_names
from coopsat.experiments.config.constellation import constellation_for
from coopsat.experiments.driver.executors import check_scheduler_address, make_executor
from coopsat.experiments.driver.runfolder import record_outputs
from coopsat.experiments.driver.runner import run_experiment
from coopsat.experiments.driver.store import RunDir, read_metadata, read_table
from coopsat.experiments.errors import ConfigError
from coopsat.experiments.kinds import KINDS, load_config, parse_override, report_of
from coopsat.experiments.views.formats import (
    FIGURE_FORMATS,
    KNOWN_FORMATS,
    Formats,
    parse_formats,
)

STUDIES = {
    "fig2": ("delay", "Fig. 2: probability that inter-satellite interference is independent"),
    "fig3": ("sweep", "Fig. 3: average sum rate vs P_TX, five schemes"),
    "fig4": ("sweep", "Fig. 4: average sum rate vs zeta2 (kappa = 25 dB, 35 dBm)"),
    "fig5": ("convergence", "Fig. 5: R_E, R_AP1, R_AP2 vs iteration (joint schemes)"),
    "fig6": ("sweep", "Fig. 6: average sum rate vs the number of cooperative satellites"),
    "timeline": ("timeline", KINDS["timeline"].title),
    "waveform": ("waveform", KINDS["waveform"].title),
    "show": ("show", KINDS["show"].title),
    "constellations": ("constellations", KINDS["constellations"].title),
    "schedule": ("schedule", KINDS["schedule"].title),
    "precoders-power": ("sweep", "R_E vs P_TX of every scheme with the instantaneous-CSI ref. "
                        "and its bound (--quick: 6 drops, 20/30/40/50 dBm, 16 ref. realisations)"),
    "precoders-satellites": ("sweep", "R_E vs S of every scheme with the instantaneous-CSI ref. "
                             "(--quick: 6 drops, S = 1, 2, 4, 8, 16 ref. realisations)"),
    "precoders-budgets": ("sweep", "R_E and power used with the others' budgets Delta dB lower "
                          "(--quick: 6 drops, Delta = 0, 10, 20 dB, 16 ref. realisations)"),
    "precoders-arrays": ("sweep", "statistical designs vs the instantaneous-CSI ref. vs N_T "
                         "(--quick: 6 drops, 4x4/8x8/16x16, 16 ref. realisations)"),
}
DEFAULT_OUT = Path("results")


class _Version(argparse.Action):
    """``--version``: print the installed coopsat version and exit."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"coopsat {coopsat.__version__}")
        parser.exit()


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def _scheduler(text: str) -> str:
    try:
        return check_scheduler_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("--scheduler ", "", 1)) from None


def _figure_formats(text: str) -> Formats:
    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_figures_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--figures", type=_figure_formats, default=FIGURE_FORMATS, metavar="FORMATS",
        help=f"figure files to write: comma-separated {', '.join(KNOWN_FORMATS)} (default "
        f"{','.join(FIGURE_FORMATS)}), or none for the tables only (draw them later with "
        "'coopsat plot RUN_DIR')",
    )


def _workers(requested: int | None, n_drops: int) -> tuple[int, str]:
    """Local worker processes: at most the CPU count and the drops; (count, note or "")."""
    cpus = os.cpu_count() or 1
    if requested is None:
        return max(1, min(cpus, n_drops)), ""
    count = max(1, min(requested, cpus, n_drops))
    if count == requested:
        return count, ""
    return count, f"note: --workers {requested} capped at {count} (CPUs {cpus}, drops {n_drops})"


def _add_run_options(p: argparse.ArgumentParser, *, config_option: bool) -> None:
    if config_option:
        p.add_argument(
            "--config", type=Path, default=None,
            help="TOML config (default: the shipped data/paper.toml)",
        )
    p.add_argument("--drops", type=_positive_int, help="number of drops (overrides run.drops)")
    p.add_argument("--seed", type=int, help="root seed (overrides run.seed)")
    p.add_argument(
        "--workers", type=_positive_int, default=None,
        help="local worker processes (default: the CPU count, at most the drops)",
    )
    p.add_argument(
        "--scheduler", metavar="ADDRESS", type=_scheduler,
        help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786)",
    )
    p.add_argument(
        "--out", type=Path,
        help="run directory (default: results/NAME[-quick], plus a digest of the --set keys)",
    )
    p.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
        help="override a config key (repeatable)",
    )
    existing = p.add_mutually_exclusive_group()
    existing.add_argument(
        "--resume", action="store_true",
        help="continue the run in --out (refused if its config differs)",
    )
    existing.add_argument(
        "--overwrite", action="store_true",
        help="replace the run already in --out: its tables, parts and figures (without it, "
        "such a directory is refused)",
    )
    _add_figures_option(p)
    p.add_argument(
        "--quick", action="store_true",
        help="apply the config's [presets.quick] (few drops), then [presets.NAME_quick] if any",
    )
    p.add_argument(
        "--quiet", action="store_true",
        help="no progress (a bar on a terminal, else a line every 5%% of the drops)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``coopsat`` (run, the studies of ``STUDIES``, plot); a new one
    per call (``main`` reuses one, see ``_shared_parser``)."""
    parser = argparse.ArgumentParser(
        prog="coopsat", allow_abbrev=False,
        description="Statistical-CSI distributed precoding for cooperative LEO satellites: "
        "experiments and paper figures.",
        epilog="Results go to results/NAME/ (table.parquet, skipped.parquet, NAME.png/.pdf; "
        "--figures chooses the formats).",
    )
    parser.add_argument("--version", action=_Version, help="print the coopsat version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(  # allow_abbrev=False everywhere: --drop is not --drops
        "run", allow_abbrev=False, help="run the experiment of a TOML config",
        description="Run the experiment described by CONFIG.",
    )
    run.add_argument("config_path", metavar="CONFIG", type=Path, help="TOML config file")
    run.add_argument(
        "--preset", action="append", default=[],
        help="apply the config's [presets.NAME] (repeatable)",
    )
    _add_run_options(run, config_option=False)
    for name, (kind, text) in STUDIES.items():
        p = sub.add_parser(
            name, allow_abbrev=False, help=text,
            description=f"{text} (the config's [presets.{name}] study)."
        )
        _add_run_options(p, config_option=True)
        for opt in KINDS[kind].options:
            p.add_argument(
                opt.flag, dest=f"key:{opt.key}", metavar=opt.metavar,
                help=f"{opt.help} (sets {opt.key})",
            )
    plot = sub.add_parser(
        "plot", allow_abbrev=False, help="re-plot a run directory from its stored table",
        description="Re-plot the figure of RUN_DIR from table.parquet.",
    )
    plot.add_argument("run_dir", metavar="RUN_DIR", type=Path)
    _add_figures_option(plot)
    return parser


@functools.cache
def _shared_parser() -> argparse.ArgumentParser:
    """The parser ``main`` uses, built once per process (parsing does not change it): its ~230
    options take about 20 ms to declare, as long as a tiny run of ``main`` from Python. Private,
    so no caller can add to the copy every later ``main`` call sees."""
    return build_parser()


def _option_overrides(args: argparse.Namespace) -> dict:
    """The config keys set through kind options (``--fft-size 256`` -> waveform.fft_size)."""
    out = {}
    for dest, raw in vars(args).items():
        if dest.startswith("key:") and raw is not None:
            out[dest[4:]] = parse_override(f"{dest[4:]}={raw}")[1]
    return out


def resolve(args: argparse.Namespace) -> tuple[ExperimentConfig, Path]:
    """The validated config and run directory of a run-like command (raises ConfigError)."""
    overrides = dict(parse_override(text) for text in args.overrides)
    overrides.update(_option_overrides(args))
    if args.drops is not None:
        overrides["run.drops"] = args.drops
    if args.seed is not None:
        overrides["run.seed"] = args.seed
    if args.command == "run":
        path, presets = args.config_path, tuple(args.preset)
    else:
        path, presets = args.config, (args.command,)
    if args.quick:
        presets = (*presets, "quick")
        specific = f"{presets[0]}_quick" if len(presets) > 1 else None
        if specific and specific in preset_names(path):
            presets = (*presets, specific)
    config = load_config(path, presets=presets, overrides=overrides)
    return config, args.out or default_out(config, args.quick, overrides)


def default_out(config: ExperimentConfig, quick: bool, overrides: dict) -> Path:
    """``results/NAME[-quick]``; with config keys set on the command line (``--set``, a kind's
    options) but no ``run.name``, a suffix of their digest keeps that run apart from the plain
    one (``results/fig3-quick-1a2b3c4d``). ``--drops`` and ``--seed`` add none: they size or
    reseed the same study."""
    name = config.run.name + ("-quick" if quick else "")
    keys = {k: v for k, v in overrides.items() if k not in ("run.drops", "run.seed")}
    if keys and "run.name" not in keys:
        text = json.dumps(keys, sort_keys=True, default=str)
        name += "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return DEFAULT_OUT / name


def _report(
    config: ExperimentConfig, table, extra: dict, run_dir: Path, formats: Formats
) -> list[Path]:
    if not formats:
        print(f"figure:  none (--figures none; draw them with 'coopsat plot {run_dir}')")
        return []
    report = report_of(KINDS[config.run.kind])
    figures = report.plot(table, config, Path(run_dir) / config.run.name, extra, formats)
    record_outputs(Path(run_dir), figures)  # so that --overwrite may remove them later
    print("figure:  " + ", ".join(str(f.resolve()) for f in figures))
    return figures


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _run(args: argparse.Namespace) -> int:
    config, out = resolve(args)
    for notice in constellation_for(config.constellation).notices:
        print(f"notice: {notice}")
    workers, note = _workers(args.workers, config.run.drops)
    if note and not args.scheduler:
        print(note)
    print(
        f"coopsat {args.command}: {config.run.kind} '{config.run.name}', "
        f"{_count(config.run.drops, 'drop')}, run id {config.run_id}, "
        f"{'Dask ' + args.scheduler if args.scheduler else f'{workers} worker(s)'}"
    )
    with make_executor(workers, args.scheduler) as executor:
        result = run_experiment(
            config, out, executor=executor, resume=args.resume, overwrite=args.overwrite,
            progress=not args.quiet, notify=lambda line: print(f"notice: {line}"),
        )
    n_valid = result.table["drop"].nunique() if len(result.table) else 0
    rows, drops = _count(len(result.table), "row"), _count(n_valid, "drop")
    print(f"table:   {result.table_path.resolve()} ({rows}, {drops})")
    attempts = _count(len(result.skipped), "skipped attempt")
    print(f"skipped: {result.skipped_path.resolve()} ({attempts})")
    if "r_e" in result.table and result.table["r_e"].isna().any():  # designs that failed
        failed = result.table.loc[result.table["r_e"].isna(), "scheme"].value_counts()
        print(f"failed:  {_count(int(failed.sum()), 'design row')} without a rate ("
              + ", ".join(f"{name} {n}" for name, n in failed.items()) + "; reasons in skipped)")
    if not len(result.table):
        reason = result.skipped["reason"].iloc[0] if len(result.skipped) else "unknown"
        print(
            f"coopsat: error: every drop was skipped, nothing to plot; first reason: {reason} "
            "(lower drop.n_satellites or drop.min_elevation_deg, or use a denser shell)",
            file=sys.stderr,
        )
        return 1
    _report(config, result.table, result.extra, result.run_dir, args.figures)
    for line in report_of(KINDS[config.run.kind]).summary(result.table, config, result.extra):
        print(line)
    return 0


def _check_table_kind(run: RunDir, table) -> None:
    """Refuse a table that is not of the kind run.json names (one of them was replaced)."""
    kind = run.config.run.kind
    written = read_metadata(run.table_path).get("coopsat.kind", "?")
    missing = [name for name, _ in KINDS[kind].columns if name not in table.columns]
    if written != kind or missing:
        raise ConfigError(
            f"{str(run.table_path)!r} holds a {written!r} table but run.json describes a "
            f"{kind!r} run (missing columns: {', '.join(missing[:4]) or 'none'}); the folder "
            "mixes two runs: rerun with --overwrite"
        )


def _plot(args: argparse.Namespace) -> int:
    if not args.figures:
        raise ConfigError(
            f"plot --figures none would draw nothing; allowed: comma-separated "
            f"{', '.join(KNOWN_FORMATS)}"
        )
    run = RunDir.open(args.run_dir)
    if not run.table_path.exists():
        raise ConfigError(f"{str(run.path)!r} has no table.parquet (unfinished run? --resume it)")
    table = read_table(run.table_path)
    _check_table_kind(run, table)
    if not len(table):
        raise ConfigError(
            f"{str(run.path)!r} has no result rows to plot: every drop was skipped "
            f"(reasons in {str(run.skipped_path)!r})"
        )
    _report(run.config, table, run.read_extra(), run.path, args.figures)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``coopsat`` console script; returns the exit code."""
    matplotlib.use("Agg")  # figures go to files: no window, whatever the environment offers
    args = _shared_parser().parse_args(argv)
    try:
        return _plot(args) if args.command == "plot" else _run(args)
    except (ConfigError, ConnectionError) as exc:
        print(f"coopsat: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, a directory removed under the run, ...
        print(f"coopsat: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "coopsat: interrupted; finished chunks are kept, rerun with --resume", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
