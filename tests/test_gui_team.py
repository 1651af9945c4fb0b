"""The team server in the window (issue 15), against a real PostgreSQL: two windows on
two laptops' copies of one project sync by F5 (in a worker, never the GUI thread), the
status item says where things stand, a pull is drawn at once, and a conflict is shown
with base, mine and theirs until the analyst chooses by a key."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from team_server_project import (
    as_user,
    copy,
    make_project,
    publish_project,
    sync_by_key,
    team,
    use_window,
)

from idleb_desk.store.store import Store
from idleb_desk.team.sync import join

pytestmark = pytest.mark.pgserver


@pytest.fixture
def laptops(pg_url: str, tmp_path: Path) -> tuple[Path, Path]:
    """Ana's project on two laptops, both joined to the team server."""
    team(pg_url, ("ana",))
    one = make_project(tmp_path / "one.sqlite3")
    publish_project(pg_url, one, set(), ["ana"])
    two = copy(one, tmp_path / "two.sqlite3")
    for path in (one, two):
        with Store.open(path, create=False) as store:
            join(store, as_user(pg_url, "ana"), "ana")
    return one, two


def _new_span_at_start(qtbot, w) -> int:
    use_window(qtbot, w)
    w.view.move_caret(0)
    qtbot.keyClick(w.view, Qt.Key.Key_N)  # a span on the token at the caret
    focused = w.focus.focused_span()
    assert focused is not None and focused.start == 0
    return focused.id


def test_two_windows_sync_and_a_conflict_is_chosen_by_key(open_window, qtbot, laptops,
                                                          monkeypatch) -> None:  # fmt: skip
    one, two = laptops
    monkeypatch.setenv("IDLEB_DESK_REVIEWER", "ana")
    wa, wb = open_window(one), open_window(two)
    for w in (wa, wb):
        assert w.team.link is not None and w.team.badge.isVisible()
        qtbot.waitUntil(
            lambda w=w: w.team.task is None and w.team.last is not None, timeout=30000
        )  # fmt: skip (the sync on opening)
        assert "synced" in w.team.badge.text()
        w.open_document(w.session.documents()[0].id)
        w.view.setFocus()

    for w in (wa, wb):
        w.team.every.stop()  # the test presses F5; a colleague's push still wakes a window
    span_id = _new_span_at_start(qtbot, wa)
    assert wa.team.soon.isActive()  # the change goes out once the keys pause
    wa.team.soon.stop()
    wa.team.soon.timeout.emit()  # the pause is over: a sync, for there is an event to push
    assert wa.team.task is not None
    qtbot.waitUntil(lambda: wa.team.task is None and not wa.team.again, timeout=30000)
    assert "synced" in wa.team.badge.text() and wa.team.last.pending == 0
    sync_by_key(qtbot, wb)  # (the server's notice may have woken it already)
    wb.team.soon.stop()
    wb.team.soon.timeout.emit()  # what the pull drew is on the server: nothing to push
    assert wb.team.task is None
    # Drawn at once: the pulled span is in the open article of the other window.
    pulled = [s for s in wb.focus.state.spans.values() if s.start == 0]
    assert len(pulled) == 1
    theirs_id = pulled[0].id

    # The same span relabelled on both laptops: the later push is refused as stale.
    use_window(qtbot, wa)
    wa.focus.focus_item(("span", span_id))
    qtbot.keyClick(wa.view, Qt.Key.Key_2)  # label 2: ORG
    use_window(qtbot, wb)
    wb.focus.focus_item(("span", theirs_id))
    qtbot.keyClick(wb.view, Qt.Key.Key_3)  # label 3: GPE
    for w in (wa, wb):
        w.team.soon.stop()
    sync_by_key(qtbot, wa)
    sync_by_key(qtbot, wb)
    qtbot.waitUntil(lambda: "1 conflict" in wb.team.badge.text(), timeout=30000)
    assert wb.session.span(theirs_id).label == "GPE"  # nothing overwritten unseen

    use_window(qtbot, wb)
    qtbot.keyClick(wb.view, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    dialog = wb.team.dialog
    assert dialog is not None and dialog.isVisible() and dialog.list.count() == 1
    cells = {dialog.table.item(r, 1).text(): [dialog.table.item(r, c).text() for c in (2, 3, 4)]
             for r in range(dialog.table.rowCount())}  # fmt: skip
    assert cells["label"][1:] == ["GPE", "ORG"]  # mine, theirs
    qtbot.keyClick(dialog, Qt.Key.Key_T)  # take theirs
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=30000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: wb.focus.state.spans[theirs_id].label == "ORG", timeout=30000)
    sync_by_key(qtbot, wb)
    sync_by_key(qtbot, wa)
    assert wa.session.span(span_id).label == "ORG" == wb.session.span(theirs_id).label
    assert "synced" in wa.team.badge.text() and "conflict" not in wb.team.badge.text()


def test_without_a_team_nothing_shows_and_f5_says_so(open_window, qtbot,
                                                      tmp_path: Path) -> None:  # fmt: skip
    w = open_window(make_project(tmp_path / "solo.sqlite3"))
    assert w.team.link is None and not w.team.badge.isVisible()
    qtbot.keyClick(w.view, Qt.Key.Key_F5)
    assert "not joined" in w.statusBar().currentMessage()


def test_notices_in_a_row_make_one_sync_then_one_more(open_window, qtbot, laptops,
                                                      monkeypatch) -> None:  # fmt: skip
    """A team pushing all the time wakes the window again and again: it syncs at most
    every WOKEN_GAP_MS (each sync's work slows the keys), and no notice is dropped."""
    one, _two = laptops
    monkeypatch.setenv("IDLEB_DESK_REVIEWER", "ana")
    w = open_window(one)
    room = w.team
    qtbot.waitUntil(lambda: room.task is None and room.last is not None, timeout=30000)
    room.every.stop()
    room._stop_listening()
    room.started = -1e9
    room.woken.emit()
    assert room.task is not None and not room.later.isActive()  # the first: at once
    qtbot.waitUntil(lambda: room.task is None, timeout=30000)
    room.woken.emit()
    room.woken.emit()
    assert room.task is None and room.later.isActive()  # the next ones: one, later
    qtbot.waitUntil(lambda: not room.later.isActive() and room.task is None, timeout=30000)
    assert time.monotonic() - room.started < 30 and room.last is not None
