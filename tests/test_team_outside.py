"""A sync seen from the window's open session (issue 15): the sync's bookkeeping commits
(the pulled log, the cursor, the push marks) change nothing the window shows, so the
session's look at outside commits must not answer "everything changed" (which re-reads
the open document whole, a third of a second on a long article, after every sync)."""

from __future__ import annotations

from pathlib import Path

import pytest
from team_server_project import as_user, copy, make_project, publish_project, session, team

from idleb_desk.store.store import Store
from idleb_desk.team.sync import join, sync

pytestmark = pytest.mark.pgserver


def _sync(path: Path) -> None:
    with Store.open(path, create=False) as store:
        sync(store)


@pytest.fixture
def projects(pg_url: str, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Ana's project on two laptops and Ben's, all joined."""
    team(pg_url, ("ana", "ben"))
    one = make_project(tmp_path / "one.sqlite3")
    publish_project(pg_url, one, set(), ["ana", "ben"])
    two, ben = copy(one, tmp_path / "two.sqlite3"), copy(one, tmp_path / "ben.sqlite3")
    for path, who in ((one, "ana"), (two, "ana"), (ben, "ben")):
        with Store.open(path, create=False) as store:
            join(store, as_user(pg_url, who), who)
    return one, two, ben


def test_a_sync_that_only_logs_a_colleagues_work_changes_nothing_shown(projects) -> None:
    one, _two, ben = projects
    s = session(ben, "ben")
    s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    _sync(ben)
    window = session(one, "ana")
    try:
        assert not window.changes_elsewhere()
        _sync(one)  # pulls Ben's event into the log only (his layer is not Ana's)
        assert not window.changes_elsewhere()
        mine = window.create_span(window.documents()[1].id, 0, 3, "ORG")
        window.take_changes()
        _sync(one)  # pushes it: marks and versions only
        assert not window.changes_elsewhere()
        assert window.span(mine.id).label == "ORG"
    finally:
        window.close()


def test_a_pull_that_applies_names_only_its_rows(projects) -> None:
    one, two, _ben = projects
    s = session(two, "ana")
    made = s.create_span(s.documents()[1].id, 4, 13, "NORP")
    s.close()
    _sync(two)
    window = session(one, "ana")
    try:
        assert not window.changes_elsewhere()
        _sync(one)
        changes = window.changes_elsewhere()
        assert changes and not changes.everything
        assert len(changes.spans) == 1 and made.text in [window.span(i).text for i in changes.spans]
        # A write the events do not explain is still "everything".
        other = Store.open(one, create=False)
        with other.transaction():
            other.con.execute("UPDATE settings SET value = value WHERE 0")
            other.con.execute("INSERT INTO settings (key, value) VALUES ('x.test', '1')")
        other.close()
        assert window.changes_elsewhere().everything
    finally:
        window.close()
