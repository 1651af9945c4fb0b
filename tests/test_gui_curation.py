"""Issue 13 in the window: a gold project opens in curation mode and is curated by keys
(next disagreement, take analyst N, take none, undo); the export holds the decisions. An
analyst's file shows the analyst's name and the reliability sample."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat
from team_project import ANALYSTS, build_team

from idleb_desk.cli import main
from idleb_desk.core import curation_units as cu
from idleb_desk.core.curation import curate
from idleb_desk.core.curation_session import Curation, PositionState, analyst_file
from idleb_desk.gui.curation import states
from idleb_desk.gui.curation.versions_panel import CLAIM_ROWS
from idleb_desk.model import LAYER_ACTOR
from idleb_desk.store.store import Store


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_team(tmp_path_factory.mktemp("team"))


@pytest.fixture
def gold(team: dict[str, Path], tmp_path: Path) -> Path:
    out = tmp_path / "gold.sqlite3"
    curate([team[n] for n in ANALYSTS], out, "complete", curator="cara")
    return out


def _busiest(gold: Path) -> int:
    """The gold document with the most positions still to decide."""
    c = Curation.open(gold)
    try:
        docs = [d.id for d in c.session.documents()]
        return max(docs, key=lambda d: sum(s.state in cu.TO_DECIDE for s in c.states(d)))
    finally:
        c.close()


def _key(qtbot, window, key: Qt.Key, mods=Qt.KeyboardModifier.AltModifier) -> None:
    qtbot.keyClick(window.view, key, mods)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _exported(rows: list[dict[str, str]], pos: PositionState, title: str) -> list[dict[str, str]]:
    start = "start" if pos.layer == LAYER_ACTOR else "content_start"
    return [r for r in rows if r["document_title"] == title
            and pos.start <= int(r[start]) < pos.end]  # fmt: skip


def test_curation_by_keys_and_the_gold_export(open_window, qtbot, gold: Path, tmp_path: Path
                                              ) -> None:  # fmt: skip
    doc_id = _busiest(gold)
    w = open_window(gold)
    room = w.curation
    assert room.curation is not None and room.isVisible()
    assert room.curation.analysts() == list(ANALYSTS)
    w.open_document(doc_id)
    w.view.setFocus()
    title = w.focus.state.doc.title
    first = room.model.rows[0]
    # Every position shows its state in a word and a colour, with the meaning in the tooltip.
    idx = room.model.index(0, 0)
    assert room.model.data(idx) == states.look(first.state).word
    assert room.model.data(idx, Qt.ItemDataRole.BackgroundRole) == states.background(first.state)
    assert states.look(first.state).word in room.model.data(idx, Qt.ItemDataRole.ToolTipRole)
    assert "disagreed" in room.legend.text() and "incomplete" in room.legend.text()

    _key(qtbot, w, Qt.Key.Key_J)  # Alt+J: the first position to decide
    p1 = room.current
    assert p1 is not None and p1.state in cu.TO_DECIDE
    assert p1 == next(s for s in room.model.rows if s.state in cu.TO_DECIDE)
    # The versions side by side, one column per analyst, headed by the key that takes it.
    assert room.versions.columnCount() == 3
    assert room.versions.horizontalHeaderItem(1).text() == "Alt+2 · ben"
    if p1.layer != LAYER_ACTOR:
        assert room.versions.rowCount() == len(CLAIM_ROWS)
    ben = room.curation.versions(p1.id)[1]

    _key(qtbot, w, Qt.Key.Key_2)  # Alt+2: take ben's version, go to the next to decide
    after = room.curation.state(p1.id)
    assert after.taken_from == 1
    assert after.state == (cu.CURATOR_ACCEPTED if ben.units else cu.CURATOR_REJECTED)
    assert room.model.rows[room.model.row_of(p1.id)] == after  # the table follows
    assert "Took ben's version" in w.statusBar().currentMessage()
    p2 = room.current
    assert p2 is not None and p2.id != p1.id and p2.state in cu.TO_DECIDE

    _key(qtbot, w, Qt.Key.Key_0)  # Alt+0: take none
    assert room.curation.state(p2.id).state == cu.CURATOR_REJECTED
    p3 = room.current
    assert p3 is not None and p3.state in cu.TO_DECIDE

    _key(qtbot, w, Qt.Key.Key_1)  # Alt+1: ana's version ...
    assert room.curation.state(p3.id).taken_from == 0
    _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ... undone
    assert room.curation.state(p3.id).state == p3.state
    row = room.model.row_of(p3.id)
    assert room.model.data(room.model.index(row, 0)) == states.look(p3.state).word
    assert room.curation.state(p2.id).state == cu.CURATOR_REJECTED  # one step only
    w.close()

    out = tmp_path / "export"
    assert main(["export", str(gold), "--out", str(out)]) == 0
    layer_file = {LAYER_ACTOR: "actors.csv"}
    for pos, expect in ((p1, ben), (p2, None), (p3, None)):
        rows = _exported(_rows(out / layer_file.get(pos.layer, "claims.csv")), pos, title)
        if expect is None:
            assert rows == [], pos  # none taken, or the decision undone: nothing reviewed
        elif pos.layer == LAYER_ACTOR:
            got = {(r["text"], r["label"]) for r in rows}
            assert got == {(u["text"], u["label"]) for u in expect.units}
        else:
            assert sorted(r["kind"] for r in rows) == sorted(u["kind"] for u in expect.units)


def test_curation_keys_outside_a_gold_project_say_so(open_window, qtbot, team) -> None:
    w = open_window(team["ana"])
    assert w.curation.curation is None and not w.curation.isVisible()
    _key(qtbot, w, Qt.Key.Key_J)
    assert "Not a gold project" in w.statusBar().currentMessage()


def test_an_analysts_file_shows_the_name_and_the_sample(open_window, team) -> None:
    with Store.open(team["ben"], create=False, read_only=True) as store:
        info = analyst_file(store)
    assert info is not None and info.analyst == "ben" and info.sample
    w = open_window(team["ben"])
    badge = w.curation.badge
    assert badge.isVisible() and "Analyst: ben" in badge.text()
    model = w.doc_model
    for row, d in enumerate(model.rows):
        status = model.data(model.index(row, 1))
        assert status.endswith("· sample") == (d.id in info.sample), status
    inside = next(iter(info.sample))
    outside = next(d.id for d in model.rows if d.id not in info.sample)
    w.open_document(inside)
    assert "this document is in the reliability sample" in badge.text()
    w.open_document(outside)
    assert "not in the sample" in badge.text()


def _underline_at(w, cp: int) -> tuple[QTextCharFormat.UnderlineStyle, str]:
    """The underline the highlighter drew at code point `cp` of the article."""
    umap = w.focus.state.umap
    qt = umap.to_qt(cp)
    block = w.view.document().findBlock(qt)
    local = qt - block.position()
    for r in block.layout().formats():
        if r.start <= local < r.start + r.length:
            return r.format.underlineStyle(), r.format.underlineColor().name()
    return QTextCharFormat.UnderlineStyle.NoUnderline, ""


def test_the_article_shows_each_positions_state(open_window, qtbot, gold: Path) -> None:
    """Not only the dock: the text under a position carries its state's colour (a wave
    while to decide, a line once decided) and the tooltip says the state in words."""
    doc_id = _busiest(gold)
    w = open_window(gold)
    room = w.curation
    w.open_document(doc_id)
    w.view.setFocus()
    for p in room.model.rows:
        style, color = _underline_at(w, p.start)
        wave = QTextCharFormat.UnderlineStyle.WaveUnderline
        assert (style == wave) == (p.state in cu.TO_DECIDE), (p, style)
        nested = [q for q in room.model.rows if q.start <= p.start < q.end and q is not p]
        if not nested:  # where positions overlap, the later one draws on top
            assert color == QColor(states.look(p.state).color).name()
    assert states.look(room.model.rows[0].state).word in w.focus.tooltip_for(
        room.model.rows[0].start)

    _key(qtbot, w, Qt.Key.Key_J)
    pos = room.current
    assert pos is not None and pos.state in cu.TO_DECIDE
    _key(qtbot, w, Qt.Key.Key_1)  # take analyst 1's version: decided now
    decided = room.model.rows[room.model.row_of(pos.id)]
    assert decided.state not in cu.TO_DECIDE
    style, color = _underline_at(w, decided.start)
    assert style == QTextCharFormat.UnderlineStyle.SingleUnderline
    assert "Curation: " + states.look(decided.state).word in w.focus.tooltip_for(decided.start)

    _key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: a wave again
    assert _underline_at(w, pos.start)[0] == QTextCharFormat.UnderlineStyle.WaveUnderline

    w.open_document(None)  # another document (none): no marks left behind
    assert room.highlighter.block_marks == {}
