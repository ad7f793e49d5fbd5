"""End to end: a real PyTorch training loop reports through the package to the real local
stack's POST /v1/events with a reporting token made through the API, and the job is read back
from GET /status/{id} with the demo user's ID token, in its final state."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator

import pytest
import torch

import trainstatus
from conftest import TOKEN
from faultserver import closed_port_url
from localstack import LocalStack


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    s = LocalStack().start()
    try:
        yield s
    finally:
        s.stop()


def call(stack: LocalStack, method: str, path: str, body: Any = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(stack.api + path, data=data, method=method, headers={
        "Authorization": "Bearer " + stack.id_token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


@pytest.fixture(scope="module")
def secret(stack: LocalStack) -> str:
    status, body = call(stack, "POST", "/me/tokens", {"name": "pytest-e2e"})
    assert status == 201, body
    assert body["secret"].startswith("tsk_") and body["token"]["prefix"] == body["secret"][:8]
    return body["secret"]


def final_status(stack: LocalStack, request_id: str, timeout: float = 60.0) -> Dict[str, Any]:
    """GET /status/{id} until the job is final: the events go through SQS and the
    status-updater, so the API shows them a moment after the endpoint took them."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        status, body = call(stack, "GET", "/status/" + request_id)
        last = (status, body)
        if status == 200 and body["status"] in ("SUCCESS", "FAILED"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {request_id} not final after {timeout} s: {last}")


def train(job: trainstatus.Job, epochs: int, fail_at: int = -1) -> float:
    torch.manual_seed(0)
    x, y = torch.randn(256, 8), torch.randn(256, 1)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss = torch.tensor(0.0)
    for epoch in range(epochs):
        for i in range(0, 256, 32):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x[i:i + 32]), y[i:i + 32])
            loss.backward()
            opt.step()
        if epoch == fail_at:
            raise RuntimeError(f"loss diverged at epoch {epoch + 1}")
        job.progress(100 * (epoch + 1) / epochs, f"epoch {epoch + 1}/{epochs}, loss {loss.item():.4f}")
    return loss.item()


def test_a_pytorch_run_reports_to_the_api(stack, secret):
    with trainstatus.job("pytorch e2e", api_url=stack.api, token=secret, send_interval=0) as job:
        train(job, epochs=3)
    assert trainstatus.flush(60)
    got = final_status(stack, job.id)
    assert (got["request_id"], got["name"]) == (job.id, "pytorch e2e")
    assert (got["status"], got["progress"]) == ("SUCCESS", 100)
    assert got["message"].startswith("epoch 3/3, loss ")
    assert got["started_at"] and got["finished_at"]


def test_a_pytorch_run_that_raises_is_failed_on_the_api(stack, secret):
    with pytest.raises(RuntimeError):
        with trainstatus.job("pytorch e2e crash", api_url=stack.api, token=secret, send_interval=0) as job:
            train(job, epochs=3, fail_at=1)
    assert trainstatus.flush(60)
    got = final_status(stack, job.id)
    assert (got["status"], got["name"]) == ("FAILED", "pytorch e2e crash")
    assert got["error"].startswith("RuntimeError: loss diverged at epoch 2\nTraceback")
    assert got["message"].startswith("epoch 1/3")


class _Silent:
    """A job that reports nothing: the baseline a reported run must match."""

    def progress(self, *_: Any) -> None:
        pass


def test_a_pytorch_run_with_the_endpoint_down_trains_exactly_as_without_reporting(logs):
    """The reporter never hurts training: with nothing listening at the API, the same seeded loop
    ends with the same loss, bit for bit, as with no reporter; nothing is raised into it; the
    delivery failure is said once, and the flush gives up rather than hanging."""
    baseline = train(_Silent(), epochs=3)  # type: ignore[arg-type]
    with trainstatus.job("pytorch endpoint down", api_url=closed_port_url(), token=TOKEN,
                         send_interval=0, flush_timeout=0.2) as job:
        reported = train(job, epochs=3)
        logs.wait_for("cannot reach the API")
    assert reported == baseline
    assert not trainstatus.flush(0.2)
    assert len(logs.warnings("cannot reach the API")) == 1
