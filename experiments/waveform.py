"""``coopsat waveform``: waveform-level OFDM validation of the paper's signal model (issue 6).

Runs the OFDM link simulator of ``channel.ofdm_link`` on one drop and writes three figures:
measured vs analytic rate per UT (eq. 13), ICI power vs residual Doppler (eq. 10) and the
inter-satellite interference correlation vs Delta tau / T_sym (Remark 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``waveform`` subcommand to the ``coopsat`` parser; returns its parser."""
    p = subparsers.add_parser(
        "waveform",
        help="OFDM waveform-level validation of eq. (10), (13) and Remark 1",
        description="Simulate one drop at waveform level (CP-OFDM, numerology 1) and compare "
        "the measured SINR/rate, ICI and interference correlation with the paper's analysis.",
    )
    p.add_argument("--seed", type=int, default=20250101, help="root seed (default 20250101)")
    p.add_argument("--out", type=Path, default=Path("results/waveform"), help="output directory")
    p.add_argument(
        "--symbols", type=_positive_int, default=4, help="OFDM symbols per channel block (>= 2)"
    )
    p.add_argument("--blocks", type=_positive_int, default=64, help="channel blocks (realisations)")
    p.add_argument("--fft-size", type=_positive_int, default=128, help="FFT size (multiple of 128)")
    p.add_argument("--subcarriers", type=_positive_int, default=72, help="used subcarriers")
    p.add_argument("--modulation", choices=("qpsk", "16qam"), default="qpsk")
    p.add_argument("--p-tx-dbm", type=float, default=35.0, help="per-satellite power, dBm")
    p.add_argument("--zeta2", type=float, default=0.5, help="phase-error variance, rad^2")
    p.add_argument("--sigma-nu-hz", type=float, default=30.0, help="residual Doppler std (Hz)")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Entry of ``coopsat waveform``; returns the exit code."""
    raise NotImplementedError("coopsat waveform: simulator not wired yet")
