"""Shared fixtures of the test suite."""

from __future__ import annotations

import socket
import urllib.request

import pytest
import skyfield.iokit

from coopsat.constellation.timebase import timescale as cached_timescale


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Every network path refused (skyfield's downloader and urlopen, urllib, raw socket
    connections) and an empty working directory, where skyfield's loader would look for (and
    save) downloaded files; the cached timescale is rebuilt under the guard. Yields the working
    directory, which the test may check stays empty (or holds only what it wrote)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(skyfield.iokit, "download", refuse)
    monkeypatch.setattr(skyfield.iokit, "urlopen", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.chdir(tmp_path)
    cached_timescale.cache_clear()
    try:
        yield tmp_path
    finally:
        cached_timescale.cache_clear()


@pytest.fixture(scope="session")
def process_pool():
    """A local pool of 2 worker processes, shared by the tests that compare a pooled run with a
    serial one: starting one costs ~2 s of CPU (two interpreters importing the package). Tests
    of the pool's own life (lazy start, killed parent) start their own."""
    from coopsat.experiments.driver.executors import local_pool  # only where a test asks

    with local_pool(2) as pool:
        yield pool


def pytest_collection_modifyitems(config, items):
    """Tests marked slow run only when asked for (``pytest -m slow``); a fast test covers the
    same logic in the default run."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
