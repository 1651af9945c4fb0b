"""The project model retrains while the analyst reviews (issue 14): after every N
decisions, once the keys pause, in a process of its own; the window stays responsive and
says when the new model is in use. Real spaCy suggestions, real keys, a real process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from idleb_desk.cli import main
from idleb_desk.learn.model import ProjectModel, model_path
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from idleb_desk.io.importer import extract_documents
    from idleb_desk.nlp.pipeline import Extractor

    path = tmp_path_factory.mktemp("learn") / "project.sqlite3"
    with Store.open(path) as store:
        ensure_seed(store)
        assert extract_documents(store, Extractor.load()) == 1
    return path


def test_retraining_after_n_decisions_in_the_background(open_window, qtbot, extracted,
                                                         tmp_path: Path) -> None:  # fmt: skip
    db = shutil.copy(extracted, tmp_path / "project.sqlite3")
    assert main(["train", str(db), "--every", "1"]) == 0  # trained once, on, every decision
    first = ProjectModel.load(model_path(Path(db)))
    assert first is not None
    w = open_window(Path(db))
    w.training.pause.setInterval(10)  # the keys' pause, short for the test
    w.open_document(w.session.documents()[0].id)
    w.view.setFocus()
    # Walk to the claims and accept one: a decision on a claim (the model learns claims).
    qtbot.keyClick(w.view, Qt.Key.Key_G)  # scope: actors
    qtbot.keyClick(w.view, Qt.Key.Key_G)  # scope: claims
    qtbot.keyClick(w.view, Qt.Key.Key_J)  # the next claim
    assert w.focus.focused_claim() is not None
    qtbot.keyClick(w.view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: w.training.proc is not None, timeout=10000)
    assert "Training the project model" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: w.training.proc is None, timeout=60000)
    assert "retrained" in w.statusBar().currentMessage()
    second = ProjectModel.load(model_path(Path(db)))
    assert second is not None and second.version == first.version + 1
    assert second.trained_on > first.trained_on


def test_no_retraining_while_the_model_is_off(open_window, qtbot, extracted,
                                              tmp_path: Path) -> None:  # fmt: skip
    db = shutil.copy(extracted, tmp_path / "project.sqlite3")
    w = open_window(Path(db))
    w.training.pause.setInterval(10)
    w.open_document(w.session.documents()[0].id)
    w.view.setFocus()
    for _ in range(3):
        qtbot.keyClick(w.view, Qt.Key.Key_A)
    qtbot.wait(200)
    assert w.training.proc is None and not model_path(Path(db)).exists()
