"""The local engine: a process pool on one machine, one shard per task.

The pool uses the 'spawn' start method on every platform (as macOS and Windows must), so a
worker starts clean and loads the model once, in the pool's initializer, then runs task
after task. A worker that dies (killed, out of memory) breaks the whole pool in
`concurrent.futures`; the shards then in flight are given to a new pool and redone. A shard
whose folder was renamed into place before its worker died is found on disk and kept
(`shard.process_task`), so nothing is written twice. A shard that kills its worker
`MAX_ATTEMPTS` times stops the run with a message naming it.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.batch.plan import ShardTask
from idleb_desk.batch.shard import ShardInfo, process_task

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A worker is replaced by a fresh one after this many shards (Python 3.11+): spaCy's string
# store keeps every new token string it meets (names, numbers, typos), so over millions
# of real articles a long-lived worker grows; a model reload every 25 shards of 1,000
# documents costs well under 1% of the time.
RECYCLE_AFTER = 25
# Tasks queued per worker: enough that no worker waits for the planner, few enough that
# the texts held in flight stay a few shards' worth.
QUEUE_PER_WORKER = 2


@dataclass(frozen=True)
class WorkerSetup:
    model: str | None
    model_label: str
    out: str
    rules: str
    batch_size: int


_state: dict[str, Any] = {}


def _init_worker(setup: WorkerSetup) -> None:
    from idleb_desk.nlp.pipeline import Extractor  # spaCy in the worker only

    extractor = Extractor.load(setup.model, strict=bool(setup.model))
    if extractor.model_label != setup.model_label:
        raise RuntimeError(
            f"worker loaded {extractor.model_label}, the run uses {setup.model_label}"
        )
    _state["extractor"] = extractor
    _state["setup"] = setup


def _run_task(task: ShardTask) -> ShardInfo:
    setup: WorkerSetup = _state["setup"]
    return process_task(task, _state["extractor"], Path(setup.out), setup.rules, setup.batch_size)


class ShardFailed(Exception):
    """A shard that killed its worker every time it was tried."""


class _Feeder:
    """The next task: one to redo first, then the planner's next."""

    def __init__(self, tasks: Iterator[ShardTask]) -> None:
        self.tasks = tasks
        self.retry: deque[ShardTask] = deque()

    def next(self) -> ShardTask | None:
        return self.retry.popleft() if self.retry else next(self.tasks, None)

    def fill(
        self, pool: ProcessPoolExecutor, pending: dict[Future[ShardInfo], ShardTask], size: int
    ) -> bool:
        """Queue tasks up to `size`; False when the pool broke (the task is kept)."""
        while len(pending) < size and (task := self.next()) is not None:
            try:
                pending[pool.submit(_run_task, task)] = task
            except BrokenProcessPool:
                self.retry.appendleft(task)
                return False
        return True


def run_local(
    tasks: Iterator[ShardTask],
    setup: WorkerSetup,
    workers: int,
    on_done: Callable[[ShardInfo], None],
    on_redo: Callable[[list[str]], None] = lambda names: None,
) -> None:
    """Run every task on a pool of `workers` processes; `on_done` in the calling process
    after each shard is on disk. Exceptions of a task (a full disk) stop the run."""
    ctx = multiprocessing.get_context("spawn")
    feeder = _Feeder(tasks)
    attempts: dict[str, int] = {}
    size = workers * QUEUE_PER_WORKER
    while True:
        recycle = {"max_tasks_per_child": RECYCLE_AFTER} if sys.version_info >= (3, 11) else {}
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(setup,),
            **recycle,
        )
        pending: dict[Future[ShardInfo], ShardTask] = {}
        broken = False
        try:
            broken = not feeder.fill(pool, pending, size)
            while pending and not broken:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: pending[f].name):
                    task = pending.pop(future)
                    try:
                        info = future.result()
                    except BrokenProcessPool:
                        feeder.retry.append(task)
                        broken = True
                        continue
                    on_done(info)
                if not broken:
                    broken = not feeder.fill(pool, pending, size)
        finally:
            if broken:
                feeder.retry.extend(pending.values())
                pending.clear()
            pool.shutdown(wait=not broken, cancel_futures=True)
        if not broken:
            return
        names = sorted(t.name for t in feeder.retry)
        for name in names:
            attempts[name] = attempts.get(name, 1) + 1
        worst = max(names, key=lambda n: attempts[n])
        if attempts[worst] > MAX_ATTEMPTS:
            raise ShardFailed(
                f"shard {worst}: its worker died {MAX_ATTEMPTS} times (out of memory? a "
                "text that crashes the parser?); the shards done so far are kept"
            )
        log.warning("a worker died; redoing shard(s) %s", ", ".join(names))
        on_redo(names)
        feeder.retry = deque(sorted(feeder.retry, key=lambda t: t.name))
