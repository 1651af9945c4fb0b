"""The review API: everything an analyst can do to a project, with no Qt in it.

The GUI, the CLI and the tests all drive a `ReviewSession`. Each operation is one SQLite
transaction and one event in the log, stamped with the reviewer's name, and records what
it changed; `take_changes` hands that over, for the window to redraw in one way.
"""

from __future__ import annotations

import logging
from pathlib import Path

from idleb_desk import actor_link
from idleb_desk.changes import Changes
from idleb_desk.core.actor_ops import ActorOps
from idleb_desk.core.bulk_ops import LEAVE, BulkOps, BulkResult, Position
from idleb_desk.core.bulk_steps import STEP_MS, CancelFn, ProgressFn
from idleb_desk.core.claim_ops import ClaimOps
from idleb_desk.core.memory_ops import MemoryOps
from idleb_desk.core.outside import outside_changes, read_mark
from idleb_desk.core.search import Match
from idleb_desk.core.session_context import SessionContext, default_reviewer
from idleb_desk.core.span_ops import SpanOps
from idleb_desk.core.undo_ops import UndoOps
from idleb_desk.model import (
    DOC_DONE,
    DOC_NEW,
    LAYER_ACTOR,
    Claim,
    Document,
    DocumentSummary,
    Event,
    Region,
    Span,
)
from idleb_desk.store import documents as documents_q
from idleb_desk.store import history
from idleb_desk.store.actor_queries import ActorRow, Mention
from idleb_desk.store.lockfile import ProjectLock
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)


class ReviewSession:
    """An open project and the analyst working on it, composed of parts that share one
    `SessionContext` (store, reviewer, change log, after-decision hooks):

    - `spans_ops` (`SpanOps`): accept_span, reject_span, relabel_span, resize_span,
      move_edge, create_span, delete_span
    - `claims_ops` (`ClaimOps`): create_claim, set_role, clear_role, add_addressee,
      remove_addressee, clear_addressees, claim_kinds, add_claim_kind, set_claim_kind,
      set_quote_type, accept_claim, reject_claim, delete_claim
    - `actors` (`ActorOps`): actor_rows, actor_mentions, suggest_actor, demonyms_to_state,
      set_demonyms_to_state, rename_actor, merge_actors, split_mention, link_mention,
      link_speaker, speaker_actor
    - `memory` (`MemoryOps`, an after-decision hook): memory_touched, memory_note,
      memory_documents
    - `bulk` (`BulkOps`): occurrences, accept_every, reject_every, set_flag, set_comment,
      suggestions_left, finish_document, find_all, last_position, remember_position
    - `undo_ops` (`UndoOps`): can_undo, can_redo, undo_event, redo_event, undo, redo
    - the session itself: documents, document, spans, span, claims, claim, regions,
      actor_name, events, next_unreviewed (reads), mark_document_done, take_changes (what
      this session changed since the last call), changes_elsewhere / changed_elsewhere
      (what other connections committed), close.

    The methods above are thin delegations to the parts, kept so that callers need not
    know which part does what.
    """

    def __init__(
        self, store: Store, reviewer: str | None = None, lock: ProjectLock | None = None
    ) -> None:
        self.store = store
        self.lock = lock
        name = (reviewer or default_reviewer()).strip() or "analyst"
        self.context = SessionContext(store, name)
        self.spans_ops = SpanOps(self.context)
        self.claims_ops = ClaimOps(self.context, self.spans_ops)
        self.actors = ActorOps(self.context)
        self.memory = MemoryOps(self.context)  # registers its after-decision hook
        self.bulk = BulkOps(self.context, self.spans_ops, self.claims_ops, self.memory)
        self.undo_ops = UndoOps(self.context)
        # The baseline for changes_elsewhere: what this session has already read.
        self._seen = read_mark(store)

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
    def reviewer(self) -> str:
        return self.context.reviewer

    @property
    def notices(self) -> list[str]:
        """What the analyst should be told about opening the file (a stray WAL set aside)."""
        return list(self.store.notices)

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def read_only_reason(self) -> str | None:
        """Why this session may not change the project, or None if it may."""
        return self.store.read_only_reason

    # ---- what changed --------------------------------------------------------------------

    def take_changes(self) -> Changes:
        """What this session's operations, undos, redos and settings writes changed since
        the last call (NO_CHANGES if nothing); the log starts afresh."""
        return self.context.log.take()

    def changes_elsewhere(self) -> Changes:
        """What other connections (a CLI import, a worker, another window) committed since
        the last call: the rows of the events they logged, or `Changes.all()` when the
        file changed in a way their events do not say. Cheap enough to poll."""
        changes, self._seen = outside_changes(self.store, self._seen, self.context.log.own_events)
        if changes:
            self.context.log.own_events.clear()
        return changes

    def changed_elsewhere(self) -> bool:
        """True once after another connection committed to the project."""
        return bool(self.changes_elsewhere())

    # ---- reads -------------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        return self.store.document_summaries()

    def document(self, document_id: int) -> Document:
        return self.store.document(document_id)

    def spans(self, document_id: int) -> list[Span]:
        return self.store.spans(document_id)

    def spans_between(self, document_id: int, start: int, end: int) -> list[Span]:
        return self.store.spans_between(document_id, start, end)

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
        with self.context.operation("mark_done", document_id) as op:
            op.touch("documents", document_id)
            documents_q.set_status(
                self.store, document_id, DOC_DONE if done else DOC_NEW, self.reviewer,
                op.time if done else None,
            )  # fmt: skip
        return self.store.document(document_id)

    # ---- spans (`spans_ops`) -------------------------------------------------------------

    def accept_span(self, span_id: int) -> Span:
        return self.spans_ops.accept_span(span_id)

    def reject_span(self, span_id: int) -> Span:
        return self.spans_ops.reject_span(span_id)

    def relabel_span(self, span_id: int, label: str) -> Span:
        return self.spans_ops.relabel_span(span_id, label)

    def resize_span(self, span_id: int, start: int, end: int) -> Span:
        return self.spans_ops.resize_span(span_id, start, end)

    def move_edge(self, span_id: int, edge: str, direction: int) -> Span:
        return self.spans_ops.move_edge(span_id, edge, direction)

    def create_span(
        self, document_id: int, start: int, end: int, label: str, layer: str = LAYER_ACTOR
    ) -> Span:
        return self.spans_ops.create_span(document_id, start, end, label, layer)

    def delete_span(self, span_id: int) -> None:
        self.spans_ops.delete_span(span_id)

    # ---- claims (`claims_ops`) -----------------------------------------------------------

    def create_claim(
        self,
        document_id: int,
        content_span_id: int | None = None,
        content_range: tuple[int, int] | None = None,
        kind: str = "statement",
        quote_type: str = "indirect",
    ) -> Claim:
        return self.claims_ops.create_claim(
            document_id, content_span_id, content_range, kind, quote_type
        )

    def set_role(
        self,
        claim_id: int,
        role: str,
        span_id: int | None = None,
        rng: tuple[int, int] | None = None,
    ) -> Claim:
        return self.claims_ops.set_role(claim_id, role, span_id, rng)

    def clear_role(self, claim_id: int, role: str) -> Claim:
        return self.claims_ops.clear_role(claim_id, role)

    def add_addressee(
        self, claim_id: int, span_id: int | None = None, rng: tuple[int, int] | None = None
    ) -> Claim:
        return self.claims_ops.add_addressee(claim_id, span_id, rng)

    def remove_addressee(self, claim_id: int, span_id: int) -> Claim:
        return self.claims_ops.remove_addressee(claim_id, span_id)

    def clear_addressees(self, claim_id: int) -> Claim:
        return self.claims_ops.clear_addressees(claim_id)

    def claim_kinds(self) -> tuple[str, ...]:
        return self.claims_ops.claim_kinds()

    def add_claim_kind(self, kind: str) -> tuple[str, ...]:
        return self.claims_ops.add_claim_kind(kind)

    def set_claim_kind(self, claim_id: int, kind: str) -> Claim:
        return self.claims_ops.set_claim_kind(claim_id, kind)

    def set_quote_type(self, claim_id: int, quote_type: str) -> Claim:
        return self.claims_ops.set_quote_type(claim_id, quote_type)

    def accept_claim(self, claim_id: int) -> Claim:
        return self.claims_ops.accept_claim(claim_id)

    def reject_claim(self, claim_id: int) -> Claim:
        return self.claims_ops.reject_claim(claim_id)

    def delete_claim(self, claim_id: int) -> None:
        self.claims_ops.delete_claim(claim_id)

    # ---- actors (`actors`) ---------------------------------------------------------------

    def actor_rows(self) -> list[ActorRow]:
        return self.actors.actor_rows()

    def actor_mentions(self, actor_id: int) -> list[Mention]:
        return self.actors.actor_mentions(actor_id)

    def suggest_actor(self, span: Span) -> actor_link.Link:
        return self.actors.suggest_actor(span)

    def demonyms_to_state(self) -> bool:
        return self.actors.demonyms_to_state()

    def set_demonyms_to_state(self, on: bool) -> None:
        self.actors.set_demonyms_to_state(on)

    def rename_actor(self, actor_id: int, name: str) -> None:
        self.actors.rename_actor(actor_id, name)

    def merge_actors(self, source_id: int, target_id: int) -> None:
        self.actors.merge_actors(source_id, target_id)

    def split_mention(self, span_id: int, name: str | None = None) -> int:
        return self.actors.split_mention(span_id, name)

    def link_mention(self, span_id: int, actor_id: int | None) -> Span:
        return self.actors.link_mention(span_id, actor_id)

    def link_speaker(self, claim_id: int, actor_id: int | None) -> Span:
        return self.actors.link_speaker(claim_id, actor_id)

    def speaker_actor(self, claim_id: int) -> tuple[int | None, str]:
        return self.actors.speaker_actor(claim_id)

    # ---- project memory (`memory`) -------------------------------------------------------

    # The window reads these after an operation and clears them once folded in.
    @property
    def memory_touched(self) -> tuple[int, ...]:
        """Span ids of the open document the last operation's memory step touched."""
        return self.memory.touched

    @memory_touched.setter
    def memory_touched(self, ids: tuple[int, ...]) -> None:
        self.memory.touched = ids

    @property
    def memory_documents(self) -> tuple[int, ...]:
        """Other documents whose suggestions the last operation's memory step changed."""
        return self.memory.documents

    @memory_documents.setter
    def memory_documents(self, ids: tuple[int, ...]) -> None:
        self.memory.documents = ids

    @property
    def memory_note(self) -> str:
        """A few words on the last memory step, for the status bar."""
        return self.memory.note

    @memory_note.setter
    def memory_note(self, note: str) -> None:
        self.memory.note = note

    # ---- at scale (`bulk`) ---------------------------------------------------------------

    def occurrences(self, span_id: int, project: bool = False) -> list[tuple[int, str]]:
        return self.bulk.occurrences(span_id, project)

    def accept_every(
        self, span_id: int, project: bool = False, progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None, step_ms: float = STEP_MS,
    ) -> BulkResult:  # fmt: skip
        return self.bulk.accept_every(span_id, project, progress, cancelled, step_ms)

    def reject_every(
        self, span_id: int, project: bool = False, progress: ProgressFn | None = None,
        cancelled: CancelFn | None = None, step_ms: float = STEP_MS,
    ) -> BulkResult:  # fmt: skip
        return self.bulk.reject_every(span_id, project, progress, cancelled, step_ms)

    def set_flag(self, kind: str, item_id: int, flag: str | None) -> None:
        self.bulk.set_flag(kind, item_id, flag)

    def set_comment(self, kind: str, item_id: int, comment: str) -> None:
        self.bulk.set_comment(kind, item_id, comment)

    def suggestions_left(self, document_id: int) -> int:
        return self.bulk.suggestions_left(document_id)

    def finish_document(self, document_id: int, leftovers: str = LEAVE) -> Document:
        return self.bulk.finish_document(document_id, leftovers)

    def find_all(self, query: str) -> tuple[list[Match], bool]:
        return self.bulk.find_all(query)

    def last_position(self) -> Position | None:
        return self.bulk.last_position()

    def remember_position(self, pos: Position) -> None:
        self.bulk.remember_position(pos)

    # ---- undo and redo (`undo_ops`) ------------------------------------------------------

    def can_undo(self, document_id: int) -> bool:
        return self.undo_ops.can_undo(document_id)

    def can_redo(self, document_id: int) -> bool:
        return self.undo_ops.can_redo(document_id)

    def undo_event(self, document_id: int) -> Event | None:
        """The event `undo` would undo now (label it with `core.undo_labels`)."""
        return self.undo_ops.undo_event(document_id)

    def redo_event(self, document_id: int) -> Event | None:
        return self.undo_ops.redo_event(document_id)

    def undo(self, document_id: int) -> Event | None:
        """Undo this reviewer's newest operation on the document; None if there is none."""
        return self.undo_ops.undo(document_id)

    def redo(self, document_id: int) -> Event | None:
        return self.undo_ops.redo(document_id)
