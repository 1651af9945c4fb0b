"""The Agreement view: the reliability report of 2 to 10 analysts' files in the window.

View → Agreement… asks for the analysts' files (a gold project made by `team curate` does
not record where they are) and computes `core.agreement.report` off the GUI thread. In a
gold project the gold file joins the analysts, so each analyst is also measured against
the curated gold; as curation decisions are applied the report is computed again, once
the keys pause (debounced), and only while the view is shown.
Three tabs: per label (alpha_U over all analysts, span F1 per pair), the pairwise matrix
as a heatmap (a figure chosen above it), and per document; a legend names the bands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from idleb_desk.changes import Changes
from idleb_desk.core.curation_session import curated_files, is_gold
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.agreement import tables
from idleb_desk.gui.review.key_context import Handlers
from idleb_desk.gui.window.room_context import RoomContext
from idleb_desk.gui.window.workers import Task
from idleb_desk.project import PROJECT_GLOBS

log = logging.getLogger(__name__)
GOLD = "gold"
REFRESH_MS = 800  # after the last curation key: a burst of Alt+J, Alt+2 computes once


def _table(model: tables.GridModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setTabKeyNavigation(False)
    return view


def legend() -> QLabel:
    swatches = " &nbsp; ".join(
        f"<span style='background:{c}; color:#000'>&nbsp;{w}&nbsp;</span>"
        for _f, c, w in tables.BANDS
    )
    label = QLabel(f"{swatches} &nbsp; – nothing to compare (Krippendorff 2004)")
    label.setObjectName("agreementLegend")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class AgreementView(QDockWidget):
    def __init__(self, ctx: RoomContext) -> None:
        super().__init__("Agreement", ctx.parent)
        self.setObjectName("agreementDock")
        self.ctx = ctx
        self.files: list[Path] = []  # the analysts' files, chosen once per project
        self.result: dict[str, Any] | None = None
        self.task: Task | None = None
        self.again = False  # a change came while computing: compute once more after
        self.gold: Path | None = None
        # Tests and scripts replace this; the window asks with a file dialog.
        self.ask_files: Callable[[], list[Path]] = self._ask_files
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.compute)

        self.summary = QLabel("Choose the analysts' files: View → Agreement…")
        self.summary.setWordWrap(True)
        self.labels = tables.GridModel()
        self.matrix = tables.GridModel()
        self.documents = tables.GridModel()
        self.figure = QComboBox()
        self.figure.addItems([text for text, _ in tables.MATRIX_FIGURES])
        self.figure.currentIndexChanged.connect(lambda _i: self._fill_matrix())
        self.tabs = QTabWidget()
        self.tabs.addTab(_table(self.labels, "agreementLabels"), "Per label")
        heat = QWidget()
        hl = QVBoxLayout(heat)
        row = QHBoxLayout()
        row.addWidget(QLabel("Figure:"))
        row.addWidget(self.figure, 1)
        hl.addLayout(row)
        self.matrix_view = _table(self.matrix, "agreementMatrix")
        self.matrix_view.horizontalHeader().setMinimumSectionSize(72)  # a square-ish heatmap
        self.matrix_view.verticalHeader().setDefaultSectionSize(32)
        hl.addWidget(self.matrix_view, 1)
        self.tabs.addTab(heat, "Analysts (heatmap)")
        self.tabs.addTab(_table(self.documents, "agreementDocuments"), "Per document")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addWidget(self.summary)
        lay.addWidget(legend())
        lay.addWidget(self.tabs, 1)
        self.setWidget(body)
        # Below the article, hidden until its key shows it.
        ctx.parent.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()

    def handlers(self) -> Handlers:
        return {"agreement_view": self.open_view}

    # ---- choosing and computing ------------------------------------------------------------

    def set_session(self, session: ReviewSession | None) -> None:
        """A new project: its analysts' files are asked again; a gold file joins them."""
        self.timer.stop()
        self.files, self.result = [], None
        gold = session is not None and is_gold(session.store)
        self.gold = Path(session.path) if session is not None and gold else None
        # A gold project knows the files it was curated from (unless anonymised).
        self.files = curated_files(session.store) if session is not None and gold else []
        self.summary.setText(
            f"{len(self.files)} analysts' files of this curation: View → Agreement…"
            if self.files else "Choose the analysts' files: View → Agreement…"
        )
        for m in (self.labels, self.matrix, self.documents):
            m.set_rows([], [], set())

    def open_view(self) -> None:
        if not self.files:
            files = self.ask_files()
            if not files:
                return
            self.files = files
        self.show()
        self.raise_()
        self.compute()

    def _ask_files(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.ctx.parent, "Agreement: the analysts' files (2 to 10)", "",
            f"idleb_desk projects ({PROJECT_GLOBS});;All files (*)",
        )  # fmt: skip
        return [Path(n) for n in names]

    def paths(self) -> list[Path]:
        extra = [self.gold] if self.gold is not None and self.gold not in self.files else []
        return [*self.files, *extra]

    def compute(self) -> None:
        if self.task is not None:
            self.again = True
            return
        paths = self.paths()
        self.summary.setText(f"Computing agreement of {len(paths)} files…")

        def work(_progress: object, _cancelled: object) -> dict[str, Any]:
            # Imported here: the agreement package brings numpy, ~20 MB and 0.2 s of a
            # start-up that most sessions never need it for.
            from idleb_desk.core.agreement.files import read_analysts
            from idleb_desk.core.agreement.report import Study, report

            return report(Study(*read_analysts(paths)))

        self.task = self.ctx.runner.run("Agreement", work, self._done, self._failed,
                                        dialog=False)  # fmt: skip

    def _finish(self) -> None:
        self.task = None
        if self.again:
            self.again = False
            self.compute()

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(f"No agreement: {exc}")
        self.ctx.status(f"Agreement: {exc}")
        self.files = []  # ask again next time: one of them was refused
        self._finish()

    def _done(self, result: dict[str, Any]) -> None:
        self.result = result
        self._fill()
        self._finish()

    def changes_applied(self, changes: Changes) -> None:
        """Curation goes on: compute again when the keys pause, if anyone is looking."""
        if self.gold is None or self.result is None or not self.isVisible():
            return
        if changes:
            self.timer.start()

    # ---- drawing -----------------------------------------------------------------------------

    def name(self, analyst: str) -> str:
        """The gold file's analyst is its curator: shown as the gold."""
        if self.result is None or self.gold is None:
            return analyst
        for a in self.result["analysts"]:
            if a["name"] == analyst and Path(a["file"]) == self.gold:
                return GOLD
        return analyst

    def _fill(self) -> None:
        r = self.result
        if r is None:
            return
        names = ", ".join(self.name(a["name"]) for a in r["analysts"])
        every = r["all_analysts"]
        self.summary.setText(
            f"{names}: {r['documents_in_every_file']} document(s) in every file ({r['unit']}s); "
            f"actors α_U {tables.fmt(every['actor_alpha_u']['alpha'])}, "
            f"claims α_U {tables.fmt(every['claim_alpha_u']['alpha'])}"
        )
        headers, rows = tables.label_rows(r, self.name)
        self.labels.set_rows(headers, rows, {2, *range(4, len(headers))})
        self._fill_matrix()
        headers, rows = tables.document_rows(r, self.name)
        self.documents.set_rows(headers, rows, {2, 3})

    def _fill_matrix(self) -> None:
        if self.result is None:
            return
        headers, rows = tables.matrix_rows(self.result, self.figure.currentIndex(), self.name)
        self.matrix.set_rows(headers, rows, set(range(1, len(headers))))
