"""Two analysts' project files for the worked example of docs/teams.md.

Extracts the seed article with the real pipeline into one project, copies it for two
analysts, "ana" and "ben", and makes a few fixed decisions in each, as two analysts
following one codebook differently would:

- ana accepts every suggestion, except that she rejects "Le Monde" (a newspaper quoted
  as a source, not an actor), and codes the third claim as a demand, not a warning;
- ben rejects every "Syrian" (NORP; for him an adjective of the place, not an actor),
  relabels "Moscow" as ORG (the Russian government), rejects the eighth claim and codes
  the first as a statement, not a demand; he accepts everything else.

Usage: python scripts/make_team_example.py OUT_DIR   (writes ana.sqlite3 and ben.sqlite3)
then:  idleb-desk agree OUT_DIR/ana.sqlite3 OUT_DIR/ben.sqlite3
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.io.importer import extract_documents
from idleb_desk.model import Span
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store

DOC = 1


def _suggested_actors(s: ReviewSession) -> list[int]:
    return [x.id for x in s.spans(DOC) if x.layer == "actor" and x.status == "suggested"]


def _still_suggested(s: ReviewSession, span_id: int) -> Span | None:
    """The span, if a decision on an earlier one (project memory) has not decided it."""
    span = next((x for x in s.spans(DOC) if x.id == span_id), None)
    return span if span is not None and span.status == "suggested" else None


def _ana(s: ReviewSession) -> None:
    for span_id in _suggested_actors(s):
        if span := _still_suggested(s, span_id):
            if span.text == "Le Monde":
                s.reject_span(span.id)
            else:
                s.accept_span(span.id)
    claims = s.claims(DOC)
    for c in claims:
        s.accept_claim(c.id)
    s.set_claim_kind(claims[2].id, "demand")


def _ben(s: ReviewSession) -> None:
    for span_id in _suggested_actors(s):
        if span := _still_suggested(s, span_id):
            if span.text == "Syrian":
                s.reject_span(span.id)
            elif span.text == "Moscow":
                s.relabel_span(span.id, "ORG")
            else:
                s.accept_span(span.id)
    claims = s.claims(DOC)
    for i, c in enumerate(claims):
        if i == 7:
            s.reject_claim(c.id)
        else:
            s.accept_claim(c.id)
    s.set_claim_kind(claims[0].id, "statement")


def build(folder: Path, extractor: Extractor | None = None) -> tuple[Path, Path]:
    """Write ana.sqlite3 and ben.sqlite3 into `folder` (replacing any); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "extracted.sqlite3"
    for name in ("extracted", "ana", "ben"):
        for side in ("", "-wal", "-shm", ".wal-id"):
            Path(f"{folder / name}.sqlite3{side}").unlink(missing_ok=True)
    with Store.open(base) as store:
        ensure_seed(store)
        extract_documents(store, extractor or Extractor.load())
    paths = []
    for name, decide in (("ana", _ana), ("ben", _ben)):
        path = folder / f"{name}.sqlite3"
        shutil.copyfile(base, path)
        session = ReviewSession.open(path, name, create=False)
        try:
            decide(session)
        finally:
            session.close()
        paths.append(path)
    for side in ("", "-wal", "-shm", ".wal-id"):
        Path(f"{base}{side}").unlink(missing_ok=True)
    return paths[0], paths[1]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for path in build(Path(sys.argv[1])):
        print(path)
