"""One POST /v1/events of a batch, and what its answer means for each event in it. Standard
library only (urllib); nothing here retries or sleeps: the sender decides."""

from __future__ import annotations

import email.utils
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from . import __about__

USER_AGENT = f"trainstatus-python/{__about__.version}"
# A Retry-After further away than this is read as this: a reporter never waits longer in one go.
RETRY_AFTER_MAX = 600.0

# What became of a batch.
DONE = "done"  # every event accepted or refused for good (refused ones are in `refused`)
RETRY = "retry"  # the events in `retry` (indexes into the batch) may be sent again
UNAUTHORIZED = "unauthorized"  # the token was refused: nothing will ever be accepted
DROPPED = "dropped"  # the endpoint refused the request itself for good (400, 404, ...)
TOO_LARGE = "too_large"  # 413: split and send again


@dataclass
class Outcome:
    kind: str
    status: int = 0  # HTTP status, 0 when no answer came
    retry: List[int] = field(default_factory=list)
    refused: List[Dict[str, Any]] = field(default_factory=list)
    retry_after: Optional[float] = None
    problem: str = ""  # what went wrong, for the one warning of its kind
    problem_kind: str = ""


def parse_retry_after(v: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or bad."""
    if not v:
        return None
    v = v.strip()
    if v.isdigit():
        return min(float(v), RETRY_AFTER_MAX)
    try:
        d = email.utils.parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        return None
    if d is None:
        return None
    delta = d.timestamp() - (time.time() if now is None else now)
    return min(max(delta, 0.0), RETRY_AFTER_MAX)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _error_text(body: bytes) -> str:
    data = _json(body)
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        err = data["error"]
        return f"{err.get('code', '')}: {err.get('message', '')}"[:300]
    return body[:200].decode("utf-8", "replace")


def post(url: str, token: str, events: List[Dict[str, Any]], timeout: float) -> Outcome:
    """Sends {"events": events} and reads the answer (the contract of the ingest endpoint)."""
    body = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": "Bearer " + token,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    })
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return _answer(resp.status, resp.read(), resp.headers.get("Retry-After"), len(events))
    except urllib.error.HTTPError as e:
        try:
            data = e.read()
        except Exception:
            data = b""
        return _answer(e.code, data, e.headers.get("Retry-After") if e.headers else None, len(events))
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, socket.gaierror):
            kind, text = "dns", f"cannot resolve the API's host ({reason})"
        elif isinstance(reason, (socket.timeout, TimeoutError)):
            kind, text = "timeout", f"no answer within {timeout:g} s"
        else:
            kind, text = "unreachable", f"cannot reach the API ({reason})"
        return Outcome(RETRY, retry=list(range(len(events))), problem=text, problem_kind=kind)
    except (socket.timeout, TimeoutError):
        return Outcome(RETRY, retry=list(range(len(events))), problem=f"no answer within {timeout:g} s",
                       problem_kind="timeout")
    except (OSError, ValueError) as e:  # reset connection, bad status line, malformed URL
        return Outcome(RETRY, retry=list(range(len(events))), problem=f"request failed ({e!r:.200})",
                       problem_kind="unreachable")


def _answer(status: int, body: bytes, retry_after: Optional[str], n: int) -> Outcome:
    everything = list(range(n))
    after = parse_retry_after(retry_after)
    if status in (200, 503):
        data = _json(body)
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            if status == 200:  # accepted, but the answer is unreadable: nothing to resend
                return Outcome(DONE, status)
            return Outcome(RETRY, status, retry=everything, retry_after=after,
                           problem="the API answered 503 without per-event results", problem_kind="http_503")
        retry: List[int] = []
        refused: List[Dict[str, Any]] = []
        for r in results:
            if not isinstance(r, dict) or not isinstance(r.get("index"), int) or not 0 <= r["index"] < n:
                continue
            if r.get("status") == "retry":
                retry.append(r["index"])
            elif r.get("status") == "refused":
                refused.append(r)
        if retry:
            return Outcome(RETRY, status, retry=retry, refused=refused, retry_after=after,
                           problem="the API could not queue some events (503)", problem_kind="http_503")
        return Outcome(DONE, status, refused=refused)
    if status == 401:
        return Outcome(UNAUTHORIZED, status, problem=_error_text(body), problem_kind="unauthorized")
    if status == 429:
        return Outcome(RETRY, status, retry=everything, retry_after=after,
                       problem="the API is rate limiting this user (429)", problem_kind="http_429")
    if status == 413:
        return Outcome(TOO_LARGE, status, problem="the API refused a batch as too large (413)", problem_kind="http_413")
    if status == 408 or status >= 500:
        return Outcome(RETRY, status, retry=everything, retry_after=after,
                       problem=f"the API answered {status}", problem_kind=f"http_{status}")
    return Outcome(DROPPED, status, problem=f"the API answered {status} ({_error_text(body)})",
                   problem_kind=f"http_{status}")
