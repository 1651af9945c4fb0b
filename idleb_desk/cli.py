"""The `idleb-desk` command: the window, and import, extract, export and stats.

`idleb-desk [DB]` opens the window. The subcommands never open it, so they work over SSH
and in scripts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from idleb_desk import __version__
from idleb_desk.logs import setup_logging
from idleb_desk.store.connection import StoreError

log = logging.getLogger(__name__)

SUBCOMMANDS = ("import", "extract", "export", "stats", "agree", "kinds")


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="idleb-desk",
        description="Review actors and claims in news articles. With no DB, opens the default "
        "project, which holds the seed article on first run. Subcommands: "
        + ", ".join(SUBCOMMANDS)
        + " (see 'idleb-desk SUBCOMMAND --help').",
    )
    p.add_argument("db", nargs="?", type=Path, help="project file (.sqlite3) to open")
    p.add_argument("--model", help="spaCy pipeline name or path to use for suggestions")
    p.add_argument("--reviewer", help="your name, stored with every decision")
    p.add_argument("--version", action="version", version=f"idleb-desk {__version__}")
    return p


def _tool_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="idleb-desk")
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="import articles into a project (extracts by default)")
    imp.add_argument("db", type=Path)
    imp.add_argument("files", nargs="+", type=Path, help=".txt .md .html .jsonl files or folders")
    imp.add_argument("--no-extract", action="store_true", help="store the texts only")
    imp.add_argument("--model", help="spaCy pipeline name or path")
    imp.add_argument("--batch-size", type=int, default=32)
    imp.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")

    ext = sub.add_parser("extract", help="print suggestions as JSONL; opens no database")
    ext.add_argument("files", nargs="+", type=Path)
    ext.add_argument("--model", help="spaCy pipeline name or path")
    ext.add_argument("--batch-size", type=int, default=32)
    ext.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")

    exp = sub.add_parser("export", help="write actors.csv and claims.csv (and JSONL)")
    exp.add_argument("db", type=Path)
    exp.add_argument("--out", type=Path, required=True, help="output folder")
    exp.add_argument("--all", action="store_true", help="include suggested and rejected items")
    exp.add_argument("--no-jsonl", action="store_true", help="skip project.jsonl")

    st = sub.add_parser("stats", help="counts of documents, spans and claims by status")
    st.add_argument("db", type=Path)

    ag = sub.add_parser(
        "agree", help="agreement between two analysts' projects on the articles both reviewed"
    )
    ag.add_argument("db_a", type=Path)
    ag.add_argument("db_b", type=Path)

    kd = sub.add_parser("kinds", help="list the project's claim kinds, or add one")
    kd.add_argument("db", type=Path)
    kd.add_argument("--add", metavar="KIND", help="a new claim kind for this project")
    return p


def _progress(i: int, n: int, name: str) -> None:
    # Progress goes to stderr so that stdout stays clean for data.
    print(f"\r[{i}/{n}] {name[:60]:<60}", end="" if i < n else "\n", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    from idleb_desk.io.importer import import_paths
    from idleb_desk.nlp.pipeline import Extractor
    from idleb_desk.nlp.resolve import ModelUnavailable
    from idleb_desk.store.store import Store

    extractor = None
    if not args.no_extract:
        try:
            extractor = Extractor.load(args.model)
        except ModelUnavailable as exc:
            print(f"warning: {exc}\nImporting the texts without suggestions.", file=sys.stderr)
    with Store.open(args.db) as store:
        report = import_paths(
            store,
            args.files,
            extractor=extractor,
            progress=_progress,
            batch_size=args.batch_size,
        )
    for line in report.summary_lines():
        print(line)
    return 1 if report.problems else 0


def _extract_inputs(files: Sequence[Path]) -> Iterator[tuple[str, str, str]]:
    """(id, path as given, decoded text) for each input document; problems go to stderr."""
    from idleb_desk.io.errors import ImportProblem, Problem
    from idleb_desk.io.readers import SUPPORTED, read_file

    for given in files:
        paths = (
            sorted(p for p in given.rglob("*") if p.suffix.lower() in SUPPORTED)
            if given.is_dir()
            else [given]
        )
        for path in paths:
            shown = str(path) if given.is_dir() else str(given)
            # The same readers as `import`, so offsets index the text a project stores
            # (HTML markup, Markdown front matter and a leading BOM are not text).
            for doc in read_file(path):
                if isinstance(doc, Problem):
                    _report_problem(ImportProblem(doc.path, doc.problem, doc.line))
                else:
                    yield doc.ext_id, shown, doc.text


def _report_problem(problem: Exception) -> None:
    print(f"error: {problem}", file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from idleb_desk.nlp.pipeline import Extractor, record
    from idleb_desk.nlp.resolve import ModelUnavailable

    try:
        extractor = Extractor.load(args.model)
    except ModelUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    inputs = list(_extract_inputs(args.files))
    texts = (text for _, _, text in inputs)
    results = extractor.extract_many(texts, batch_size=args.batch_size, n_process=args.n_process)
    out = sys.stdout
    for (doc_id, shown, text), ex in zip(inputs, results, strict=True):
        out.write(json.dumps(record(doc_id, shown, text, ex), ensure_ascii=False) + "\n")
    out.flush()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from idleb_desk.io.csv_export import export_csv
    from idleb_desk.io.jsonl import export_jsonl
    from idleb_desk.store.store import Store

    args.out.mkdir(parents=True, exist_ok=True)
    with Store.open(args.db) as store:
        report = export_csv(store, args.out, include_all=args.all)
        print(report)
        if not args.no_jsonl:
            print(export_jsonl(store, args.out / "project.jsonl", include_all=True))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from idleb_desk.store.store import Store

    with Store.open(args.db) as store:
        stats = store.stats()
    print(json.dumps(stats, indent=2, sort_keys=True))
    return 0


def cmd_agree(args: argparse.Namespace) -> int:
    from idleb_desk.core.agreement import compare
    from idleb_desk.store.store import Store

    with Store.open(args.db_a) as a, Store.open(args.db_b) as b:
        result = compare(a, b).as_dict()
    print(json.dumps(result, indent=2))
    return 0


def cmd_kinds(args: argparse.Namespace) -> int:
    from idleb_desk.core.ops import ReviewError
    from idleb_desk.core.review import ReviewSession

    session = ReviewSession.open(args.db)
    try:
        kinds = session.add_claim_kind(args.add) if args.add else session.claim_kinds()
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        session.close()
    print("\n".join(kinds))
    return 0


COMMANDS = {
    "import": cmd_import,
    "extract": cmd_extract,
    "export": cmd_export,
    "stats": cmd_stats,
    "agree": cmd_agree,
    "kinds": cmd_kinds,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        args = _tool_parser().parse_args(argv)
        setup_logging(console_level=logging.WARNING)
        try:
            return COMMANDS[args.command](args)
        except StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    args = _gui_parser().parse_args(argv)
    setup_logging(console_level=logging.INFO)
    if args.reviewer:
        # ReviewSession reads the name from here, for every window and worker alike.
        os.environ["IDLEB_DESK_REVIEWER"] = args.reviewer
    from idleb_desk.gui.app import run

    return run(args.db, model=args.model)


if __name__ == "__main__":
    sys.exit(main())
