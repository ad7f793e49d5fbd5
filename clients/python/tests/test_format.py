"""Every event the reporter sends, edge cases included, is one the ingest endpoint accepts: each
is parsed by pkg/trainevent's ParseOwned (tests/formatcheck), the Go code the endpoint runs,
rather than by rules re-declared here."""

from __future__ import annotations

import json
import os
import random
import subprocess

import trainstatus
from localstack import ROOT
from trainstatus._event import slug


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


def test_run_names_become_request_ids_as_the_cli_makes_them():
    """The reporter's slug of a run's name is pkg/trainevent.Slug's, which `trainstatus run` uses:
    the same name gives the same-looking request id from either reporter."""
    rnd = random.Random(7)
    alphabet = "aZ09._- /=:!é日\t\x00\u202e"
    names = ["resnet50", "ResNet50 / ImageNet  (fp16)", "lr=0.1 bs_256", "résumé v2", "  ", "",
             "日本語", "--.x.--", "python train.py --epochs 3", "x" * 300, "a" * 38 + " b c",
             "a" * 39 + " b", "\ud800 lone surrogate"]
    names += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 60))) for _ in range(300)]
    lines = "".join(json.dumps(n) + "\n" for n in names)
    out = subprocess.run(["go", "run", "./clients/python/tests/formatcheck", "-slug"], cwd=ROOT, input=lines,
                         capture_output=True, text=True, timeout=600, env={**os.environ, "CGO_ENABLED": "0"})
    assert out.returncode == 0, out.stderr
    go = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(go) == len(names)
    differ = [(n, slug(n), g) for n, g in zip(names, go) if slug(n) != g]
    assert not differ, differ[:5]
    assert go[:4] == ["resnet50", "resnet50-imagenet-fp16", "lr-0.1-bs_256", "r-sum-v2"]
