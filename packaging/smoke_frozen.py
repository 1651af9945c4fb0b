"""Smoke check of the frozen app, with the venv's `idleb-desk` as the baseline in the same run.

    python packaging/smoke_frozen.py dist/idleb-desk/idleb-desk

For each of the two: `extract` on the seed (must use the bundled model and find actors and
claims), then the window offscreen on a fresh default project until the model has loaded
and its suggestions for the seed are stored. Times come from the app's own log (window
shown, model loaded) and from polling the project file (suggestions stored). The first
launch of the frozen app after a build is the "cold start" reported; the build has just
written its files, so they are in the page cache (a cold disk is slower). Last line:
key=value figures.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
BASELINE = ROOT / ".venv" / "bin" / "idleb-desk"
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def folder_mb(path: Path) -> float:
    # Symlinks (PyInstaller links some libraries) would count their targets twice.
    files = (f for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return sum(f.stat().st_size for f in files) / 1e6


def check_extract(binary: Path) -> tuple[float, dict]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(binary), "extract", str(SEED)], capture_output=True, text=True, timeout=600
    )
    took = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"FAIL: {binary} extract exited {done.returncode}:\n{done.stderr}")
    rec = json.loads(done.stdout)
    if not (rec["model"].startswith("en_core_web_sm") and rec["actors"] and rec["claims"]):
        sys.exit(f"FAIL: {binary} extract gave no suggestions: {rec['model']}")
    return took, rec


def log_times(log: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    if not log.exists():
        return out
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = LOG_TIME.match(line)
        if not m:
            continue
        t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if "window shown" in line:
            out.setdefault("window", t)
        elif "loaded spaCy pipeline" in line:
            out.setdefault("model", t)
    return out


def spans_stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM spans").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def check_window(binary: Path, timeout: float = 240.0) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {**os.environ, "IDLEB_DESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        t0 = time.time()
        proc = subprocess.Popen(
            [str(binary)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        suggested = None
        try:
            while time.time() - t0 < timeout:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    sys.exit(f"FAIL: {binary} window exited {proc.returncode}:\n{err}")
                if spans_stored(home / "project.sqlite3") > 0:
                    suggested = time.time()
                    break
                time.sleep(0.1)
        finally:
            proc.terminate()
            proc.wait(30)
        times = log_times(home / "idleb_desk.log")
    if suggested is None or "window" not in times or "model" not in times:
        sys.exit(f"FAIL: {binary}: window or model never came up ({times})")
    return {
        "window_s": times["window"] - t0,
        "model_s": times["model"] - t0,
        "suggestions_s": suggested - t0,
    }


def check_html(binary: Path) -> None:
    """A saved web page imports through trafilatura, whose data files must be bundled."""
    page = ROOT / "tests" / "data" / "html" / "ceasefire-talks.html"
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [str(binary), "import", str(Path(tmp) / "p.sqlite3"), str(page), "--no-extract"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    said = done.stdout + done.stderr
    if done.returncode != 0 or "could not read the page" in said:
        sys.exit(f"FAIL: {binary} import of a saved web page:\n{said}")


def main() -> None:
    frozen = Path(sys.argv[1]).resolve()
    if not frozen.exists():
        sys.exit(f"FAIL: no frozen app at {frozen}")
    size = folder_mb(frozen.parent)
    # The first launch after the build is the cold start.
    cold = check_window(frozen)
    warm = check_window(frozen)
    extract_s, rec = check_extract(frozen)
    check_html(frozen)
    base_window = check_window(BASELINE)
    base_extract_s, _ = check_extract(BASELINE)
    print(f"frozen app: {frozen.parent} ({size:.0f} MB)")
    print(
        f"  extract on the seed: {len(rec['actors'])} actors, {len(rec['claims'])} claims, "
        f"model {rec['model']}, {extract_s:.1f} s (venv: {base_extract_s:.1f} s)"
    )
    for name, t in (("cold", cold), ("warm", warm), ("venv baseline", base_window)):
        print(
            f"  window {name}: shown {t['window_s']:.2f} s, model loaded "
            f"{t['model_s']:.2f} s, suggestions stored {t['suggestions_s']:.2f} s"
        )
    print("  a saved web page imports through trafilatura")
    print("OK")
    print(
        f"size_mb={size:.0f} cold_window_s={cold['window_s']:.2f} "
        f"cold_model_s={cold['model_s']:.2f} cold_suggestions_s={cold['suggestions_s']:.2f} "
        f"warm_window_s={warm['window_s']:.2f} extract_s={extract_s:.1f} "
        f"baseline_window_s={base_window['window_s']:.2f} "
        f"baseline_model_s={base_window['model_s']:.2f} baseline_extract_s={base_extract_s:.1f}"
    )


if __name__ == "__main__":
    main()
