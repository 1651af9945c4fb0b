"""Every occurrence in the project, off the GUI thread, with progress and Cancel.

The worker opens its own connection to the project and runs the review API's stepped
bulk action (`core.bulk_steps`): whole documents per commit, the lock free between
commits, all of it one undo group. The window stays painted while it runs, a progress
dialog counts the documents, and Cancel stops before the next document, keeping what
was saved (one Ctrl+Z undoes it). When it ends the open document is re-read and the
document list recounted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from idleb_desk.core.bulk_ops import BulkResult
from idleb_desk.core.opening import ProjectError, open_for_work
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.modal import return_focus
from idleb_desk.gui.window.workers import CancelFn, ProgressFn, Task, TaskRunner

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 400  # a small project finishes before any dialog flashes up


@dataclass(frozen=True)
class BulkRequest:
    span_id: int
    accept: bool
    text: str
    label: str

    @property
    def title(self) -> str:
        verb = "Accepting" if self.accept else "Rejecting"
        return f"{verb} every “{self.text}” ({self.label}) in the project"


def run_every_project(
    parent: QWidget,
    session: ReviewSession,
    request: BulkRequest,
    on_done: Callable[[BulkResult | None], None],
    on_refused: Callable[[str], None],
) -> Task:
    """Start the bulk action in the background; `on_done` gets its result (also when
    cancelled; None when it failed), `on_refused` a status line when it changed nothing."""
    path, reviewer = session.path, session.reviewer
    runner = getattr(parent, "runner", None)
    if not isinstance(runner, TaskRunner):
        runner = TaskRunner(parent)

    def work(progress: ProgressFn, cancelled: CancelFn) -> BulkResult:
        store = open_for_work(path)
        try:
            worker = ReviewSession(store, reviewer)
            fn = worker.accept_every if request.accept else worker.reject_every
            return fn(request.span_id, project=True, progress=progress, cancelled=cancelled)
        finally:
            store.close()

    dialog = _dialog(parent, request.title)
    task: Task

    def progress(done: int, total: int, text: str) -> None:
        if task.cancelled:
            return  # Cancel hid the dialog; the worker stops before its next document
        # The label first: setValue may run queued events, the end of the task included.
        dialog.setLabelText(f"{text} documents")
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    def finish() -> None:
        dialog.canceled.disconnect(task.cancel)
        dialog.close()
        dialog.deleteLater()
        return_focus(parent)

    def done(result: Any) -> None:
        finish()
        on_done(result)

    def failed(exc: BaseException) -> None:
        finish()
        if isinstance(exc, ReviewError):
            on_refused(f"Not changed: {exc}")
        elif isinstance(exc, ProjectError):
            errors.show_error(parent, "Could not save", errors.describe(exc))
        else:
            errors.show_error(parent, "Unexpected error", errors.describe(exc))
        # What the steps before the failure saved is one undo group: show it.
        on_done(None)

    task = runner.run(request.title, work, done, failed, dialog=False, on_progress=progress)
    dialog.canceled.connect(task.cancel)
    return task


def _dialog(parent: QWidget, title: str) -> QProgressDialog:
    box = QProgressDialog(title, "Cancel", 0, 0, parent)
    box.setObjectName("bulkProgress")
    box.setWindowTitle("Every occurrence in the project")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setMinimumDuration(SHOW_AFTER_MS)
    box.setAutoClose(False)
    box.setAutoReset(False)
    box.setValue(0)  # starts the clock that shows it after SHOW_AFTER_MS
    return box
