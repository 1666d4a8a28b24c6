"""Progress where stderr is not a terminal (nohup, SLURM, CI): a line every few percent."""

import io

from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.driver.progress import ProgressLines
from coopsat.experiments.driver.runner import run_experiment
from tests.test_experiments_runner import _config, fake_chunk


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_lines_every_five_percent_with_rate_and_time_left():
    out, clock = io.StringIO(), Clock()
    bar = ProgressLines(200, 0, "fig3", out, clock=clock)
    for _ in range(25):  # 8 drops every 4 s: 2 drops/s
        clock.t += 4.0
        bar.update(8)
    lines = out.getvalue().splitlines()
    assert len(lines) == 20  # 5 % of 200 is 10 drops; 8-drop chunks cross 20 of the steps
    assert lines[0] == "fig3: 16/200 drops (8%), 2 drops/s, about 1 min 32 s left"
    assert lines[-1] == "fig3: 200/200 drops (100%), 2 drops/s, done"


def test_a_resumed_run_counts_its_rate_from_the_drops_it_computes():
    out, clock = io.StringIO(), Clock()
    bar = ProgressLines(1000, 900, "r", out, clock=clock)
    clock.t += 10.0
    bar.update(50)
    assert out.getvalue() == "r: 950/1000 drops (95%), 5 drops/s, about 10 s left\n"


def test_a_run_with_stderr_in_a_file_prints_progress_lines(tmp_path, capsys):
    run_experiment(_config(**{"run.drops": 40}), tmp_path / "r", executor=SerialExecutor(),
                   task=fake_chunk, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 20 and lines[-1].startswith("paper: 40/40 drops (100%)")
