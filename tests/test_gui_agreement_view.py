"""The Agreement view and the analyst's feedback in the window (issue 13), on real files:
three analysts' files made by `team split` and coded, curated into a gold project."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from team_project import ANALYSTS, build_team

from idleb_desk.core.agreement.files import read_analysts
from idleb_desk.core.agreement.report import Study, report
from idleb_desk.core.curation import CURATION_FILES, curate
from idleb_desk.core.curation_session import Curation, curated_files, feedback_files
from idleb_desk.gui.agreement import tables
from idleb_desk.gui.agreement.feedback_room import version_text
from idleb_desk.store.store import Store


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_team(tmp_path_factory.mktemp("team"))


@pytest.fixture
def gold(team: dict[str, Path], tmp_path: Path) -> Path:
    out = tmp_path / "gold.sqlite3"
    curate([team[n] for n in ANALYSTS], out, "complete", curator="cara")
    return out


def _cells(model: tables.GridModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]  # fmt: skip


def _open_agreement(qtbot, w, files: list[Path]) -> None:
    w.agreement.ask_files = lambda: list(files)
    qtbot.keyClick(w.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    qtbot.waitUntil(lambda: w.agreement.result is not None and w.agreement.task is None,
                    timeout=60000)  # fmt: skip


def test_the_agreement_view_shows_the_core_reports_numbers(open_window, qtbot, team) -> None:
    files = [team[n] for n in ANALYSTS]
    expected = report(Study(*read_analysts(files)))
    w = open_window(team["ana"])
    assert not w.agreement.isVisible()
    _open_agreement(qtbot, w, files)
    view = w.agreement
    assert view.isVisible()
    assert view.result == expected
    every = expected["all_analysts"]
    # Per label: alpha_U of all analysts and each pair's overlap and exact F1.
    labels = _cells(view.labels)
    assert view.labels.headers[4:6] == ["F1 ana–ben", "exact"]
    by_label = {(r[0], r[1]): r for r in labels}
    assert by_label[("actor", "all")][2] == tables.fmt(every["actor_alpha_u"]["alpha"])
    for label, x in every["actor_alpha_u"]["labels"].items():
        row = by_label[("actor", label)]
        assert row[2] == tables.fmt(x["alpha"]) and row[3] == str(x["units"])
    for k, pair in enumerate(expected["pairwise"]):
        for label, f1 in pair["actor_f1"].items():
            row = by_label[("actor", label)]
            assert row[4 + 2 * k] == tables.fmt(f1["overlap"])
            assert row[5 + 2 * k] == tables.fmt(f1["exact"])
    assert by_label[("claim", "all")][2] == tables.fmt(every["claim_alpha_u"]["alpha"])
    # The heatmap: the pairwise figure in both halves, the model in the last column, a
    # band colour behind every number.
    matrix = _cells(view.matrix)
    assert [r[0] for r in matrix] == list(ANALYSTS)
    for pair in expected["pairwise"]:
        a, b = ANALYSTS.index(pair["a"]), ANALYSTS.index(pair["b"])
        value = tables.fmt(pair["actor_alpha_u"]["alpha"])
        assert matrix[a][1 + b] == matrix[b][1 + a] == value
    for k, g in enumerate(expected["against_model"]):
        assert matrix[k][-1] == tables.fmt(g["actor_alpha_u"]["alpha"])
    assert matrix[0][1] == tables.NOTHING  # ana against ana: nothing to compare
    colour = view.matrix.index(0, 2).data(Qt.ItemDataRole.BackgroundRole).color().name()
    assert colour == tables.band(expected["pairwise"][0]["actor_alpha_u"]["alpha"])[0]
    view.figure.setCurrentIndex(1)  # claims alpha_U
    claims = expected["pairwise"][0]["claim_alpha_u"]["alpha"]
    assert _cells(view.matrix)[0][2] == tables.fmt(claims)
    # Per document: the shared documents' alpha_U and each analyst's counts.
    docs = _cells(view.documents)
    assert [r[0] for r in docs] == [d["ext_id"] for d in expected["per_document"]]
    for row, d in zip(docs, expected["per_document"], strict=True):
        assert row[2:4] == [tables.fmt(d["actor_alpha_u"]), tables.fmt(d["claim_alpha_u"])]
        assert row[4] == " / ".join(map(str, d["actor_mentions"]))


def test_a_refused_file_is_named_and_nothing_is_shown(open_window, qtbot, team) -> None:
    w = open_window(team["ana"])
    w.agreement.ask_files = lambda: [team["ana"], team["ana"]]
    w.run_action("agreement_view")
    qtbot.waitUntil(lambda: w.agreement.task is None and "same file" in w.agreement.summary.text(),
                    timeout=60000)  # fmt: skip
    assert str(team["ana"]) in w.agreement.summary.text()
    assert w.agreement.result is None and w.agreement.files == []


def test_the_view_refreshes_while_curating(open_window, qtbot, gold, team) -> None:
    files = [team[n] for n in ANALYSTS]
    w = open_window(gold)
    _open_agreement(qtbot, w, files)
    view = w.agreement
    names = [view.name(a["name"]) for a in view.result["analysts"]]
    assert names == [*ANALYSTS, "gold"]  # the gold project joins its analysts
    before = view.result
    # Curate by keys: take ben's, then chen's version at positions to decide.
    c = w.curation.curation
    doc = next(
        d.id
        for d in w.session.documents()
        if any(s.state in ("disagreed", "incomplete") for s in c.states(d.id))
    )
    w.open_document(doc)
    w.view.setFocus()
    for key in (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(w.view, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(w.view, key, Qt.KeyboardModifier.AltModifier)
    assert view.timer.isActive()  # debounced: computed once the keys pause
    qtbot.waitUntil(lambda: view.result is not before and view.task is None, timeout=60000)
    assert view.result == report(Study(*read_analysts([*files, gold])))
    assert view.result != before
    # Hidden, the view computes nothing.
    view.hide()
    qtbot.keyClick(w.view, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(w.view, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert not view.timer.isActive()


def _decide_some(gold: Path) -> None:
    c = Curation.open(gold, "cara")
    try:
        for d in c.session.documents():
            for s in c.states(d.id):
                if s.state in ("disagreed", "incomplete"):
                    c.take_none(s.id)
    finally:
        c.close()


def test_feedback_steps_through_where_the_curator_decided_otherwise(open_window, qtbot, gold,
                                                                    team) -> None:  # fmt: skip
    _decide_some(gold)
    expected = feedback_files(gold, team["ben"])
    assert len(expected) >= 2
    w = open_window(team["ben"])
    w.feedback.ask_gold = lambda: gold
    w.run_action("compare_gold")
    qtbot.waitUntil(lambda: bool(w.feedback.items), timeout=60000)
    assert w.feedback.items == expected and w.feedback.isVisible()
    ext = {d.id: d.ext_id for d in w.session.documents()}
    for k, item in enumerate(expected):
        qtbot.keyClick(w.view, Qt.Key.Key_F7)
        assert ext[w.focus.doc_id] == item.ext_id
        assert w.view.textCursor().position() == item.start
        assert f"{k + 1}/{len(expected)}" in w.statusBar().currentMessage()
        assert f"Gold: {version_text(item.gold)}" in w.feedback.panel.text()
        assert f"You: {version_text(item.mine)}" in w.feedback.panel.text()
    qtbot.keyClick(w.view, Qt.Key.Key_F7)
    assert "No more positions after" in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert w.view.textCursor().position() == expected[-2].start
    assert ext[w.focus.doc_id] == expected[-2].ext_id


def test_feedback_against_a_file_that_is_not_the_gold_says_so(open_window, qtbot, team) -> None:
    w = open_window(team["ben"])
    w.feedback.ask_gold = lambda: team["ana"]
    w.run_action("compare_gold")
    qtbot.waitUntil(lambda: "Cannot compare" in w.statusBar().currentMessage(), timeout=60000)
    assert "ana.sqlite3" in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key.Key_F7)
    assert "Compare with gold" in w.statusBar().currentMessage()


def test_a_gold_project_knows_its_analysts_files(open_window, qtbot, gold, team) -> None:
    """The Agreement view of a gold project uses the files it was curated from: no
    dialog (asking fails the test)."""
    w = open_window(gold)

    def no_dialog() -> list[Path]:
        raise AssertionError("asked for files the gold project names")

    w.agreement.ask_files = no_dialog
    assert w.agreement.files == [team[n].resolve() for n in ANALYSTS]
    qtbot.keyClick(w.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    qtbot.waitUntil(lambda: w.agreement.result is not None and w.agreement.task is None,
                    timeout=60000)  # fmt: skip
    names = [w.agreement.name(a["name"]) for a in w.agreement.result["analysts"]]
    assert names == [*ANALYSTS, "gold"]


def test_anonymised_curation_records_no_file_names(team, tmp_path: Path) -> None:
    out = tmp_path / "blind-gold.sqlite3"
    curate([team[n] for n in ANALYSTS], out, "complete", anonymise=True, curator="cara")
    with Store.open(out, create=False, read_only=True) as store:
        assert curated_files(store) == []
        assert store.setting(CURATION_FILES) is None
