"""Issue 17, bulk: a project-wide "accept every occurrence" in document-sized commits.

What the speed work must not change: each commit holds whole documents (the write lock is
held for a step of documents, never for the action), the steps are one undo group whose
undo gives the spans back exactly, and the actor links the steps make without asking the
link rules (`bulk_steps._SameName`) are the ones accepting one mention at a time makes.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from idleb_desk.core.actors import DEMONYM_SETTING
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.store import Store

NAME = "Lavrov"


def make_project(db: Path, texts: list[str], words: dict[str, str]) -> list[int]:
    """One document per text (numbered, so repeated texts stay distinct documents), with
    a suggestion (unlinked, as older projects have them) at every occurrence of each word
    in `words` (word -> label)."""
    ids = []
    with Store.open(db) as store, store.transaction():
        for n, text in enumerate(texts):
            text = f"{text} ({n})"
            doc = store.insert_document(str(n), f"Report {n}", text)
            assert doc is not None
            actors = []
            for word, label in words.items():
                i = text.find(word)
                while i >= 0:
                    before = text[i - 1 : i]
                    if not before.isalpha():  # "Lavrov" inside "Sergei Lavrov" is its own
                        actors.append(ActorSuggestion(i, i + len(word), word, label))
                    i = text.find(word, i + 1)
            store.add_extraction(doc, Extraction("m", actors=tuple(actors)))
            ids.append(doc)
    return ids


def spans_of(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            'SELECT id, document_id, start, "end", label, status, actor_id, reviewer FROM spans '
            "ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def actors_of(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT id, name, label, merged_into FROM actors ORDER BY id").fetchall()
    finally:
        con.close()


def first_of(s: ReviewSession, text: str, label: str) -> int:
    return next(
        x.id for d in s.documents() for x in s.spans(d.id) if (x.text, x.label) == (text, label)
    )


def one_at_a_time(db: Path, text: str, label: str) -> None:
    """What the steps do, by hand: accept each still-suggested occurrence in document and
    text order, each its own operation (and its own actor link)."""
    s = ReviewSession.open(db, "ana")
    try:
        first = first_of(s, text, label)
        for sid, status in s.occurrences(first, project=True):
            if status == "suggested" or sid == first:
                s.accept_span(sid)
    finally:
        s.close()


def bulk(db: Path, text: str, label: str, step_ms: float = 40.0) -> None:
    s = ReviewSession.open(db, "ana")
    try:
        first = first_of(s, text, label)
        s.accept_every(first, project=True, step_ms=step_ms)
    finally:
        s.close()


def twins(tmp_path: Path, texts: list[str], words: dict[str, str]) -> tuple[Path, Path]:
    a, b = tmp_path / "bulk.sqlite3", tmp_path / "by_hand.sqlite3"
    make_project(a, texts, words)
    shutil.copy(a, b)
    return a, b


SET_FIRST = "UPDATE spans SET actor_id = ?, status = ? WHERE id = 1"


def prepare(db: Path, case: str) -> None:
    """Actors already in the project before the action, for the link's other rules."""
    with Store.open(db) as store, store.transaction():
        if case == "merged":
            # "Lavrov" was merged into "Sergey Lavrov": same name must not take it.
            keep = store.actor_id_for("Sergey Lavrov", "PERSON")
            gone = store.actor_id_for(NAME, "PERSON")
            store.execute("UPDATE actors SET merged_into = ? WHERE id = ?", (keep, gone))
            store.execute(SET_FIRST, (gone, "accepted"))
        elif case == "rejected_only":
            gone = store.actor_id_for(NAME, "PERSON")
            store.execute(SET_FIRST, (gone, "rejected"))
        elif case == "seen_later":
            # The actor's only mention is in the last document: not seen by the first ones.
            late = store.execute("SELECT max(id) FROM spans").fetchone()[0]
            actor = store.actor_id_for(NAME, "PERSON")
            store.execute(
                "UPDATE spans SET actor_id = ?, status = 'accepted' WHERE id = ?", (actor, late)
            )


LONG_FIRST = [
    "Sergei Lavrov arrived. Lavrov spoke.",
    "Lavrov met Cavusoglu. Lavrov left.",
    "Report: Lavrov again.",
    "Later Sergei Lavrov said Lavrov would stay.",
]
PLAIN = [f"Report {n}: Lavrov met Cavusoglu. Later Lavrov said so." for n in range(6)]


@pytest.mark.parametrize(
    ("texts", "case"),
    [
        (PLAIN, "none"),
        (LONG_FIRST, "none"),  # the first Lavrov links to the long form in its document
        (PLAIN, "merged"),
        (PLAIN, "rejected_only"),
        (PLAIN, "seen_later"),
        (LONG_FIRST, "seen_later"),  # not seen yet: the long form in the document wins
    ],
)
def test_the_steps_link_as_accepting_one_at_a_time_does(
    tmp_path: Path, texts: list[str], case: str
) -> None:
    a, b = twins(tmp_path, texts, {NAME: "PERSON", "Sergei Lavrov": "PERSON"})
    prepare(a, case)
    prepare(b, case)
    bulk(a, NAME, "PERSON")
    one_at_a_time(b, NAME, "PERSON")
    assert actors_of(a) == actors_of(b)
    linked = [(r[0], r[5], r[6]) for r in spans_of(a)]
    assert linked == [(r[0], r[5], r[6]) for r in spans_of(b)]
    assert any(status == "accepted" and actor for _, status, actor in linked)


@pytest.mark.parametrize("demonyms", [False, True])
def test_a_demonym_links_as_one_at_a_time_with_either_setting(
    tmp_path: Path, demonyms: bool
) -> None:
    texts = [f"Report {n}: a Russian envoy and Russia met." for n in range(4)]
    a, b = twins(tmp_path, texts, {"Russian": "NORP", "Russia": "GPE"})
    for db in (a, b):
        with Store.open(db) as store:
            store.set_setting(DEMONYM_SETTING, demonyms)
    bulk(a, "Russian", "NORP")
    one_at_a_time(b, "Russian", "NORP")
    assert actors_of(a) == actors_of(b)
    assert [r[5:7] for r in spans_of(a)] == [r[5:7] for r in spans_of(b)]


@contextlib.contextmanager
def counting_commits(s: ReviewSession) -> Iterator[list[int]]:
    """The write transactions the session's store commits (a test seam on
    `Store.transaction`), each as the number of events it logged."""
    plain = s.store.transaction
    commits: list[int] = []

    @contextlib.contextmanager
    def counted(mode: str = "IMMEDIATE") -> Iterator[None]:
        before = s.store.execute("SELECT count(*) FROM events").fetchone()[0]
        with plain(mode):
            yield
            after = s.store.execute("SELECT count(*) FROM events").fetchone()[0]
        if mode != "DEFERRED":
            commits.append(after - before)

    s.store.transaction = counted  # type: ignore[method-assign]
    try:
        yield commits
    finally:
        s.store.transaction = plain  # type: ignore[method-assign]


def group_steps(db: Path) -> list[tuple[int, set[int]]]:
    """(event id, documents of its changed spans) of every step of the newest group."""
    con = sqlite3.connect(db)
    try:
        group = con.execute("SELECT max(group_id) FROM events").fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT id FROM events WHERE group_id = ?", (group,))]
        return [
            (
                eid,
                {
                    r[0]
                    for r in con.execute(
                        "SELECT DISTINCT ed.document_id FROM event_documents ed "
                        "WHERE ed.event_id = ?",
                        (eid,),
                    )
                },
            )
            for eid in ids
        ]
    finally:
        con.close()


@pytest.mark.parametrize("step_ms", [0.0, 40.0, 10_000.0])
def test_each_commit_holds_whole_documents_and_one_group_step(
    tmp_path: Path, step_ms: float
) -> None:
    db = tmp_path / "p.sqlite3"
    ids = make_project(db, PLAIN * 3, {NAME: "PERSON"})
    s = ReviewSession.open(db, "ana")
    first = next(x.id for x in s.spans(ids[0]) if x.text == NAME)
    with counting_commits(s) as commits:
        result = s.accept_every(first, project=True, step_ms=step_ms)
    assert result.changed == 2 * len(ids)
    steps = group_steps(db)
    # One event per commit, no commit without one: the steps are the commits.
    assert commits == [1] * len(steps)
    if step_ms == 0:
        assert len(steps) == len(ids)  # a document per commit
    if step_ms == 10_000:
        assert len(steps) == 1  # everything fits in one step's time
    # A document is never split between commits: each is in exactly one step.
    seen = [doc for _, docs in steps for doc in docs]
    assert sorted(seen) == sorted(ids)
    with contextlib.closing(sqlite3.connect(db)) as con:
        for eid, docs in steps:
            changed = con.execute(
                "SELECT count(*) FROM spans WHERE document_id IN "
                f"({','.join('?' * len(docs))}) AND status = 'accepted'",
                tuple(docs),
            ).fetchone()[0]
            assert changed == 2 * len(docs), eid
    s.close()


def test_undo_of_the_group_gives_every_span_back_exactly(tmp_path: Path) -> None:
    """Statuses, reviewers, review times and actor links (the ones the steps made without
    the link rules too), in every document, by one Ctrl+Z; redo then undo again."""
    db = tmp_path / "p.sqlite3"
    ids = make_project(db, LONG_FIRST * 4, {NAME: "PERSON", "Sergei Lavrov": "PERSON"})
    before = spans_of(db)
    s = ReviewSession.open(db, "ana")
    first = next(x.id for x in s.spans(ids[0]) if x.text == NAME)
    s.accept_every(first, project=True, step_ms=0)
    done = spans_of(db)
    assert done != before
    assert len(group_steps(db)) == len(ids)
    event = s.undo(ids[-1])
    assert event is not None and event.op == "accept_every_project"
    assert spans_of(db) == before
    assert not s.can_undo(ids[0])
    s.redo(ids[0])
    assert spans_of(db) == done
    s.undo(ids[2])
    assert spans_of(db) == before
    s.close()
