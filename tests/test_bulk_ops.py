"""Review at scale through the review API: every occurrence (document and project, one
event, one undo), flags and comments (stored, undone, exported), finishing a document
with suggestions left, and where the analyst left off."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from idleb_desk.core.bulk_ops import Position
from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.importer import import_paths
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

TEXT_A = "Lavrov met Cavusoglu. Later Lavrov said Russia would stay. Lavrov left."
TEXT_B = "In Ankara, Lavrov spoke again. Turkey said Lavrov was wrong."


def refs(text: str, word: str) -> list[ActorSuggestion]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(ActorSuggestion(i, i + len(word), word, "PERSON"))
        i = text.find(word, i + 1)
    return out


def make_project(db: Path) -> tuple[int, int]:
    with Store.open(db) as store, store.transaction():
        a = store.insert_document("a", "A", TEXT_A)
        b = store.insert_document("b", "B", TEXT_B)
        assert a is not None and b is not None
        content = TEXT_A.index("Russia would stay")
        store.add_extraction(
            a,
            Extraction(
                "m",
                actors=(*refs(TEXT_A, "Lavrov"), *refs(TEXT_A, "Cavusoglu")),
                claims=(
                    ClaimSuggestion(
                        TextRef(content, content + 17, "Russia would stay"),
                        TextRef(28, 34, "Lavrov"),
                        TextRef(35, 39, "said"),
                    ),
                ),
            ),
        )
        store.add_extraction(b, Extraction("m", actors=tuple(refs(TEXT_B, "Lavrov"))))
    return a, b


def statuses(s: ReviewSession, doc: int, text: str = "Lavrov") -> list[str]:
    return [sp.status for sp in s.spans(doc) if sp.text == text and sp.layer == "actor"]


def test_accept_every_occurrence_in_the_document_is_one_event(tmp_path: Path) -> None:
    a, b = make_project(tmp_path / "p.idleb")
    s = ReviewSession.open(tmp_path / "p.idleb", "ana")
    first, second, third = [sp for sp in s.spans(a) if sp.text == "Lavrov" and sp.layer == "actor"]
    s.reject_span(third.id)  # a deliberate decision: the bulk key must keep it
    n_events = len(s.events(a))
    result = s.accept_every(first.id)
    assert (result.changed, result.decided, result.documents) == (2, 1, (a,))
    assert statuses(s, a) == ["accepted", "accepted", "rejected"]
    assert statuses(s, b) == ["suggested", "suggested"]
    assert len(s.events(a)) == n_events + 1
    s.undo(a)
    assert statuses(s, a) == ["suggested", "suggested", "rejected"]
    s.close()


def test_project_wide_reject_is_one_undo_step_from_any_document(tmp_path: Path) -> None:
    a, b = make_project(tmp_path / "p.idleb")
    s = ReviewSession.open(tmp_path / "p.idleb", "ana")
    lavrov = next(sp for sp in s.spans(b) if sp.text == "Lavrov")
    result = s.reject_every(lavrov.id, project=True, step_ms=0)  # a document per step
    assert result.changed == 5 and result.documents == (a, b)
    assert statuses(s, a) == ["rejected"] * 3 and statuses(s, b) == ["rejected"] * 2
    # One step per document (issue 12: the write lock is free between them), both
    # project events of one undo group.
    step_a, step_b = [e for e in s.events() if e.op == "reject_every_project"]
    assert step_a.document_id is None and step_a.group_id == step_b.group_id == step_a.id
    assert [e.id for e in s.events(a)] == [step_a.id] and s.events(b)[-1].id == step_b.id
    # Undo from the OTHER document than the one it was started in: both come back.
    assert s.can_undo(a) and s.undo(a) is not None
    assert statuses(s, a) == ["suggested"] * 3 and statuses(s, b) == ["suggested"] * 2
    assert not s.can_undo(b)  # the one event is undone: nothing left in b either
    assert s.redo(b) is not None
    assert statuses(s, a) == ["rejected"] * 3
    s.close()


def test_a_new_operation_in_one_document_drops_the_project_redo(tmp_path: Path) -> None:
    a, b = make_project(tmp_path / "p.idleb")
    s = ReviewSession.open(tmp_path / "p.idleb", "ana")
    lavrov = next(sp for sp in s.spans(a) if sp.text == "Lavrov")
    s.accept_every(lavrov.id, project=True)
    s.undo(b)
    cavusoglu = next(sp for sp in s.spans(a) if sp.text == "Cavusoglu")
    s.accept_span(cavusoglu.id)
    assert not s.can_redo(b) and not s.can_redo(a)
    s.close()


def test_flags_and_comments_are_stored_undone_and_exported(tmp_path: Path) -> None:
    db = tmp_path / "p.idleb"
    a, _b = make_project(db)
    s = ReviewSession.open(db, "ana")
    span = next(sp for sp in s.spans(a) if sp.text == "Cavusoglu")
    claim = s.claims(a)[0]
    s.accept_span(span.id)
    s.set_flag("span", span.id, "uncertain")
    s.set_comment("span", span.id, '  =is this "the" minister?  ')
    s.set_flag("claim", claim.id, "uncertain")
    s.accept_claim(claim.id)
    got = s.span(span.id)
    assert (got.flag, got.comment, got.status) == (
        "uncertain",
        '=is this "the" minister?',
        "accepted",
    )
    s.set_comment("span", span.id, "changed my mind")
    s.undo(a)
    assert s.span(span.id).comment == '=is this "the" minister?'
    s.close()

    with Store.open(db) as store:
        export_csv(store, tmp_path / "out")
        export_jsonl(store, tmp_path / "out" / "all.jsonl")
    with open(tmp_path / "out" / "actors.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    (row,) = [r for r in rows if r["text"] == "Cavusoglu"]
    assert list(rows[0])[13:15] == ["flag", "comment"]  # after DESIGN's 13 columns
    assert (row["flag"], row["comment"]) == ("uncertain", '\'=is this "the" minister?')
    with open(tmp_path / "out" / "claims.csv", newline="", encoding="utf-8") as fh:
        (crow,) = list(csv.DictReader(fh))
    assert (crow["flag"], crow["comment"]) == ("uncertain", "")

    # JSONL carries them and a re-import restores them.
    line = json.loads((tmp_path / "out" / "all.jsonl").read_text(encoding="utf-8").split("\n")[0])
    (js,) = [x for x in line["annotations"]["spans"] if x["text"] == "Cavusoglu"]
    assert (js["flag"], js["comment"]) == ("uncertain", '=is this "the" minister?')
    db2 = tmp_path / "copy.idleb"
    with Store.open(db2) as store2:
        import_paths(store2, [tmp_path / "out" / "all.jsonl"])
        doc = store2.document_summaries()[0].id
        (back,) = [sp for sp in store2.spans(doc) if sp.text == "Cavusoglu"]
        assert (back.flag, back.comment) == ("uncertain", '=is this "the" minister?')
        assert store2.claims(doc)[0].flag == "uncertain"


def test_finish_document_with_suggestions_left(tmp_path: Path) -> None:
    a, _b = make_project(tmp_path / "p.idleb")
    s = ReviewSession.open(tmp_path / "p.idleb", "ana")
    left = s.suggestions_left(a)
    assert left == len(s.spans(a)) + len(s.claims(a))
    doc = s.finish_document(a, "accept")
    assert doc.status == "done" and s.suggestions_left(a) == 0
    assert all(c.status == "accepted" for c in s.claims(a))
    s.undo(a)  # one step gives back the suggestions and the unreviewed document
    assert s.suggestions_left(a) == left and s.document(a).status == "new"
    s.finish_document(a, "reject")
    assert {sp.status for sp in s.spans(a)} == {"rejected"}
    s.undo(a)
    s.finish_document(a, "leave")
    assert s.suggestions_left(a) == left and s.document(a).status == "done"
    s.close()


def test_last_position_is_kept_per_reviewer(tmp_path: Path) -> None:
    db = tmp_path / "p.idleb"
    _a, b = make_project(db)
    s = ReviewSession.open(db, "ana")
    assert s.last_position() is None
    s.remember_position(Position(b, "span", 7))
    s.close()
    for reviewer, expected in (("ana", Position(b, "span", 7)), ("bo", None)):
        again = ReviewSession.open(db, reviewer)
        assert again.last_position() == expected
        again.close()
