"""`idleb-desk batch`, and shards as the input of `import`, `stats` and `network` (issue 16).

`batch INPUT... --out DIR` extracts a whole archive into Parquet shards on all cores
(`--engine local`, the default) or on a Ray cluster (`--engine ray`); see docs/scale.md.
`import PROJECT SHARDS... [--where EXPR] [--sample N --seed S]`, `stats SHARDS` and
`network SHARDS --out DIR` read shards when given a batch folder: `cli.py` hands those
over to `shard_import`, `shard_stats` and `shard_network` here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from idleb_desk.cli_support import EXIT_OK, EXIT_PROBLEMS, CliError, at_least_one, interactive

# ---- batch ----------------------------------------------------------------------------------


def add_batch(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="INPUT",
        help="folders of .txt/.md/.html, .jsonl or .parquet files (id, title, text, meta)",
    )
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder: shards/, manifest.json, rejects.jsonl; run again to resume",
    )
    p.add_argument(
        "--workers",
        type=at_least_one,
        default=None,
        help="processes (local) or actors (ray); default: every core",
    )
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: a process pool on this machine (default); ray: Ray Data, needs the ray extra",
    )
    p.add_argument(
        "--address",
        help="with --engine ray: the cluster to join (ray://HOST:10001 "
        "or auto); none starts Ray on this machine",
    )
    p.add_argument(
        "--shard-size",
        type=at_least_one,
        default=1000,
        help="input records per shard (default 1000)",
    )
    p.add_argument(
        "--max-chars",
        type=at_least_one,
        default=None,
        help="reject longer texts (default 1,000,000 characters)",
    )
    p.add_argument("--model", help="spaCy pipeline name or path (default: the first installed)")


def _workers(given: int | None) -> int:
    import os

    if given is not None:
        return given
    try:
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def cmd_batch(args: argparse.Namespace) -> int:
    from idleb_desk.batch.manifest import ManifestMismatch
    from idleb_desk.batch.ray_engine import RayUnavailable
    from idleb_desk.batch.run import BatchConfig, BatchError, model_label, run_batch
    from idleb_desk.batch.sources import DEFAULT_MAX_CHARS, BatchInputError
    from idleb_desk.cli_support import require_inputs, require_model
    from idleb_desk.nlp.resolve import ModelUnavailable

    require_inputs(args.inputs)
    require_model(args.model)
    if args.address and args.engine != "ray":
        raise CliError("--address joins a Ray cluster: give it with --engine ray")
    if args.out.exists() and not args.out.is_dir():
        raise CliError(f"{args.out}: exists and is not a folder")
    if args.engine == "ray":
        from idleb_desk.batch.ray_engine import _import_ray

        try:
            _import_ray()
        except RayUnavailable as exc:
            raise CliError(str(exc)) from exc
    cfg = BatchConfig(
        inputs=list(args.inputs),
        out=args.out,
        workers=_workers(args.workers),
        engine=args.engine,
        address=args.address,
        shard_size=args.shard_size,
        max_chars=args.max_chars or DEFAULT_MAX_CHARS,
        model=args.model,
    )
    try:
        label = model_label(args.model)
    except ModelUnavailable as exc:
        raise CliError(str(exc)) from exc
    bar = _Bar()
    try:
        report = run_batch(cfg, label, bar.update)
    except (BatchError, BatchInputError, ManifestMismatch) as exc:
        raise CliError(str(exc)) from exc
    finally:
        bar.close()
    print(
        f"batch: {', '.join(str(p) for p in args.inputs)} -> {args.out} "
        f"({cfg.engine}, {cfg.workers} workers): {report.summary()}"
    )
    totals = report.manifest.get("totals", {})
    print(f"  archive: {json.dumps(totals)}")
    if report.rejects or (isinstance(totals, dict) and totals.get("rejects")):
        print(f"  rejected records: {args.out / 'rejects.jsonl'}")
        return EXIT_PROBLEMS
    return EXIT_OK


class _Bar:
    """Documents done of the total, with an ETA, on a terminal's stderr (tqdm); silent
    when stderr is piped."""

    def __init__(self) -> None:
        self.bar = None

    def update(self, done: int, total: int) -> None:
        if not interactive():
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total or None,
                initial=done,
                desc="batch",
                unit="doc",
                file=sys.stderr,
                dynamic_ncols=True,
                smoothing=0.1,
            )
        else:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---- shards into import, stats, network -----------------------------------------------------


def shard_inputs(paths: Sequence[Path]) -> bool:
    """True when the paths are batch output (all of them); refuses a mix with files."""
    from idleb_desk.batch.archive import is_shard_input

    flags = [is_shard_input(p) for p in paths]
    if any(flags) and not all(flags):
        mixed = next(p for p, f in zip(paths, flags, strict=True) if not f)
        raise CliError(f"{mixed}: is not batch output; import shards and files separately")
    return bool(flags) and all(flags)


def _folders(paths: Sequence[Path]) -> list[Path]:
    from idleb_desk.batch.archive import NotShards, shard_folders

    try:
        return shard_folders(paths)
    except NotShards as exc:
        raise CliError(str(exc)) from exc


def shard_import(args: argparse.Namespace) -> int:
    """`import PROJECT SHARDS...`: the filter and sample, then the import."""
    from idleb_desk.batch.select import WhereError, parse_where
    from idleb_desk.batch.to_project import import_selection, select
    from idleb_desk.store.store import Store

    if args.seed is not None and args.sample is None:
        raise CliError("--seed draws a --sample; give --sample N too")
    try:
        clauses = parse_where(args.where) if args.where else []
    except WhereError as exc:
        raise CliError(str(exc)) from exc
    folders = _folders(args.files)
    selection = select(folders, clauses, args.sample, args.seed or 0)
    if selection.size == 0:
        print(f"import: no document of {selection.scanned} in the shards matches; nothing imported")
        return EXIT_OK
    bar = _Bar()
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        bar.update(done, selection.size)

    try:
        with Store.open(args.db) as store:
            report = import_selection(store, selection, args.batch_size, step)
    finally:
        bar.close()
    how = f"a sample of {args.sample} (seed {args.seed or 0})" if args.sample else "all"
    print(
        f"shards: {selection.scanned} documents, {selection.matched} match, {how}: "
        f"{selection.size} chosen"
    )
    for line in report.summary_lines():
        print(line)
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def shard_stats(paths: Sequence[Path]) -> int:
    from idleb_desk.batch.archive import archive_stats, shards_meta

    stats = archive_stats(_folders(paths))
    stats["runs"] = shards_meta(paths)
    print(json.dumps(stats, indent=2, ensure_ascii=False))
    return EXIT_OK


def shard_network(args: argparse.Namespace) -> int:
    from idleb_desk.batch.archive_network import write_archive_graphml
    from idleb_desk.cli_export import output_folder
    from idleb_desk.io.atomic import AtomicFiles

    if args.formats and "graphml" not in args.formats:
        raise CliError("the network of shards is written as GraphML only (--format graphml)")
    if args.document is not None:
        raise CliError("--document names a project's document; shards are a whole archive")
    folders = _folders([args.db])
    with output_folder(args.out), AtomicFiles().staged() as files:
        report = write_archive_graphml(folders, args.out / "network.graphml", files)
    print(f"network: {args.db} -> {args.out}, every extracted claim (shards are unreviewed)")
    print(f"  {report.summary()}")
    return EXIT_OK
