"""A project-wide bulk action in document-sized steps, under one undo group.

"Accept every occurrence in the project" over 600 documents once held one write
transaction for 101 s, and every other writer (another window, the CLI, a worker) timed
out. Now each document is one step: one transaction, one event, committed before the
next starts, so the write lock is free between steps. The steps share an undo group
(`store.history.UndoGroup`): one Ctrl+Z in any of the documents undoes every step, one
redo redoes them.

Cancel stops before the next step and keeps what was committed, still one undo group:
those documents are already saved and visible to everyone else, so quietly taking them
back would surprise more than it helps, and one Ctrl+Z does it on purpose. A kill leaves
whole steps only (each is a transaction), and the steps that made it are one group too.

Project memory's spread (the first acceptance of a string suggests it in every document
holding it) runs the same way: each document's suggestions in that document's step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from idleb_desk.core.model import SUGGESTED, Span
from idleb_desk.core.ops import Op, operation
from idleb_desk.store import history
from idleb_desk.store.memory import REVIEWED, Key
from idleb_desk.store.store import Store, now

if TYPE_CHECKING:
    from idleb_desk.core.bulk_ops import BulkResult

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]  # (steps done, steps in all, what is done)
CancelFn = Callable[[], bool]


class Steppable(Protocol):
    """What the steps need of a review session (`ReviewSession` has it all)."""

    store: Store
    reviewer: str
    memory_deferred: bool
    memory_note: str

    def accept_span(self, span_id: int) -> Span: ...
    def reject_span(self, span_id: int) -> Span: ...
    def spread_targets(self, key: Key, first_is_new: bool) -> list[int]: ...
    def spread_into(
        self, op: Op, key: Key, doc_id: int, here: int, known: dict[tuple[str, str], bool]
    ) -> int: ...


@dataclass
class BulkPlan:
    """What a project-wide "every occurrence" will do, worked out before any step."""

    span: Span  # the focused mention
    name: str  # the event's op: accept_every_project or reject_every_project
    accept: bool
    todo: list[tuple[int, int]]  # (span id, document id) to decide, in document order
    found: int  # occurrences in all, decided ones included
    by_doc: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for sid, doc in self.todo:
            self.by_doc.setdefault(doc, []).append(sid)


def run_steps(
    session: Steppable,
    plan: BulkPlan,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> BulkResult:
    """Carry out the plan one document per transaction; `progress(i, n, text)` after each
    committed step, `cancelled()` asked before each one."""
    from idleb_desk.core.bulk_ops import BulkResult

    span, store = plan.span, session.store
    key = (span.text, span.label)
    spread: set[int] = set()
    if plan.accept and plan.todo:
        first = store.execute("SELECT status FROM spans WHERE id = ?", (plan.todo[0][0],))
        row = first.fetchone()
        spread = set(session.spread_targets(key, row is not None and row[0] not in REVIEWED))
    docs = sorted(set(plan.by_doc) | spread)
    group = history.UndoGroup(time=now())
    known: dict[tuple[str, str], bool] = {}
    verb = "Accepting" if plan.accept else "Rejecting"
    changed, added, stopped = 0, 0, False
    touched: list[int] = []
    decided: list[int] = []
    session.memory_deferred = True  # the steps spread memory themselves, per document
    try:
        for i, doc in enumerate(docs, 1):
            if cancelled is not None and cancelled():
                stopped = True
                break
            with operation(
                store, session.reviewer, plan.name, None, project_wide=True, group=group
            ) as op:
                mine = _still_undecided(store, plan.by_doc.get(doc, []), span.id)
                for sid in mine:
                    if plan.accept:
                        session.accept_span(sid)
                    else:
                        session.reject_span(sid)
                if doc in spread:
                    added += session.spread_into(op, key, doc, span.document_id, known)
                rows = len(op.before.get("spans", {}))
            decided += mine
            changed += rows
            if rows:
                touched.append(doc)
            if progress is not None:
                progress(i, len(docs), f"{verb} “{span.text}” ({span.label}): {i} of {len(docs)}")
    finally:
        session.memory_deferred = False
    session.memory_note = f"suggested at {added} more place{'s' * (added != 1)}" if added else ""
    log.info(
        "%s %r (%s): %d spans in %d of %d documents%s",
        plan.name, span.text, span.label, len(decided), len(touched), len(docs),
        " (cancelled)" if stopped else "",
    )  # fmt: skip
    left = len(plan.todo) - len(decided) if not stopped else 0
    return BulkResult(
        span.text,
        span.label,
        changed,
        plan.found - len(plan.todo) + left,
        tuple(touched),
        tuple(decided),
        stopped,
    )


def _still_undecided(store: Store, ids: list[int], focused: int) -> list[int]:
    """The step's spans that are still suggested now (or the focused one): the lock was
    free since the plan was made, and another analyst's decision there is kept."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = store.execute(
        f"SELECT id FROM spans WHERE id IN ({marks}) AND (status = ? OR id = ?) ORDER BY id",
        (*ids, SUGGESTED, focused),
    ).fetchall()
    keep = {int(r[0]) for r in rows}
    return [sid for sid in ids if sid in keep]
