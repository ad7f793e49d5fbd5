"""The format's limits applied to raw values (events/README.md)."""

from __future__ import annotations

import re

import pytest

from trainstatus import _event


@pytest.mark.parametrize("raw, want, changed", [
    ("plain", "plain", False),
    ("tab\tand\nnewline", "tab\tand\nnewline", False),
    ("cr\r\nlf", "cr\nlf", True),
    ("esc\x1b[2J bel\x07 del\x7f c1\x85\x9b", "esc[2J bel del c1", True),
    ("rtl \u202e and bom \ufeff", "rtl \u202e and bom \ufeff", False),
])
def test_clean_text(raw, want, changed):
    assert _event.clean_text(raw, 1024) == (want, changed)


@pytest.mark.parametrize("limit", [1024, 4096])
def test_cut_on_a_character_boundary(limit):
    s = "€" * 5000
    out, cut = _event.clean_text(s, limit)
    assert cut and len(out.encode()) <= limit and out.endswith("\u2026")
    out.encode("utf-8")  # whole characters only


@pytest.mark.parametrize("raw, want", [
    (42, (42.0, False)), (42.5, (42.5, False)), (100.0000001, (100.0, True)), (-0.0, (0.0, False)),
    (33.33333333333333, (33.333333, False)), (99.9999995, (100.0, False)), (1e-200, (0.0, False)),
    (10 ** 400, (100.0, True)), (150, (100.0, True)), (-1, (0.0, True)),
])
def test_clean_progress(raw, want):
    assert _event.clean_progress(raw) == want


@pytest.mark.parametrize("raw", ["50", b"50", None, True, float("nan"), object(), [1]])
def test_progress_that_is_no_number(raw):
    with pytest.raises(_event.BadProgress):
        _event.clean_progress(raw)


def test_new_request_id_fits_the_format():
    rid = _event.new_request_id("ö" * 300 + "x" * 300, now=0)
    assert re.match(r"^[A-Za-z0-9._:-]{1,128}$", rid)
    assert re.match(r"^x{40}-19700101-000000-[0-9a-f]{6}$", rid)


def test_format_time_is_rfc3339_utc_micro():
    assert _event.format_time(1764000005.123456) == "2025-11-24T16:00:05.123456Z"
