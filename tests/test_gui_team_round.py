"""Issue 15's whole round in windows, by keys, on a real PostgreSQL: two analysts' windows
on their own laptops' projects, joined to one server, code the reliability sample blind
and sync with F5; the curator fetches their layers and curates (the CLI, as a curator
does), then curates the disagreement in a third window by keys, joined as the curated
layer, and syncs the gold to the server."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt
from team_server_project import as_user, copy, make_project, sync_by_key, team, use_window

from idleb_desk.cli import main
from idleb_desk.core import curation_units as cu
from idleb_desk.core.team_split import split_project
from idleb_desk.store.store import Store
from idleb_desk.team import server

pytestmark = pytest.mark.pgserver

Key, Mod = Qt.Key, Qt.KeyboardModifier


def _label_at(qtbot, w, start: int, key: Key) -> None:
    """A span on the token at `start`, by the label's number key."""
    w.view.move_caret(start)
    qtbot.keyClick(w.view, key)
    span = w.focus.focused_span()
    assert span is not None and span.start == start


def test_two_analysts_code_blind_by_keys_and_the_curator_curates(
    open_window, qtbot, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = make_project(tmp_path / "source.sqlite3")
    split = tmp_path / "split"
    split.mkdir()
    split_project(src, ["ana", "ben"], 1.0, split, seed=3)  # every document in the sample
    team(pg_url, ("ana", "ben"), curators=("cleo",))
    cleo = as_user(pg_url, "cleo")
    assert main(["team", "publish", cleo, str(split / "ana.sqlite3"),
                 "--analysts", "ana,ben"]) == 0  # fmt: skip

    windows = {}
    for who, key in (("ana", Key.Key_1), ("ben", Key.Key_2)):  # PERSON / ORG: they differ
        laptop = copy(split / f"{who}.sqlite3", tmp_path / f"laptop-{who}.sqlite3")
        assert main(["team", "join", str(laptop), as_user(pg_url, who),
                     "--analyst", who]) == 0  # fmt: skip
        monkeypatch.setenv("IDLEB_DESK_REVIEWER", who)
        w = windows[who] = open_window(laptop)
        w.team.every.stop()
        qtbot.waitUntil(lambda w=w: w.team.task is None, timeout=30000)
        docs = w.session.documents()
        assert "sample" in w.curation.badge.text()  # the window says it is coded blind
        use_window(qtbot, w)
        w.open_document(docs[0].id)
        _label_at(qtbot, w, 0, key)  # "Lavrov"
        qtbot.keyClick(w.view, Key.Key_Return, Mod.ControlModifier)  # done, next document
        assert w.focus.state.doc.id == docs[1].id
        _label_at(qtbot, w, 4, Key.Key_4)  # "ministers", NORP: they agree
        qtbot.keyClick(w.view, Key.Key_Return, Mod.ControlModifier)
        w.team.soon.stop()
        sync_by_key(qtbot, w)
        assert w.team.last.pending == 0 and "synced" in w.team.badge.text()
    # Blind: neither analyst reads the other's layer of a sample document.
    assert server.layer_rows(as_user(pg_url, "ben"), "ana") == []
    assert server.layer_rows(as_user(pg_url, "ana"), "ben") == []
    assert {r["document"] for r in server.layer_rows(cleo, "ana")}  # the curator does

    files = [str(split / "ana.sqlite3"), str(split / "ben.sqlite3")]
    assert main(["team", "fetch", cleo, *files]) == 0
    gold = tmp_path / "gold.sqlite3"
    assert main(["team", "curate", *files, "--out", str(gold), "--curator", "cleo"]) == 0
    assert main(["team", "join", str(gold), cleo, "--analyst", "cleo", "--curated"]) == 0
    monkeypatch.setenv("IDLEB_DESK_REVIEWER", "cleo")
    g = open_window(gold)
    g.team.every.stop()
    qtbot.waitUntil(lambda: g.team.task is None, timeout=30000)
    room = g.curation
    assert room.curation is not None and room.curation.analysts() == ["ana", "ben"]
    doc = next(d.id for d in g.session.documents()
               if any(p.state == cu.DISAGREED for p in room.curation.states(d.id)))  # fmt: skip
    use_window(qtbot, g)
    g.open_document(doc)
    qtbot.keyClick(g.view, Key.Key_J, Mod.AltModifier)  # the disagreement
    pos = room.current
    assert pos is not None and pos.state == cu.DISAGREED and pos.start == 0
    qtbot.keyClick(g.view, Key.Key_1, Mod.AltModifier)  # take ana's version
    assert room.model.rows[room.model.row_of(pos.id)].state == cu.CURATOR_ACCEPTED
    g.team.soon.stop()
    sync_by_key(qtbot, g)
    assert g.team.last.pending == 0
    with psycopg.connect(cleo) as con:
        curated = con.execute("SELECT data->>'label', data->>'status' FROM "
                              "idleb_team.curated_rows WHERE tbl = 'spans'").fetchall()  # fmt: skip
    assert ("PERSON", "accepted") in curated and ("ORG", "rejected") in curated  # the gold
    with Store.open(gold, create=False, read_only=True) as store:
        spans = {(s.start, s.label): s.status for s in store.spans(doc)}
    assert spans[(0, "PERSON")] == "accepted" and spans[(0, "ORG")] == "rejected"
