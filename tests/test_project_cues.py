"""Cues the analyst marks in claims they build join the project's cue lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.core.memory import describe_origin
from idleb_desk.core.review import ReviewSession
from idleb_desk.io.importer import extract_documents, import_paths
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.nlp.project_cues import PROJECT_CUE_SUFFIX, entry_for, for_project
from idleb_desk.store.memory import analyst_cues
from idleb_desk.store.store import Store

SEEN = "The foreign minister grumbled that the ceasefire was not holding."
NEW = "The Turkish envoy grumbled that the talks in Geneva had stalled again."


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def _cues(store: Store, doc_id: int) -> list[str]:
    text = store.document_text(doc_id)
    out = []
    for c in store.claims(doc_id):
        if c.cue_span_id is not None:
            s = store.span(c.cue_span_id)
            out.append(text[s.start : s.end])
    return out


def _build_claim(db: Path) -> None:
    s = ReviewSession.open(db, reviewer="ana")
    with s.store.transaction():
        doc = s.store.insert_document("seen", "Seen", SEEN)
        assert doc is not None
    start = SEEN.index("that")
    claim = s.create_claim(doc, content_range=(start, len(SEEN) - 1), kind="accusation")
    cue = SEEN.index("grumbled")
    s.set_role(claim.id, "cue", rng=(cue, cue + len("grumbled")))
    assert analyst_cues(s.store) == [("grumbled", "accusation")]
    s.close()


def test_a_cue_the_analyst_used_is_found_in_the_next_import(
    tmp_db: Path, tmp_path: Path, extractor: Extractor
) -> None:
    assert "grumbled" not in [c.cue.text for c in extractor.extract(NEW).claims if c.cue]
    _build_claim(tmp_db)
    article = tmp_path / "new.txt"
    article.write_text(NEW + "\n", encoding="utf-8")
    with Store.open(tmp_db) as store:
        (doc,) = import_paths(store, [article], extractor).imported
        assert _cues(store, doc) == ["grumbled"]
        claims = [(c.kind, c.origin) for c in store.claims(doc)]
    # The claim says it was found through the project's lexicon (window and export).
    assert claims == [("accusation", f"{extractor.model_label}{PROJECT_CUE_SUFFIX}")]
    assert "project's lexicon" in describe_origin(claims[0][1]).text


def test_background_extraction_uses_the_project_cues_too(
    tmp_db: Path, tmp_path: Path, extractor: Extractor
) -> None:
    _build_claim(tmp_db)
    article = tmp_path / "later.txt"
    article.write_text(NEW + "\n", encoding="utf-8")
    with Store.open(tmp_db) as store:
        (doc,) = import_paths(store, [article]).imported  # imported with no model
        assert extract_documents(store, extractor, [doc]) == 1
        assert _cues(store, doc) == ["grumbled"]


def test_a_rejected_claim_teaches_nothing(tmp_db: Path) -> None:
    _build_claim(tmp_db)
    s = ReviewSession.open(tmp_db, reviewer="ana")
    (claim,) = s.claims(1)
    s.reject_claim(claim.id)
    assert analyst_cues(s.store) == []
    s.close()


def test_known_and_unusable_cues_add_nothing(extractor: Extractor) -> None:
    assert for_project(extractor, [("said", "statement"), (",", "statement")]) is extractor
    assert entry_for(extractor.nlp, "scoffed at", "rejection").type == "phrase"
    assert entry_for(extractor.nlp, "grumbled", "statement").cue == "grumble"
