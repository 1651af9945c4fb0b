"""Screenshot of the Agreement view (docs/screenshot-agreement.png).

The same team as scripts/screenshot_curation.py: the seed article extracted with the real
spaCy model, split among three analysts who decide its suggestions differently, curated
into a gold project. The gold project is opened in the real window, a few positions are
curated by keys, and View → Agreement… is shown for the three files and the gold, with
the analysts' heatmap in front. Run it under a display, e.g.:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshot_agreement.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from screenshot_curation import ANALYSTS, code_as

from idleb_desk.core.curation import curate
from idleb_desk.core.team_split import split_project
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.app import make_app
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.io.importer import extract_documents
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshot-agreement.png"


def main() -> int:
    app = make_app([sys.argv[0]])  # noqa: F841 (held: the window needs it alive)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "project.sqlite3"
        with Store.open(source) as store:
            ensure_seed(store)
            extract_documents(store, Extractor.load())
        report = split_project(source, list(ANALYSTS), 1.0, Path(tmp) / "team", 7)
        files = [report.files[n] for n in ANALYSTS]
        for k, path in enumerate(files):
            code_as(path, k)
        gold = Path(tmp) / "gold.sqlite3"
        curate(files, gold, "complete", curator="cara")
        window = MainWindow(make_settings(Path(tmp) / "settings.ini"))
        assert window.open_project(gold)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.activateWindow()
        window.view.setFocus()
        alt = Qt.KeyboardModifier.AltModifier
        for key in (Qt.Key.Key_J, Qt.Key.Key_2, Qt.Key.Key_J, Qt.Key.Key_3):
            QTest.keyClick(window.view, key, alt)
        view = window.agreement
        view.ask_files = lambda: files
        window.run_action("agreement_view")
        for _ in range(600):
            if view.result is not None and view.task is None:
                break
            QTest.qWait(100)
        view.setFloating(True)
        view.resize(1180, 520)
        view.tabs.setCurrentIndex(1)
        QTest.qWait(400)
        ok = view.grab().save(str(out))
        window.close()
    print(f"saved {out}" if ok else "could not save the screenshot")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
