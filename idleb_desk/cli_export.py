"""`idleb-desk export` and `idleb-desk network`: the subcommands that write files.

Both write every file of a run through one `AtomicFiles` (`io/atomic.py`): the output
folder is checked before anything is written (it must be a folder the file system lets
us write to: not under a file, not on a read-only disk, not in /proc), and the files are
put in place together only when all of them are complete. Any failure, a full disk
included, exits 2 with a message naming the file, and leaves no file behind.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path

from idleb_desk.cli_support import EXIT_OK, CliError, require_project
from idleb_desk.io.atomic import ExportError, check_writable, ensure_folder
from idleb_desk.io.formats import EXPORT_FORMATS

# SQLite's integers are 64-bit: a larger document id cannot be in any project.
MAX_ROW_ID = 2**63 - 1


@contextlib.contextmanager
def output_folder(out: Path) -> Iterator[None]:
    """Make `out` ready to write into, and remove the folders made for it again if the
    run fails, so a refused run leaves nothing behind. ExportError becomes a CliError."""
    if out.exists() and not out.is_dir():
        raise CliError(f"{out}: exists and is not a folder")
    made = [p for p in (out, *out.parents) if not p.exists()]
    try:
        ensure_folder(out)
        check_writable(out)
        yield
    except BaseException as exc:
        for folder in made:  # deepest first; only empty ones, only those made here
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, ExportError):
            raise CliError(str(exc)) from exc
        raise


def add_export(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="an existing project file")
    p.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    p.add_argument("--all", action="store_true", help="include suggested and rejected items")
    p.add_argument("--no-jsonl", action="store_true", help="skip project.jsonl")
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=EXPORT_FORMATS,
        help="write this format (repeatable; default: csv and jsonl): csv, jsonl, prodigy, "
        "spacy, brat, labelstudio, conll; see docs/formats.md",
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: UTF-8 with a byte order mark (for the CSV files only; refused "
        "when no CSV is written)",
    )


def cmd_export(args: argparse.Namespace) -> int:
    from idleb_desk.io.atomic import AtomicFiles
    from idleb_desk.io.csv_export import export_csv
    from idleb_desk.io.formats.export import export_format
    from idleb_desk.io.jsonl import export_jsonl
    from idleb_desk.store.store import Store

    require_project(args.db)
    formats = list(dict.fromkeys(args.formats or ["csv"] + ([] if args.no_jsonl else ["jsonl"])))
    if args.excel and "csv" not in formats:
        # A byte order mark would break JSON and the other formats' readers, and quietly
        # writing no Excel file would leave the analyst looking for one.
        raise CliError(
            f"--excel changes the CSV files only, and this export writes no CSV "
            f"({', '.join(formats)}); add --format csv, or leave out --excel"
        )
    which = "all items" if args.all else "reviewed items only (--all adds the rest)"
    lines: list[str] = []
    with (
        Store.open(args.db, create=False) as store,
        output_folder(args.out),
        AtomicFiles().staged() as files,
    ):
        for fmt in formats:
            if fmt == "csv":
                csv = export_csv(store, args.out, args.all, excel=args.excel, files=files)
                table = csv.claims_path.parent / "actor_table.csv"
                lines += [
                    f"  {csv.actor_rows:>6} actor rows  {csv.actors_path}",
                    f"  {csv.claim_rows:>6} claim rows  {csv.claims_path}",
                    f"  {csv.actor_table_rows:>6} actors      {table}",
                ]
            elif fmt == "jsonl":
                path = args.out / "project.jsonl"
                jsonl = export_jsonl(store, path, include_all=True, files=files)
                lines.append(
                    f"  {jsonl.documents:>6} documents   {jsonl.path} (everything, for re-import)"
                )
            else:
                done = export_format(store, fmt, args.out, args.all, files=files)
                lines.append(f"  {done.summary()}")
    # Printed once every file is in place: a failed run reports only its error.
    print(f"export: {args.db} -> {args.out}, {which}")
    print("\n".join(lines))
    return EXIT_OK


def add_network(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="an existing project file")
    p.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("graphml", "svg"),
        help="write this format (repeatable; default: both): network.graphml for Gephi, "
        "network.svg to look at",
    )
    p.add_argument("--document", type=int, metavar="ID", help="one document (default: all)")
    p.add_argument("--all", action="store_true", help="include suggested and rejected claims")


def cmd_network(args: argparse.Namespace) -> int:
    from idleb_desk.cli_batch import shard_inputs, shard_network
    from idleb_desk.core.network import load_network
    from idleb_desk.io.atomic import AtomicFiles
    from idleb_desk.io.graph_export import write_graphml, write_svg
    from idleb_desk.store.network_queries import document_title
    from idleb_desk.store.store import Store

    if shard_inputs([args.db]):
        return shard_network(args)
    require_project(args.db)
    if args.out.exists() and not args.out.is_dir():
        raise CliError(f"{args.out}: exists and is not a folder")
    with Store.open(args.db, create=False) as store:
        title = "Whole project"
        if args.document is not None:
            in_range = 0 < args.document <= MAX_ROW_ID
            title = document_title(store, args.document) if in_range else ""
            if not title:
                raise CliError(f"{args.db}: has no document {args.document}")
        net = load_network(store, args.document, reviewed_only=not args.all)
    which = "all claims" if args.all else "reviewed claims only (--all adds the rest)"
    reports = []
    with output_folder(args.out), AtomicFiles().staged() as files:
        for fmt in dict.fromkeys(args.formats or ["graphml", "svg"]):
            target = args.out / f"network.{fmt}"
            if fmt == "graphml":
                reports.append(write_graphml(net, target, files=files))
            else:
                reports.append(write_svg(net, target, title, files=files))
    print(f"network: {args.db} -> {args.out}, {which}")
    for report in reports:
        print(f"  {report.summary()}")
    return EXIT_OK
