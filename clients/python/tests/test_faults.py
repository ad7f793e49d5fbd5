"""The promises under faults: never blocks, never raises, problems told once per kind, progress
coalesced and batched, retries that honour Retry-After and resend only what a 503 says, bounded
memory, heartbeats, thread safety."""

from __future__ import annotations

import math
import threading

import pytest

import trainstatus
from trainstatus import _event, _reporter
from faultserver import Answer, closed_port_url
from conftest import TOKEN


def test_never_blocks_while_the_endpoint_stalls(env):
    stall = threading.Event()
    env.then(Answer(stall=stall))
    job = trainstatus.job("stalled").start()
    env.wait_for(lambda s: s.holding == 1)  # the sender is stuck in its first request
    for i in range(20000):
        job.progress(i / 200, f"step {i}")
    job.succeed()
    # All of that returned while the endpoint still holds the sender's request.
    assert env.holding == 1
    stall.set()
    env.wait_for(lambda s: s.events("SUCCESS"))


def test_progress_is_coalesced_latest_wins(env):
    stall = threading.Event()
    env.then(Answer(stall=stall))
    job = trainstatus.job("coalesce").start()
    env.wait_for(lambda s: s.holding == 1)
    for i in range(1, 1001):
        job.progress(i / 10, f"step {i}")
    job.succeed()
    stall.set()
    env.wait_for(lambda s: s.events("SUCCESS"))
    progress = env.events("IN_PROGRESS")
    assert [(e["progress"], e["message"]) for e in progress] == [(100.0, "step 1000")]
    assert len(env.requests) == 2


def test_events_are_batched_at_most_100_per_request(env):
    stall = threading.Event()
    env.then(Answer(stall=stall))
    first = trainstatus.job("first").start()
    env.wait_for(lambda s: s.holding == 1)
    jobs = [trainstatus.job(f"job {i}").start() for i in range(250)]
    stall.set()
    env.wait_for(lambda s: len(s.events("STARTED")) == 251)
    assert [len(r.events) for r in env.requests] == [1, 100, 100, 50]
    assert {e["request_id"] for e in env.events("STARTED")} == {j.id for j in jobs + [first]}


@pytest.mark.parametrize("status, kind", [(500, "answered 500"), (502, "answered 502"), (504, "answered 504")])
def test_5xx_is_retried_until_delivered_and_told_once(env, logs, status, kind):
    env.then(Answer(status), Answer(status), Answer(status))
    with trainstatus.job("retry-5xx") as job:
        job.progress(50, "half")
    env.wait_for(lambda s: s.events("SUCCESS"))
    assert len(logs.warnings(kind)) == 1
    assert {e["status"] for e in env.events()} >= {"STARTED", "SUCCESS"}


def test_backoff_doubles_with_jitter(env):
    env.then(*[Answer(500)] * 5)
    trainstatus.job("backoff").start()
    env.wait_for(lambda s: s.events("STARTED"))
    at = [r.at for r in env.requests]
    gaps = [b - a for a, b in zip(at, at[1:])]
    base = _reporter.BACKOFF_BASE
    # Each wait is at least half of base * 2^attempt (the jitter takes at most half off): lower
    # bounds, which no load can break.
    assert len(gaps) == 5
    assert all(g >= base * 2 ** k / 2 for k, g in enumerate(gaps)), gaps


def test_429_waits_for_retry_after(env, logs):
    env.then(Answer(429, retry_after="2"))
    job = trainstatus.job("throttled").start()
    env.wait_for(lambda s: s.events("STARTED"))
    first, second = env.requests[0], env.requests[1]
    assert second.events == first.events
    # Retry-After is a floor the reporter must honour: a lower bound, which load cannot break.
    assert second.at - first.at >= 2.0
    assert len(logs.warnings("rate limiting")) == 1
    job.succeed()


def test_503_resends_only_the_events_marked_retry(env):
    stall = threading.Event()
    env.then(Answer(stall=stall), Answer(503, retry=[1], refuse=[2], retry_after="0"))
    trainstatus.job("j0").start()
    env.wait_for(lambda s: s.holding == 1)
    jobs = [trainstatus.job(f"j{i}").start() for i in (1, 2, 3)]
    stall.set()
    env.wait_for(lambda s: len(s.requests) == 3)
    second, third = env.requests[1], env.requests[2]
    assert [e["request_id"] for e in second.events] == [j.id for j in jobs]
    assert third.events == [second.events[1]]
    env.wait_for(lambda s: {e["request_id"] for e in s.events("STARTED")} == {jobs[0].id, jobs[1].id, s.requests[0].events[0]["request_id"]})


def test_refused_events_are_told_once_and_not_resent(env, logs):
    env.then(Answer(refuse=[0]), Answer(refuse=[0]))
    a = trainstatus.job("a").start()
    logs.wait_for("refused an event")
    b = trainstatus.job("b").start()
    env.wait_for(lambda s: len(s.requests) == 2)
    a.succeed()
    b.succeed()
    env.wait_for(lambda s: len(s.events("SUCCESS")) == 2)
    assert len(logs.warnings("refused an event")) == 1
    assert not env.events("STARTED")


def test_revoked_token_stops_reporting_with_one_warning(env, logs):
    env.then(Answer(401))
    job = trainstatus.job("revoked").start()
    logs.wait_for("refused the reporting token")
    for i in range(100):
        job.progress(i)
    job.succeed()
    assert trainstatus.flush(30)  # everything dropped: nothing left to wait for
    assert len(env.requests) == 1 and not job.reporting
    assert len(logs.warnings("refused the reporting token")) == 1


@pytest.mark.parametrize("url, kind", [
    (None, "cannot reach the API"),
    ("http://trainstatus-test.invalid", "cannot resolve"),
])
def test_endpoint_down_or_unknown_host_never_raises(logs, url, kind):
    url = url or closed_port_url()
    with trainstatus.job("down", api_url=url, token=TOKEN, flush_timeout=0.2) as job:
        for i in range(1000):
            job.progress(i / 10, f"step {i}")
        logs.wait_for(kind)
    assert not trainstatus.flush(0.2)
    assert len(logs.warnings(kind)) == 1


def test_a_stalled_endpoint_is_given_up_at_the_flush_deadline(env):
    stall = threading.Event()
    env.then(Answer(stall=stall))
    with trainstatus.job("deadline", flush_timeout=0.5):
        pass
    assert trainstatus.flush() is False  # the deadline passed with the request still held
    assert env.holding == 1
    stall.set()


@pytest.mark.parametrize("value, sent, warning", [
    (150, 100.0, "outside 0..100"),
    (-3, 0.0, "outside 0..100"),
    (math.inf, 100.0, "outside 0..100"),
    (33.33333333333333, 33.333333, None),
    ("abc", None, "must be a number"),
    (math.nan, None, "must be a number"),
    (None, None, "must be a number"),
    (True, None, "must be a number"),
])
def test_bad_progress_values_are_clamped_or_dropped_with_one_warning(env, logs, value, sent, warning):
    with trainstatus.job("values", send_interval=0) as job:
        for _ in range(3):
            job.progress(value, "v")
            trainstatus.flush(30)
    env.wait_for(lambda s: s.events("SUCCESS"))
    got = [e["progress"] for e in env.events("IN_PROGRESS")]
    assert got == ([sent] * 3 if sent is not None else [])
    if warning:
        assert len(logs.warnings(warning)) == 1
    else:
        assert not logs.warnings()


def test_too_large_batches_are_split(env):
    stall = threading.Event()
    env.then(Answer(stall=stall), Answer(413))
    trainstatus.job("first").start()
    env.wait_for(lambda s: s.holding == 1)
    for i in range(4):
        trainstatus.job(f"j{i}").start()
    stall.set()
    env.wait_for(lambda s: len(s.events("STARTED")) == 5)
    assert [len(r.events) for r in env.requests] == [1, 4, 2, 2]


def test_memory_is_bounded_while_the_endpoint_is_down(logs, monkeypatch):
    monkeypatch.setattr(_reporter, "LIFECYCLE_MAX", 10)
    url = closed_port_url()
    jobs = [trainstatus.job(f"j{i}", api_url=url, token=TOKEN).start() for i in range(50)]
    for j in jobs:
        for i in range(100):
            j.progress(i)
    r = jobs[0]._reporter
    assert len(r.lifecycle) + len(r._retry) + r._in_flight <= 10
    assert len(r.progress) <= 50  # one coalesced report per job
    assert len(logs.warnings("waiting to be sent")) == 1


def test_heartbeats_repeat_the_last_progress(env):
    job = trainstatus.job("quiet", heartbeat_seconds=0.1, send_interval=0).start()
    env.wait_for(lambda s: s.events("IN_PROGRESS"))  # a heartbeat before any report
    assert env.events("IN_PROGRESS")[0]["progress"] == 0
    job.progress(40, "epoch 4/10")
    env.wait_for(lambda s: len([e for e in s.events("IN_PROGRESS") if e.get("message") == "epoch 4/10"]) >= 3)
    beats = [e for e in env.events("IN_PROGRESS") if e.get("message") == "epoch 4/10"]
    assert all(e["progress"] == 40 for e in beats)
    assert len({(e["event_time"], e["seq"]) for e in beats}) == len(beats)
    job.succeed()


def test_heartbeats_off(env):
    with trainstatus.job("no beats", heartbeat_seconds=0) as job:
        assert job._heartbeat_due() == math.inf


def test_thread_safe_under_concurrent_reports(env):
    shared = trainstatus.job("shared", send_interval=0.01).start()
    own = [trainstatus.job(f"own {i}", send_interval=0.01).start() for i in range(8)]
    errors = []

    def work(j):
        try:
            for i in range(5000):
                shared.progress(i / 50, f"{i}")
                j.progress(i / 50, f"{i}")
            j.succeed()
        except BaseException as e:  # the promise: nothing ever raises
            errors.append(e)

    threads = [threading.Thread(target=work, args=(j,)) for j in own]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.succeed()
    env.wait_for(lambda s: len(s.events("SUCCESS")) == 9)
    assert not errors
    for j in own + [shared]:
        evs = [e for e in env.events() if e["request_id"] == j.id]
        keys = [(e["event_time"], e["seq"]) for e in evs]
        assert len(set(keys)) == len(keys)
        assert evs[-1]["status"] == "SUCCESS"


def test_the_sender_never_spins_while_the_endpoint_is_down(logs):
    job = trainstatus.job("down beats", api_url=closed_port_url(), token=TOKEN, heartbeat_seconds=0.05,
                          send_interval=0)
    beats = threading.Condition()
    count = [0]
    original = job._heartbeat

    def counted(wall):
        original(wall)
        with beats:
            count[0] += 1
            beats.notify_all()

    job._heartbeat = counted
    job.start()
    job.progress(10, "waiting")
    logs.wait_for("cannot reach the API")
    with beats:
        assert beats.wait_for(lambda: count[0] >= 10, 60)
    # Ten heartbeats, each a wake-up of the sender, and a request now and then: about ten
    # cycles. A sender that spun while its report waits out the backoff would make millions.
    r = job._reporter
    assert r.cycles < 1000, r.cycles
    assert r.progress[job.id][3:] == (10, "waiting")


def test_after_a_revoked_token_the_sender_sleeps(env, logs):
    env.then(Answer(401))
    job = trainstatus.job("revoked beats", heartbeat_seconds=0.05).start()
    logs.wait_for("refused the reporting token")
    r = job._reporter
    r.wake()
    assert trainstatus.flush(30)
    assert not r.jobs and r._next_due(0.0) is None
