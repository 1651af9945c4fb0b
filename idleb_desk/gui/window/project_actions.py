"""The project side of the window: open a file, load the model, import, extract, export.

Everything slow runs through `TaskRunner` off the GUI thread. Each worker opens its own
`Store` on the project path (SQLite connections belong to one thread; WAL lets the GUI
keep reading), and when it ends the window re-reads what changed and keeps the analyst's
focus. File problems arrive as dialogs that name the file and the reason.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from idleb_desk.changes import Changes
from idleb_desk.core.opening import (
    DamagedProjectError,
    ProjectError,
    open_for_work,
    open_project,
)
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.modal import return_focus
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.gui.window.workers import CancelFn, ProgressFn, Task
from idleb_desk.project import PROJECT_GLOBS

log = logging.getLogger(__name__)

MODEL_LOADING = "Model: loading…"
MODEL_MISSING = "Model: missing — annotate by hand"


def model_problem(exc: BaseException, limit: int = 70) -> str:
    """One short, whole line about a model that did not load (the details go to the
    tooltip): the multi-line ModelUnavailable text cut at its first line said only
    "... Tried:"."""
    tried = getattr(exc, "tried", None)
    if tried:
        name, why = tried[0]
        more = f" (+{len(tried) - 1} more tried)" if len(tried) > 1 else ""
        text = f"{name}: {why}"
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return f"No spaCy pipeline loaded ({text}{more}); details on the model status"
    first = errors.describe(exc).splitlines()[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def on_own_store(
    path: Path, job: Callable[[Any, ProgressFn, CancelFn], Any], read_only: bool = False
) -> Callable[[ProgressFn, CancelFn], Any]:
    """Work for a worker thread: its own connection to the project, closed at the end
    (a database connection belongs to the thread that opened it)."""

    def work(progress: ProgressFn, cancelled: CancelFn) -> Any:
        store = open_for_work(path, read_only=read_only)
        try:
            return job(store, progress, cancelled)
        finally:
            store.close()

    return work


class ProjectActions:
    """Open a project, load the model, import, extract, export; the status-bar pieces
    that say how the model and background work are doing."""

    def __init__(self, ctx: RoomContext, open_damaged: Callable[[Path, BaseException], None],
                 set_session: Callable[[ReviewSession | None], None]) -> None:  # fmt: skip
        self.ctx = ctx
        self.parent = ctx.parent
        self.runner = ctx.runner
        self.open_damaged = open_damaged
        self.set_session = set_session
        self.extractor: Any = None
        self.model_task: Task | None = None
        self.extract_task: Task | None = None
        self._model_wanted: str | None = None
        self.model_label = QLabel("Model: not loaded")
        self.model_label.setObjectName("modelStatus")
        self.bg_label = QLabel("")
        self.bg_cancel = QPushButton("Cancel")
        self.bg_cancel.hide()
        bar = ctx.parent.statusBar()
        bar.addPermanentWidget(self.bg_label)
        bar.addPermanentWidget(self.bg_cancel)
        bar.addPermanentWidget(self.model_label)

    def handlers(self) -> dict[str, Callable[[], Any]]:
        return {
            "open_project": self.ask_and_open,
            "import_files": self.ask_and_import,
            "export_csv": self.export_csv,
            "export_jsonl": self.export_jsonl,
        }

    # ---- project ----------------------------------------------------------------------------

    def open_project(self, path: Path | str, seed: bool = False, create: bool = False) -> bool:
        """Open a project; on a bad file say why and keep whatever was open before.

        `create` (or `seed`, the default project) means the analyst asked for a new
        project there; Ctrl+O never makes one.
        """
        from idleb_desk.project import ensure_seed

        try:
            session = open_project(path, create=create or seed)
            if seed and session.read_only_reason is None:
                ensure_seed(session.store)
        except DamagedProjectError as exc:
            self.open_damaged(Path(path), exc)
            return False
        except ProjectError as exc:
            errors.show_error(self.parent, "Cannot open project", errors.describe(exc))
            return False
        except OSError as exc:
            errors.show_error(self.parent, "Cannot open project", f"{path}: {exc.strerror or exc}")
            return False
        if self.extract_task is not None:
            self.extract_task.cancel()
        self.set_session(session)
        if session.store.backup_path is not None:
            self.ctx.status(
                f"Upgraded {session.path.name}; a backup copy is at {session.store.backup_path}"
            )
        for notice in session.notices:
            errors.show_error(self.parent, "Project opened with a warning", notice)
        self.maybe_extract()
        return True

    def reread(self) -> None:
        """Show what this window's own worker committed; marked as seen first, so the
        next poll (`ProjectWatch`) does not re-read it again."""
        session = self.ctx.session()
        if session is not None:
            try:
                session.changed_elsewhere()
            except ProjectError as exc:
                log.warning("polling %s: %s", session.path, exc)
        self.ctx.apply_changes(Changes.all())

    def ask_project_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "Open project", "", f"idleb_desk projects ({PROJECT_GLOBS});;All files (*)"
        )
        return_focus(self.parent)
        return path

    def ask_and_open(self) -> None:
        path = self.ask_project_path()
        if path:
            self.open_project(path)

    # ---- model ------------------------------------------------------------------------------

    def start_model(self, configured: str | None = None) -> Task:
        """Load spaCy in the background; the window is already up and usable by hand."""
        self.model_label.setText(MODEL_LOADING)
        self._model_wanted = configured

        def work(progress: ProgressFn, cancelled: CancelFn) -> Any:
            from idleb_desk.nlp.pipeline import Extractor
            from idleb_desk.nlp.resolve import ModelUnavailable

            try:
                return Extractor.load(configured)
            except ModelUnavailable as exc:
                # Expected (no model installed, a mistyped --model): handed back as a
                # value, so the worker logs no traceback on the console.
                return exc

        self.model_task = self.runner.run(
            "Loading the model", work, self._model_ready, self._model_missing, dialog=False
        )
        return self.model_task

    def _model_ready(self, extractor: Any) -> None:
        if isinstance(extractor, BaseException):
            self._model_missing(extractor)
            return
        self.extractor = extractor
        name = getattr(extractor, "model_label", "spaCy")
        self.model_label.setText(f"Model: ready ({name})")
        self.model_label.setToolTip(f"Suggestions come from {name}")
        wanted = self._model_wanted
        if wanted and not (name.startswith(f"{wanted}-") or Path(wanted).exists()):
            # A mistyped --model must not pass unnoticed behind a working fallback.
            self.ctx.status(f"Model {wanted!r} could not be loaded; using {name}")
        self.maybe_extract()

    def _model_missing(self, exc: BaseException) -> None:
        self.extractor = None
        self.model_label.setText(MODEL_MISSING)
        self.model_label.setToolTip(errors.describe(exc))
        log.warning("%s", errors.describe(exc))
        self.ctx.status(f"{model_problem(exc)} — annotate by hand")

    def maybe_extract(self) -> None:
        """Suggest for documents no model has seen yet (e.g. the seed), in the background."""
        session = self.ctx.session()
        if self.extractor is None or session is None or self.extract_task is not None:
            return
        if session.read_only_reason is not None:
            return
        path, extractor = session.path, self.extractor

        def work(store: Any, progress: ProgressFn, cancelled: CancelFn) -> int:
            from idleb_desk.io.importer import extract_documents

            return extract_documents(store, extractor, None, progress, cancelled)

        self.bg_label.setText("Extracting…")
        self.bg_cancel.show()
        task = self.runner.run(
            "Extracting",
            on_own_store(path, work),
            self._extracted,
            self._extract_failed,
            dialog=False,
            on_progress=lambda i, n, _name: self.bg_label.setText(f"Extracting {i} of {n}…"),
        )
        self.bg_cancel.clicked.connect(task.cancel)
        self.extract_task = task

    def _end_background(self) -> None:
        if self.extract_task is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.bg_cancel.clicked.disconnect(self.extract_task.cancel)
        self.extract_task = None
        self.bg_label.setText("")
        self.bg_cancel.hide()

    def _extracted(self, count: int) -> None:
        self._end_background()
        if count and self.ctx.session() is not None:
            self.reread()
            self.ctx.status(f"Suggestions added to {count} document(s)")

    def _extract_failed(self, exc: BaseException) -> None:
        self._end_background()
        errors.show_error(self.parent, "Extraction failed", errors.describe(exc))

    # ---- import and export ---------------------------------------------------------------------

    def ask_import_paths(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(
            self.parent,
            "Import articles",
            "",
            "Articles and annotated files (*.txt *.md *.html *.htm *.jsonl *.json *.spacy *.ann)"
            ";;All files (*)",
        )
        return_focus(self.parent)
        return paths

    def ask_and_import(self) -> None:
        paths = self.ask_import_paths()
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> Task | None:
        session = self.ctx.session()
        if session is None:
            errors.show_error(
                self.parent, "Nothing to import into", "Open a project first (Ctrl+O)."
            )
            return None
        if session.read_only_reason is not None:
            errors.show_error(self.parent, "Nothing was imported", session.read_only_reason)
            return None
        path, extractor = session.path, self.extractor

        def work(store: Any, progress: ProgressFn, cancelled: CancelFn) -> Any:
            from idleb_desk.io.importer import import_paths

            return import_paths(store, paths, extractor, progress, cancelled)

        return self.runner.run(
            "Importing",
            on_own_store(path, work),
            self._imported,
            self._task_failed("Import failed"),
        )

    def _imported(self, report: Any) -> None:
        self.reread()
        docs = self.ctx.session().documents() if self.ctx.session() else []  # type: ignore[union-attr]
        if self.ctx.controller.focus.state is None and docs:
            self.ctx.open_document(docs[0].id)
        self.ctx.status(f"Import: {report.summary()}")
        problems = list(getattr(report, "problems", []))
        if problems:
            shown = "\n".join(str(p) for p in problems[:20])
            more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
            errors.show_error(self.parent, "Some files were not imported", shown + more)
        self.maybe_extract()

    def _task_failed(self, title: str) -> Any:
        return lambda exc: errors.show_error(self.parent, title, errors.describe(exc))

    def ask_export_dir(self) -> str:
        path = QFileDialog.getExistingDirectory(self.parent, "Export CSV into folder")
        return_focus(self.parent)
        return path

    def ask_jsonl_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "Export JSONL", "annotations.jsonl", "JSON lines (*.jsonl)"
        )
        return_focus(self.parent)
        return path

    def _export(
        self, title: str, export: Callable[..., Any], done: Callable[[Any], None]
    ) -> Task | None:
        """Run `export(store, progress, cancelled)` off the GUI thread on its own Store."""
        session = self.ctx.session()
        if session is None:
            return None
        read_only = session.read_only_reason is not None
        work = on_own_store(session.path, export, read_only)
        return self.runner.run(title, work, done, self._task_failed("Export failed"))

    def export_csv(self) -> Task | None:
        out = self.ask_export_dir()
        if not out:
            return None
        from idleb_desk.io.csv_export import export_csv

        return self._export(
            "Exporting CSV",
            lambda store, progress, cancelled: export_csv(store, out, False, progress, cancelled),
            lambda report: self.ctx.status(f"Exported: {report.summary()}"),
        )

    def export_jsonl(self) -> Task | None:
        out = self.ask_jsonl_path()
        if not out:
            return None
        from idleb_desk.io.jsonl import export_jsonl

        def done(report: Any) -> None:
            if getattr(report, "cancelled", False):
                self.ctx.status("Export cancelled; no file was written")
            else:
                self.ctx.status(f"Exported {report.documents} documents to {report.path}")

        return self._export(
            "Exporting JSONL",
            lambda store, progress, cancelled: export_jsonl(store, out, True, progress, cancelled),
            done,
        )
