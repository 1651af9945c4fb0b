"""What the window does about the project file itself: the read-only banner, following
changes that other programs commit, and recovering a damaged project.

Mixed into MainWindow with ProjectActions. Another window, `idleb-desk import` or a worker
thread may commit to the project while this window shows it; `PRAGMA data_version`
(polled through the session) says when, and the window then re-reads what it shows,
keeping the analyst's focus.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QLabel

from idleb_desk.core.opening import ProjectError, RecoveryReport, recover_project
from idleb_desk.gui import errors
from idleb_desk.gui.modal import return_focus
from idleb_desk.gui.workers import CancelFn, ProgressFn
from idleb_desk.project import (
    PROJECT_GLOBS,
    PROJECT_SUFFIXES,
    can_restore_backup,
    restore_backup,
)

log = logging.getLogger(__name__)

POLL_MS = 1000
RECOVER = "Recover…"
RESTORE = "Restore from backup…"


class ProjectWatch:
    """Mixed into MainWindow (which provides `session`, `controller` and the widgets)."""

    def init_project_watch(self) -> QLabel:
        self.banner = QLabel("")
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#readOnlyBanner { background: #fff3c4; color: #3d2e00; "
            "border: 1px solid #c9a400; padding: 6px; font-weight: bold; }"
        )
        self.banner.hide()
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(POLL_MS)
        self.watch_timer.timeout.connect(self.follow_changes)
        self.watch_timer.start()
        return self.banner

    def show_read_only(self) -> None:
        reason = self.session.read_only_reason if self.session is not None else None
        self.banner.setText(f"Read-only — {reason}" if reason else "")
        self.banner.setVisible(bool(reason))

    def reread(self) -> None:
        """Re-read the documents and the open article now, after this window's own worker
        committed; the change is marked as seen so the next poll does not re-read again."""
        if self.session is not None:
            try:
                self.session.changed_elsewhere()
            except ProjectError as exc:
                log.warning("polling %s: %s", self.session.path, exc)
        self.refresh_documents()
        self.controller.reload()

    def follow_changes(self) -> bool:
        """Re-read the view if another connection committed; True if it did."""
        session = self.session
        if session is None or self.controller.role_mode:
            return False  # picking claim roles: refresh on a later tick, not mid-gesture
        try:
            changed = session.changed_elsewhere()
        except ProjectError as exc:
            log.warning("polling %s: %s", session.path, exc)
            return False
        if changed:
            log.info("%s changed elsewhere; refreshing", session.path)
            self.refresh_documents()
            self.controller.reload()
        return changed

    # ---- damaged projects ----------------------------------------------------------------------

    def ask_recovery_path(self, damaged: Path) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save what can be recovered as a new project",
            str(damaged.with_name(damaged.stem + "-recovered" + PROJECT_SUFFIXES[0])),
            f"idleb_desk projects ({PROJECT_GLOBS})",
        )
        return_focus(self)
        return path

    def ask_backup_path(self, damaged: Path) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"Restore {damaged.name} from a backup copy",
            str(damaged.parent),
            f"Backups ({damaged.name}*.bak *.bak);;idleb_desk projects ({PROJECT_GLOBS})"
            ";;All files (*)",
        )
        return_focus(self)
        return path

    def offer_recovery(self, damaged: Path, exc: BaseException) -> None:
        """The refusal dialog of a damaged project: recover what is readable into a new
        file, or put a backup copy back in its place."""
        actions = (RECOVER, RESTORE) if can_restore_backup() else (RECOVER,)
        chosen = errors.choose(self, "Project is damaged", errors.describe(exc), actions)
        if chosen == RESTORE:
            self.restore_from_backup(damaged)
            return
        if chosen != RECOVER:
            return
        target = self.ask_recovery_path(damaged)
        if not target:
            return

        def work(progress: ProgressFn, cancelled: CancelFn) -> Any:
            return recover_project(damaged, target)

        self.runner.run("Recovering", work, self._recovered, self._task_failed("Recovery failed"))

    def _recovered(self, report: RecoveryReport) -> None:
        errors.show_error(self, "Recovery finished", report.summary())
        self.open_project(report.target)

    def restore_from_backup(self, project: Path) -> None:
        """Ask for the backup copy and put it back as `project` (the project layer handles
        the side files), then open it."""
        backup = self.ask_backup_path(project)
        if not backup:
            return

        def work(progress: ProgressFn, cancelled: CancelFn) -> Any:
            return restore_backup(Path(backup), project)

        def done(report: Any) -> None:
            summary = getattr(report, "summary", None)
            text = summary() if callable(summary) else f"{project} was restored from {backup}"
            errors.show_error(self, "Restore finished", text)
            self.open_project(project)

        self.runner.run("Restoring", work, done, self._task_failed("Restore failed"))
