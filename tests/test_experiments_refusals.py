"""Inputs that used to hang, fill memory, print a traceback or be cut silently: each is now one
line on stderr with exit code 2 (130 for an interrupt), and no file is written or changed."""

from __future__ import annotations

import builtins
import json
import os

import pytest

from coopsat.constellation.resources import data_path
from coopsat.experiments import load_config
from coopsat.experiments.driver.executors import SerialExecutor
from coopsat.experiments.driver.runner import run_experiment
from coopsat.launch import main as launch_main
from tests.test_experiments_bad_inputs import _run
from tests.test_experiments_runfolder import _snapshot
from tests.test_experiments_runner import _config, fake_chunk

TINY = str(data_path("tiny.toml"))
TLE = ["--set", "constellation.source=tle", "--set", "constellation.tle.path={d}/fifo.tle"]


@pytest.fixture
def inputs(tmp_path):
    os.mkfifo(tmp_path / "fifo.toml")
    os.mkfifo(tmp_path / "fifo.tle")
    (tmp_path / "huge.toml").write_bytes(b"# padding\n" * (450 * 1024))  # 4.4 MiB
    (tmp_path / "empty_typo.toml").write_text("[chanel_typo]\n")
    (tmp_path / "empty_key.toml").write_text("[channel.zeta]\n")
    mixed = tmp_path / "mixed"
    run_experiment(_config(), mixed, executor=SerialExecutor(), task=fake_chunk)
    record = json.loads((mixed / "run.json").read_text())
    record["config"]["run"]["kind"] = "delay"
    (mixed / "run.json").write_text(json.dumps(record))
    return tmp_path


CASES = [
    (["fig3", "--config", "{d}/fifo.toml"], "is a FIFO (named pipe); allowed: a plain file"),
    (["fig3", "--config", "/dev/zero"], "'/dev/zero' is a character device; allowed: a plain"),
    (["fig3", "--config", "{d}/huge.toml"], "is larger than 4 MiB"),
    (["fig3", "--config", TINY, *TLE], "fifo.tle': the file is a FIFO (named pipe)"),
    (["fig3", "--config", "{d}/empty_typo.toml"], "unknown config section 'chanel_typo'"),
    (["fig3", "--config", "{d}/empty_key.toml"],
     "unknown config key 'channel.zeta' (did you mean 'channel.zeta2'?)"),
    (["fig3", "--config", TINY, "--set", "run.name=ab\ncd"],
     "--set run.name: the value holds a line break or NUL ('ab\\ncd')"),
    (["fig3", "--config", TINY, "--set", "sweep.p_tx_dbm=[20,\n30]"], "holds a line break"),
    (["plot", "{d}/mixed"], "holds a 'sweep' table but run.json describes a 'delay' run"),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("argv", "fragment"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_refused_in_one_line_with_nothing_written(argv, fragment, inputs, monkeypatch, capsys):
    monkeypatch.chdir(inputs)
    before = _snapshot(inputs)
    argv = [a.format(d=inputs) for a in argv]
    if argv[0] != "plot":
        argv += ["--out", str(inputs / "out"), "--quiet"]
    code, err = _run(argv, capsys)
    assert code == 2
    assert fragment in err, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert _snapshot(inputs) == before


def test_a_byte_order_mark_is_read_as_the_same_config(tmp_path):
    text = data_path("tiny.toml").read_bytes()
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + text)
    assert load_config(tmp_path / "bom.toml").hash() == load_config(TINY).hash()


def test_an_interrupt_while_the_command_loads_is_one_line(tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "coopsat.experiments.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(builtins, "__import__", interrupted)
    assert launch_main(["fig3", "--quick"]) == 130
    assert capsys.readouterr().err == "coopsat: interrupted during start-up; nothing was written\n"
    assert not list(tmp_path.iterdir())
