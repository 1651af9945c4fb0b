"""The Ray engine: Ray Data reads the input as shard tasks, an actor pool extracts them.

`ShardSource` is a Ray Data datasource with one read task per source (a folder, a JSONL
or a Parquet file); each read task streams that source's shard tasks (`plan.plan_source`,
the planner the local engine uses) as one-row blocks, so no node holds more than a shard of
input. `map_batches` sends each shard task to an actor of a pool of `workers` actors
(`concurrency`), each of which loaded the model once in its constructor, and runs
`shard.process_task` — the function the local engine runs — so both engines write the
same shards. An actor that dies is restarted and its task retried by Ray.

On a cluster, every node must see the input paths and `--out` at the same path (a shared
file system such as NFS, or the same mount on each node), as with any Ray file output.
Needs the optional extra: `pip install 'idleb-desk[ray]'`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from idleb_desk.batch.local import WorkerSetup
from idleb_desk.batch.plan import ShardTask, plan_source
from idleb_desk.batch.shard import ShardInfo, process_task
from idleb_desk.batch.sources import Source

log = logging.getLogger(__name__)

# An actor that dies is restarted, and the task it held tried again, this many times.
RAY_RETRIES = 3


class RayUnavailable(Exception):
    """The `ray` extra is not installed."""


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayUnavailable(
            f"the ray engine needs Ray Data, which is not installed ({exc}); "
            "install it with: pip install 'idleb-desk[ray]'"
        ) from exc
    return ray


def _block_metadata(input_files: list[str]) -> Any:
    """BlockMetadata with the fields this Ray version has (its fields changed over time)."""
    from ray.data.block import BlockMetadata

    names = {f.name for f in fields(BlockMetadata)}
    values: dict[str, Any] = {
        "num_rows": None,
        "size_bytes": None,
        "exec_stats": None,
        "input_files": input_files,
        "schema": None,
    }
    return BlockMetadata(**{k: v for k, v in values.items() if k in names})


def _make_datasource(
    sources: list[Source], shard_size: int, max_chars: int, done: frozenset[str]
) -> Any:
    from ray.data.datasource import Datasource, ReadTask

    class ShardSource(Datasource):
        """The input's shard tasks, one read task per source."""

        def estimate_inmemory_data_size(self) -> int | None:
            return None

        def get_read_tasks(
            self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
        ) -> list[Any]:
            return [
                ReadTask(
                    _reader(source, shard_size, max_chars, done),
                    _block_metadata(list(source.paths)),
                )
                for source in sources
            ]

    return ShardSource()


def _reader(
    source: Source, shard_size: int, max_chars: int, done: frozenset[str]
) -> Callable[[], Iterator[Any]]:
    def read() -> Iterator[Any]:
        import pyarrow as pa

        for task in plan_source(source, shard_size, max_chars, done):
            yield pa.table({"name": [task.name], "task": [json.dumps(task.to_json())]})

    return read


class ShardActor:
    """One actor of the pool: loads the model once, then extracts shard after shard."""

    def __init__(self, setup: dict[str, Any]) -> None:
        from idleb_desk.batch.local import _init_worker

        self.setup = WorkerSetup(**setup)
        _init_worker(self.setup)
        from idleb_desk.batch.local import _state

        self.extractor = _state["extractor"]

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        infos = []
        for raw in batch["task"]:
            task = ShardTask.from_json(json.loads(str(raw)))
            info = process_task(
                task, self.extractor, Path(self.setup.out), self.setup.rules, self.setup.batch_size
            )
            infos.append(json.dumps(asdict(info)))
        return {"info": infos}


def run_ray(
    sources: list[Source],
    setup: WorkerSetup,
    workers: int,
    shard_size: int,
    max_chars: int,
    done: frozenset[str],
    address: str | None,
    on_done: Callable[[ShardInfo], None],
) -> None:
    """Run the shards not in `done` on Ray: a local Ray started here (and stopped after)
    when `address` is None, else the cluster at `address`."""
    ray = _import_ray()
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(
                num_cpus=workers,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        started = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # the run's own bar counts documents
        # Ray Data joins small blocks up to this size; a shard task must stay one block,
        # or a whole source's tasks become one input that a single actor works through.
        ctx.target_max_block_size = 1
        ds = ray.data.read_datasource(
            _make_datasource(sources, shard_size, max_chars, done),
            override_num_blocks=max(1, len(sources)),
            # Reading is light next to parsing; with a CPU each, the read tasks would wait
            # forever for the CPUs the actors hold.
            num_cpus=0,
        )
        results = ds.map_batches(
            ShardActor,
            fn_constructor_kwargs={"setup": asdict(setup)},
            batch_size=1,
            # One shard at a time per actor: a shard is seconds of work, and an actor that
            # was ready first would otherwise queue the shards the others wait for.
            compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
            num_cpus=1,
            max_restarts=RAY_RETRIES,
            max_task_retries=RAY_RETRIES,
        )
        for row in results.iter_rows():
            on_done(ShardInfo(**json.loads(row["info"])))
    finally:
        if started:
            ray.shutdown()
