"""The installed package: ``import coopsat`` and nothing else at the top level.

A user's own ``channel.py`` or ``experiments.py`` in the working folder must not shadow a layer
(the layers install as ``coopsat.channel`` ...), and a wheel built from the tree must carry the
code and the shipped data under ``coopsat/`` and work in a fresh virtual environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAYERS = ("constellation", "channel", "precoding", "experiments")

# a small drop designed and evaluated with the names a notebook starts from, in a session that
# chose its own matplotlib backend (a notebook's inline one): importing the package, its views
# and every kind's report must leave that backend alone
EXAMPLE = """
import matplotlib
matplotlib.use("svg")
import numpy as np
import coopsat
from coopsat.channel import ChannelConfig
from coopsat.experiments import load_config
shell = coopsat.WalkerDelta().build()
rng = np.random.default_rng(np.random.SeedSequence(7))
geo = coopsat.sample_drop(shell, coopsat.utc_time("2025-01-01T00:00:00Z"), n_users=4,
                          n_satellites=2, rng=rng)
csi = coopsat.statistical_csi(geo, ChannelConfig(nv=2, nh=2), rng)
result = coopsat.precode("ms-jomwmmse", csi, np.full(2, 3.0))
report = coopsat.evaluate_rates(csi, result.weights, n_samples=50, rng=rng)
assert report.sum_r_e > 0, report.sum_r_e
assert load_config().run.kind == "sweep"
from coopsat.experiments.kinds import KINDS, report_of
from coopsat.experiments.views import coastlines, maps, scene, skyplot, style
assert all(callable(report_of(kind).plot) for kind in KINDS.values())
assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
print("ok", coopsat.__version__)
"""


def test_a_users_modules_named_like_a_layer_and_chosen_backend_are_left_alone(tmp_path):
    for name in (*LAYERS, "coopsat_data", "data"):
        (tmp_path / f"{name}.py").write_text(f"raise ImportError('the user module {name}.py')\n")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the session's choice
    proc = subprocess.run([sys.executable, "-c", EXAMPLE], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok ")


def _source_copy(dest: Path) -> Path:
    """The tree as a clean clone has it (no build outputs), so the build writes only in tmp."""
    skip = shutil.ignore_patterns(".git", "build", "dist", "results", ".venv", "__pycache__",
                                  "*.egg-info", ".pytest_cache", ".ruff_cache", "mutants")
    return Path(shutil.copytree(REPO, dest, symlinks=True, ignore=skip))


def test_setup_maps_every_folder_with_code_onto_a_coopsat_package():
    """What the wheel test below checks by building (slow), checked fast on setup.py's mapping:
    every folder of a layer that holds Python code is a package under coopsat, and nothing else
    is installed at the top level."""
    import runpy
    from unittest import mock

    with mock.patch("setuptools.setup") as setup:
        runpy.run_path(str(REPO / "setup.py"), run_name="__main__")
    kwargs = setup.call_args.kwargs
    packages, package_dir = set(kwargs["packages"]), kwargs["package_dir"]
    assert {p.split(".")[0] for p in packages} == {"coopsat"}
    expected = {"coopsat", "coopsat.data"}
    for layer in LAYERS:
        for init in (REPO / layer).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO).parts
            expected.add(".".join(("coopsat", *rel)))
    assert packages == expected
    for layer in LAYERS:
        assert package_dir[f"coopsat.{layer}"] == layer
    assert package_dir["coopsat.data"] == "data"


@pytest.mark.slow  # builds a wheel and a venv (tens of seconds); CI runs it (.ci/run)
def test_the_wheel_holds_only_coopsat_and_runs_in_a_fresh_environment(tmp_path):
    pytest.importorskip("setuptools", minversion="70.1")  # builds wheels without the wheel package
    src = _source_copy(tmp_path / "src")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("coopsat-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"coopsat", wheel.name.split("-")[0] + "-"
                                                + wheel.name.split("-")[1] + ".dist-info"}
    for needed in ("coopsat/data/paper.toml", "coopsat/data/tle/README.md",
                   "coopsat/data/tables/quadriga_ntn_urban_los.csv",
                   "coopsat/experiments/kinds/sweep/compute.py", "coopsat/channel/ofdm/link.py"):
        assert needed in names, needed

    venv = tmp_path / "venv"
    # system site-packages for numpy & co. (nothing downloads); coopsat itself comes from the
    # wheel, which a fresh environment's site-packages puts ahead of any editable install
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    run = tmp_path / "elsewhere"
    run.mkdir()
    where = ("import coopsat, coopsat.channel as c\n"
             "from coopsat.constellation import data_path\n"
             "print(coopsat.__file__); print(c.__file__); print(data_path('paper.toml'))\n")
    proc = subprocess.run([str(python), "-c", EXAMPLE + where], cwd=run, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    site = str(venv.resolve())
    for path in proc.stdout.splitlines()[1:]:
        assert str(Path(path).resolve()).startswith(site), path
    version = subprocess.run([str(venv / "bin" / "coopsat"), "--version"], capture_output=True,
                             text=True, timeout=60)
    assert version.stdout.startswith("coopsat "), version.stderr


def test_every_kinds_report_module_is_a_module_of_the_installed_package():
    """The figures of every kind come from ``coopsat.experiments.kinds.NAME.report``: a module
    path without the ``coopsat.`` prefix imports only where the repository's top level is on
    ``sys.path`` (a checkout's root), and then as a second copy of the module."""
    from coopsat.experiments.kinds import KINDS, report_of

    for name, kind in KINDS.items():
        module = report_of(kind)
        assert module.__name__ == f"coopsat.experiments.kinds.{name}.report"
        assert callable(module.plot) and callable(module.summary)
    assert not any(m == "experiments" or m.startswith("experiments.") for m in sys.modules)
