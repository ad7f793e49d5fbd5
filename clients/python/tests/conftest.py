from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Iterator, List

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from faultserver import FaultServer  # noqa: E402

import trainstatus  # noqa: E402
from trainstatus import _problems, _reporter, _runtime  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
TOKEN = "tsk_" + "a" * 32


class LogRecords(logging.Handler):
    """The trainstatus logger's warnings, to wait on and count."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []
        self.cond = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.cond:
            self.records.append(record)
            self.cond.notify_all()

    def warnings(self, needle: str = "") -> List[str]:
        with self.cond:
            return [r.getMessage() for r in self.records
                    if r.levelno >= logging.WARNING and needle in r.getMessage()]

    def wait_for(self, needle: str, timeout: float = 60.0) -> str:
        with self.cond:
            if not self.cond.wait_for(lambda: self.warnings(needle), timeout):
                raise AssertionError(f"no warning with {needle!r}; got {self.warnings()}")
            return self.warnings(needle)[0]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: "os.PathLike[str]") -> Iterator[None]:
    """No user config, token or rank leaks into a test; each test starts with fresh reporters;
    no test may end with an internal error told."""
    for var in ("TRAINSTATUS_API_URL", "TRAINSTATUS_REPORTING_TOKEN", "TRAINSTATUS_JOB_ID", "RANK", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # Backoff starts at 20 ms instead of 500 (test_backoff_doubles checks its shape): the
    # retry tests wait for delivery, not for the production pace.
    monkeypatch.setattr(_reporter, "BACKOFF_BASE", 0.02)
    _problems.reset()
    watch = LogRecords()
    logging.getLogger("trainstatus").addHandler(watch)
    yield
    _runtime.reset()
    logging.getLogger("trainstatus").removeHandler(watch)
    _problems.reset()
    assert not [m for m in watch.warnings() if "internal" in m or "cannot queue" in m or "cannot set up" in m]


@pytest.fixture
def logs() -> Iterator[LogRecords]:
    h = LogRecords()
    log = logging.getLogger("trainstatus")
    old = log.level
    log.addHandler(h)
    log.setLevel(logging.DEBUG)
    yield h
    log.removeHandler(h)
    log.setLevel(old)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    s = FaultServer()
    yield s
    s.close()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, server: FaultServer) -> FaultServer:
    """The server configured through the environment, as a user's shell would."""
    monkeypatch.setenv("TRAINSTATUS_API_URL", server.url)
    monkeypatch.setenv("TRAINSTATUS_REPORTING_TOKEN", TOKEN)
    return server


def subprocess_env(**extra: str) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("TRAINSTATUS_") and k not in ("RANK", "LOCAL_RANK")}
    e["PYTHONPATH"] = SRC
    e.update(extra)
    return e
