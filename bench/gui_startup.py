"""Start-up of the window on the seed: time to a usable window, to a loaded model, and the
longest stall of the GUI thread while spaCy loads and extracts in the background.

The stall is the largest gap between ticks of a 10 ms timer. The baseline is the same
timer in the same window, idle, for as long as the model took: what the machine's own
noise costs. Runs headless (QT_QPA_PLATFORM=offscreen); the last line is key=value pairs.

    .venv/bin/python bench/gui_startup.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.app import build_window, make_app


def wait(app: QApplication, done, timeout: float) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            sys.exit("timed out")
        app.processEvents()
        time.sleep(0.001)


def max_gap(app: QApplication, until, timeout: float) -> float:
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    wait(app, until, timeout)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return max(gaps) if gaps else 0.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["IDLEB_DESK_HOME"] = str(Path(tmp) / "home")
        app = make_app()
        t0 = time.perf_counter()
        w = build_window(None, settings=make_settings(Path(tmp) / "s.ini"))
        w.show()
        app.processEvents()
        window_ms = (time.perf_counter() - t0) * 1000
        stall = max_gap(
            app,
            lambda: (
                w.project_actions.model_label.text().startswith("Model: ready")
                and w.project_actions.extract_task is None
                and bool(w.focus.state and w.focus.state.spans)
            ),
            180,
        )
        model_ms = (time.perf_counter() - t0) * 1000
        # The same timer with nothing loading, for as long: the machine's own noise.
        idle_end = time.perf_counter() + model_ms / 1000
        baseline = max_gap(app, lambda: time.perf_counter() > idle_end, model_ms / 1000 + 5)
        w.close()
    print(
        f"window on screen: {window_ms:.0f} ms; model loaded and suggestions shown: "
        f"{model_ms:.0f} ms"
    )
    print(
        f"longest GUI stall while loading: {stall * 1000:.0f} ms "
        f"(idle baseline {baseline * 1000:.0f} ms)"
    )
    print(
        f"window_ms={window_ms:.0f} model_ready_ms={model_ms:.0f} "
        f"max_stall_ms={stall * 1000:.0f} idle_stall_ms={baseline * 1000:.0f}"
    )


if __name__ == "__main__":
    main()
