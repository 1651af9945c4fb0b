"""The words for an undo or redo: what the status bar says and a menu item could show.

The window once built these itself (`gui/span_keys.py` and `gui/scale_keys.py`); they
live here so that every screen, and the command line, says the same about an event.
"""

from __future__ import annotations

from idleb_desk.model import Event, Span

# An event's op in the analyst's words; an op not listed reads as its name with spaces.
UNDO_WORDS = {
    "accept_span": "accept",
    "reject_span": "reject",
    "relabel_span": "relabel",
    "resize_span": "boundary change",
    "create_span": "new span",
    "delete_span": "delete",
    "create_claim": "new claim",
    "accept_claim": "accept claim",
    "reject_claim": "reject claim",
    "delete_claim": "delete claim",
    "mark_done": "mark reviewed",
    "accept_every": "accept every occurrence",
    "reject_every": "reject every occurrence",
    "accept_every_project": "accept every occurrence in the project",
    "reject_every_project": "reject every occurrence in the project",
    "flag_span": "flag",
    "flag_claim": "flag",
    "comment_span": "comment",
    "comment_claim": "comment",
    "mark_done_accept": "mark reviewed, accepting the rest",
    "mark_done_reject": "mark reviewed, rejecting the rest",
    "rescore_suggestions": "the project model's re-scoring",
}

# Operations about one span, which they touch first (`subject_span`).
_SPAN_OPS = frozenset(
    {"accept_span", "reject_span", "relabel_span", "resize_span", "create_span",
     "delete_span", "flag_span", "comment_span", "link_actor"}
)  # fmt: skip


def quote(text: str, n: int = 50) -> str:
    """A text in quotes on one line, cut to `n` characters."""
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= n else f"'{text[: n - 1]}…'"


def op_words(op: str) -> str:
    """An event's op in words: "accept_every_project" -> "accept every occurrence in the
    project"."""
    return UNDO_WORDS.get(op, op.replace("_", " "))


def describe_span(span: Span) -> str:
    """A span as the status bar names it: 'Sergei Lavrov' (PERSON)."""
    return f"{quote(span.text)} ({span.label})"


def subject_span(event: Event) -> int | None:
    """The span an operation on one span was about (None for any other operation)."""
    if event.op not in _SPAN_OPS:
        return None
    spans = event.before.get("spans") or {}
    return int(next(iter(spans))) if spans else None


def _what(event: Event, span: Span | None) -> str:
    return op_words(event.op) + (f" of {describe_span(span)}" if span is not None else "")


def done_message(event: Event, undone: bool, span: Span | None = None) -> str:
    """What the status bar says after an undo (`undone`) or redo of `event`, naming
    `span` if given: "Undone: accept of 'Sergei Lavrov' (PERSON)"."""
    return f"{'Undone' if undone else 'Redone'}: {_what(event, span)}"


def undo_label(event: Event, span: Span | None = None) -> str:
    """A menu item's text for undoing `event`: "Undo accept of 'Sergei Lavrov' (PERSON)"."""
    return f"Undo {_what(event, span)}"


def redo_label(event: Event, span: Span | None = None) -> str:
    return f"Redo {_what(event, span)}"
