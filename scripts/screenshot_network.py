"""Screenshot of the Network view on the seed article (docs/screenshot-network.png).

Extracts the seed with the real spaCy model into a temporary project, opens the real
window, opens the Network view with its action (Ctrl+Shift+N), shows all claims, selects the third
claim edge from the keyboard actions (so the article shows that claim focused) and saves
a grab of the window. Run it under a display, e.g.:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshot_network.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtTest import QTest

from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.app import make_app
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.io.importer import extract_documents
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshot-network.png"


def main() -> int:
    _app = make_app([sys.argv[0]])  # held: the QApplication must outlive the window
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "project.sqlite3"
        store = Store.open(db)
        try:
            ensure_seed(store)
            extract_documents(store, Extractor.load())
        finally:
            store.close()
        window = MainWindow(make_settings(Path(tmp) / "settings.ini"))
        assert window.open_project(db)
        window.resize(1600, 1000)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.run_action("network_view")  # its default share of the window
        window.run_action("network_status")  # all claims: nothing is reviewed yet
        for _ in range(3):
            window.run_action("network_next_edge")
        QTest.qWait(400)
        window.network_view.canvas.fit()
        QTest.qWait(200)
        ok = window.grab().save(str(sys.argv[1] if len(sys.argv) > 1 else OUT))
        window.close()
    print(f"saved {OUT}" if ok else "could not save the screenshot")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
