"""The tutorial notebook (examples/tutorial.ipynb) executes top to bottom in a fresh folder and
draws its figure inline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tutorial.ipynb"


@pytest.mark.readme
@pytest.mark.slow  # a kernel start and a paper-size run: CI runs it with the other slow checks
@pytest.mark.timeout(600)
def test_the_tutorial_notebook_runs_and_draws_its_figure(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    work = tmp_path / "tutorial.ipynb"
    shutil.copy(NOTEBOOK, work)
    nb = nbformat.read(work, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")  # stored clean
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert (tmp_path / "tutorial-run" / "table.parquet").is_file()
    text = "".join(o.get("text", "") for o in outputs)
    assert "fig3 2 drops, run id" in text
