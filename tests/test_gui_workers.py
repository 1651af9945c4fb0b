"""Background tasks and their progress dialog (issue 12, item 12).

Import from the window once showed "Unexpected error": a modal QProgressDialog runs the
event loop inside `setValue`, so the task's queued "finished" signal could close the
dialog in the middle of the progress slot, which then used the dialog it no longer had.
"""

from __future__ import annotations

import sys
from pathlib import Path

from idleb_desk.gui.window.workers import TaskRunner


def _runner_with_shown_dialog(qtbot, work):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    runner = TaskRunner(parent)
    results: list[object] = []
    task = runner.run("Working", work, results.append, results.append)
    assert task.dialog is not None
    task.dialog.setMinimumDuration(0)  # shown at the first step, as a slow import's is
    # Every signal is queued before the GUI thread runs any of them: the order in which
    # a fast worker outruns the window.
    assert task.wait()
    return task, results


def test_progress_queued_behind_the_end_does_not_touch_the_closed_dialog(
    qtbot, monkeypatch
) -> None:
    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, exc, _tb: hooked.append(exc))

    def work(progress, cancelled):
        for i in range(1, 4):
            progress(i, 3, f"file {i}")
        return "done"

    task, results = _runner_with_shown_dialog(qtbot, work)
    qtbot.waitUntil(lambda: results == ["done"])
    qtbot.wait(50)
    assert hooked == []
    assert task.dialog is None


def test_import_from_the_window_with_a_shown_dialog_reports_no_error(
    open_window, tmp_db: Path, tmp_path: Path, shown_errors, qtbot, monkeypatch
) -> None:
    from idleb_desk.core.review import ReviewSession
    from idleb_desk.gui.window.workers import Task

    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, exc, _tb: hooked.append(exc))
    ReviewSession.open(tmp_db).close()
    window = open_window(tmp_db)
    articles = []
    for i in range(70):  # three batches of 32: three progress steps after the first
        article = tmp_path / f"article{i}.txt"
        article.write_text(f"Headline {i}\n\nMinister {i} said the talks would go on.\n")
        articles.append(article)
    real_start = Task.start

    def start_and_finish(task: Task) -> None:
        if task.dialog is not None:
            task.dialog.setMinimumDuration(0)
        real_start(task)
        task.wait()

    monkeypatch.setattr(Task, "start", start_and_finish)
    window.project_actions.import_paths(articles)
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == 70)
    qtbot.wait(50)
    assert hooked == []
    assert shown_errors == []
    assert window.project_actions.runner.running == []
