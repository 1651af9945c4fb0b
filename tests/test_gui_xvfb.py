"""The real window on a real X server, driven only by xdotool key presses.

This is how a reviewer without a screen checks the app: Xvfb, `xdotool windowfocus`, then
keys. It catches what offscreen tests cannot: X input focus (with no window manager, a
closed dialog used to leave the keyboard nowhere) and Qt's hidden helper windows (their
names once matched `xdotool search --name idleb` before the real window did).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.project import SEED_PATH

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")),
    reason="needs Xvfb and xdotool (scripts/setup.sh installs them)",
)


@pytest.fixture
def display() -> Iterator[str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def xdotool(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True)
    return done.stdout.strip()


def wait_for_window(env: dict[str, str], timeout: float = 30.0, name: str = "idleb") -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ids = xdotool(env, "search", "--onlyvisible", "--name", name).split()
        if ids:
            return ids[0]
        time.sleep(0.2)
    raise AssertionError(f"no window named {name!r} appeared")


def wait_gone(env: dict[str, str], name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not xdotool(env, "search", "--onlyvisible", "--name", name):
            return
        time.sleep(0.2)
    raise AssertionError(f"the window named {name!r} did not close")


def test_keys_from_xdotool_reach_the_window(display: str, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "IDLEB_DESK_HOME": str(tmp_path / "home"),
        "IDLEB_DESK_REVIEWER": "xdotool",
    }
    imported = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "import", str(db), str(SEED_PATH)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    app = subprocess.Popen(
        [sys.executable, "-m", "idleb_desk", str(db)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wid = wait_for_window(env)
        assert "idleb" in xdotool(env, "getwindowname", wid)  # the first match is the window
        time.sleep(1.0)
        xdotool(env, "windowfocus", "--sync", wid)
        for key in ("a", "x", "F1"):
            xdotool(env, "key", key)
            time.sleep(0.4)
        # As an analyst would: Esc once the help is on screen (focused as a window manager
        # would focus a new dialog; there is none here), then go on typing without touching
        # the mouse: the keyboard must come back to the main window by itself.
        help_window = wait_for_window(env, name="— keys")
        xdotool(env, "windowfocus", "--sync", help_window)
        xdotool(env, "key", "Escape")
        wait_gone(env, name="— keys")
        for key in ("a", "ctrl+z", "ctrl+Return"):
            xdotool(env, "key", key)
            time.sleep(0.4)
        # Ctrl+Enter asks about the suggestions left. A key sent before the question is
        # on screen is dropped (the window is blocked by then, the box not yet focused),
        # so wait for it as an analyst would; Enter takes the default, "Leave".
        question = wait_for_window(env, name="Mark reviewed")
        xdotool(env, "windowfocus", "--sync", question)
        xdotool(env, "key", "Return")
        time.sleep(0.4)
        xdotool(env, "windowfocus", "--sync", wid)
        xdotool(env, "key", "ctrl+q")
        app.wait(20)
    finally:
        if app.poll() is None:
            app.kill()
    session = ReviewSession.open(db)
    ops = [(e.op, e.state, e.reviewer) for e in session.events(1)]
    session.close()
    assert [(op, state) for op, state, _ in ops] == [
        ("accept_span", "done"),
        ("reject_span", "done"),
        ("accept_span", "dropped"),  # after F1 and Esc (the keyboard came back), undone
        ("mark_done", "done"),
    ]
    assert {who for *_, who in ops} == {"xdotool"}


def test_window_class_and_icon_match_the_launcher(display: str, tmp_path: Path) -> None:
    """WM_CLASS is the application id (the .desktop file's StartupWMClass), the window has
    an icon, and Qt's hidden helper windows still keep "idleb" out of their names."""
    if not shutil.which("xprop"):
        pytest.skip("needs xprop (x11-utils)")
    from idleb_desk.paths import APP_ID

    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "IDLEB_DESK_HOME": str(tmp_path / "home"),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "idleb_desk", str(tmp_path / "p.sqlite3")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wid = wait_for_window(env)
        time.sleep(0.5)
        assert xdotool(env, "search", "--name", "idleb").split() == [wid]
        props = subprocess.run(
            ["xprop", "-id", wid, "WM_CLASS", "_NET_WM_ICON"],
            env=env, capture_output=True, text=True,
        ).stdout  # fmt: skip
        assert f'WM_CLASS(STRING) = "{APP_ID}", "{APP_ID}"' in props
        assert "_NET_WM_ICON(CARDINAL)" in props, props[:300]
        xdotool(env, "windowfocus", "--sync", wid)
        xdotool(env, "key", "ctrl+q")
        app.wait(20)
    finally:
        if app.poll() is None:
            app.kill()
