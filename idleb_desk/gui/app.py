"""Start the review window: `run(db_path, model)` returns the process exit code."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from idleb_desk.gui import errors
from idleb_desk.gui.labels import RESOURCES
from idleb_desk.gui.main_window import MainWindow
from idleb_desk.logs import log_path
from idleb_desk.project import default_project_path

log = logging.getLogger(__name__)

ORG = "idleb_desk"
# Qt's hidden X11 helper windows ("Qt Selection Owner for <app>", the client leader) take
# the application name. Keeping "idleb" out of it means `xdotool search --name idleb`
# finds only the real window, whose title always contains "idleb_desk".
APP = "desk"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else [APP])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    qss = RESOURCES / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    return app


def build_window(
    db_path: Path | None,
    model: str | None = None,
    settings: QSettings | None = None,
    load_model: bool = True,
) -> MainWindow:
    """The window with its project open; the model starts loading once it is on screen."""
    window = MainWindow(settings)
    seed = db_path is None
    # A path given on the command line may name a new project; Ctrl+O never makes one.
    window.open_project(
        default_project_path() if db_path is None else db_path, seed=seed, create=True
    )
    if load_model:
        # After the first paint: the window must not wait for spaCy.
        QTimer.singleShot(0, lambda: window.start_model(model))
    return window


def report_unexpected(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Last resort for a bug in a slot: log it, tell the analyst, keep the window running.

    Every decision already saved stays saved: each one was its own committed transaction.
    """
    log.error("unexpected error", exc_info=(exc_type, exc, tb))
    errors.show_error(
        QApplication.activeWindow(),
        "Unexpected error",
        f"{exc_type.__name__}: {exc}\n\nYour saved work is safe. Details are in {log_path()}.",
    )


def run(db_path: Path | None, model: str | None = None) -> int:
    app = make_app()
    sys.excepthook = report_unexpected
    window = build_window(db_path, model)
    window.show()
    window.view.setFocus()
    code = app.exec()
    log.info("window closed (exit code %d)", code)
    return int(code)
