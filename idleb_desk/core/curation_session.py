"""The curator's API over a gold project, with no Qt in it (the window drives it by keys).

`Curation` reads each position's state and its analysts' versions side by side, steps to
the next or previous position still to decide, and takes one analyst's version or none.
A decision is one review operation on the gold project (one event, one undo step): the
chosen units accepted, the others rejected, and the unit's decision written with the
versions it was chosen from in the event's before/after. What it changed comes out of
`take_changes()`, as from every other operation.

`feedback` gives an analyst the positions where the curator decided otherwise than they
coded, in reading order, with both versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.changes import Changes
from idleb_desk.core import curation_units as cu
from idleb_desk.core.curation import (
    CURATION_ANALYSTS,
    CURATION_FILES,
    CURATION_TEAM,
    analyst_key,
)
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.core.team_split import TEAM_ANALYST, TEAM_ID, TEAM_SAMPLE, TeamError
from idleb_desk.model import LAYER_ACTOR, Event
from idleb_desk.store import curation_queries as cq
from idleb_desk.store import team_queries
from idleb_desk.store.rows import now
from idleb_desk.store.store import Store


@dataclass(frozen=True)
class PositionState:
    id: int  # the unit's id: what take / take_none / versions are given
    key: str
    document_id: int
    layer: str
    start: int
    end: int
    state: str
    taken_from: int | None = None  # the analyst whose version the curator took


@dataclass(frozen=True)
class Version:
    analyst: str  # a name, or "Analyst N" when curation is anonymised
    in_file: bool  # False: the analyst's file lacks the document
    coded: bool
    units: tuple[dict[str, Any], ...]  # readable units (see `describe`)


def describe(text: str, sig: dict[str, Any]) -> dict[str, Any]:
    """A unit as the curator reads it: a mention's text and label; a claim's speaker, cue,
    content parts, addressees and kind."""

    def part(rng: list[int] | None) -> str | None:
        return None if rng is None else text[rng[0] : rng[1]]

    if sig["layer"] == LAYER_ACTOR:
        return {"layer": LAYER_ACTOR, "start": sig["start"], "end": sig["end"],
                "text": text[sig["start"] : sig["end"]], "label": sig["label"]}  # fmt: skip
    return {
        "layer": sig["layer"], "speaker": part(sig["speaker"]), "cue": part(sig["cue"]),
        "content": [part(r) for r in sig["content"]],
        "addressees": [part(r) for r in sig["addressees"]], "kind": sig["kind"],
    }  # fmt: skip


@dataclass(frozen=True)
class AnalystFile:
    """Who an analyst's file (made by `team split`) is for, and its reliability sample."""

    analyst: str
    team_id: str
    sample: frozenset[int]  # ids of this file's documents in the reliability sample


def analyst_file(store: Store) -> AnalystFile | None:
    """The file's analyst and sample, or None for a project `team split` did not write."""
    team_id, name = store.setting(TEAM_ID), store.setting(TEAM_ANALYST)
    if not team_id or not name:
        return None
    # The sample is kept by text hash: document ids differ between the analysts' files.
    shas = set(store.setting(TEAM_SAMPLE) or [])
    sample = frozenset(
        d.id for d in store.document_summaries() if store.document(d.id).sha256 in shas
    )
    return AnalystFile(str(name), str(team_id), sample)


def is_gold(store: Store) -> bool:
    """A gold project made by `team curate` (the window opens it in curation mode)."""
    return store.setting(CURATION_TEAM) is not None


def curated_files(store: Store) -> list[Path]:
    """The analysts' files a gold project was last curated from, if all are still there
    (none when curation was anonymised, or when one was moved)."""
    paths = [Path(p) for p in store.setting(CURATION_FILES) or []]
    return paths if paths and all(p.is_file() for p in paths) else []


def analyst_labels(store: Store) -> list[str]:
    listed = store.setting(CURATION_ANALYSTS) or []
    return [a["name"] or a["label"] for a in listed]


class Curation:
    """Curation of one gold project by one curator (see the module docstring)."""

    def __init__(self, session: ReviewSession, anonymise: bool = False) -> None:
        if session.store.setting(CURATION_TEAM) is None:
            raise TeamError(f"{session.path}: is not a gold project made by 'team curate'")
        self.session = session
        listed = session.store.setting(CURATION_ANALYSTS) or []
        # Names are shown unless the gold project has none or the curator asks not to see them.
        self.labels = [a["label"] if anonymise or not a["name"] else a["name"] for a in listed]

    @classmethod
    def open(cls, path: Path | str, curator: str | None = None, anonymise: bool = False
             ) -> Curation:  # fmt: skip
        return cls(ReviewSession.open(path, curator, create=False), anonymise)

    def close(self) -> None:
        self.session.close()

    @property
    def store(self) -> Store:
        return self.session.store

    def analysts(self) -> list[str]:
        return list(self.labels)

    # ---- reading -----------------------------------------------------------------------------

    def states(self, doc_id: int) -> list[PositionState]:
        """Every position of a document in reading order, with its state."""
        return [self._state(u) for u in cq.units(self.store, doc_id)]

    def _state(self, u: cq.UnitRow) -> PositionState:
        return PositionState(
            u.id,
            u.key,
            u.document_id,
            u.layer,
            u.start,
            u.end,
            cu.state(u.versions, u.decision),
            cu.taken_from(u.decision),
        )

    def state(self, unit_id: int) -> PositionState:
        return self._state(cq.unit(self.store, unit_id))

    def next_disagreement(self, doc_id: int, after_pos: int | None = None) -> PositionState | None:
        """The first position still to decide that starts after `after_pos` (None: from the
        start of the document)."""
        for s in self.states(doc_id):
            if s.state in cu.TO_DECIDE and (after_pos is None or s.start > after_pos):
                return s
        return None

    def previous_disagreement(self, doc_id: int, before_pos: int | None = None
                              ) -> PositionState | None:  # fmt: skip
        for s in reversed(self.states(doc_id)):
            if s.state in cu.TO_DECIDE and (before_pos is None or s.start < before_pos):
                return s
        return None

    def versions(self, unit_id: int) -> list[Version]:
        """Each analyst's version of a position, side by side, in analyst order."""
        u = cq.unit(self.store, unit_id)
        text = self.store.document_text(u.document_id)
        out = []
        for label, v in zip(self.labels, u.versions, strict=False):
            units = tuple(describe(text, u.units[i]["sig"]) for i in (v or {}).get("units", []))
            out.append(Version(label, v is not None, bool(v and v["coded"]), units))
        return out

    # ---- deciding ------------------------------------------------------------------------------

    def take(self, unit_id: int, analyst_index: int) -> PositionState:
        """Take analyst `analyst_index`'s version (0-based: key 1 is index 0)."""
        u = cq.unit(self.store, unit_id)
        if not 0 <= analyst_index < len(u.versions):
            raise ReviewError(f"there is no analyst {analyst_index + 1} in this curation")
        version = u.versions[analyst_index]
        if version is None:
            raise ReviewError(f"{self.labels[analyst_index]} did not have this document")
        return self._decide(u, "take", list(version["units"]), analyst_index)

    def take_none(self, unit_id: int) -> PositionState:
        """Nothing at this position in the gold project: every analyst's unit rejected."""
        return self._decide(cq.unit(self.store, unit_id), "none", [], None)

    def _decide(self, u: cq.UnitRow, kind: str, chosen: list[int], analyst: int | None
                ) -> PositionState:  # fmt: skip
        s = self.session
        with s.context.operation(f"curate_{kind}", u.document_id) as op:
            op.touch("curation_units", u.id)
            # Rejections first: a span two claims share ends accepted if a chosen one uses it.
            for k, unit in enumerate(u.units):
                if k not in chosen:
                    if u.layer == LAYER_ACTOR:
                        s.reject_span(unit["row"])
                    else:
                        s.reject_claim(unit["row"])
            for k in chosen:
                row = u.units[k]["row"]
                if u.layer == LAYER_ACTOR:
                    s.accept_span(row)
                else:
                    s.accept_claim(row)
            cq.set_decision(self.store, u.id, cu.decision(kind, chosen, analyst), s.reviewer,
                            op.time or now())  # fmt: skip
        return self.state(u.id)

    def undo(self, doc_id: int) -> Event | None:
        return self.session.undo(doc_id)

    def take_changes(self) -> Changes:
        return self.session.take_changes()


@dataclass(frozen=True)
class Feedback:
    ext_id: str
    title: str
    layer: str
    start: int
    end: int
    text: str
    mine: tuple[dict[str, Any], ...] | None  # None: I did not code this position
    gold: tuple[dict[str, Any], ...]
    state: str

    def to_json(self) -> dict[str, Any]:
        return {"document": self.ext_id, "title": self.title, "layer": self.layer,
                "start": self.start, "end": self.end, "text": self.text,
                "mine": None if self.mine is None else list(self.mine),
                "gold": list(self.gold), "state": self.state}  # fmt: skip


def feedback(gold: Store, mine: Store) -> list[Feedback]:
    """Where the curator decided otherwise than the analyst of `mine` coded, in reading
    order (by document, then offset), with both versions."""
    team_id, name = mine.setting(TEAM_ID), mine.setting(TEAM_ANALYST)
    if not team_id or not name:
        raise TeamError(f"{mine.path}: is not an analyst's file made by 'idleb-desk team split'")
    if gold.setting(CURATION_TEAM) != team_id:
        raise TeamError(f"{gold.path}: is not the gold project of {mine.path}'s team")
    keys = [a["key"] for a in gold.setting(CURATION_ANALYSTS) or []]
    if analyst_key(team_id, name) not in keys:
        raise TeamError(f"{gold.path}: was not curated from {mine.path} ({name})")
    me = keys.index(analyst_key(team_id, name))
    docs = {int(d["id"]): d for d in team_queries.document_rows(gold)}
    out = []
    for u in cq.all_decided(gold):
        version = u.versions[me] if me < len(u.versions) else None
        if version is None:
            continue
        _, chosen = cu.parse_decision(u.decision)
        ours = sorted(version["units"]) if version["coded"] else None
        if ours == sorted(chosen):
            continue
        text = str(docs[u.document_id]["text"])
        out.append(Feedback(
            str(docs[u.document_id]["ext_id"]), str(docs[u.document_id]["title"]), u.layer,
            u.start, u.end, text[u.start : u.end],
            None if ours is None else tuple(describe(text, u.units[i]["sig"]) for i in ours),
            tuple(describe(text, u.units[i]["sig"]) for i in chosen),
            cu.state(u.versions, u.decision),
        ))  # fmt: skip
    return out


def feedback_files(gold: Path, mine: Path) -> list[Feedback]:
    """`feedback` between two project files, both opened read-only (for the window, which
    reaches files only through core, and may run this off its thread)."""
    from idleb_desk.core.agreement.files import open_read_only

    with open_read_only(Path(gold)) as g, open_read_only(Path(mine)) as m:
        return feedback(g, m)
