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

from idleb_desk.core.opening import (
    DamagedProjectError,
    ProjectError,
    open_for_work,
    open_project,
)
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui import errors
from idleb_desk.gui.modal import return_focus
from idleb_desk.gui.workers import CancelFn, ProgressFn, Task, TaskRunner
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
    """Mixed into MainWindow (which provides the widgets and `controller`)."""

    session: ReviewSession | None
    extractor: Any
    model_task: Task | None
    extract_task: Task | None

    def init_project_actions(self) -> None:
        self.runner = TaskRunner(self)
        self.extractor = None
        self.model_task = None
        self.extract_task = None
        self.model_label = QLabel("Model: not loaded")
        self.model_label.setObjectName("modelStatus")
        self.bg_label = QLabel("")
        self.bg_cancel = QPushButton("Cancel")
        self.bg_cancel.hide()
        bar = self.statusBar()
        bar.addPermanentWidget(self.bg_label)
        bar.addPermanentWidget(self.bg_cancel)
        bar.addPermanentWidget(self.model_label)

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
            self.offer_recovery(Path(path), exc)
            return False
        except ProjectError as exc:
            errors.show_error(self, "Cannot open project", errors.describe(exc))
            return False
        except OSError as exc:
            errors.show_error(self, "Cannot open project", f"{path}: {exc.strerror or exc}")
            return False
        self.set_session(session)
        if session.store.backup_path is not None:
            self.show_status(
                f"Upgraded {session.path.name}; a backup copy is at {session.store.backup_path}"
            )
        for notice in session.notices:
            errors.show_error(self, "Project opened with a warning", notice)
        self.maybe_extract()
        return True

    def set_session(self, session: ReviewSession | None) -> None:
        if self.extract_task is not None:
            self.extract_task.cancel()
        self.remember_position()  # of the project being left
        old = self.session
        self.session = session
        self.controller.set_session(session)
        if old is not None and old is not session:
            old.close()
        self.show_read_only()
        self.refresh_documents()
        self.resume([d.id for d in self.doc_model.docs])
        self.view.setFocus()
        if session is None:
            self.show_status("No project open — Ctrl+O opens one")

    def refresh_documents(self) -> None:
        self.doc_model.set_documents(self.session.documents() if self.session else [])
        self.view.setPlaceholderText(self.empty_hint())

    def empty_hint(self) -> str:
        """What the empty article area says: how to get something to read into it."""

        def key(action: str) -> str:
            return " or ".join(self.keymap.keys(action)[:1]) or "no key"

        if self.session is None:
            return f"No project is open. {key('open_project')} (File → Open project) opens one."
        if not self.doc_model.docs:
            if self.session.read_only_reason is not None:
                return "This project has no articles, and it is open read-only."
            return (
                "This project has no articles yet.\n\n"
                f"Import some with {key('import_files')} (File → Import articles…): .txt, "
                ".md, .html, .jsonl or annotation files, or whole folders. Dropping files "
                "on the window imports them too."
            )
        return "Choose a document in the list on the left."

    def ask_project_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", f"idleb_desk projects ({PROJECT_GLOBS});;All files (*)"
        )
        return_focus(self)
        return path

    def act_open_project(self) -> None:
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
        wanted = getattr(self, "_model_wanted", None)
        if wanted and not (name.startswith(f"{wanted}-") or Path(wanted).exists()):
            # A mistyped --model must not pass unnoticed behind a working fallback.
            self.show_status(f"Model {wanted!r} could not be loaded; using {name}")
        self.maybe_extract()

    def _model_missing(self, exc: BaseException) -> None:
        self.extractor = None
        self.model_label.setText(MODEL_MISSING)
        self.model_label.setToolTip(errors.describe(exc))
        log.warning("%s", errors.describe(exc))
        self.show_status(f"{model_problem(exc)} — annotate by hand")

    def maybe_extract(self) -> None:
        """Suggest for documents no model has seen yet (e.g. the seed), in the background."""
        if self.extractor is None or self.session is None or self.extract_task is not None:
            return
        if self.session.read_only_reason is not None:
            return
        path, extractor = self.session.path, self.extractor

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
        if count and self.session is not None:
            self.reread()
            self.show_status(f"Suggestions added to {count} document(s)")

    def _extract_failed(self, exc: BaseException) -> None:
        self._end_background()
        errors.show_error(self, "Extraction failed", errors.describe(exc))

    # ---- import and export ---------------------------------------------------------------------

    def ask_import_paths(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import articles",
            "",
            "Articles and annotated files (*.txt *.md *.html *.htm *.jsonl *.json *.spacy *.ann)"
            ";;All files (*)",
        )
        return_focus(self)
        return paths

    def act_import_files(self) -> None:
        paths = self.ask_import_paths()
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> Task | None:
        if self.session is None:
            errors.show_error(self, "Nothing to import into", "Open a project first (Ctrl+O).")
            return None
        if self.session.read_only_reason is not None:
            errors.show_error(self, "Nothing was imported", self.session.read_only_reason)
            return None
        path, extractor = self.session.path, self.extractor

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
        if self.controller.state is None and self.doc_model.docs:
            self.open_document(self.doc_model.docs[0].id)
        self.show_status(f"Import: {report.summary()}")
        problems = list(getattr(report, "problems", []))
        if problems:
            shown = "\n".join(str(p) for p in problems[:20])
            more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
            errors.show_error(self, "Some files were not imported", shown + more)
        self.maybe_extract()

    def _task_failed(self, title: str) -> Any:
        return lambda exc: errors.show_error(self, title, errors.describe(exc))

    def ask_export_dir(self) -> str:
        path = QFileDialog.getExistingDirectory(self, "Export CSV into folder")
        return_focus(self)
        return path

    def ask_jsonl_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export JSONL", "annotations.jsonl", "JSON lines (*.jsonl)"
        )
        return_focus(self)
        return path

    def _export(
        self, title: str, export: Callable[..., Any], done: Callable[[Any], None]
    ) -> Task | None:
        """Run `export(store, progress, cancelled)` off the GUI thread on its own Store."""
        if self.session is None:
            return None
        read_only = self.session.read_only_reason is not None
        work = on_own_store(self.session.path, export, read_only)
        return self.runner.run(title, work, done, self._task_failed("Export failed"))

    def act_export_csv(self) -> Task | None:
        out = self.ask_export_dir()
        if not out:
            return None
        from idleb_desk.io.csv_export import export_csv

        return self._export(
            "Exporting CSV",
            lambda store, progress, cancelled: export_csv(store, out, False, progress, cancelled),
            lambda report: self.show_status(f"Exported: {report.summary()}"),
        )

    def act_export_jsonl(self) -> Task | None:
        out = self.ask_jsonl_path()
        if not out:
            return None
        from idleb_desk.io.jsonl import export_jsonl

        def done(report: Any) -> None:
            if getattr(report, "cancelled", False):
                self.show_status("Export cancelled; no file was written")
            else:
                self.show_status(f"Exported {report.documents} documents to {report.path}")

        return self._export(
            "Exporting JSONL",
            lambda store, progress, cancelled: export_jsonl(store, out, True, progress, cancelled),
            done,
        )
