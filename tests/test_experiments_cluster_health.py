"""A Dask cluster that cannot finish the run (no worker, a scheduler gone) is a one-line error
after a timeout, not a wait without end or a traceback."""

from __future__ import annotations

from concurrent.futures import CancelledError, Executor, Future

import pytest

from coopsat.constellation.resources import data_path
from coopsat.experiments.cli import main
from coopsat.experiments.driver import executors, runner
from coopsat.experiments.driver.executors import DaskExecutor, dask_executor
from coopsat.experiments.driver.runner import run_experiment
from tests.test_experiments_runner import _config, fake_chunk

TINY = str(data_path("tiny.toml"))


class StalledExecutor(Executor):
    """Futures that never finish; ``check_alive`` fails on its third call."""

    def __init__(self):
        self.checks = 0

    def submit(self, fn, /, *args, **kwargs):
        return Future()

    def check_alive(self):
        self.checks += 1
        if self.checks == 3:
            raise ConnectionError("cluster lost")


def test_the_driver_asks_a_stalled_executor_and_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "HEALTH_CHECK_S", 0.01)
    ex = StalledExecutor()
    with pytest.raises(ConnectionError, match="cluster lost"):
        run_experiment(_config(), tmp_path / "r", executor=ex, task=fake_chunk, max_in_flight=2)
    assert ex.checks == 3
    assert not list((tmp_path / "r" / "parts").iterdir())


class FakeClient:
    status = "running"

    def __init__(self, workers):
        self.workers = workers

    def get_executor(self):
        return None

    def nthreads(self):
        if self.workers is None:
            raise OSError("connection refused")
        return {f"tcp://w{i}": 1 for i in range(self.workers)}


def test_check_alive_reports_no_worker_after_the_timeout_and_a_lost_scheduler(monkeypatch):
    client = FakeClient(1)
    ex = DaskExecutor(client, "tcp://h:1")
    ex.check_alive()  # a worker: fine
    client.workers = 0
    monkeypatch.setattr(executors, "WORKERS_TIMEOUT_S", 3600.0)
    ex.check_alive()  # idle, but not for long yet
    monkeypatch.setattr(executors, "WORKERS_TIMEOUT_S", 0.0)
    with pytest.raises(ConnectionError, match=r"'tcp://h:1' has had no worker for 0 s; start "
                       r"workers \(dask worker tcp://h:1\) and rerun with --resume"):
        ex.check_alive()
    client.workers = None
    with pytest.raises(ConnectionError, match="went away during the run"):
        ex.check_alive()


@pytest.fixture
def empty_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", scheduler_port=0,
        dashboard_address=":0",
    ) as cluster:
        yield cluster


def test_a_cluster_without_workers_is_one_line_after_the_timeout(
    empty_cluster, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(executors, "WORKERS_TIMEOUT_S", 0.2)
    out = tmp_path / "r"
    code = main(["fig2", "--config", TINY, "--out", str(out), "--quiet", "--scheduler",
                 empty_cluster.scheduler_address])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "has no worker (none joined within 0.2 s); start workers with: dask worker" in err
    assert not out.exists()


def test_cancelled_tasks_of_a_lost_scheduler_are_one_connection_error(empty_cluster, monkeypatch):
    import distributed

    monkeypatch.setattr(DaskExecutor, "__init__", lambda self, client, address: None)
    monkeypatch.setattr(distributed.Client, "wait_for_workers", lambda self, *a, **k: None)
    with pytest.raises(ConnectionError, match=r"went away during the run \(its tasks were "
                       r"cancelled\); finished chunks are kept: rerun with --resume"):
        with dask_executor(empty_cluster.scheduler_address):
            raise CancelledError
