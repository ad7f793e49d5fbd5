"""Problems are told once per kind, on the `trainstatus` logger (which Python's last-resort
handler prints to stderr when the program configured no logging), never once per call: a loop
that reports a thousand times against a dead endpoint prints one line, not a thousand."""

from __future__ import annotations

import logging
from typing import Dict

log = logging.getLogger("trainstatus")

# kind -> the marker of the call that told it. dict.setdefault is atomic, so exactly one caller
# wins a kind without a lock: a signal handler may tell a problem while the thread it interrupted
# was telling one.
_told: Dict[str, object] = {}


def once(kind: str, text: str, *args: object) -> bool:
    """Logs a warning for kind the first time only; returns whether it logged. Never raises."""
    try:
        mine = object()
        if _told.setdefault(kind, mine) is not mine:
            return False
        log.warning("trainstatus: " + text, *args)
        return True
    except Exception:
        return False


def reset() -> None:
    """Forget what was told (tests)."""
    _told.clear()
