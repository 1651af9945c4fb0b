"""Content parts and nesting of claims.

- One quote, one claim: a split or follow-on quote adds a content part to the claim it
  continues, and `content` then runs from the first part's start to the last part's end.
- Outer claims first: a claim whose cue lies inside another claim's content is marked
  `nested_in` that claim, so exports and scores can tell inner claims apart.
"""

from __future__ import annotations

from idleb_desk.nlp.draft import Draft
from idleb_desk.nlp.quotes import Quote


def add_part(d: Draft, part: tuple[int, int]) -> None:
    """Extend a claim's content by one more part (a split or follow-on quote)."""
    d.parts = [*(d.parts or [d.content]), part]
    d.content = (d.parts[0][0], part[1])
    if d.quote_type == "indirect":
        d.quote_type = "mixed"


def attach_orphans(text: str, drafts: list[Draft], orphans: list[Quote]) -> None:
    """ "X said he waited nine hours. "They took my phone."": a quote with no attribution
    of its own continues the latest claim before it in the same paragraph, or, when it
    opens the next paragraph, the quote that ended the paragraph before (news style runs
    one speaker's quote over several paragraphs)."""
    for q in orphans:
        before = [d for d in drafts if d.speaker is not None and d.content[1] <= q.start]
        if not before:
            continue
        last = max(before, key=lambda d: d.content[1])
        if q.para_start <= last.content[0] or (
            q.start == q.para_start
            and last.quote_type in ("direct", "mixed")
            and _adjacent_paragraph(text, last.content[1], q.start)
        ):
            add_part(last, (q.start, q.end))


def _adjacent_paragraph(text: str, end: int, start: int) -> bool:
    """Only the rest of one paragraph (", he said.") and line breaks between end and start."""
    lines = [ln for ln in text[end:start].split("\n") if ln.strip()]
    return len(lines) <= 1 and (not lines or text[end:start].lstrip(" \t")[:1] != "\n")


def mark_nested(drafts: list[Draft]) -> None:
    """A claim whose cue lies inside another claim's content is nested in it ("X said Y
    told him Z"): analysts code the outer claim; the inner one is kept but marked."""
    for i, d in enumerate(drafts):
        anchor = d.cue or d.speaker
        if anchor is None:
            continue
        size = d.content[1] - d.content[0]
        outer = [
            j
            for j, o in enumerate(drafts)
            if j != i
            # Never two claims nested in each other: the outer content is longer, or as
            # long with its cue outside ("X said talks were expected to resume").
            and (
                o.content[1] - o.content[0] > size
                or (o.content == d.content and _outside(o.cue, o.content))
            )
            and any(a <= anchor[0] and anchor[1] <= b for a, b in (o.parts or [o.content]))
        ]
        if outer:
            # The nearest enclosing claim: a chain "X said Y told him Z" can be followed out.
            d.nested_in = min(outer, key=lambda j: drafts[j].content[1] - drafts[j].content[0])


def _outside(cue: tuple[int, int] | None, content: tuple[int, int]) -> bool:
    return cue is not None and (cue[1] <= content[0] or cue[0] >= content[1])
