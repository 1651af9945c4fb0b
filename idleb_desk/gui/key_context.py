"""What every key group shares: the focus, the labels, the status bar, and running one
review operation the same way (errors as messages, then its changes drawn)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from idleb_desk.changes import Changes
from idleb_desk.core import offsets as core_offsets
from idleb_desk.core.opening import ProjectError, ReadOnlyError
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui import errors
from idleb_desk.gui.focus import Focus
from idleb_desk.gui.labels import LabelSet
from idleb_desk.gui.op_changes import take_changes
from idleb_desk.gui.review_state import DocState
from idleb_desk.gui.review_widgets import quote
from idleb_desk.model import Span

log = logging.getLogger(__name__)

T = TypeVar("T")
Handlers = dict[str, Callable[[], None]]


@dataclass
class KeyContext:
    focus: Focus
    labels: LabelSet
    status: Callable[[str], None]
    apply_changes: Callable[[Changes], None]

    @property
    def session(self) -> ReviewSession | None:
        return self.focus.session

    @property
    def state(self) -> DocState | None:
        return self.focus.state

    def commit(self, fn: Callable[[], T], changed: Callable[[T], Changes]) -> T | None:
        """Run one review operation and draw what it changed (`changed` names it from the
        result where the session does not record it). A refused operation is a status
        message, a file error a dialog; returns None then."""
        try:
            result = fn()
        except ReviewError as exc:
            self.status(f"Not changed: {exc}")
            return None
        except ReadOnlyError:
            # A read-only project is a state, not an accident: say why in the status bar.
            reason = self.session.read_only_reason if self.session else None
            self.status(f"Not changed — read-only: {reason or 'the project cannot be written'}")
            return None
        except ProjectError as exc:
            errors.show_error(self.focus.w.view.window(), "Could not save", errors.describe(exc))
            return None
        except KeyError as exc:
            # The item vanished under us (another window?): show the file as it now is.
            log.warning("stale item: %s", exc)
            self.focus.reload()
            return None
        if result is not None:
            self.apply_changes(take_changes(self.session, changed(result)))
        return result

    def here(
        self, spans: Iterable[int | None] = (), claims: Iterable[int | None] = ()
    ) -> Changes:
        """Changes of the open document: these spans and claims."""
        doc = self.focus.doc_id
        return Changes(
            documents=frozenset(() if doc is None else (doc,)),
            spans=frozenset(i for i in spans if i is not None),
            claims=frozenset(i for i in claims if i is not None),
        )

    def saved(self, what: str) -> None:
        note = getattr(self.session, "memory_note", "") if self.session else ""
        if note:
            self.session.memory_note = ""  # type: ignore[union-attr]
        self.status(f"Saved: {what}" + (f" — {note}" if note else ""))

    @staticmethod
    def describe(s: Span) -> str:
        return f"{quote(s.text)} ({s.label})"

    def selection_or_caret(self) -> tuple[int, int] | None:
        view = self.focus.w.view
        sel = view.selection_cp()
        if sel is not None:
            return sel
        assert self.state is not None
        return core_offsets.token_at(self.state.text, view.caret_cp())
