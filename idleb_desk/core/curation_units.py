"""Positions, versions and strategies of curation (issue 13), as pure values.

A *unit* is what an analyst coded: an actor mention (offsets and label), or a claim as a
whole (speaker, cue, content parts, addressees, kind). A *position* is a stretch of a
document where units of one layer overlap, across all analysts; each analyst's *version*
of it is the set of their units there. Two analysts agree on a position when their
versions are equal. An analyst *coded* a position when they decided something there
(accepted, edited, made or rejected a unit over it) or marked the document done; one who
left the suggestions there undecided did not.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from idleb_desk.model import (
    DOC_DONE,
    LAYER_ACTOR,
    LAYER_CLAIM,
    REJECTED,
    REVIEWED_STATUSES,
    Claim,
    Span,
)

Strategy = Literal["complete", "coded", "vote"]
STRATEGIES: tuple[Strategy, ...] = ("complete", "coded", "vote")

# Position states, for the window's colours and legend and the CLI summary.
AGREED_MERGED = "agreed-merged"
AGREED_UNDECIDED = "agreed-undecided"
DISAGREED = "disagreed"
INCOMPLETE = "incomplete"
CURATOR_ACCEPTED = "curator-accepted"
CURATOR_REJECTED = "curator-rejected"
STATES = (AGREED_MERGED, AGREED_UNDECIDED, DISAGREED, INCOMPLETE, CURATOR_ACCEPTED,
          CURATOR_REJECTED)  # fmt: skip
# What next/previous disagreement stops at: what the curator still has to decide.
TO_DECIDE = (DISAGREED, INCOMPLETE, AGREED_UNDECIDED)


@dataclass(frozen=True)
class Unit:
    sig: dict[str, Any]  # what agreement compares
    start: int
    end: int
    quote_type: str = "indirect"  # a claim's, carried along but not compared

    @property
    def layer(self) -> str:
        return str(self.sig["layer"])

    @property
    def key(self) -> str:
        return json.dumps(self.sig, sort_keys=True)


@dataclass
class AnalystDoc:
    """One analyst's coding of one document."""

    units: list[Unit] = field(default_factory=list)
    decided: list[tuple[str, int, int]] = field(default_factory=list)  # (layer, start, end)
    done: bool = False


@dataclass
class Position:
    layer: str
    start: int
    end: int
    units: list[Unit]
    # Per analyst: None (no such document in their file), else {"coded", "units": [i, ...]}
    versions: list[dict[str, Any] | None]

    @property
    def key(self) -> str:
        return f"{self.layer}:{self.start}:{self.end}"


def _rng(s: Span | None) -> list[int] | None:
    return None if s is None else [s.start, s.end]


def analyst_doc(spans: list[Span], claims: list[Claim], doc_status: str) -> AnalystDoc:
    """The units an analyst coded in a document, and where they decided anything."""
    by_id = {s.id: s for s in spans}
    out = AnalystDoc(done=doc_status == DOC_DONE)
    for s in spans:
        if s.status in REVIEWED_STATUSES or s.status == REJECTED:
            out.decided.append((s.layer, s.start, s.end))
        if s.layer == LAYER_ACTOR and s.status in REVIEWED_STATUSES:
            sig = {"layer": LAYER_ACTOR, "start": s.start, "end": s.end, "label": s.label}
            out.units.append(Unit(sig, s.start, s.end))
    for c in claims:
        content = by_id.get(c.content_span_id) if c.content_span_id is not None else None
        if content is None:
            continue
        parts = [by_id[i] for i in c.content_part_ids if i in by_id] or [content]
        start, end = min(p.start for p in parts), max(p.end for p in parts)
        if c.status in REVIEWED_STATUSES or c.status == REJECTED:
            out.decided.append((LAYER_CLAIM, start, end))
        if c.status not in REVIEWED_STATUSES:
            continue
        sig = {
            "layer": LAYER_CLAIM,
            "speaker": _rng(by_id.get(c.speaker_span_id or -1)),
            "cue": _rng(by_id.get(c.cue_span_id or -1)),
            "content": [[p.start, p.end] for p in parts],
            "addressees": sorted(
                [by_id[a].start, by_id[a].end] for a in c.addressee_span_ids if a in by_id
            ),
            "kind": c.kind,
        }
        out.units.append(Unit(sig, start, end, c.quote_type))
    return out


def positions(docs: list[AnalystDoc | None]) -> list[Position]:
    """The positions of one document over every analyst (None: not in their file), in
    reading order, actor mentions and claims apart."""
    out: list[Position] = []
    for layer in (LAYER_ACTOR, LAYER_CLAIM):
        found = sorted(
            ((u.start, -u.end, i, u) for i, d in enumerate(docs) if d for u in d.units
             if u.layer == layer),
            key=lambda t: (t[0], t[1], t[2]),
        )  # fmt: skip
        clusters: list[list[tuple[int, Unit]]] = []
        end = -1
        for start, neg_end, i, unit in found:
            if not clusters or start >= end:
                clusters.append([])
                end = -neg_end
            clusters[-1].append((i, unit))
            end = max(end, -neg_end)
        out.extend(_position(layer, cluster, docs) for cluster in clusters)
    out.sort(key=lambda p: (p.start, -p.end, p.layer))
    return out


def _position(layer: str, cluster: list[tuple[int, Unit]], docs: list[AnalystDoc | None]
              ) -> Position:  # fmt: skip
    start, end = min(u.start for _, u in cluster), max(u.end for _, u in cluster)
    distinct: dict[str, int] = {}
    units: list[Unit] = []
    for _, u in cluster:
        if u.key not in distinct:
            distinct[u.key] = len(units)
            units.append(u)
    versions: list[dict[str, Any] | None] = []
    for i, d in enumerate(docs):
        if d is None:
            versions.append(None)
            continue
        mine = sorted({distinct[u.key] for j, u in cluster if j == i})
        coded = (
            d.done
            or bool(mine)
            or any(lay == layer and s < end and e > start for lay, s, e in d.decided)
        )
        versions.append({"coded": coded, "units": mine})
    return Position(layer, start, end, units, versions)


def merged_version(
    versions: list[dict[str, Any] | None], strategy: Strategy, min_votes: int = 2,
    min_share: float = 0.5,
) -> list[int] | None:  # fmt: skip
    """The version a strategy merges at a position, or None if it leaves it to the curator.

    `complete`: every analyst holding the document coded it, all alike. `coded`: those who
    coded it agree. `vote`: the most frequent version among those who coded it, with at
    least `min_votes` votes (at most the number of holders) and `min_share` of the coders.
    """
    holders = [v for v in versions if v is not None]
    coders = [tuple(v["units"]) for v in holders if v["coded"]]
    if not coders:
        return None
    if strategy == "complete":
        if len(coders) == len(holders) and len(set(coders)) == 1:
            return list(coders[0])
        return None
    if strategy == "coded":
        return list(coders[0]) if len(set(coders)) == 1 else None
    counts = Counter(coders).most_common()
    top, votes = counts[0]
    if len(counts) > 1 and counts[1][1] == votes:
        return None  # a tie is the curator's
    if votes >= min(min_votes, len(holders)) and votes / len(coders) >= min_share:
        return list(top)
    return None


def state(versions: list[dict[str, Any] | None], decision: str | None) -> str:
    """A position's state, from its versions and the decision made on it."""
    kind, chosen = parse_decision(decision)
    if kind == "merged":
        return AGREED_MERGED
    if kind in ("take", "none"):
        return CURATOR_ACCEPTED if chosen else CURATOR_REJECTED
    holders = [v for v in versions if v is not None]
    if not all(v["coded"] for v in holders):
        return INCOMPLETE
    if len({tuple(v["units"]) for v in holders}) == 1:
        return AGREED_UNDECIDED
    return DISAGREED


def decision(kind: str, chosen: list[int], analyst: int | None = None) -> str:
    """The stored form of a decision: "merged|0,2", "take:1|0", "none|"."""
    head = f"take:{analyst}" if kind == "take" else kind
    return f"{head}|{','.join(str(i) for i in chosen)}"


def parse_decision(text: str | None) -> tuple[str | None, list[int]]:
    if not text:
        return None, []
    head, _, tail = text.partition("|")
    return head.split(":")[0], [int(i) for i in tail.split(",") if i]


def taken_from(text: str | None) -> int | None:
    """The analyst whose version a "take" decision took."""
    head = (text or "").partition("|")[0]
    return int(head.split(":")[1]) if head.startswith("take:") else None
