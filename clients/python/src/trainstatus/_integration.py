"""What the framework callbacks share: one job per training run of a trainer, opened at the
framework's start hook and ended at its end or exception hook. A callback's hooks never raise
into the framework, like the rest of the package."""

from __future__ import annotations

import math
from typing import Any, Dict, Optional

from ._job import Job


class Run:
    def __init__(self, name: Optional[str], job_id: Optional[str], options: Dict[str, Any]) -> None:
        self.name = name
        self.job_id = job_id
        self.options = options
        self.job: Optional[Job] = None

    def start(self, default_name: str) -> None:
        if self.job is not None:
            # A second fit on the same callback after one that never ended (an exception the
            # script caught): that one is over.
            self.job.fail("training restarted before it ended")
        self.job = Job(self.name or default_name, self.job_id, **self.options).start()

    def progress(self, done: float, total: float, message: Optional[str]) -> None:
        j = self.job
        if j is None:
            return
        if total and total > 0 and math.isfinite(total):
            j.progress(100.0 * done / total, message)
        elif message is not None:
            j.progress(j._pct if j._pct is not None else 0, message)

    def succeed(self) -> None:
        if self.job is not None:
            self.job.succeed()
            self.job = None

    def fail(self, error: Any) -> None:
        if self.job is not None:
            self.job.fail(error)
            self.job = None


def number(v: Any) -> Optional[float]:
    """A metric as a float (tensors and numpy scalars included), or None."""
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return f if math.isfinite(f) else None
