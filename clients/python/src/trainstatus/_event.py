"""The training event as the ingest endpoint takes it (events/README.md is the format's one
document): request ids, the limits of each field, and how a reporter's raw values are made to fit
them. Nothing here sends or blocks."""

from __future__ import annotations

import datetime
import math
import re
import secrets
import time
from typing import Any, Dict, List, Optional, Tuple

# The format's limits (events/README.md, and BRIEF's `name` and `stall_after_seconds`).
REQUEST_ID_MAX = 128
MESSAGE_MAX_BYTES = 1024
ERROR_MAX_BYTES = 4096
NAME_MAX_BYTES = 200
STALL_MIN_SECONDS = 60
STALL_MAX_SECONDS = 604800
# The endpoint takes at most this many events per request.
BATCH_MAX = 100

STARTED = "STARTED"
IN_PROGRESS = "IN_PROGRESS"
SUCCESS = "SUCCESS"
FAILED = "FAILED"

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}\Z")
# A generated id is <slug>-<YYYYMMDD-HHMMSS>-<6 hex>; the slug's bound is pkg/trainevent.MaxSlugLen.
SLUG_MAX = 40
# message and error may hold tab and newline, and no other C0 control, DEL or C1 control;
# name holds no control character at all.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_ELLIPSIS = "\u2026"


def valid_request_id(s: str) -> bool:
    return bool(_REQUEST_ID.match(s))


def slug(name: str) -> str:
    """The name as request-id characters, by pkg/trainevent.Slug's rule (events/README.md; the
    tests compare the two): ASCII letters in lower case, digits, "." and "_" kept; every run of
    other characters (non-ASCII ones too) one "-"; cut to SLUG_MAX; no "-" or "." at either end;
    "job" when nothing is left."""
    kept: List[str] = []
    sep = False
    for ch in name:
        if len(kept) >= SLUG_MAX:
            break
        if "A" <= ch <= "Z":
            ch = ch.lower()
        elif not ("a" <= ch <= "z" or "0" <= ch <= "9" or ch in "._"):
            sep = True
            continue
        if sep and kept:
            kept.append("-")
        sep = False
        kept.append(ch)
    return "".join(kept)[:SLUG_MAX].strip("-.") or "job"


def new_request_id(name: str, now: Optional[float] = None) -> str:
    """A run's own request id: <slug-of-name>-<YYYYMMDD-HHMMSS UTC>-<6 random hex>, so that a
    rerun of the same script is a new job."""
    t = datetime.datetime.fromtimestamp(time.time() if now is None else now, datetime.timezone.utc)
    return f"{slug(name)}-{t:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def format_time(t: float) -> str:
    """RFC 3339 in UTC with microseconds, as the format keeps them."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def cut_utf8(s: str, limit: int) -> Tuple[str, bool]:
    """s cut to at most limit bytes of UTF-8 on a character boundary, ending with an ellipsis when
    cut; and whether it was cut."""
    b = s.encode("utf-8", "replace")
    if len(b) <= limit:
        return s, False
    room = limit - len(_ELLIPSIS.encode("utf-8"))
    return b[:room].decode("utf-8", "ignore") + _ELLIPSIS, True


def clean_text(s: Any, limit: int) -> Tuple[str, bool]:
    """A message or error as the format takes it: a string, without the control characters it
    refuses, at most limit bytes. Returns the text and whether anything was changed."""
    if not isinstance(s, str):
        s = str(s)
    cleaned = _TEXT_CONTROLS.sub("", s.replace("\r\n", "\n"))
    cut, was_cut = cut_utf8(cleaned, limit)
    return cut, was_cut or cleaned != s


def clean_name(s: Any) -> Tuple[str, bool]:
    """A display name: control characters become spaces, at most NAME_MAX_BYTES."""
    if not isinstance(s, str):
        s = str(s)
    cleaned = _NAME_CONTROLS.sub(" ", s).strip() or "job"
    cut, was_cut = cut_utf8(cleaned, NAME_MAX_BYTES)
    return cut, was_cut or cleaned != s


class BadProgress(ValueError):
    """A progress value that is not a number at all (it is dropped)."""


def clean_progress(p: Any) -> Tuple[float, bool]:
    """A progress as the format takes it: a number from 0 to 100 with at most 6 decimals.
    Returns the value and whether it was clamped; raises BadProgress for what is no number."""
    if isinstance(p, (bool, str, bytes)):
        raise BadProgress(f"{type(p).__name__} {p!r:.40}")
    try:
        p = float(p)  # ints, numpy and torch scalars, Decimal, Fraction
    except OverflowError:  # an int beyond a float: out of range, clamped below
        p = math.inf if p > 0 else -math.inf
    except (TypeError, ValueError):
        raise BadProgress(f"{type(p).__name__} {p!r:.40}") from None
    if math.isnan(p):
        raise BadProgress("NaN")
    clamped = min(100.0, max(0.0, p))
    return round(clamped, 6) + 0.0, clamped != p


def clean_stall(s: Any) -> Tuple[Optional[int], bool]:
    """stall_after_seconds kept to the format's 60..604800 (None for none)."""
    if s is None:
        return None, False
    try:
        v = int(s)
    except (TypeError, ValueError, OverflowError):
        return None, True
    c = min(STALL_MAX_SECONDS, max(STALL_MIN_SECONDS, v))
    return c, c != s


def event(request_id: str, status: str, t: float, seq: int, *, name: str,
          progress: Optional[float] = None, message: Optional[str] = None,
          error: Optional[str] = None, stall_after_seconds: Optional[int] = None) -> Dict[str, Any]:
    """One event object of a batch (user_id absent: the token's owner)."""
    e: Dict[str, Any] = {"request_id": request_id, "status": status, "event_time": format_time(t),
                         "seq": seq, "name": name}
    if progress is not None:
        e["progress"] = progress
    if message:
        e["message"] = message
    if error:
        e["error"] = error
    if stall_after_seconds is not None:
        e["stall_after_seconds"] = stall_after_seconds
    return e
