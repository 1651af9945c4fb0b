"""Start-up of the window on the seed: time to a usable window, to a loaded model, and the
longest stall of the GUI thread while spaCy loads and extracts in the background.

The stall is the largest gap between ticks of a 10 ms timer. The baseline is the same
timer in the same window, idle, for as long as the model took: what the machine's own
noise costs. `process_to_window_ms` starts the app as a user does (`python -m idleb_desk
PROJECT`) and times it to the window showing the project's last document, against a bare
Qt window showing the same text. Runs headless (QT_QPA_PLATFORM=offscreen); the last line
is key=value pairs.

    .venv/bin/python bench/gui_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
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


BARE_QT = """
import sys, time
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication(sys.argv)
w = QPlainTextEdit()
w.setPlainText(open(sys.argv[1], encoding="utf-8").read())
w.resize(1200, 800)
w.show()
app.processEvents()
open(sys.argv[2], "w").write(f"{time.monotonic():.6f}")
"""


def process_to_window(tmp: Path, runs: int = 5) -> tuple[float, float]:
    """Median ms from starting `python -m idleb_desk PROJECT` to its window showing the
    project's last document (the app's own probe, see gui/window/app.py), on the seed
    project; and, as the floor, a bare Qt window showing the same text."""
    home = tmp / "probe-home"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "IDLEB_DESK_HOME": str(home / "idleb")}  # fmt: skip
    project = tmp / "probe.sqlite3"
    seed = Path(__file__).resolve().parents[1] / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
    subprocess.run([sys.executable, "-m", "idleb_desk", "import", str(project), str(seed)],
                   env=env, check=True, capture_output=True)  # fmt: skip
    out = tmp / "probe.time"
    app_ms, bare_ms = [], []
    for _ in range(runs):
        for cmd, times in (
            ([sys.executable, "-m", "idleb_desk", str(project)], app_ms),
            ([sys.executable, "-c", BARE_QT, str(seed), str(out)], bare_ms),
        ):
            out.unlink(missing_ok=True)
            t0 = time.monotonic()
            subprocess.run(cmd, env={**env, "IDLEB_DESK_STARTUP_PROBE": str(out)}, check=True,
                           capture_output=True, timeout=120)  # fmt: skip
            times.append((float(out.read_text()) - t0) * 1000)
    return statistics.median(app_ms), statistics.median(bare_ms)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app_ms, bare_ms = process_to_window(Path(tmp))
        print(f"process to window showing the last document: {app_ms:.0f} ms "
              f"(a bare Qt window with the same text: {bare_ms:.0f} ms)")  # fmt: skip
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
        f"max_stall_ms={stall * 1000:.0f} idle_stall_ms={baseline * 1000:.0f} "
        f"process_to_window_ms={app_ms:.0f} bare_qt_window_ms={bare_ms:.0f}"
    )


if __name__ == "__main__":
    main()
