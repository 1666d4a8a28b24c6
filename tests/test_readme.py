"""The README's commands and worked example run as printed, in order, in a fresh folder.

README.md is parsed when the test runs, so the test follows the README as it is edited: every
``coopsat`` command of its indented command blocks (continuation lines joined, ``&&`` chains
split; synopsis lines with placeholders such as ``[--drop I]`` or ``fig2 | fig3`` left out), and
every ``python`` fenced block. The commands run through the installed entry point in a new
working folder, as a newcomer would run them; run-like commands get ``--drops 1 --quiet``
appended (the last ``--drops`` wins) and the worked example runs at smaller sizes (``FAST``) to
keep the cost small.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
_SYNOPSIS = re.compile(r"\[|\]| \| |\.\.\.")
CHEAP = ["--drops", "1", "--quiet"]


def readme_commands(text: str) -> list[list[str]]:
    """The runnable ``coopsat`` commands of the README's indented blocks, in order."""
    commands, fenced, previous_blank = [], False, True
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("    ") and (previous_blank or commands):
            command = line.strip()
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1].rstrip() + " " + lines[i].strip()
            for part in command.split("&&"):
                words = shlex.split(part, comments=True)
                if words and words[0] == "coopsat" and not _SYNOPSIS.search(part.split("#")[0]):
                    commands.append(words)
        previous_blank = not line.strip()
        i += 1
    return commands


def readme_python(text: str) -> list[str]:
    """The README's fenced ``python`` blocks, in order."""
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_parser_finds_the_commands_and_skips_the_synopsis():
    text = "\n".join([
        "Intro:", "", "    pip install -e . && coopsat fig3 --quick", "",
        "    coopsat fig2 | fig3                # synopsis", "    coopsat show [--drop I]",
        "    coopsat plot results/x           # re-plot", "",
        "    coopsat fig3 --set a.b=1 \\", "        --set c.d=2", "",
        "```python", "print(1)", "```",
    ])
    assert readme_commands(text) == [
        ["coopsat", "fig3", "--quick"], ["coopsat", "plot", "results/x"],
        ["coopsat", "fig3", "--set", "a.b=1", "--set", "c.d=2"],
    ]
    assert readme_python(text) == ["print(1)\n"]


# Fast path of the worked example: fewer UTs, Monte Carlo samples and reference draws (the code
# is otherwise run as printed; at the printed sizes it takes about a minute of CPU).
FAST = ((r"n_users=\d+", "n_users=6"), (r"n_samples=\d+", "n_samples=64"),
        (r"draw_standard\(\d+", "draw_standard(4"))

# Runs the commands one after the other through the entry point, in one interpreter (one import
# of the libraries); the working folder comes first on sys.path, as for the installed script.
_DRIVER = """
import json, sys
from coopsat.launch import main
for argv in json.loads(sys.argv[1]):
    code = main(argv)
    if code != 0:
        print(f"README command failed with exit code {code}: coopsat {' '.join(argv)}")
        sys.exit(1)
"""


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.readme
@pytest.mark.slow  # about 30 s of commands in a row: CI runs it with the other slow tests (.ci/run)
@pytest.mark.timeout(600)
def test_every_readme_command_and_the_worked_example_run_in_order(tmp_path):
    text = README.read_text()
    commands = readme_commands(text)
    assert len(commands) >= 3 and ["coopsat", "fig3", "--quick"] in commands
    argvs = [w[1:] + ([] if w[1] == "plot" else CHEAP) for w in commands]
    proc = _run([sys.executable, "-c", _DRIVER, json.dumps(argvs)], tmp_path)
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("figure:  ") == len(commands)
    examples = readme_python(text)
    assert examples
    for code in examples:
        for pattern, fast in FAST:
            code = re.sub(pattern, fast, code)
        proc = _run([sys.executable, "-c", code], tmp_path)
        assert proc.returncode == 0, f"worked example:\n{proc.stdout}\n{proc.stderr}"
