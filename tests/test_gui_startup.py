"""Startup: the window is up before spaCy; the model loads and extracts in the background."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.app import build_window
from idleb_desk.gui.window.project_actions import MODEL_LOADING, MODEL_MISSING


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IDLEB_DESK_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(errors, "presenter", lambda *a: pytest.fail(f"dialog: {a}"))
    return tmp_path


def test_window_first_then_model_then_suggestions(qtbot, home: Path) -> None:
    w = build_window(None, settings=make_settings(home / "s.ini"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.view.setFocus()
    # Up and usable before the model: the seed is open, by hand.
    assert w.project_actions.model_label.text() in (MODEL_LOADING, "Model: not loaded")
    state = w.focus.state
    assert state is not None and state.doc.ext_id == "idleb-eu-ministers"
    assert "idleb" in w.windowTitle()

    # The model loads and extracts in the background; how long the GUI thread stalls
    # meanwhile is measured by bench/gui_startup.py, not asserted here (machines vary).
    qtbot.waitUntil(
        lambda: w.project_actions.model_label.text().startswith("Model: ready"), timeout=60000
    )
    qtbot.waitUntil(
        lambda: w.project_actions.extract_task is None and bool(w.focus.state.spans), timeout=60000
    )
    assert w.view.hasFocus()
    assert w.doc_model.rows[0].n_items > 0
    w.close()


def test_missing_model_means_annotate_by_hand(qtbot, home: Path, monkeypatch) -> None:
    from idleb_desk.nlp import pipeline
    from idleb_desk.nlp.resolve import ModelUnavailable

    def missing(cls, configured=None):
        raise ModelUnavailable([("en_core_web_sm", "not installed")])

    monkeypatch.setattr(pipeline.Extractor, "load", classmethod(missing))
    w = build_window(None, settings=make_settings(home / "s.ini"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.project_actions.model_label.text() == MODEL_MISSING, timeout=20000)
    assert "No spaCy pipeline" in w.statusBar().currentMessage()
    assert "en_core_web_sm" in w.project_actions.model_label.toolTip()
    w.close()


def test_the_startup_probe_times_a_real_start(home: Path) -> None:
    """bench/gui_startup.py's process_to_window_ms: the app started as a user starts it
    shows the project's document, writes the time once its article is painted, quits."""
    import os
    import subprocess
    import sys
    import time

    from idleb_desk.gui.window.app import STARTUP_PROBE
    from idleb_desk.store.store import Store

    project = home / "p.sqlite3"
    with Store.open(project) as store, store.transaction():
        store.insert_document("a", "An article", "The envoy said the talks would go on.")
    out = home / "probe.time"
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", str(project)],
        env={**os.environ, STARTUP_PROBE: str(out), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert t0 < float(out.read_text()) < time.monotonic()


def test_the_window_starts_without_the_heavy_libraries() -> None:
    """spaCy, numpy, the PostgreSQL driver, pyarrow and Ray load when something needs
    them (the model in its thread, the Network layout, a joined project's sync, a batch),
    not with the window: each is megabytes and tenths of a second of every start. The same
    for the standard library's OpenSSL binding (hashlib: 3.5 MB), subprocess and
    uuid, which the window needs only to import, to train or to sync (issue 17's 100 MB)."""
    import subprocess
    import sys

    code = ("import sys, idleb_desk.gui.window.main_window, idleb_desk.gui.window.app; "
            "print(sorted(m for m in ('spacy', 'numpy', 'psycopg', 'pyarrow', 'ray', 'regex', "
            "'pandas', 'trafilatura', '_hashlib', 'subprocess', 'uuid') "
            "if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**__import__("os").environ,
                                          "QT_QPA_PLATFORM": "offscreen"})  # fmt: skip
    assert out.stdout.strip().splitlines()[-1] == "[]"
