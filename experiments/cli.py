"""``coopsat``: run configured experiments, reproduce the paper's figures, re-plot stored runs.

    coopsat fig3 --quick                  a few-drop Fig. 3 on the paper's defaults
    coopsat fig4 --drops 200 --workers 8  Fig. 4 at 200 drops on 8 processes
    coopsat run my.toml --set channel.zeta2=1.0 --resume
    coopsat fig3 --scheduler tcp://host:8786   the same run on a Dask cluster
    coopsat plot results/fig3             re-plot from the stored table

Exit codes: 0 done, 2 bad command line or config (nothing written), 130 interrupted (the
finished chunks are kept: rerun with ``--resume``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from experiments.config import (
    ConfigError,
    ExperimentConfig,
    load_config,
    parse_override,
    preset_names,
)


class _Version(argparse.Action):
    """``--version``, resolved only when asked (the version lookup imports pyarrow)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from experiments.store import package_version

        print(f"coopsat {package_version()}")
        parser.exit()


FIGURES = {
    "fig2": "Fig. 2: probability that inter-satellite interference is independent",
    "fig3": "Fig. 3: average sum rate vs P_TX, five schemes",
    "fig4": "Fig. 4: average sum rate vs zeta2 (kappa = 25 dB, 35 dBm)",
    "fig5": "Fig. 5: R_E, R_AP1, R_AP2 vs iteration (MS-JoWMMSE, MS-JoMWMMSE)",
    "fig6": "Fig. 6: average sum rate vs the number of cooperative satellites",
    "timeline": "time-epoch study: reused vs recomputed precoders, rate vs age of the CSI",
}
DEFAULT_OUT = Path("results")
PAPER_STATEMENT = (
    "paper (Remark 1, Fig. 2): Delta tau > T_sym is 'highly probable' for 600 km satellites "
    "and UTs uniform in an 800 km disc"
)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text}")
    return value


def _add_run_options(p: argparse.ArgumentParser, *, config_option: bool) -> None:
    if config_option:
        p.add_argument(
            "--config",
            type=Path,
            default=None,
            help="TOML config (default: the shipped data/paper.toml)",
        )
    p.add_argument("--drops", type=_positive_int, help="number of drops (overrides run.drops)")
    p.add_argument("--seed", type=int, help="root seed (overrides run.seed)")
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="local worker processes (default: the CPU count, at most the drops)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786)",
    )
    p.add_argument("--out", type=Path, help="run directory (default: results/NAME[-quick])")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override a config key (repeatable)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out (refused if its config differs)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="apply the config's [presets.quick] (few drops), then [presets.NAME_quick] if any",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``coopsat`` (subcommands run, fig2..fig6, timeline, plot)."""
    parser = argparse.ArgumentParser(
        prog="coopsat",
        description="Statistical-CSI distributed precoding for cooperative LEO satellites: "
        "experiments and paper figures.",
        epilog="Results go to results/NAME/ (table.parquet, skipped.parquet, NAME.png/.pdf).",
    )
    parser.add_argument("--version", action=_Version, help="print the coopsat version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the experiment of a TOML config",
        description="Run the experiment described by CONFIG.",
    )
    run.add_argument("config_path", metavar="CONFIG", type=Path, help="TOML config file")
    run.add_argument(
        "--preset",
        action="append",
        default=[],
        help="apply the config's [presets.NAME] (repeatable)",
    )
    _add_run_options(run, config_option=False)
    for name, text in FIGURES.items():
        p = sub.add_parser(name, help=text, description=f"Reproduce {text}.")
        _add_run_options(p, config_option=True)
    plot = sub.add_parser(
        "plot",
        help="re-plot a run directory from its stored table",
        description="Re-plot the figure of RUN_DIR from table.parquet.",
    )
    plot.add_argument("run_dir", metavar="RUN_DIR", type=Path)
    if importlib.util.find_spec("experiments.waveform") is not None:
        from experiments import waveform

        waveform.register(sub)
    return parser


def resolve(args: argparse.Namespace) -> tuple[ExperimentConfig, Path]:
    """The validated config and run directory of a run-like command (raises ConfigError)."""
    overrides = dict(parse_override(text) for text in args.overrides)
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
    out = args.out or DEFAULT_OUT / (config.run.name + ("-quick" if args.quick else ""))
    return config, out


def _run(args: argparse.Namespace) -> int:
    from experiments.executors import make_executor
    from experiments.plots import delay_summary, plot_table
    from experiments.runner import run_experiment

    config, out = resolve(args)
    workers = args.workers or max(1, min(os.cpu_count() or 1, config.run.drops))
    print(
        f"coopsat {args.command}: {config.run.kind} '{config.run.name}', "
        f"{config.run.drops} drops, run id {config.hash()[:12]}, "
        f"{'Dask ' + args.scheduler if args.scheduler else f'{workers} worker(s)'}"
    )
    with make_executor(workers, args.scheduler) as executor:
        result = run_experiment(
            config, out, executor=executor, resume=args.resume, progress=not args.quiet
        )
    n_valid = result.table["drop"].nunique() if len(result.table) else 0
    print(f"table:   {result.table_path.resolve()} ({len(result.table)} rows, {n_valid} drops)")
    print(f"skipped: {result.skipped_path.resolve()} ({len(result.skipped)} skipped attempts)")
    if not len(result.table):
        reason = result.skipped["reason"].iloc[0] if len(result.skipped) else "unknown"
        print(
            f"coopsat: error: every drop was skipped, nothing to plot; first reason: {reason} "
            "(lower drop.n_satellites or drop.min_elevation_deg, or use a denser shell)",
            file=sys.stderr,
        )
        return 2
    figures = plot_table(result.table, config, result.run_dir)
    print("figure:  " + ", ".join(str(f.resolve()) for f in figures))
    _print_summary(result.table, config, delay_summary)
    return 0


def _print_summary(table, config, delay_summary) -> None:
    if config.run.kind == "delay":
        s = delay_summary(table)
        print(
            f"P(Delta tau > T = {s['T_s'] * 1e6:.2f} us) = {s['T']:.3f}; "
            f"P(Delta tau > T_sym = {s['T_sym_s'] * 1e6:.2f} us) = {s['T_sym']:.3f}"
        )
        print(PAPER_STATEMENT)
    elif config.run.kind == "sweep":
        from experiments.plots import swept_input

        x = swept_input(config)
        means = table.groupby(["scheme", x])["r_e"].mean().unstack(x)
        print("mean sum rate R_E (bit/s/Hz):")
        print(means.round(2).to_string())
    elif config.run.kind == "timeline":
        _print_timeline_summary(table)


def _print_timeline_summary(table) -> None:
    from experiments.plots import age_curve, age_summary, set_change_summary

    stepped = table[table["mode"] != "aged"]
    means = stepped.groupby(["scheme", "mode"])["r_e"].mean().unstack("mode")
    print("mean sum rate R_E over the timeline (bit/s/Hz):")
    print(means.round(2).to_string())
    sets = set_change_summary(table)
    print(
        f"cooperative-set changes: {sets['changes']} in {sets['observed_s']:.0f} s of area time"
        f" (mean time between changes {sets['mean_dwell_s']:.0f} s)"
    )
    curve = age_curve(table)
    if curve.empty:
        return
    print("mean R_E (bit/s/Hz) vs age of the statistical CSI (s):")
    print(curve.pivot(index="scheme", columns="csi_age_s", values="mean").round(1).to_string())
    summary = age_summary(table)
    print("CSI age at which R_E falls to 90 % / 50 % of fresh; longest refresh period keeping")
    print("90 % / 50 % on average (s):")
    print(summary.set_index("scheme").round(2).to_string())


def _plot(args: argparse.Namespace) -> int:
    from experiments.plots import plot_table
    from experiments.store import RunDir, read_table

    run = RunDir.open(args.run_dir)
    if not run.table_path.exists():
        raise ConfigError(f"{str(run.path)!r} has no table.parquet (unfinished run? --resume it)")
    table = read_table(run.table_path)
    if not len(table):
        raise ConfigError(
            f"{str(run.path)!r} has no result rows to plot: every drop was skipped "
            f"(reasons in {str(run.skipped_path)!r})"
        )
    figures = plot_table(table, run.config, run.path)
    print("figure:  " + ", ".join(str(f.resolve()) for f in figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``coopsat`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "plot":
            return _plot(args)
        if hasattr(args, "func"):  # subcommands registered by other modules (waveform)
            return int(args.func(args) or 0)
        return _run(args)
    except ConfigError as exc:
        print(f"coopsat: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "coopsat: interrupted; finished chunks are kept, rerun with --resume", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
