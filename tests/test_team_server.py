"""The team server against a real PostgreSQL (issue 15): schema, roles, sync basics."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from team_server_project import as_user, make_project, publish_project, session, team

from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import server, server_schema
from idleb_desk.team.sync import join, sync

pytestmark = pytest.mark.pgserver


def _server_log(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as con:
        return [
            (int(r[0]), r[1])
            for r in con.execute("SELECT id, uid FROM idleb_team.events ORDER BY id")
        ]


def test_two_clients_share_one_event_log(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana", "ben"))
    src = make_project(tmp_path / "src.sqlite3")
    publish_project(pg_url, src, set(), ["ana", "ben"])
    paths = {}
    for who in ("ana", "ben"):
        paths[who] = make_project(tmp_path / f"{who}.sqlite3")
        with Store.open(paths[who], create=False) as store:
            join(store, as_user(pg_url, who), who)
    s = session(paths["ana"], "ana")
    doc = s.documents()[0].id
    span = s.create_span(doc, 0, 6, "PERSON")
    s.relabel_span(span.id, "ORG")
    s.close()
    s = session(paths["ben"], "ben")
    s.create_span(s.documents()[1].id, 4, 13, "NORP")
    s.close()
    reports = {}
    for _ in range(2):
        for who, path in paths.items():
            with Store.open(path, create=False) as store:
                reports[who] = sync(store)
    assert reports["ana"].pending == 0 and reports["ben"].open_conflicts == 0
    log = _server_log(pg_url)
    assert len(log) >= 3
    for path in paths.values():
        with Store.open(path, create=False) as store:
            assert st.remote_log(store.con) == log


def test_a_client_refuses_a_newer_server_schema(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana",))
    path = make_project(tmp_path / "ana.sqlite3")
    with Store.open(path, create=False) as store:
        join(store, as_user(pg_url, "ana"), "ana")
    with psycopg.connect(pg_url) as con:
        con.execute(
            "INSERT INTO idleb_team.schema_version (version) VALUES (%s)",
            (server_schema.SERVER_SCHEMA_VERSION + 1,),
        )
    with (
        Store.open(path, create=False) as store,
        pytest.raises(server.TeamServerError, match="newer"),
    ):
        sync(store)


def test_init_upgrades_a_team_of_an_older_schema(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana",))
    # A version-1 team: no `stored_ids`, and the version recorded as 1.
    with psycopg.connect(pg_url) as con:
        con.execute("DROP FUNCTION idleb_team.stored_ids(text[])")
        con.execute("DELETE FROM idleb_team.schema_version")
        con.execute("INSERT INTO idleb_team.schema_version (version) VALUES (1)")
    assert server.init_server(pg_url) == server_schema.SERVER_SCHEMA_VERSION
    with pytest.raises(server.TeamServerError, match="already holds"):
        server.init_server(pg_url)
    path = make_project(tmp_path / "ana.sqlite3")
    with Store.open(path, create=False) as store:
        join(store, as_user(pg_url, "ana"), "ana")
    s = session(path, "ana")
    s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    with Store.open(path, create=False) as store:
        assert sync(store).pushed == 1
    assert len(_server_log(pg_url)) == 1


def test_a_url_with_a_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(server.TeamServerError, match="pgpass"):
        server.check_url("postgresql://ana:secret@localhost/team")
