"""The team's whole round on a real PostgreSQL (issue 15): split, publish, two analysts
code the reliability sample blind on their own laptops and sync, the curator fetches
their layers into the split files and curates them into a gold project."""

from __future__ import annotations

from pathlib import Path

import pytest
from team_server_project import as_user, copy, make_project, session, team

from idleb_desk.cli import main
from idleb_desk.core.team_split import split_project
from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import server

pytestmark = pytest.mark.pgserver


def test_two_laptops_code_blind_sync_and_the_curator_curates(pg_url: str,
                                                             tmp_path: Path) -> None:
    src = make_project(tmp_path / "source.sqlite3")
    split = tmp_path / "split"  # the curator's copies of what was handed out
    split.mkdir()
    split_project(src, ["ana", "ben"], 1.0, split, seed=3)  # every document in the sample
    team(pg_url, ("ana", "ben"), curators=("cleo",))
    cleo = as_user(pg_url, "cleo")
    assert main(["team", "publish", cleo, str(split / "ana.sqlite3"),
                 "--analysts", "ana,ben"]) == 0  # fmt: skip
    laptops = {}
    for who, label in (("ana", "PERSON"), ("ben", "ORG")):
        laptops[who] = copy(split / f"{who}.sqlite3", tmp_path / f"laptop-{who}.sqlite3")
        assert main(["team", "join", str(laptops[who]), as_user(pg_url, who),
                     "--analyst", who]) == 0  # fmt: skip
        s = session(laptops[who], who)
        docs = s.documents()
        s.create_span(docs[0].id, 0, 6, label)  # "Lavrov": they differ
        s.create_span(docs[1].id, 4, 13, "NORP")  # "ministers": they agree
        s.mark_document_done(docs[0].id)
        s.mark_document_done(docs[1].id)
        s.close()
        assert main(["team", "sync", str(laptops[who])]) == 0
    # Blind: neither reads the other's layer of a sample document before release.
    assert server.layer_rows(as_user(pg_url, "ben"), "ana") == []
    assert server.layer_rows(as_user(pg_url, "ana"), "ben") == []
    with Store.open(laptops["ben"], create=False) as store:
        labels = {x.label for d in store.execute("SELECT id FROM documents").fetchall()
                  for x in store.spans(int(d[0]))}  # fmt: skip
        assert "PERSON" not in labels and st.remote_log(store.con) != []
    # The curator brings the split files up to the layers and curates them.
    files = [str(split / "ana.sqlite3"), str(split / "ben.sqlite3")]
    assert main(["team", "fetch", cleo, *files]) == 0
    gold = tmp_path / "gold.sqlite3"
    assert main(["team", "curate", *files, "--out", str(gold), "--curator", "cleo"]) == 0
    with Store.open(gold, create=False, read_only=True) as store:
        rows = store.execute(
            "SELECT d.ext_id, s.start, s.\"end\", s.label, s.status FROM spans s "
            "JOIN documents d ON d.id = s.document_id ORDER BY 1, 2, 4"
        ).fetchall()
    found = {(r[0], r[1], r[2], r[3]): r[4] for r in rows}
    assert found[("d1", 4, 13, "NORP")] == "accepted"  # agreed: merged
    # disagreed: both versions left for the curator to choose
    assert found[("d0", 0, 6, "ORG")] == found[("d0", 0, 6, "PERSON")] == "suggested"
