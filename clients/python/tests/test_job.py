"""The job as a training script uses it: what reaches the endpoint, in the format of
events/README.md and the ingest contract."""

from __future__ import annotations

import re

import pytest

import trainstatus
from conftest import TOKEN

RID = re.compile(r"^resnet50-lr0\.1-\d{8}-\d{6}-[0-9a-f]{6}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_three_lines_report_started_progress_success(env):
    with trainstatus.job("resnet50-lr0.1", send_interval=0) as job:
        for epoch in range(10):
            job.progress(100 * (epoch + 1) / 10, f"epoch {epoch + 1}/10")
    env.wait_for(lambda s: s.events("SUCCESS"))
    assert trainstatus.flush(30)
    events = env.events()
    assert RID.match(job.id), job.id
    assert {e["request_id"] for e in events} == {job.id}
    assert events[0]["status"] == "STARTED"
    final = events[-1]
    assert (final["status"], final["progress"], final["message"]) == ("SUCCESS", 100.0, "epoch 10/10")
    progress = [e for e in events if e["status"] == "IN_PROGRESS"]
    assert progress and progress[-1]["progress"] == 100.0
    for e in events:
        assert e["name"] == "resnet50-lr0.1"
        assert TIME.match(e["event_time"]), e["event_time"]
        assert "user_id" not in e  # the token's owner
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    req = env.requests[0]
    assert req.headers["Authorization"] == "Bearer " + TOKEN
    assert req.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("exc, want", [
    (RuntimeError("CUDA out of memory"), "RuntimeError: CUDA out of memory"),
    (KeyboardInterrupt(), "KeyboardInterrupt"),
    (SystemExit(3), "exited with status 3"),
])
def test_an_exception_in_the_block_fails_the_job_and_propagates(env, exc, want):
    with pytest.raises(type(exc)):
        with trainstatus.job("boom") as job:
            job.progress(30, "epoch 3/10")
            raise exc
    env.wait_for(lambda s: s.events("FAILED"))
    final = env.events("FAILED")[0]
    assert final["error"].startswith(want), final["error"]
    assert (final["progress"], final["message"]) == (30.0, "epoch 3/10")
    if not isinstance(exc, SystemExit):
        assert "Traceback" in final["error"] and "test_job.py" in final["error"]


def test_sys_exit_zero_in_the_block_is_success(env):
    with pytest.raises(SystemExit):
        with trainstatus.job("done-early"):
            raise SystemExit(0)
    env.wait_for(lambda s: s.events("SUCCESS"))


def test_a_rerun_is_a_new_job_and_job_id_continues_one(env, monkeypatch):
    a, b = trainstatus.job("same name").start(), trainstatus.job("same name").start()
    assert a.id != b.id and a.id.startswith("same-name-") and b.id.startswith("same-name-")
    c = trainstatus.job("resumed", job_id="run-42:part.1").start()
    monkeypatch.setenv("TRAINSTATUS_JOB_ID", "from-env-7")
    d = trainstatus.job("resumed").start()
    e = trainstatus.job("resumed", job_id="explicit-wins").start()
    for j in (a, b, c, d, e):
        j.succeed()
    env.wait_for(lambda s: len(s.events("SUCCESS")) == 5)
    assert (c.id, d.id, e.id) == ("run-42:part.1", "from-env-7", "explicit-wins")
    assert {x["request_id"] for x in env.events("STARTED")} == {a.id, b.id, c.id, d.id, e.id}


def test_an_invalid_job_id_is_a_new_job_with_one_warning(env, logs):
    j = trainstatus.job("x", job_id="has spaces/and slash").start()
    assert j.id.startswith("x-")
    assert len(logs.warnings("not a valid request id")) == 1


@pytest.mark.parametrize("name, want", [
    ("résumé lr=0.1", "r-sum-lr-0.1"),
    ("  ", "job"),
    ("ResNet50 / ImageNet  (fp16)", "resnet50-imagenet-fp16"),
    ("x" * 300, "x" * 40),
])
def test_request_id_slug(env, name, want):
    j = trainstatus.job(name)
    j.start()
    assert j.id.rsplit("-", 3)[0] == want
    assert re.match(r"^[A-Za-z0-9._:-]{1,128}$", j.id)


def test_name_and_stall_window_fit_the_format(env, logs):
    with trainstatus.job("a\x1b[2Jname\n" + "é" * 200, stall_after_seconds=30) as job:
        pass
    env.wait_for(lambda s: s.events("SUCCESS"))
    e = env.events("STARTED")[0]
    assert "\x1b" not in e["name"] and "\n" not in e["name"]
    assert len(e["name"].encode()) <= 200 and e["name"].startswith("a [2Jname")
    assert e["stall_after_seconds"] == 60
    assert job.name == e["name"]
    assert logs.warnings("stall_after_seconds") and logs.warnings("job name was changed")


def test_messages_fit_the_format(env, logs):
    with trainstatus.job("msg", send_interval=0) as job:
        job.progress(1, "line1\r\nline2\tx\x07\x1b[31m" + "ü" * 1000)
    env.wait_for(lambda s: s.events("SUCCESS"))
    m = env.events("IN_PROGRESS")[-1]["message"]
    assert m.startswith("line1\nline2\tx[31m") and m.endswith("\u2026")
    assert len(m.encode()) <= 1024
    assert len(logs.warnings("message was changed")) == 1


def test_fail_with_a_text_and_explicit_api(env):
    job = trainstatus.job("manual").start()
    job.progress(12.3456789, "step 1")
    job.fail("diverged: loss is NaN")
    job.progress(99)  # after the end: ignored
    job.succeed()  # after the end: ignored
    env.wait_for(lambda s: s.events("FAILED"))
    assert trainstatus.flush(30)
    assert [e["status"] for e in env.events()][-1] == "FAILED"
    assert env.events("FAILED")[0]["error"] == "diverged: loss is NaN"
    assert not env.events("SUCCESS")
    assert all(e["progress"] != 99 for e in env.events("IN_PROGRESS"))
