"""The review API: everything an analyst can do to a project, with no Qt in it.

The GUI, the CLI and the tests all drive a `ReviewSession`. Each operation is one SQLite
transaction and one event in the log, stamped with the reviewer's name.
"""

from __future__ import annotations

import getpass
import logging
import os
from pathlib import Path

from idleb_desk.core.actors import ActorOps
from idleb_desk.core.bulk_ops import BulkOps
from idleb_desk.core.memory import MemoryOps
from idleb_desk.core.ops import ReviewError, operation, revert
from idleb_desk.model import (
    DOC_DONE,
    DOC_NEW,
    Claim,
    Document,
    DocumentSummary,
    Event,
    Region,
    Span,
)
from idleb_desk.store import history, undo_groups
from idleb_desk.store.lockfile import ProjectLock
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)


def default_reviewer() -> str:
    """The analyst's name: IDLEB_DESK_REVIEWER, else the login name."""
    name = os.environ.get("IDLEB_DESK_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "analyst"
    except (OSError, KeyError):
        return "analyst"


class ReviewSession(ActorOps, MemoryOps, BulkOps):
    """An open project and the analyst working on it."""

    def __init__(
        self, store: Store, reviewer: str | None = None, lock: ProjectLock | None = None
    ) -> None:
        self.store = store
        self.reviewer = (reviewer or default_reviewer()).strip() or "analyst"
        self.lock = lock
        # The baseline for changed_elsewhere: what this session has already read.
        self._data_version: int | None = self._read_data_version()

    @classmethod
    def open(
        cls, path: Path | str, reviewer: str | None = None, *, create: bool = True
    ) -> ReviewSession:
        """A session without the window lock (scripts, the CLI, tests); the window opens
        projects through `core.opening.open_project`."""
        return cls(Store.open(path, create=create), reviewer)

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @property
    def notices(self) -> list[str]:
        """What the analyst should be told about opening the file (a stray WAL set aside)."""
        return list(self.store.notices)

    @property
    def path(self) -> Path:
        return self.store.path

    # ---- reads -------------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        return self.store.document_summaries()

    def document(self, document_id: int) -> Document:
        return self.store.document(document_id)

    def spans(self, document_id: int) -> list[Span]:
        return self.store.spans(document_id)

    def span(self, span_id: int) -> Span:
        return self.store.span(span_id)

    def claims(self, document_id: int) -> list[Claim]:
        return self.store.claims(document_id)

    def claim(self, claim_id: int) -> Claim:
        return self.store.claim(claim_id)

    def regions(self, document_id: int) -> list[Region]:
        return self.store.regions(document_id)

    def actor_name(self, actor_id: int | None) -> str:
        return "" if actor_id is None else self.store.actor(actor_id).name

    def events(self, document_id: int | None = None) -> list[Event]:
        return history.events(self.store.con, document_id)

    def next_unreviewed(self, after_id: int | None = None) -> int | None:
        """The next document not yet marked done, wrapping around the list."""
        docs = self.documents()
        ids = [d.id for d in docs if d.status != DOC_DONE]
        if not ids:
            return None
        later = [i for i in ids if after_id is None or i > after_id]
        return later[0] if later else ids[0]

    # ---- documents ---------------------------------------------------------------------

    def mark_document_done(self, document_id: int, done: bool = True) -> Document:
        with operation(self.store, self.reviewer, "mark_done", document_id) as op:
            op.touch("documents", document_id)
            self.store.con.execute(
                "UPDATE documents SET status = ?, reviewer = ?, reviewed_at = ? WHERE id = ?",
                (
                    DOC_DONE if done else DOC_NEW,
                    self.reviewer,
                    op.time if done else None,
                    document_id,
                ),
            )
        return self.store.document(document_id)

    # ---- undo and redo -----------------------------------------------------------------

    def can_undo(self, document_id: int) -> bool:
        return history.last_done(self.store.con, document_id, self.reviewer) is not None

    def can_redo(self, document_id: int) -> bool:
        return history.next_undone(self.store.con, document_id, self.reviewer) is not None

    def undo(self, document_id: int) -> Event | None:
        """Undo this reviewer's newest operation on the document; None if there is none."""
        event = history.last_done(self.store.con, document_id, self.reviewer)
        return self._replay(event, "undo", history.UNDONE)

    def redo(self, document_id: int) -> Event | None:
        event = history.next_undone(self.store.con, document_id, self.reviewer)
        return self._replay(event, "redo", history.DONE)

    def _replay(self, event: Event | None, verb: str, new_state: str) -> Event | None:
        """Write an event's before (undo) or after (redo) rows back and mark it."""
        if event is None:
            return None
        event = undo_groups.whole(self.store.con, event)  # a bulk action's steps are one step
        self._refuse_conflict(event, verb)
        target, other = (
            (event.before, event.after) if verb == "undo" else (event.after, event.before)
        )
        revert(self.store, event, self._keep_later_work(event, target, other), new_state)
        log.info("%s %s (event %d) on document %s", verb, event.op, event.id, event.document_id)
        return event

    def _refuse_conflict(self, event: Event, verb: str) -> None:
        other = history.later_conflict(self.store.con, event)
        if other is not None and other.reviewer == event.reviewer and event.document_id is not None:
            # A document event keeps the analyst's own later work in other documents
            # (`_keep_later_work`, project memory); only a project event must wait.
            other = None
        if other is None and verb == "redo" and event.document_id is None:
            other = history.earlier_undone(self.store.con, event)
        if other is not None and other.reviewer == event.reviewer:
            where = (
                f"in {self.store.document(other.document_id).title!r}"
                if other.document_id is not None
                else "in the project"
            )
            raise ReviewError(
                f"cannot {verb} {event.op.replace('_', ' ')}: "
                f"{'a later' if other.id > event.id else 'an earlier'} change {where} "
                f"({other.op.replace('_', ' ')}) touched the same item; {verb} that first"
            )
        if other is not None:
            raise ReviewError(
                f"cannot {verb} {event.op.replace('_', ' ')}: {other.reviewer} changed the "
                f"same item afterwards ({other.op.replace('_', ' ')} at {other.time})"
            )

    # ---- other programs and windows ------------------------------------------------------

    @property
    def read_only_reason(self) -> str | None:
        """Why this session may not change the project, or None if it may."""
        return self.store.read_only_reason

    def changed_elsewhere(self) -> bool:
        """True once after another connection (a CLI import, a worker, another window)
        committed to the project; cheap enough to poll."""
        version = self._read_data_version()
        changed = version != self._data_version
        self._data_version = version
        return changed

    def _read_data_version(self) -> int:
        return int(self.store.execute("PRAGMA data_version").fetchone()[0])
