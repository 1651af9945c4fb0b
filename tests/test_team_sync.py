"""Sync against a real PostgreSQL (issue 15): pulls through the write path, applied once,
conflicts shown and resolved by a choice, undo pushed, blind coding, hostile strings."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from team_server_project import as_user, copy, make_project, publish_project, session, team

from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import server
from idleb_desk.team.conflicts import open_conflicts, resolve
from idleb_desk.team.notify import Listener
from idleb_desk.team.sync import SyncReport, join, sync

pytestmark = pytest.mark.pgserver


def _join(path: Path, url: str, who: str) -> None:
    with Store.open(path, create=False) as store:
        join(store, as_user(url, who), who)


def _sync(path: Path) -> SyncReport:
    with Store.open(path, create=False) as store:
        return sync(store)


def _server_events(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as con:
        rows = con.execute("SELECT id, uid FROM idleb_team.events ORDER BY id").fetchall()
    return [(int(r[0]), r[1]) for r in rows]


@pytest.fixture
def two_devices(pg_url: str, tmp_path: Path) -> tuple[str, Path, Path, int]:
    """Ana's project on two laptops (copies of one file), both joined; span 1 exists in
    both before the join."""
    team(pg_url, ("ana", "ben"))
    one = make_project(tmp_path / "one.sqlite3")
    publish_project(pg_url, one, set(), ["ana"])
    s = session(one, "ana")
    span = s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    two = copy(one, tmp_path / "two.sqlite3")
    _join(one, pg_url, "ana")
    _join(two, pg_url, "ana")
    return pg_url, one, two, span.id


def test_a_pull_applies_the_other_laptops_work_as_events(two_devices) -> None:
    url, one, two, span_id = two_devices
    s = session(one, "ana")
    doc = s.documents()[1].id
    made = s.create_span(doc, 4, 13, "NORP")
    s.relabel_span(span_id, "ORG")
    s.set_comment("span", made.id, "a comment")
    s.close()
    assert _sync(one).pushed == 3
    report = _sync(two)
    assert report.applied == 3 and report.open_conflicts == 0
    s = session(two, "ana")
    spans = {(x.start, x.end): x for x in s.spans(doc)}
    assert spans[(4, 13)].label == "NORP" and spans[(4, 13)].comment == "a comment"
    assert s.span(span_id).label == "ORG"
    assert [e.op for e in s.events()][-3:] == ["create_span", "relabel_span", "comment_span"]
    s.close()
    # Nothing comes back: the pulled events are never pushed again.
    assert _sync(two).pushed == 0 and len(_server_events(url)) == 3


def test_the_same_push_twice_is_applied_once(two_devices) -> None:
    url, one, _, span_id = two_devices
    s = session(one, "ana")
    for label in ("ORG", "GPE", "PERSON"):
        s.relabel_span(span_id, label)
    s.close()
    assert _sync(one).pushed == 3
    # The acknowledgements are lost (as when the client dies after the server commits):
    # every event is in doubt again and is sent again under its uid.
    with Store.open(one, create=False) as store, store.transaction():
        store.con.execute("UPDATE sync_events SET state = ?", (st.SENDING,))
    again = _sync(one)
    assert again.pushed == 0 and again.duplicates == 3 and again.pending == 0
    assert len(_server_events(url)) == 3


def test_a_stale_push_is_a_conflict_the_analyst_resolves(two_devices) -> None:
    url, one, two, span_id = two_devices
    for path, label in ((one, "ORG"), (two, "GPE")):
        s = session(path, "ana")
        s.relabel_span(span_id, label)
        s.close()
    assert _sync(one).pushed == 1
    report = _sync(two)
    assert report.pushed == 0 and len(report.new_conflicts) == 1 and report.open_conflicts == 1
    with Store.open(two, create=False) as store:
        (conflict,) = open_conflicts(store)
        row = next(r for r in conflict.rows if r["tbl"] == "spans")
        assert (row["base"]["label"], row["mine"]["label"], row["theirs"]["label"]) == \
            ("PERSON", "GPE", "ORG")
        # Never resolved silently: the local row is still the analyst's own.
        assert store.span(span_id).label == "GPE"
        resolve(store, conflict.id, "theirs", "ana")
        assert store.span(span_id).label == "ORG" and open_conflicts(store) == []
    assert _sync(two).pushed == 1  # the choice is an event, pushed on top of theirs
    _sync(one)
    with Store.open(one, create=False) as store:
        assert store.span(span_id).label == "ORG"


def test_keeping_mine_wins_on_every_client(two_devices) -> None:
    _, one, two, span_id = two_devices
    for path, label in ((one, "ORG"), (two, "GPE")):
        s = session(path, "ana")
        s.relabel_span(span_id, label)
        s.close()
    _sync(one)
    _sync(two)
    with Store.open(two, create=False) as store:
        resolve(store, open_conflicts(store)[0].id, "mine", "ana")
    assert _sync(two).open_conflicts == 0
    _sync(one)
    for path in (one, two):
        with Store.open(path, create=False) as store:
            assert store.span(span_id).label == "GPE"


def test_an_undo_after_a_push_is_pushed(two_devices) -> None:
    _, one, two, span_id = two_devices
    s = session(one, "ana")
    s.relabel_span(span_id, "ORG")
    s.close()
    _sync(one)
    _sync(two)
    s = session(one, "ana")
    s.undo(s.span(span_id).document_id)
    s.close()
    assert _sync(one).pushed == 1
    _sync(two)
    with Store.open(two, create=False) as store:
        assert store.span(span_id).label == "PERSON"


def test_two_analysts_renaming_one_actor_conflict(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana", "ben"))
    src = make_project(tmp_path / "src.sqlite3")
    s = session(src, "lead")
    span = s.create_span(s.documents()[0].id, 0, 6, "PERSON")  # "Lavrov", linked to its actor
    s.close()
    publish_project(pg_url, src, set(), ["ana", "ben"])
    paths = {w: copy(src, tmp_path / f"{w}.sqlite3") for w in ("ana", "ben")}
    for who, path in paths.items():
        _join(path, pg_url, who)
        s = session(path, who)
        actor_id = s.span(span.id).actor_id
        assert actor_id is not None and s.actor_name(actor_id) == "Lavrov"
        s.rename_actor(actor_id, f"Sergei Lavrov ({who})")
        s.close()
    assert _sync(paths["ana"]).pushed == 1
    report = _sync(paths["ben"])
    assert len(report.new_conflicts) == 1
    with Store.open(paths["ben"], create=False) as store:
        row = open_conflicts(store)[0].rows[0]
        assert (row["mine"]["name"], row["theirs"]["name"]) == \
            ("Sergei Lavrov (ben)", "Sergei Lavrov (ana)")


def test_blind_coding_until_the_curator_releases(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana", "ben"), curators=("cleo",))
    src = make_project(tmp_path / "src.sqlite3")
    with Store.open(src, create=False) as store:
        shas = list(st.document_shas(store.con).values())
    sample = shas[0]
    publish_project(as_user(pg_url, "cleo"), src, {sample}, ["ana", "ben"])
    paths = {w: copy(src, tmp_path / f"{w}.sqlite3") for w in ("ana", "ben")}
    for who, path in paths.items():
        _join(path, pg_url, who)
        s = session(path, who)
        for d in s.documents()[:2]:
            s.create_span(d.id, 0, 6, "PERSON" if who == "ana" else "ORG")
        s.close()
        _sync(path)
    _sync(paths["ana"])

    def ana_docs_seen_by(who: str) -> set[str]:
        rows = server.layer_rows(as_user(pg_url, who), "ana")
        return {r["document"] for r in rows}

    assert ana_docs_seen_by("ana") == {shas[0], shas[1]}
    assert ana_docs_seen_by("ben") == {shas[1]}  # the sample document is blind
    assert ana_docs_seen_by("cleo") == {shas[0], shas[1]}
    with psycopg.connect(as_user(pg_url, "ben")) as con:
        seen = con.execute("SELECT count(*) FROM idleb_team.events WHERE author = 'ana'"
                           ).fetchone()
        assert seen is not None and seen[0] == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO idleb_team.layer_rows (analyst, tbl, key, version) "
                        "VALUES ('ana', 'spans', 'x', 1)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), \
            psycopg.connect(as_user(pg_url, "ben")) as con:
        con.execute("UPDATE idleb_team.documents SET released = true")
    # Only a curator releases; then every layer of the document is readable.
    assert server.release(as_user(pg_url, "cleo"), [sample]) == 1
    assert ana_docs_seen_by("ben") == {shas[0], shas[1]}


def test_the_event_log_is_append_only(two_devices) -> None:
    url, one, _, span_id = two_devices
    s = session(one, "ana")
    s.relabel_span(span_id, "ORG")
    s.close()
    _sync(one)
    with psycopg.connect(url) as con, pytest.raises(psycopg.errors.RaiseException):
        con.execute("DELETE FROM idleb_team.events")  # even its owner
    with psycopg.connect(as_user(url, "ana")) as con, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("UPDATE idleb_team.events SET op = 'x'")


def test_a_notice_wakes_a_listener_then_a_pull_follows(two_devices) -> None:
    url, one, two, span_id = two_devices
    with Listener(as_user(url, "ana")) as listener:
        assert listener.wait_for_changes(0.2) is False
        s = session(one, "ana")
        s.relabel_span(span_id, "GPE")
        s.close()
        _sync(one)
        assert listener.wait_for_changes(10) is True
    assert _sync(two).applied == 1


def test_an_actor_merge_on_a_blind_document_reaches_the_others(pg_url: str,
                                                                tmp_path: Path) -> None:
    """The merge's mentions stay blind; the shared actors it changed do not."""
    team(pg_url, ("ana", "ben"))
    src = make_project(tmp_path / "src.sqlite3")
    s = session(src, "lead")
    doc = s.documents()[0].id
    lavrov = s.create_span(doc, 0, 6, "PERSON")
    borrell = s.create_span(doc, 11, 18, "PERSON")
    s.close()
    with Store.open(src, create=False) as store:
        sample = {st.document_shas(store.con)[doc]}
    publish_project(pg_url, src, sample, ["ana", "ben"])
    paths = {w: copy(src, tmp_path / f"{w}.sqlite3") for w in ("ana", "ben")}
    for who, path in paths.items():
        _join(path, pg_url, who)
    s = session(paths["ana"], "ana")
    source, target = s.span(lavrov.id).actor_id, s.span(borrell.id).actor_id
    assert source is not None and target is not None and source != target
    s.merge_actors(source, target)
    s.close()
    assert _sync(paths["ana"]).pushed == 1
    with psycopg.connect(as_user(pg_url, "ben")) as con:
        row = con.execute("SELECT count(*) FROM idleb_team.events").fetchone()
        assert row is not None and row[0] == 0  # the event itself is blind
    report = _sync(paths["ben"])
    assert report.applied == 1
    with Store.open(paths["ben"], create=False) as store:
        merged = store.con.execute(
            "SELECT merged_into FROM actors WHERE id = ?", (source,)
        ).fetchone()[0]
        assert merged == target
        # ben's own mention of Lavrov is his own: still his, still linked as he left it
        assert store.span(lavrov.id).actor_id == source


def test_a_curators_gold_project_writes_the_curated_layer(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana",), curators=("cleo",))
    gold = make_project(tmp_path / "gold.sqlite3")
    with Store.open(gold, create=False) as store:
        sample = {st.document_shas(store.con)[1]}
    publish_project(as_user(pg_url, "cleo"), gold, sample, ["ana"])
    ana = make_project(tmp_path / "ana.sqlite3")
    with Store.open(ana, create=False) as store, pytest.raises(server.TeamServerError,
                                                               match="only a curator"):
        join(store, as_user(pg_url, "ana"), "ana", curated=True)
    with Store.open(gold, create=False) as store:
        join(store, as_user(pg_url, "cleo"), "cleo", curated=True)
    s = session(gold, "cleo")
    for d in s.documents()[:2]:
        s.create_span(d.id, 0, 6, "PERSON")
    s.close()
    assert _sync(gold).pushed == 2

    def curated_docs(who: str) -> set[str]:
        with psycopg.connect(as_user(pg_url, who)) as con:
            return {r[0] for r in con.execute("SELECT document FROM idleb_team.curated_rows")}

    (blind,) = sample
    assert blind in curated_docs("cleo") and len(curated_docs("cleo")) == 2
    assert curated_docs("ana") == curated_docs("cleo") - {blind}  # gold is blind too
    with psycopg.connect(as_user(pg_url, "ana")) as con, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("INSERT INTO idleb_team.curated_rows (tbl, key, version) "
                    "VALUES ('spans', 'x', 1)")
    server.release(as_user(pg_url, "cleo"), [blind])
    assert curated_docs("ana") == curated_docs("cleo")
