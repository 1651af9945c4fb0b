"""One helper for slow work: run a function off the GUI thread with progress and cancel.

The function gets `progress(i, n, name)` and `cancelled() -> bool` and returns a result,
which comes back to the GUI thread through a signal. Work that touches the project must
open its own `Store` inside the function: an SQLite connection belongs to one thread.
The GUI thread only ever sees signals, so the window keeps repainting while it runs.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from idleb_desk.gui.window.modal import return_focus

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]
WorkFn = Callable[[ProgressFn, CancelFn], Any]


class Cancelled(Exception):
    """Raised by work that stopped because the analyst pressed Cancel."""


class _Thread(QThread):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: WorkFn, cancel_event: threading.Event) -> None:
        super().__init__()
        self.fn = fn
        self.cancel_event = cancel_event

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel_event.is_set)
        except BaseException as exc:  # the GUI decides what to tell the analyst
            log.exception("background task failed")
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)

    def _progress(self, i: int, n: int, name: str) -> None:
        self.progressed.emit(int(i), int(n), str(name))


class Task(QObject):
    """A running piece of work; keep a reference until `finished` (the runner does)."""

    finished = Signal()

    def __init__(
        self,
        fn: WorkFn,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: ProgressFn | None = None,
        dialog: QProgressDialog | None = None,
    ) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self.dialog = dialog
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._closed = False
        self.runner = _Thread(fn, self.cancel_event)
        # Queued: the slots run in the GUI thread whatever thread emits.
        queued = Qt.ConnectionType.QueuedConnection
        self.runner.progressed.connect(self._progress, queued)
        self.runner.succeeded.connect(self._done, queued)
        self.runner.failed.connect(self._failed, queued)
        if dialog is not None:
            dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        self.runner.start()

    def cancel(self) -> None:
        self.cancel_event.set()
        if self.dialog is not None:
            self.dialog.setLabelText("Cancelling…")

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def wait(self, ms: int = 30000) -> bool:
        return self.runner.wait(ms)

    def _progress(self, i: int, n: int, name: str) -> None:
        if self._closed:
            return  # queued before the end, delivered after it: nothing left to show
        dialog = self.dialog
        if dialog is not None and not self.cancelled:
            dialog.setMaximum(max(n, 1))
            # A shown modal dialog runs the event loop inside setValue: the task's end
            # (queued behind this step) may close the dialog right here, so look again.
            dialog.setValue(min(i, max(n, 1)))
            if name and self.dialog is dialog:
                dialog.setLabelText(name)
        if self._on_progress is not None and not self._closed:
            self._on_progress(i, n, name)

    def _close(self) -> None:
        self._closed = True
        self.runner.wait()
        with contextlib.suppress(RuntimeError, TypeError):
            self.runner.progressed.disconnect(self._progress)
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                dialog.canceled.disconnect(self.cancel)
            parent = dialog.parentWidget()
            dialog.close()
            dialog.deleteLater()
            return_focus(parent)

    def _done(self, result: object) -> None:
        if self._closed:
            return
        self._close()
        try:
            self._on_done(result)
        finally:
            self.finished.emit()

    def _failed(self, exc: object) -> None:
        if self._closed:
            return
        self._close()
        try:
            if isinstance(exc, BaseException):
                self._on_error(exc)
        finally:
            self.finished.emit()


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until they end."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.running: list[Task] = []

    def run(
        self,
        title: str,
        fn: WorkFn,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        dialog: bool = True,
        on_progress: ProgressFn | None = None,
    ) -> Task:
        box = None
        if dialog:
            box = QProgressDialog(title, "Cancel", 0, 0, self.parent_widget)
            box.setWindowTitle(title)
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.setMinimumDuration(400)  # quick jobs finish before any dialog flashes up
            box.setAutoClose(False)
            box.setAutoReset(False)
        task = Task(fn, on_done, on_error, on_progress, box)
        self.running.append(task)
        task.finished.connect(lambda: self.running.remove(task) if task in self.running else None)
        task.start()
        return task

    def cancel_all(self, wait_ms: int = 5000) -> None:
        for task in list(self.running):
            task.cancel()
            task.wait(wait_ms)
