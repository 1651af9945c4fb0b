"""Rows of the project file turned into values (spans read in bulk, notes, times)."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import datetime, timezone
from typing import Any

from idleb_desk.model import Span


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def note(row: sqlite3.Row, col: str) -> Any:
    """The flag or comment column; absent in a read-only file of an older schema."""
    try:
        return row[col]
    except IndexError:
        return None


_SPAN_FIELDS = ("id", "document_id", "start", "end", "label", "layer", "status", "origin",
                "actor_id", "reviewer", "reviewed_at")  # fmt: skip


_SPAN_INIT = tuple(f.name for f in fields(Span))
_SPAN_ORDER = (*_SPAN_FIELDS[:8], "text", *_SPAN_FIELDS[8:], "flag", "comment")
if _SPAN_ORDER != _SPAN_INIT:
    raise ImportError("model.Span's fields changed: update store/rows.py's span_rows")
# Each slot's own descriptor setter (the frozen check lives in Span.__setattr__ only).
_SPAN_SETTERS = tuple(getattr(Span, name).__set__ for name in _SPAN_INIT)


def span_rows(rows: list[sqlite3.Row], text: str = "") -> list[Span]:
    """Spans of many rows: column positions looked up once, not by name per row (a
    4,000-span article opens this way)."""
    if not rows:
        return []
    keys = rows[0].keys()
    at = [keys.index(k) for k in _SPAN_FIELDS]
    # The flag and comment columns are absent in a read-only file of an older schema.
    flag_at = keys.index("flag") if "flag" in keys else None
    comment_at = keys.index("comment") if "comment" in keys else None
    i_id, i_doc, i_start, i_end, i_label, i_layer, i_status, i_origin, i_actor, i_rev, i_at = at
    # Each Span is made by setting its slots directly: a frozen dataclass's __init__
    # goes through object.__setattr__ and its frozen check for every field, and a long
    # article has thousands. Slots, not a __dict__: 4,000 spans take 2 MB less.
    # The values are the fields in declaration order, as __init__ would take them.
    new, setters = object.__new__, _SPAN_SETTERS
    out = []
    for row in rows:
        t = tuple(row)
        start, end = t[i_start], t[i_end]
        span = new(Span)
        for put, value in zip(setters, (
            t[i_id], t[i_doc], start, end, t[i_label], t[i_layer], t[i_status], t[i_origin],
            text[start:end] if text else "", t[i_actor], t[i_rev], t[i_at],
            None if flag_at is None else t[flag_at],
            (None if comment_at is None else t[comment_at]) or "",
        ), strict=True):  # fmt: skip
            put(span, value)
        out.append(span)
    return out


def span_from_row(row: sqlite3.Row, text: str = "") -> Span:
    return span_rows([row], text)[0]
