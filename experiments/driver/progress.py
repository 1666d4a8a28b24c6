"""Progress of a run on stderr: a tqdm bar on a terminal, plain lines anywhere else.

Under nohup, a batch scheduler (SLURM) or CI, stderr is a file or a pipe where a redrawn bar is
noise; there a line is printed each time another ``every_percent`` of the drops is done::

    fig3: 24/240 drops (10%), 1.9 drops/s, about 1 min 54 s left
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class ProgressLines:
    """The ``update``/``close`` of a tqdm bar, printing a line every ``every_percent`` %."""

    def __init__(self, total: int, initial: int, name: str, stream: TextIO,
                 every_percent: float = 5.0, clock=time.monotonic):
        self.total, self.done, self.name, self.stream = total, initial, name, stream
        self.step = max(1, round(total * every_percent / 100))
        self.clock = clock
        self.start, self.start_done = clock(), initial
        self.next_line = initial + self.step

    def update(self, n: int) -> None:
        self.done += n
        if self.done >= self.next_line or self.done >= self.total:
            self.next_line = (self.done // self.step + 1) * self.step
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = (self.done - self.start_done) / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = "done" if self.done >= self.total else (
            f"about {_duration(left)} left" if left != float("inf") else "time left unknown")
        return (f"{self.name}: {self.done}/{self.total} drops "
                f"({100 * self.done / self.total:.0f}%), {rate:.2g} drops/s, {eta}")

    def close(self) -> None:
        pass


def progress(total: int, initial: int, enabled: bool, name: str):
    """A tqdm bar when stderr is a terminal, else :class:`ProgressLines`; disabled: a bar that
    shows nothing."""
    if enabled and not sys.stderr.isatty():
        return ProgressLines(total, initial, name, sys.stderr)
    return tqdm(total=total, initial=initial, desc=name, unit="drop", disable=not enabled,
                file=sys.stderr)
