"""The `idleb-desk` command: the window, and the subcommands that never open it.

`idleb-desk [DB | ARTICLE]` opens the window. The subcommands work over SSH and in scripts.
Each subcommand is one `add_<name>(parser)` that declares its arguments and one
`cmd_<name>(args) -> exit code`, listed in `COMMANDS`; exit codes are in `cli_support`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from idleb_desk import __version__
from idleb_desk.cli_agree import add_agree, cmd_agree
from idleb_desk.cli_batch import add_batch, cmd_batch, shard_import, shard_inputs, shard_stats
from idleb_desk.cli_export import add_export, add_network, cmd_export, cmd_network
from idleb_desk.cli_files import (
    add_install_desktop,
    add_recover,
    add_restore,
    cmd_install_desktop,
    cmd_recover,
    cmd_restore,
)
from idleb_desk.cli_learn import add_train, cmd_train
from idleb_desk.cli_memory import add_memory, cmd_memory
from idleb_desk.cli_support import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    CliError,
    at_least_one,
    progress_bar,
    require_display,
    require_inputs,
    require_model,
    require_project,
    require_subcommand,
    window_target,
)
from idleb_desk.cli_team import add_team, cmd_team
from idleb_desk.io.atomic import ExportError
from idleb_desk.io.formats import IMPORT_FORMATS
from idleb_desk.logs import setup_logging
from idleb_desk.store.connection import StoreError

log = logging.getLogger(__name__)

# ---- import ---------------------------------------------------------------------------------


def add_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="project file; created if it does not exist")
    p.add_argument(
        "files",
        nargs="+",
        type=Path,
        help=".txt .md .html .jsonl .json .spacy .ann files or folders",
    )
    p.add_argument("--no-extract", action="store_true", help="store the texts only")
    p.add_argument("--model", help="spaCy pipeline name or path (default: the first installed)")
    p.add_argument("--batch-size", type=at_least_one, default=32, help="documents per transaction")
    p.add_argument(
        "--format",
        dest="fmt",
        default="auto",
        choices=IMPORT_FORMATS,
        help="how to read annotated files: auto (by extension and content, the default), "
        "idleb (our JSONL only), prodigy (.jsonl), spacy (.spacy DocBin), brat (.txt + .ann), "
        "labelstudio (.json); see docs/formats.md",
    )
    p.add_argument(
        "--accepted",
        action="store_true",
        help="store the spans and claims of annotated files as accepted, not as suggestions",
    )
    # Shards of `idleb-desk batch` (issue 16): a filter and a reproducible sample.
    p.add_argument("--where", metavar="EXPR", help="shards only: e.g. 'actor=Lavrov and "
                   "kind=threat and date>=2024-01 and claims>=2' (docs/scale.md)")  # fmt: skip
    p.add_argument("--sample", type=at_least_one, metavar="N", help="shards only: N documents")
    p.add_argument("--seed", type=int, metavar="S", help="shards only: the sample's seed (0)")


def cmd_import(args: argparse.Namespace) -> int:
    from idleb_desk.io.importer import ImportReport, import_paths
    from idleb_desk.io.readers import iter_files
    from idleb_desk.nlp.pipeline import Extractor
    from idleb_desk.nlp.resolve import ModelUnavailable
    from idleb_desk.store.store import Store

    require_inputs(args.files)
    if args.db.is_dir():
        raise CliError(f"{args.db}: is a folder, not a project file")
    if shard_inputs(args.files):
        return shard_import(args)
    if args.where or args.sample is not None or args.seed is not None:
        raise CliError("--where, --sample and --seed choose among shards of `idleb-desk batch`")
    extractor = None
    if not args.no_extract:
        require_model(args.model)
        try:
            extractor = Extractor.load(args.model, strict=bool(args.model))
        except ModelUnavailable as exc:
            if args.model:
                raise CliError(str(exc)) from exc
            print(f"warning: {exc}\nImporting the texts without suggestions.", file=sys.stderr)
    files = list(iter_files(args.files))  # folders expanded; paths only, never texts
    report = ImportReport()
    made = _missing_parts(args.db)  # what Store.open creates, to take back if unused
    with Store.open(args.db) as store:
        # One call per file, so the bar moves per file; each file commits on its own.
        for item in progress_bar(files, len(files), "import", label=_name):
            if not isinstance(item, Path):  # an unreadable folder: a Problem already
                report.problems.append(item)
                continue
            part = import_paths(
                store,
                [item],
                extractor,
                batch_size=args.batch_size,
                fmt=args.fmt,
                accepted=args.accepted,
            )
            _merge(report, part)
        unused = bool(made) and store.document_count() == 0
    for line in report.summary_lines():
        print(line)
    if unused:
        _remove_new_project(args.db, made)
        print(f"import: nothing imported, so {args.db} was not created")
    return EXIT_PROBLEMS if report.problems else EXIT_OK


def _missing_parts(db: Path) -> list[Path]:
    """The project file and the folders above it that do not exist yet (deepest first)."""
    if db.exists() or db.is_symlink():
        return []
    missing = [db]
    for parent in db.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def _remove_new_project(db: Path, made: list[Path]) -> None:
    """Take back a project this import created and stored nothing in, with its side
    files and the folders made for it (a folder only while it is empty)."""
    for side in ("", "-wal", "-shm", "-journal", ".wal-id"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    for folder in made[1:]:
        try:
            folder.rmdir()
        except OSError:
            break  # something else is in it now


def _name(item: object) -> str:
    return item.name if isinstance(item, Path) else str(getattr(item, "path", item))


def _merge(into: object, part: object) -> None:
    """Add one file's ImportReport to the running one (lists extend, counts add)."""
    for key, value in vars(part).items():
        current = getattr(into, key)
        if isinstance(value, list):
            current.extend(value)
        elif isinstance(value, dict):
            current.update(value)
        elif isinstance(value, bool):
            setattr(into, key, current or value)
        elif isinstance(value, int):
            setattr(into, key, current + value)


# ---- extract --------------------------------------------------------------------------------


def add_extract(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help=".txt .md .html .jsonl files or folders")
    p.add_argument("--model", help="spaCy pipeline name or path (default: the first installed)")
    p.add_argument("--batch-size", type=at_least_one, default=32, help="texts per spaCy batch")
    p.add_argument("--n-process", type=at_least_one, default=1, help="spaCy worker processes")


def cmd_extract(args: argparse.Namespace) -> int:
    from idleb_desk.nlp.pipeline import Extractor, record
    from idleb_desk.nlp.resolve import ModelUnavailable

    require_inputs(args.files)
    require_model(args.model)
    try:
        extractor = Extractor.load(args.model, strict=bool(args.model))
    except ModelUnavailable as exc:
        raise CliError(str(exc)) from exc
    problems: list[str] = []
    inputs = list(_extract_inputs(args.files, problems))
    texts = (text for _, _, text in inputs)
    results = extractor.extract_many(texts, batch_size=args.batch_size, n_process=args.n_process)
    out = sys.stdout
    pairs = zip(inputs, results, strict=True)
    for (doc_id, shown, text), ex in progress_bar(
        pairs, len(inputs), "extract", label=lambda pair: pair[0][1], unit="doc"
    ):
        out.write(json.dumps(record(doc_id, shown, text, ex), ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_PROBLEMS if problems else EXIT_OK


def _extract_inputs(files: Sequence[Path], problems: list[str]) -> Iterator[tuple[str, str, str]]:
    """(id, path as given, decoded text) for each input document; problems go to stderr."""
    from idleb_desk.io.errors import ImportProblem, Problem
    from idleb_desk.io.readers import SUPPORTED, read_file

    def report(problem: object) -> None:
        problems.append(str(problem))
        print(f"error: {problem}", file=sys.stderr)

    for given in files:
        paths = (
            sorted(p for p in given.rglob("*") if p.suffix.lower() in SUPPORTED)
            if given.is_dir()
            else [given]
        )
        if not paths:
            report(f"{given}: is a folder with no supported files")
        for path in paths:
            shown = str(path) if given.is_dir() else str(given)
            # The same readers as `import`, so offsets index the text a project stores
            # (HTML markup, Markdown front matter and a leading BOM are not text).
            for doc in read_file(path):
                if isinstance(doc, Problem):
                    report(ImportProblem(doc.path, doc.problem, doc.line))
                else:
                    yield doc.ext_id, shown, doc.text


# ---- stats, kinds (export, network: cli_export.py; agree: cli_agree.py) -------------------


def add_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="an existing project file, or a batch --out folder")


def cmd_stats(args: argparse.Namespace) -> int:
    from idleb_desk.store.store import Store

    if shard_inputs([args.db]):
        return shard_stats([args.db])
    require_project(args.db)
    with Store.open(args.db, create=False) as store:
        stats = store.stats()
    print(json.dumps(stats, indent=2, sort_keys=True))
    return EXIT_OK


def add_kinds(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="an existing project file")
    p.add_argument("--add", metavar="KIND", help="a new claim kind for this project")


def cmd_kinds(args: argparse.Namespace) -> int:
    from idleb_desk.core.ops import ReviewError
    from idleb_desk.core.review import ReviewSession

    require_project(args.db)
    session = ReviewSession.open(args.db, create=False)
    try:
        kinds = session.add_claim_kind(args.add) if args.add else session.claim_kinds()
    except ReviewError as exc:
        raise CliError(str(exc)) from exc
    finally:
        session.close()
    print("\n".join(kinds))
    return EXIT_OK


# ---- the command table and the window -------------------------------------------------------

Handler = Callable[[argparse.Namespace], int]
# name -> (one-line help, add arguments, run). A new subcommand is one more row.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {
    "import": ("import articles into a project (created if needed), with suggestions",
               add_import, cmd_import),
    "extract": ("print suggestions for files as JSONL on stdout; opens no project",
                add_extract, cmd_extract),
    "batch": ("extract a whole archive into Parquet shards on all cores or a Ray cluster",
              add_batch, cmd_batch),
    "export": ("write actors.csv, claims.csv and project.jsonl from a project",
               add_export, cmd_export),
    "network": ("write who said what to whom as GraphML (Gephi) and SVG",
                add_network, cmd_network),
    "stats": ("counts of documents, spans and claims by status, as JSON", add_stats, cmd_stats),
    "agree": ("agreement of 2 to 10 analysts' projects on the articles they share, as JSON",
              add_agree, cmd_agree),
    "kinds": ("list a project's claim kinds, or add one", add_kinds, cmd_kinds),
    "team": ("split a project among analysts, curate their files into gold, feedback",
             add_team, cmd_team),
    "memory": ("what the project learned from the analyst (strings, cues), and its settings",
               add_memory, cmd_memory),
    "train": ("train the project model from reviewed claims (--off: rules alone)",
              add_train, cmd_train),
    "recover": ("copy what is still readable in a damaged project into a new project file",
                add_recover, cmd_recover),
    "restore": ("put a backup copy in a project's place, keeping the project beside it",
                add_restore, cmd_restore),
    "install-desktop": ("add idleb_desk to the desktop's menu (Linux; --uninstall removes it)",
                        add_install_desktop, cmd_install_desktop),
}  # fmt: skip
SUBCOMMANDS = tuple(COMMANDS)


def tool_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="idleb-desk")
    sub = p.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    for name, (help_text, add, run) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:])
        add(sp)
        sp.set_defaults(run=run)
    return p


def gui_parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<16} {text}" for name, (text, *_) in COMMANDS.items())
    p = argparse.ArgumentParser(
        prog="idleb-desk",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Review actors and claims in news articles. With no DB, opens the default "
        "project,\nwhich holds the seed article on first run.",
        epilog=f"subcommands (see 'idleb-desk SUBCOMMAND --help'):\n{listing}\n\n"
        "exit codes: 0 done; 1 done, but some inputs were refused; 2 nothing done (usage\n"
        "error, missing input or project, unknown model or subcommand, unusable project)",
    )
    p.add_argument(
        "db",
        nargs="?",
        type=Path,
        metavar="DB|ARTICLE",
        help="project file to open (a new one if it ends in .sqlite3, .sqlite or .db), or a "
        ".txt/.md/.html article to import into the default project and show",
    )
    p.add_argument("--model", help="spaCy pipeline name or path to use for suggestions")
    p.add_argument("--reviewer", help="your name, stored with every decision")
    p.add_argument("--version", action="version", version=f"idleb-desk {__version__}")
    return p


def run_window(args: argparse.Namespace) -> int:
    project, article = window_target(args.db, COMMANDS)
    require_model(args.model)
    require_display()
    if args.reviewer:
        # ReviewSession reads the name from here, for every window and worker alike.
        os.environ["IDLEB_DESK_REVIEWER"] = args.reviewer
    show_doc: int | None = None
    problems: tuple[str, ...] = ()
    if article is not None:
        from idleb_desk.project import import_article

        opened = import_article(article)
        show_doc, problems = opened.doc_id, opened.problems
    from idleb_desk.gui.window.app import run

    return run(project, model=args.model, show_doc=show_doc, problems=problems)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv:
            require_subcommand(argv[0], COMMANDS)
        if argv and argv[0] in COMMANDS:
            args = tool_parser().parse_args(argv)
            setup_logging(console_level=logging.WARNING)
            return int(args.run(args))
        args = gui_parser().parse_args(argv)
        setup_logging(console_level=logging.INFO)
        return run_window(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except (StoreError, ExportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; every committed batch is kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
