"""The package's shape: small modules and functions, and no side effects on import.

Limits: a module at most 400 lines, a function at most 60 besides its docstring (the signature
and the code), so that each fits a reader's screen or two; the docstrings' Parameters / Returns
sections, which state shapes and units, do not count against it. (That importing the package,
its views and every kind's report leaves the caller's matplotlib backend alone is checked in
test_packaging's worked-example session, which imports them all anyway.)
"""

from __future__ import annotations

import ast
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


