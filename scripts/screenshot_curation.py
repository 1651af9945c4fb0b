"""Screenshot of curation mode on the seed article (docs/screenshot-curation.png).

Extracts the seed with the real spaCy model, splits it among three analysts (`team
split`, the seed in every file's sample), has each decide the suggestions differently,
curates the three files into a gold project (`team curate`), opens the gold project in
the real window, and curates a little by keys (Alt+J, Alt+2, Alt+J) before saving a grab
of the window. Run it under a display, e.g.:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshot_curation.py
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from idleb_desk.core.curation import curate
from idleb_desk.core.review import ReviewSession
from idleb_desk.core.team_split import split_project
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.app import make_app
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.io.importer import extract_documents
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshot-curation.png"
ANALYSTS = ("ana", "ben", "chen")


def code_as(path: Path, k: int) -> None:
    """Analyst k: a different quarter of the mentions rejected, ben relabels some, chen
    changes some claims' kinds (the same rule as tests/team_project.py)."""
    s = ReviewSession.open(path, ANALYSTS[k], create=False)
    try:
        for d in s.documents():
            for j, sp in enumerate([x for x in s.spans(d.id) if x.layer == "actor"]):
                if (j + k) % 4 == 0:
                    s.reject_span(sp.id)
                elif (j + k) % 4 == 1 and k == 1:
                    s.relabel_span(sp.id, "ORG" if sp.label != "ORG" else "PERSON")
                else:
                    with contextlib.suppress(KeyError):  # a relabel merged it into its twin
                        s.accept_span(sp.id)
            for j, c in enumerate(s.claims(d.id)):
                if k == 2 and j % 2 == 0:
                    s.set_claim_kind(c.id, "warning" if c.kind != "warning" else "demand")
                s.accept_claim(c.id)
            s.mark_document_done(d.id)
    finally:
        s.close()


def main() -> int:
    app = make_app([sys.argv[0]])  # noqa: F841 (held: the window needs it alive)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "project.sqlite3"
        with Store.open(source) as store:
            ensure_seed(store)
            extract_documents(store, Extractor.load())
        report = split_project(source, list(ANALYSTS), 1.0, Path(tmp) / "team", 7)
        for k, name in enumerate(ANALYSTS):
            code_as(report.files[name], k)
        gold = Path(tmp) / "gold.sqlite3"
        curate([report.files[n] for n in ANALYSTS], gold, "complete", curator="cara")
        window = MainWindow(make_settings(Path(tmp) / "settings.ini"))
        assert window.open_project(gold)
        window.resize(1600, 1000)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.activateWindow()  # window keys fire only in the active window
        QTest.qWait(300)
        window.view.setFocus()
        alt = Qt.KeyboardModifier.AltModifier
        for key in (Qt.Key.Key_J, Qt.Key.Key_2, Qt.Key.Key_0, Qt.Key.Key_J):
            QTest.keyClick(window.view, key, alt)
        QTest.qWait(400)
        ok = window.grab().save(str(out))
        window.close()
    print(f"saved {out}" if ok else "could not save the screenshot")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
