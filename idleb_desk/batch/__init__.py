"""Batch extraction of a whole news archive into Parquet shards (issue 16).

Qt-free. `sources` reads the input as a stream of numbered records, `plan` groups them
into shard tasks, `shard` turns one task into Parquet tables and writes them whole or not
at all, `manifest` records which shards are complete so a run resumes; `local` (a process
pool) and `ray_engine` (Ray Data over an actor pool) run the same `shard.process_task` on
each task, so both write the same shards. `select`, `to_project` and `archive` read shards
back: a sample or a filter into a project, stats and the network of a whole archive.
The layout of the output folder is in docs/scale.md.
"""
