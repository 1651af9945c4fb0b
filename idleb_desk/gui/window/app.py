"""Start the review window: `run(db_path, model)` returns the process exit code."""

from __future__ import annotations

import linecache
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from idleb_desk.gui.window import errors
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.logs import log_path
from idleb_desk.paths import APP_ID, ICON_PATH, RESOURCES
from idleb_desk.project import default_project_path

log = logging.getLogger(__name__)

ORG = "idleb_desk"
# Qt's hidden X11 helper windows must not carry "idleb" in their names, so that
# `xdotool search --name idleb` finds only the real window (its title always holds
# "idleb_desk"). "Qt Selection Owner for <name>" is made at start-up from argv[0], so
# argv[0] is neutral; the client leader window takes the display name, so that is empty
# (an empty display name also leaves window titles as they are). `-name` and the
# application name make WM_CLASS (instance, class) the application id, as the .desktop
# file's StartupWMClass says, so the window matches its launcher.
ARGV0 = "desk"


def make_app(argv: list[str] | None = None) -> QApplication:
    # shiboken6 reads the source of every module imported after PySide6 (its feature
    # check calls inspect.getsource), and linecache keeps all of it: about 6 MB of text
    # nobody reads again. Dropped here, once the window's modules are in; a traceback
    # reads what it needs again.
    linecache.clearcache()
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else [ARGV0, "-name", APP_ID])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName("")
    # Wayland's app_id and the launcher match; the icon shows in the title bar and task bar.
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(ICON_PATH)))
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
        QTimer.singleShot(0, lambda: window.project_actions.start_model(model))
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


def open_window(
    db_path: Path | None,
    model: str | None = None,
    show_doc: int | None = None,
    problems: Sequence[str] = (),
    settings: QSettings | None = None,
    load_model: bool = True,
) -> MainWindow:
    """The window on screen on `db_path` (the default project if None), showing document
    `show_doc`; `problems` (of a file it was opened with) are shown once it is up."""
    window = build_window(db_path, model, settings=settings, load_model=load_model)
    if show_doc is not None:
        window.open_document(show_doc)
    window.show()
    window.view.setFocus()
    log.info("window shown: %s", window.windowTitle())
    if problems:
        text = "\n".join(problems)
        QTimer.singleShot(0, lambda: errors.show_error(window, "Cannot import", text))
    return window


# bench/gui_startup.py sets this to a file: once the window has shown its document, the
# process writes its monotonic clock there (the system's, shared with the bench) and quits.
STARTUP_PROBE = "IDLEB_DESK_STARTUP_PROBE"


class _StartupProbe(QObject):
    """At the article's first paint: write the time, then quit."""

    def __init__(self, app: QApplication, path: Path, parent: MainWindow) -> None:
        super().__init__(parent)
        self.app, self.path, self.done = app, path, False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            # After this paint is drawn: the next turn of the event loop.
            QTimer.singleShot(0, self._write)
        return False

    def _write(self) -> None:
        self.path.write_text(f"{time.monotonic():.6f}\n", encoding="utf-8")
        self.app.quit()


def run(
    db_path: Path | None,
    model: str | None = None,
    show_doc: int | None = None,
    problems: Sequence[str] = (),
) -> int:
    app = make_app()
    sys.excepthook = report_unexpected
    _window = open_window(db_path, model, show_doc, problems)  # alive until exec returns
    probe = os.environ.get(STARTUP_PROBE)
    if probe:
        _window.view.viewport().installEventFilter(_StartupProbe(app, Path(probe), _window))
    code = app.exec()
    log.info("window closed (exit code %d)", code)
    return int(code)
