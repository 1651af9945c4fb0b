"""Modal dialogs that hand the keyboard back to the window they came from.

With no window manager (a kiosk session, or Xvfb driven by xdotool) X leaves the input
focus on nothing when a dialog closes, so every key pressed after it would be lost. A
desktop's window manager does this itself; doing it here as well is harmless there.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget


def return_focus(widget: QWidget | None) -> None:
    """Activate `widget`'s window again and restore its focused child."""
    if widget is None:
        return
    window = widget.window()
    if not window.isVisible():
        return
    focus = window.focusWidget()
    window.raise_()
    window.activateWindow()
    if focus is not None:
        focus.setFocus()


def exec_modal(dialog: QDialog) -> int:
    """`dialog.exec()`, then give the keyboard back to its parent window."""
    code = dialog.exec()
    return_focus(dialog.parentWidget())
    return int(code)
