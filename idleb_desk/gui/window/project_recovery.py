"""Recovering a damaged project: save what is readable as a new file, or put a backup
copy back in its place (the refusal dialog of a damaged project offers both)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from idleb_desk.core.opening import RecoveryReport, recover_project
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.modal import return_focus
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.gui.window.workers import CancelFn, ProgressFn
from idleb_desk.project import (
    PROJECT_GLOBS,
    PROJECT_SUFFIXES,
    restore_backup,
)

log = logging.getLogger(__name__)

RECOVER = "Recover…"
RESTORE = "Restore from backup…"


class ProjectRecovery:
    def __init__(self, ctx: RoomContext, open_project: Callable[[Path], bool]) -> None:
        self.ctx = ctx
        self.parent = ctx.parent
        self.open_project = open_project

    def _failed(self, title: str) -> Callable[[BaseException], None]:
        return lambda exc: errors.show_error(self.parent, title, errors.describe(exc))

    def ask_recovery_path(self, damaged: Path) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self.parent,
            "Save what can be recovered as a new project",
            str(damaged.with_name(damaged.stem + "-recovered" + PROJECT_SUFFIXES[0])),
            f"idleb_desk projects ({PROJECT_GLOBS})",
        )
        return_focus(self.parent)
        return path

    def ask_backup_path(self, damaged: Path) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self.parent,
            f"Restore {damaged.name} from a backup copy",
            str(damaged.parent),
            f"Backups ({damaged.name}*.bak *.bak);;idleb_desk projects ({PROJECT_GLOBS})"
            ";;All files (*)",
        )
        return_focus(self.parent)
        return path

    def offer_recovery(self, damaged: Path, exc: BaseException) -> None:
        """The refusal dialog of a damaged project: recover what is readable into a new
        file, or put a backup copy back in its place."""
        actions = (RECOVER, RESTORE)
        chosen = errors.choose(self.parent, "Project is damaged", errors.describe(exc), actions)
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

        self.ctx.runner.run("Recovering", work, self._recovered, self._failed("Recovery failed"))

    def _recovered(self, report: RecoveryReport) -> None:
        errors.show_error(self.parent, "Recovery finished", report.summary())
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
            errors.show_error(self.parent, "Restore finished", text)
            self.open_project(project)

        self.ctx.runner.run("Restoring", work, done, self._failed("Restore failed"))
