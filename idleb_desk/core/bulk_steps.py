"""A project-wide bulk action in document-sized steps, under one undo group.

"Accept every occurrence in the project" over 600 documents once held one write
transaction for 101 s, and every other writer (another window, the CLI, a worker) timed
out. Now it runs in steps of whole documents (as many as fit in about 40 ms of work, at
least one): one transaction and one event each, committed before the next starts, and
the write lock is left free between steps for other writers. The steps share an undo group
(`store.undo_groups.UndoGroup`): one Ctrl+Z in any of the documents undoes every step, one
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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idleb_desk import actor_link
from idleb_desk.core.actors import DEMONYM_SETTING
from idleb_desk.core.memory_ops import MemoryOps
from idleb_desk.core.ops import Op
from idleb_desk.core.session_context import SessionContext
from idleb_desk.core.span_ops import SpanOps
from idleb_desk.model import LAYER_ACTOR, Span
from idleb_desk.store import actor_queries, undo_groups
from idleb_desk.store import spans as spans_q
from idleb_desk.store.memory import REVIEWED
from idleb_desk.store.rows import now
from idleb_desk.store.store import Store

if TYPE_CHECKING:
    from idleb_desk.core.bulk_ops import BulkResult

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]  # (documents done, in all, what is done)
CancelFn = Callable[[], bool]

# A step's work before it commits: well inside issue 17's 250 ms limit on holding the
# write lock, long enough that the commits (an fsync each) cost little. One document
# longer than this is still one step: a document is never split between steps.
STEP_MS = 40.0
# After a step the lock stays free for this share of the time the step held it (a
# waiting writer's busy handler polls every 100 ms at worst), at most MAX_PAUSE_S.
FREE_SHARE = 0.5
MAX_PAUSE_S = 0.05


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
    ctx: SessionContext,
    spans: SpanOps,
    memory: MemoryOps,
    plan: BulkPlan,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    step_ms: float = STEP_MS,
) -> BulkResult:
    """Carry out the plan in steps of whole documents; `progress(i, n, text)` after each
    committed step (i documents of n done), `cancelled()` asked before each document.

    A step takes documents until it has worked `step_ms` (0: one document per step);
    a commit costs an fsync, so 600 one-document steps spent seconds committing. After
    each step the lock stays free for a share of the time the step held it: SQLite lets
    a waiting writer in only when its busy handler polls (every 100 ms at worst), and
    back-to-back steps would starve it.
    """
    from idleb_desk.core.bulk_ops import BulkResult

    span, store = plan.span, ctx.store
    key = (span.text, span.label)
    spread: set[int] = set()
    if plan.accept and plan.todo:
        first = spans_q.status(store, plan.todo[0][0])
        spread = set(memory.spread_targets(key, first is not None and first not in REVIEWED))
    docs = sorted(set(plan.by_doc) | spread)
    group = undo_groups.UndoGroup(time=now())
    known: dict[tuple[str, str], bool] = {}
    verb = "Accepting" if plan.accept else "Rejecting"
    tally = _Tally()
    stopped = False
    i = 0
    linker = _SameName(store, span) if plan.accept else None
    memory.deferred = True  # the steps spread memory themselves, per document
    try:
        while i < len(docs) and not stopped:
            if cancelled is not None and cancelled():
                stopped = True
                break
            began = time.perf_counter()
            with ctx.operation(plan.name, None, project_wide=True, group=group) as op:
                while True:
                    doc = docs[i]
                    mine = _still_undecided(store, plan.by_doc.get(doc, []), span.id)
                    seen = len(op.before.get("spans", {}))
                    if linker is not None:
                        linker.link(op, mine, doc)
                    for sid in mine:
                        if plan.accept:
                            spans.accept_span(sid)
                        else:
                            spans.reject_span(sid)
                    if doc in spread:
                        tally.added += memory.spread_into(op, key, doc, span.document_id, known)
                    tally.decided += mine
                    if len(op.before.get("spans", {})) > seen:
                        tally.documents.append(doc)
                    i += 1
                    if i == len(docs) or (time.perf_counter() - began) * 1000 >= step_ms:
                        break
                    if cancelled is not None and cancelled():
                        stopped = True
                        break
            tally.changed += len(op.before.get("spans", {}))
            held = time.perf_counter() - began
            if progress is not None:
                progress(i, len(docs), f"{verb} “{span.text}” ({span.label}): {i} of {len(docs)}")
            if i < len(docs):
                time.sleep(min(held * FREE_SHARE, MAX_PAUSE_S))
    finally:
        memory.deferred = False
    added = tally.added
    memory.note = f"suggested at {added} more place{'s' * (added != 1)}" if added else ""
    log.info(
        "%s %r (%s): %d spans in %d of %d documents%s",
        plan.name, span.text, span.label, len(tally.decided), len(tally.documents), len(docs),
        " (cancelled)" if stopped else "",
    )  # fmt: skip
    left = len(plan.todo) - len(tally.decided) if not stopped else 0
    return BulkResult(
        span.text,
        span.label,
        tally.changed,
        plan.found - len(plan.todo) + left,
        tuple(tally.documents),
        tuple(tally.decided),
        stopped,
    )


class _SameName:
    """Links the plan's unlinked mentions in one document before they are accepted, where
    the actor link's first rule settles it: an unmerged actor with the mention's canonical
    name, seen in this document or an earlier one, is what `core.actors.link_actor_id`
    returns ("same name"). One look-up per document instead of, per accept, the link's
    query of every candidate actor with all its mentions (0.5 ms each at 2,400 mentions,
    half of the action's work). Where the rule does not settle it (the first document,
    before the actor exists; a demonym linked to its state) accept links as always.
    Suggestions the pipeline made already carry their link, which accept keeps."""

    def __init__(self, store: Store, span: Span) -> None:
        self.store = store
        self.label = span.label
        self.name = actor_link.canonical_name(span.text, span.label)
        self.active = span.layer == LAYER_ACTOR
        # A demonym may link to its state's actor instead, under a project setting.
        self.demonym = (
            span.label in actor_link.DEMONYM_LABELS and actor_link.state_for(span.text) is not None
        )

    def link(self, op: Op, ids: list[int], doc: int) -> None:
        if not self.active or not ids:
            return
        if self.demonym and self.store.setting(DEMONYM_SETTING, False):
            return
        unlinked = actor_queries.unlinked_ids(self.store, ids)
        if not unlinked:
            return
        actor = actor_queries.named_actor_seen(self.store, self.name, self.label, doc)
        if actor is None:
            return
        for sid in ids:
            if sid in unlinked:
                op.touch("spans", sid)  # undo gives the mention back unlinked
                spans_q.set_actor(self.store, sid, actor)


@dataclass
class _Tally:
    changed: int = 0  # span rows changed
    added: int = 0  # memory suggestions
    decided: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)  # with a change, in order


def _still_undecided(store: Store, ids: list[int], focused: int) -> list[int]:
    """The step's spans that are still suggested now (or the focused one): the lock was
    free since the plan was made, and another analyst's decision there is kept."""
    keep = spans_q.still_suggested(store, ids, focused)
    return [sid for sid in ids if sid in keep]
