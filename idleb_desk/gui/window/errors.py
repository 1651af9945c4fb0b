"""Error dialogs, routed through one replaceable function.

Everything that can go wrong with a file (not a project, corrupt, locked, from a newer
version, an unreadable article) reaches the analyst through `show_error`, with the
StoreError message that already names the file and the problem. Tests swap `presenter`
for a recorder so no modal dialog blocks them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from idleb_desk.gui.window.modal import exec_modal

log = logging.getLogger(__name__)

Presenter = Callable[[QWidget | None, str, str], None]


def _message_box(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextInteractionFlags(box.textInteractionFlags())
    exec_modal(box)


presenter: Presenter = _message_box

Asker = Callable[[QWidget | None, str, str, str], bool]


def _question(parent: QWidget | None, title: str, message: str, action: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Cancel, parent
    )
    button = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(button)
    exec_modal(box)
    return box.clickedButton() is button


# Asks a yes-or-no question with one named action ("Recover…"); tests swap it.
asker: Asker = _question


Chooser = Callable[[QWidget | None, str, str, tuple[str, ...]], str | None]


def _choice(
    parent: QWidget | None, title: str, message: str, actions: tuple[str, ...]
) -> str | None:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Cancel, parent
    )
    buttons = {box.addButton(a, QMessageBox.ButtonRole.AcceptRole): a for a in actions}
    box.setDefaultButton(next(iter(buttons)))
    exec_modal(box)
    return buttons.get(box.clickedButton())  # type: ignore[call-overload]


# Asks which of several named actions to take ("Recover…", "Restore from backup…"), or
# none (Cancel: None); tests swap it.
chooser: Chooser = _choice


def choose(
    parent: QWidget | None, title: str, message: str, actions: tuple[str, ...]
) -> str | None:
    log.warning("%s: %s", title, message)
    return chooser(parent, title, message, actions)


def ask(parent: QWidget | None, title: str, message: str, action: str) -> bool:
    log.warning("%s: %s", title, message)
    return asker(parent, title, message, action)


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """Tell the analyst what went wrong; the app keeps running afterwards."""
    log.error("%s: %s", title, message)
    presenter(parent, title, message)


def describe(exc: BaseException) -> str:
    """The message to show for an exception: StoreError and ImportProblem texts as is."""
    text = str(exc).strip()
    return text or type(exc).__name__
