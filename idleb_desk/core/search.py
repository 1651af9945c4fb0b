"""Find a string in every document of a project (Ctrl+Shift+F in the window).

Case-insensitive, literal (no patterns), whitespace-tolerant: any run of spaces or line
breaks in the query matches any run in the text, since articles wrap lines anywhere.
Offsets are code points of the stored text, the same as span offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from idleb_desk.store import documents
from idleb_desk.store.store import Store

MAX_RESULTS = 2000
CONTEXT = 40


@dataclass(frozen=True)
class Match:
    document_id: int
    title: str
    start: int
    end: int
    before: str  # context, one line
    text: str
    after: str


def _pattern(query: str) -> re.Pattern[str] | None:
    words = query.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def _one_line(text: str) -> str:
    # Runs of whitespace become one space, kept at the edges: "Russia|n" must not read as
    # "Russia n" next to the match.
    return re.sub(r"\s+", " ", text)


def find_all(store: Store, query: str, limit: int = MAX_RESULTS) -> tuple[list[Match], bool]:
    """Matches in document order, and whether the list was cut at `limit`."""
    pattern = _pattern(query)
    if pattern is None:
        return [], False
    out: list[Match] = []
    for doc_id, title, text in documents.texts(store):
        for m in pattern.finditer(text):
            if len(out) >= limit:
                return out, True
            a, b = m.span()
            out.append(
                Match(
                    int(doc_id),
                    str(title),
                    a,
                    b,
                    _one_line(text[max(0, a - CONTEXT) : a]),
                    _one_line(text[a:b]),
                    _one_line(text[b : b + CONTEXT]),
                )
            )
    return out, False
