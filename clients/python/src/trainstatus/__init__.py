"""Report a training job to trainstatus from Python, in three lines, without ever slowing or
breaking the training:

    import trainstatus

    with trainstatus.job("resnet50-lr0.1") as job:      # STARTED; SUCCESS at the end; FAILED if it raises
        for epoch in range(10):
            train_one_epoch()
            job.progress(100 * (epoch + 1) / 10, f"epoch {epoch + 1}/10")

Calls enqueue in memory and return; a background thread sends (batched, coalesced, retried). The
endpoint and token come from TRAINSTATUS_API_URL and TRAINSTATUS_REPORTING_TOKEN, else the CLI's
config file (`trainstatus login`). Ready callbacks: trainstatus.huggingface, trainstatus.lightning,
trainstatus.keras. Standard library only."""

from __future__ import annotations

from typing import Optional

from . import _runtime
from .__about__ import version as __version__
from ._job import DEFAULT_HEARTBEAT, Job

__all__ = ["job", "Job", "flush", "__version__"]


def job(name: str, job_id: Optional[str] = None, *, stall_after_seconds: Optional[int] = None,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT, flush_timeout: Optional[float] = None,
        send_interval: Optional[float] = None, all_ranks: bool = False, fail_on_sigterm: bool = True,
        api_url: Optional[str] = None, token: Optional[str] = None) -> Job:
    """A job to report; `with` opens it (STARTED) and ends it (SUCCESS, or FAILED with the
    exception's type, message and traceback's last lines). Without `with`: `.start()`,
    `.progress()`, `.succeed()` / `.fail(exc)`.

    name: the display name (at most 200 bytes). Each run is a new job whose request id
        (`job.id`) is made from the name, the time and 6 random hex digits.
    job_id: continue this job instead (after a pre-empted run resumes from its checkpoint);
        default the environment variable TRAINSTATUS_JOB_ID when set.
    stall_after_seconds: the job's own stall window (60..604800 s; default the server's).
    heartbeat_seconds: while the job is open and quiet, repeat its last progress this often
        (default 60 s, well inside the default 15 min stall window; 0 for never).
    flush_timeout: at exit (normal, uncaught exception, SIGTERM), wait at most this long for
        the final status to be delivered (default 5 s).
    send_interval: send progress at most this often (default 1 s; reports in between coalesce).
    all_ranks: report from every rank; by default only rank 0 reports under torchrun/DDP
        (RANK, else LOCAL_RANK).
    fail_on_sigterm: on SIGTERM, mark the job FAILED "terminated by SIGTERM" before the
        process ends (default). False leaves it open, for a pre-emptible run that will resume
        it with job_id.
    api_url, token: override TRAINSTATUS_API_URL / TRAINSTATUS_REPORTING_TOKEN and the config file.
    """
    return Job(name, job_id, stall_after_seconds=stall_after_seconds, heartbeat_seconds=heartbeat_seconds,
               api_url=api_url, token=token, flush_timeout=flush_timeout, send_interval=send_interval,
               all_ranks=all_ranks, fail_on_sigterm=fail_on_sigterm)


def flush(timeout: Optional[float] = None) -> bool:
    """Waits until every event queued so far is delivered, at most timeout seconds (default the
    exit deadline); True when everything was delivered. Never raises."""
    try:
        return _runtime.flush(timeout)
    except Exception:
        return False
