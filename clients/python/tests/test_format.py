"""Every event the reporter sends, edge cases included, is one the ingest endpoint accepts: each
is parsed by pkg/trainevent's ParseOwned (tests/formatcheck), the Go code the endpoint runs,
rather than by rules re-declared here."""

from __future__ import annotations

import json
import os
import subprocess

import trainstatus
from localstack import ROOT


def test_every_event_sent_is_one_the_endpoint_parses(env):
    nasty = "ctl\x00\x1b[2J\x7f\x85\u202e\ufeff\r\n\t" + "€" * 2000
    with trainstatus.job("plain", send_interval=0) as job:
        for p in (0, 1e-200, 33.33333333333333, 99.9999995, 100, 150, -5, float("inf")):
            job.progress(p, "epoch")
            trainstatus.flush(30)
    with trainstatus.job(nasty, stall_after_seconds=10 ** 9, heartbeat_seconds=0.05, send_interval=0) as job:
        job.progress(50, nasty)
        env.wait_for(lambda s: len(s.events("IN_PROGRESS")) >= 12)  # heartbeats too
    try:
        with trainstatus.job("x" * 500, job_id="continued-run-1", stall_after_seconds=60):
            raise RuntimeError(nasty * 3)
    except RuntimeError:
        pass
    trainstatus.job("open at the end").start().fail(ValueError(nasty))
    env.wait_for(lambda s: len(s.events("FAILED")) == 2)
    events = env.events()
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    out = subprocess.run(["go", "run", "./clients/python/tests/formatcheck"], cwd=ROOT, input=lines,
                         capture_output=True, text=True, timeout=600, env={**os.environ, "CGO_ENABLED": "0"})
    assert out.returncode == 0, out.stderr
    verdicts = out.stdout.splitlines()
    assert len(verdicts) == len(events)
    refused = [(v, e) for v, e in zip(verdicts, events) if v != "ok"]
    assert not refused, refused[:3]
    assert {e["status"] for e in events} == {"STARTED", "IN_PROGRESS", "SUCCESS", "FAILED"}
