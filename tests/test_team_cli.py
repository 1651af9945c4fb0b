"""`idleb-desk team init|add-member|publish|join|sync|status|conflicts|resolve|release`
against a real PostgreSQL (issue 15): what the user sees and the exit codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pg_server import PgServer
from team_server_project import as_user, copy, make_project, session

from idleb_desk.cli import main

pytestmark = pytest.mark.pgserver


def test_init_add_publish_join_sync_from_the_command_line(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["team", "init", pg_url]) == 0
    assert main(["team", "init", pg_url]) == 2
    assert "already holds" in capsys.readouterr().err
    assert main(["team", "add-member", pg_url, "ana"]) == 0
    assert main(["team", "add-member", pg_url, "cleo", "--role", "curator"]) == 0
    assert main(["team", "add-member", pg_url, "idleb_x"]) == 2
    capsys.readouterr()
    # An analyst cannot make members: the server's refusal, no traceback.
    assert main(["team", "add-member", as_user(pg_url, "ana"), "eve"]) == 1
    assert "the team server refused: permission denied" in capsys.readouterr().err
    one = make_project(tmp_path / "one.sqlite3")
    assert main(["team", "publish", as_user(pg_url, "cleo"), str(one), "--analysts", "ana"]) == 0
    s = session(one, "ana")
    span = s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    two = copy(one, tmp_path / "two.sqlite3")
    capsys.readouterr()
    for path in (one, two):
        assert main(["team", "join", str(path), as_user(pg_url, "ana"), "--analyst", "ana"]) == 0
    # Both laptops change the same span: the second push is a conflict, shown, not lost.
    for path, label in ((one, "ORG"), (two, "GPE")):
        s = session(path, "ana")
        s.relabel_span(span.id, label)
        s.close()
    assert main(["team", "sync", str(one)]) == 0
    assert "synced: pushed 1" in capsys.readouterr().out
    assert main(["team", "sync", str(two), "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["open_conflicts"] == 1 and "conflict 1" in out.err
    assert main(["team", "conflicts", str(two)]) == 0
    listing = capsys.readouterr().out
    assert "base  : label='PERSON'" in listing and "mine  : label='GPE'" in listing
    assert "theirs: label='ORG'" in listing
    assert main(["team", "status", str(two)]) == 0
    assert "1 conflicts" in capsys.readouterr().out
    assert main(["team", "resolve", str(two), "1", "--mine"]) == 0
    assert main(["team", "sync", str(two)]) == 0
    assert main(["team", "sync", str(one)]) == 0
    capsys.readouterr()
    s = session(one, "ana")
    assert s.span(span.id).label == "GPE"
    s.close()
    assert main(["team", "resolve", str(two), "1", "--theirs"]) == 2  # resolved already


def test_refusals_name_the_problem_and_touch_nothing(
    pg_server: PgServer, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["team", "init", pg_url])
    main(["team", "add-member", pg_url, "ana"])
    path = make_project(tmp_path / "p.sqlite3")
    secret = as_user(pg_url, "ana").replace("ana@", "ana:hunter2@")
    assert main(["team", "join", str(path), secret, "--analyst", "ana"]) == 2
    assert "pgpass" in capsys.readouterr().err
    assert main(["team", "join", str(path), as_user(pg_url, "ana"), "--analyst", "ben"]) == 2
    assert "not 'ben'" in capsys.readouterr().err
    assert main(["team", "sync", str(path)]) == 2
    assert "not joined" in capsys.readouterr().err
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM settings WHERE key LIKE 'team.%'").fetchone() == (0,)
    con.close()
    # sslmode is libpq's and honoured (over TCP: libpq ignores it on a unix socket): this
    # server speaks no SSL, so 'require' is refused and 'disable' joins.
    tcp = pg_server.tcp_url(pg_url.split("/")[3].split("?")[0], "ana")
    assert main(["team", "join", str(path), tcp + "?sslmode=require", "--analyst", "ana"]) == 1
    assert "SSL" in capsys.readouterr().err
    assert main(["team", "join", str(path), tcp + "?sslmode=disable", "--analyst", "ana"]) == 0


def test_offline_sync_keeps_everything_and_says_since_when(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["team", "init", pg_url])
    main(["team", "add-member", pg_url, "ana"])
    path = make_project(tmp_path / "p.sqlite3")
    assert main(["team", "join", str(path), as_user(pg_url, "ana"), "--analyst", "ana"]) == 0
    s = session(path, "ana")
    s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    # The server's address now leads nowhere (a folder with no server socket in it).
    con = sqlite3.connect(path)
    link = json.loads(con.execute("SELECT value FROM settings WHERE key = 'team.server'"
                                  ).fetchone()[0])
    link["url"] = f"postgresql://ana@/nowhere?host={tmp_path}"
    con.execute("UPDATE settings SET value = ? WHERE key = 'team.server'", (json.dumps(link),))
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["team", "sync", str(path)]) == 1
    assert "cannot reach the team server" in capsys.readouterr().err
    assert main(["team", "status", str(path)]) == 0
    status = capsys.readouterr().out
    assert status.startswith("offline since ") and "1 pending" in status
