"""Keep suggestions on whole user-perceived characters (Unicode grapheme clusters).

spaCy tokenises between the halves of a flag (two regional indicators), after an emoji
before its skin-tone modifier, or inside a ZWJ sequence, and NER then labels half a flag
as an actor. A span boundary inside a cluster cannot be shown or selected sensibly, so
every boundary of a suggestion is moved inward to the nearest cluster boundary; a span
left with no letter or digit (only emoji) is dropped, and so is a claim whose content
vanishes. Clusters follow UAX #29 as implemented by the `regex` module (`\\X`).
"""

from __future__ import annotations

from dataclasses import replace

import regex

from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, Region, TextRef

_CLUSTER = regex.compile(r"\X")
# Clusters are found from a point known to start one: a space or a line break (a break
# always comes before them), searched for this far back.
_LOOK_BACK = 4096
_LOOK_AHEAD = 512
# Below U+0300 no character joins the one before or after it (no marks, joiners, emoji
# modifiers or regional indicators), so a position between two such characters is a
# boundary unless it splits "\r\n".
_SIMPLE = "\u0300"


def cluster_at(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the cluster holding `pos`; start == pos when pos is a boundary."""
    n = len(text)
    if pos <= 0 or pos >= n:
        return pos, pos
    before, after = text[pos - 1], text[pos]
    if before < _SIMPLE and after < _SIMPLE and not (before == "\r" and after == "\n"):
        return pos, pos
    floor = max(0, pos - _LOOK_BACK)
    lo = max(text.rfind(" ", floor, pos), text.rfind("\n", floor, pos), floor)
    for m in _CLUSTER.finditer(text, lo, min(n, pos + _LOOK_AHEAD)):
        if m.end() > pos:
            return m.start(), m.end()
    return pos, pos


def inward(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) shrunk to whole clusters, then trimmed of surrounding space."""
    a, b = cluster_at(text, start)
    if a != start:
        start = b
    a, _ = cluster_at(text, end)
    end = a
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, max(start, end)


def _whole(text: str, start: int, end: int) -> bool:
    return cluster_at(text, start)[0] == start and cluster_at(text, end)[0] == end


def _has_word(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


def _ref(text: str, ref: TextRef | None) -> TextRef | None:
    if ref is None or _whole(text, ref.start, ref.end):
        return ref
    a, b = inward(text, ref.start, ref.end)
    return TextRef(a, b, text[a:b]) if b > a else None


def _claim(text: str, c: ClaimSuggestion) -> ClaimSuggestion | None:
    content = _ref(text, c.content)
    if content is None:
        return None
    addressees = tuple(r for r in (_ref(text, a) for a in c.addressees) if r is not None)
    return replace(
        c,
        content=content,
        speaker=_ref(text, c.speaker),
        cue=_ref(text, c.cue),
        addressees=addressees,
        speaker_antecedent=_ref(text, c.speaker_antecedent),
    )


def _actor(text: str, a: ActorSuggestion) -> ActorSuggestion | None:
    if _whole(text, a.start, a.end):
        return a
    s, e = inward(text, a.start, a.end)
    if e <= s or not _has_word(text[s:e]):
        return None
    return replace(a, start=s, end=e, text=text[s:e])


def _region(text: str, r: Region) -> Region | None:
    if _whole(text, r.start, r.end):
        return r
    s, e = inward(text, r.start, r.end)
    return replace(r, start=s, end=e) if e > s else None


def whole_clusters(text: str, ex: Extraction) -> Extraction:
    """`ex` with every span on cluster boundaries (unchanged when all already are)."""
    actors = tuple(x for x in (_actor(text, a) for a in ex.actors) if x is not None)
    claims = tuple(x for x in (_claim(text, c) for c in ex.claims) if x is not None)
    regions = tuple(x for x in (_region(text, r) for r in ex.regions) if x is not None)
    if actors == ex.actors and claims == ex.claims and regions == ex.regions:
        return ex
    return replace(ex, actors=actors, claims=claims, regions=regions)
