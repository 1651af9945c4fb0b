"""What every key group shares: the focus, the labels, the status bar, and running one
review operation the same way (errors as messages, then its changes drawn)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from idleb_desk.changes import NO_CHANGES, Changes
from idleb_desk.core import offsets as core_offsets
from idleb_desk.core.opening import ProjectError, ReadOnlyError
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.core.undo_labels import describe_span
from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.review.focus import Focus
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.gui.window import errors
from idleb_desk.model import Span

log = logging.getLogger(__name__)

T = TypeVar("T")
# A handler may return a value (a key group reuses it); the keymap ignores it.
Handlers = dict[str, Callable[[], object]]


@dataclass
class KeyContext:
    focus: Focus
    labels: LabelSet
    status: Callable[[str], None]
    apply_changes: Callable[[Changes], None]
    # What the last operation run through `commit` changed (HistoryKeys focuses it).
    last_changes: Changes = NO_CHANGES

    @property
    def session(self) -> ReviewSession | None:
        return self.focus.session

    @property
    def state(self) -> DocState | None:
        return self.focus.state

    def commit(self, fn: Callable[[], T]) -> T | None:
        """Run one review operation that returns what it saved, and draw what it changed
        (`session.take_changes()`). A refused operation is a status message, a file error
        a dialog; returns None then."""
        ok, result = self.attempt(fn)
        return result if ok else None

    def run(self, fn: Callable[[], object]) -> bool:
        """`commit` for an operation that returns nothing: True if it was saved."""
        return self.attempt(fn)[0]

    def attempt(self, fn: Callable[[], T]) -> tuple[bool, T | None]:
        """(saved?, what fn returned): for an operation whose None is an answer
        (undo with nothing to undo)."""
        try:
            result = fn()
        except ReviewError as exc:
            self.status(f"Not changed: {exc}")
            return False, None
        except ReadOnlyError:
            # A read-only project is a state, not an accident: say why in the status bar.
            reason = self.session.read_only_reason if self.session else None
            self.status(f"Not changed — read-only: {reason or 'the project cannot be written'}")
            return False, None
        except ProjectError as exc:
            errors.show_error(self.focus.w.view.window(), "Could not save", errors.describe(exc))
            return False, None
        except KeyError as exc:
            # The item vanished under us (another window?): show the file as it now is.
            log.warning("stale item: %s", exc)
            self.focus.reload()
            return False, None
        if self.session is not None:
            self.last_changes = self.session.take_changes()
            self.apply_changes(self.last_changes)
        return True, result

    def saved(self, what: str) -> None:
        session = self.session
        note = session.memory_note if session is not None else ""
        if note and session is not None:
            session.memory_note = ""  # said once
        self.status(f"Saved: {what}" + (f" — {note}" if note else ""))

    @staticmethod
    def describe(s: Span) -> str:
        return describe_span(s)

    def selection_or_caret(self) -> tuple[int, int] | None:
        view = self.focus.w.view
        sel = view.selection_cp()
        if sel is not None:
            return sel
        assert self.state is not None
        return core_offsets.token_at(self.state.text, view.caret_cp())
