"""The project model retrained while the analyst works (issue 14), never in the window's
process: after every N decisions (the project setting `learn.every_decisions`, set by
`idleb-desk train --every N`), once the keys pause, `idleb-desk train --background` runs as
a process of its own; the window polls it and says when the new model is in use. On
demand: Review → Train the project model, which also turns the model on and re-scores the
suggestions still pending (`learn.rescore`, logged as this analyst's: their Ctrl+Z in a
document brings its suggestions back; the window draws it as another program's change)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from idleb_desk.changes import Changes
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.learn.switch import model_on

if TYPE_CHECKING:
    import subprocess

log = logging.getLogger(__name__)

def _learn() -> Any:
    """The project model's calls, imported on first use: they bring numpy, which the
    window does not load to start."""
    from idleb_desk.learn import project

    return project


PAUSE_MS = 5000  # after the last decision: the count is read once the keys pause
POLL_MS = 1000


class ModelTraining:
    def __init__(self, ctx: RoomContext) -> None:
        self.ctx = ctx
        self.proc: subprocess.Popen[bytes] | None = None
        self.path: Path | None = None
        self.rescoring = False
        self.pause = QTimer(ctx.parent)
        self.pause.setSingleShot(True)
        self.pause.setInterval(PAUSE_MS)
        self.pause.timeout.connect(self._check)
        self.poll = QTimer(ctx.parent)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._poll)

    def handlers(self) -> Handlers:
        return {"train_model": self.train_now}

    def changes_applied(self, changes: Changes) -> None:
        if changes and self.proc is None:
            self.pause.start()

    def train_now(self) -> None:
        learn = _learn()
        session = self.ctx.session()
        if session is None or session.read_only_reason is not None:
            self.ctx.status("Open a project you can write to, to train its model")
            return
        learn.set_enabled(Path(session.path), True)
        self._start(Path(session.path), rescore_as=session.reviewer)

    def _check(self) -> None:
        session = self.ctx.session()
        if session is None or self.proc is not None or session.read_only_reason is not None:
            return
        if not model_on(session.store):
            return  # the model is off: nothing to retrain, and numpy stays unloaded
        path = Path(session.path)
        if _learn().retrain_due(path, session.store):
            self._start(path)

    def _start(self, path: Path, rescore_as: str | None = None) -> None:
        learn = _learn()
        if self.proc is not None:
            self.ctx.status("The project model is being trained already")
            return
        self.path = path
        self.rescoring = rescore_as is not None
        self.proc = learn.train_in_background(path, rescore_as)
        self.poll.start()
        self.ctx.status("Training the project model in the background…")

    def _poll(self) -> None:
        if self.proc is None or self.proc.poll() is None:
            return
        code, path = self.proc.returncode, self.path
        self.proc, self.path = None, None
        self.poll.stop()
        if code == 0 and self.rescoring:
            self.ctx.status(
                "Project model trained; it re-scored the pending suggestions "
                "(Ctrl+Z in a document brings its suggestions back)"
            )
            self.ctx.follow_changes()  # draw the re-scoring now, not at the next poll
            log.info("%s: project model trained, pending suggestions re-scored", path)
        elif code == 0:
            self.ctx.status("Project model retrained: new imports and extractions use it")
            log.info("%s: project model retrained", path)
        else:
            self.ctx.status(f"Training the project model failed (exit {code}); see the log")
            log.warning("%s: training failed, exit %s", path, code)

    def close(self) -> None:
        self.pause.stop()
        self.poll.stop()
