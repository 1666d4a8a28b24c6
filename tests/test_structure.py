"""The package's shape: small modules and functions, and no side effects on import.

Limits: a module at most 400 lines, a function at most 60 besides its docstring (the signature
and the code), so that each fits a reader's screen or two; the docstrings' Parameters / Returns
sections, which state shapes and units, do not count against it. Importing the package, its
figure helpers and every kind's report must leave the caller's matplotlib backend alone (a
notebook keeps its inline backend).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAYERS = ("constellation", "channel", "precoding", "experiments", "coopsat")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    out = []
    for layer in LAYERS:
        out += [p for p in sorted((REPO / layer).rglob("*.py"))
                if not any(part.is_symlink() for part in [p, *p.parents])]
    return out


def test_the_scan_sees_every_layer():
    names = {p.relative_to(REPO).parts[0] for p in _modules()}
    assert names == set(LAYERS)
    assert len(_modules()) > 80


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function without its docstring."""
    total = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
        first.value.value, str
    ):
        total -= first.end_lineno - first.lineno + 1
    return total


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_modules_and_functions_stay_small(path):
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({_code_lines(node)} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _code_lines(node) > MAX_FUNCTION_LINES
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_importing_figures_and_reports_keeps_the_callers_backend():
    code = (
        "import matplotlib\n"
        "matplotlib.use('svg')\n"
        "import coopsat, coopsat.experiments\n"
        "from coopsat.experiments.kinds import KINDS, report_of\n"
        "from coopsat.experiments.views import coastlines, maps, scene, skyplot, style\n"
        "for kind in KINDS.values():\n"
        "    report_of(kind)\n"
        "print(matplotlib.get_backend())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "svg"
