"""The process around a job, each case in a subprocess of its own: SIGTERM, an uncaught
exception, exit with a job open, a stalled endpoint at exit, fork, ranks."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import textwrap
import threading

import pytest

import trainstatus
from conftest import TOKEN, subprocess_env
from faultserver import Answer


def spawn(server, body: str, **env: str) -> subprocess.Popen:
    script = "import os, sys, time, signal, threading\nimport trainstatus\n" + textwrap.dedent(body.lstrip("\n"))
    e = subprocess_env(TRAINSTATUS_API_URL=server.url, TRAINSTATUS_REPORTING_TOKEN=TOKEN, **env)
    f = tempfile.NamedTemporaryFile("w", suffix="_train.py", delete=False)
    with f:
        f.write(script)
    return subprocess.Popen([sys.executable, f.name], env=e, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run(server, body: str, **env: str) -> subprocess.CompletedProcess:
    p = spawn(server, body, **env)
    out, err = p.communicate(timeout=120)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def ready(p: subprocess.Popen) -> None:
    line = p.stdout.readline()
    assert line.strip() == "ready", (line, p.stderr.read() if p.poll() is not None else "")


SIGTERM_LOOP = """
    with trainstatus.job("preempted") as job:
        job.progress(40, "epoch 4/10")
        trainstatus.flush(30)
        print("ready", flush=True)
        while True:
            time.sleep(3600)
"""


def test_sigterm_marks_the_job_failed_then_the_process_dies_of_it(server):
    p = spawn(server, SIGTERM_LOOP)
    ready(p)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    assert p.returncode == -signal.SIGTERM
    server.wait_for(lambda s: s.events("FAILED"))
    f = server.events("FAILED")[0]
    assert (f["error"], f["progress"], f["message"]) == ("terminated by SIGTERM", 40.0, "epoch 4/10")


def test_sigterm_chains_the_previous_handler(server):
    p = spawn(server, textwrap.dedent("""
        def mine(signum, frame):
            print("previous handler ran", flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, mine)
    """) + textwrap.dedent(SIGTERM_LOOP))
    ready(p)
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=120)
    assert p.returncode == 3 and "previous handler ran" in out
    server.wait_for(lambda s: s.events("FAILED"))
    assert server.events("FAILED")[0]["error"] == "terminated by SIGTERM"
    assert trainstatus.flush(0) and len(server.events("FAILED")) == 1 and not server.events("SUCCESS")


def test_sigterm_leaves_a_resumable_job_open_when_asked(server):
    p = spawn(server, SIGTERM_LOOP.replace('job("preempted")', 'job("preempted", fail_on_sigterm=False)'))
    ready(p)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)
    assert p.returncode == -signal.SIGTERM
    assert [e["status"] for e in server.events()] == ["STARTED", "IN_PROGRESS"]


def test_uncaught_exception_outside_a_with_block_fails_the_job(server):
    out = run(server, """
        job = trainstatus.job("crash").start()
        job.progress(10, "epoch 1/10")
        def forward(n):
            if n == 0:
                raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB " + "x" * 3000)
            backward(n - 1)
        def backward(n):
            forward(n)
        forward(300)
    """)
    assert out.returncode == 1
    assert "RecursionError" not in out.stderr and "RuntimeError: CUDA out of memory" in out.stderr  # default hook chained
    server.wait_for(lambda s: s.events("FAILED"))
    err = server.events("FAILED")[0]["error"]
    assert len(err.encode()) <= 4096
    head, rest = err.split("\n", 1)
    assert head.startswith("RuntimeError: CUDA out of memory") and len(head.encode()) <= 1024
    assert rest.startswith("Traceback (last ") and "in forward" in rest and "in backward" in rest
    assert rest.rstrip().endswith('raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB " + "x" * 3000)')


def test_a_job_left_open_at_exit_is_failed(server):
    out = run(server, """
        job = trainstatus.job("forgotten").start()
        job.progress(70)
    """)
    assert out.returncode == 0
    server.wait_for(lambda s: s.events("FAILED"))
    assert server.events("FAILED")[0]["error"] == "the process exited before the job ended"


def test_the_final_status_is_delivered_at_exit_through_retries(server):
    server.then(Answer(503, retry=[0]), Answer(500))
    out = run(server, """
        with trainstatus.job("flushed") as job:
            pass
    """)
    assert out.returncode == 0, out.stderr
    assert server.events("SUCCESS")  # delivered before the process ended


def test_a_stalled_endpoint_cannot_hold_the_exit_past_its_deadline(server):
    stall = threading.Event()
    server.then(Answer(stall=stall))
    out = run(server, """
        with trainstatus.job("stuck", flush_timeout=1) as job:
            job.progress(50)
        print("training done", flush=True)
    """)
    assert out.returncode == 0 and "training done" in out.stdout
    assert "not delivered by the 1 s deadline" in out.stderr
    assert server.holding == 1
    stall.set()


def test_a_forked_child_never_sends_nor_deadlocks(server):
    stall = threading.Event()
    server.then(Answer(stall=stall))
    p = spawn(server, """
        job = trainstatus.job("parent", heartbeat_seconds=0.05).start()
        for i in range(1000):
            job.progress(i / 10, "parent")
        print("ready", flush=True)
        sys.stdin.readline()  # the sender is now stuck in a request the server holds
        pid = os.fork()
        if pid == 0:
            job.progress(77, "from the child")
            child = trainstatus.job("child").start()
            child.progress(1)
            child.succeed()
            assert trainstatus.flush(30)
            sys.exit(0)  # atexit runs in the child too
        _, status = os.waitpid(pid, 0)
        print("child exit", os.waitstatus_to_exitcode(status), flush=True)
        job.succeed()
    """)
    ready(p)
    server.wait_for(lambda s: s.holding == 1)
    p.stdin.write("go\n")
    p.stdin.flush()
    assert p.stdout.readline().strip() == "child exit 0"
    stall.set()
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    server.wait_for(lambda s: s.events("SUCCESS"))
    events = server.events()
    assert {e["name"] for e in events} == {"parent"}
    assert all(e.get("message") != "from the child" for e in events)


@pytest.mark.parametrize("env, reports", [
    ({}, True),
    ({"RANK": "0", "LOCAL_RANK": "0"}, True),
    ({"RANK": "3", "LOCAL_RANK": "1"}, False),
    ({"RANK": "4", "LOCAL_RANK": "0"}, False),  # local zero of the second node
    ({"LOCAL_RANK": "1"}, False),
])
def test_only_rank_zero_reports(server, env, reports):
    out = run(server, """
        with trainstatus.job("ddp") as job:
            job.progress(50)
        print(job.reporting)
        with trainstatus.job("every rank", all_ranks=True) as job:
            pass
    """, **env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(reports)
    names = {e["name"] for e in server.events("SUCCESS")}
    assert names == ({"ddp", "every rank"} if reports else {"every rank"})


def test_problems_are_told_once_on_stderr_without_logging_setup(server):
    server.then(*[Answer(500)] * 3)
    out = run(server, """
        with trainstatus.job("noisy", send_interval=0) as job:
            for i in range(2000):
                job.progress(i / 10 if i % 2 else 150, "x\\x1b")
        trainstatus.flush(60)
    """)
    assert out.returncode == 0
    lines = out.stderr.splitlines()
    assert len([l for l in lines if "answered 500" in l]) == 1, out.stderr
    assert len([l for l in lines if "outside 0..100" in l]) == 1, out.stderr
    assert len([l for l in lines if "message was changed" in l]) == 1, out.stderr
    assert len(lines) == 3, out.stderr
    assert server.events("SUCCESS")
