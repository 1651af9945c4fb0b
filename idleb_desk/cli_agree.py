"""`idleb-desk agree FILES…`: intercoder agreement of 2 to 10 analysts' project files.

Prints the report as JSON (or writes it with `--json OUT`, or as one long CSV table with
`--csv OUT`); `--diagnosis OUT.csv` writes every position where the analysts differ. The
analysts' files are only read: each is opened read-only, and an output path that is one
of them is refused. With two files the JSON keeps the keys `agree A B` always printed.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from idleb_desk.cli_support import EXIT_OK, CliError, require_project
from idleb_desk.io.atomic import AtomicFiles

# The two-file report's notes: figures with nothing to compare, said on stderr too.
_NOTES = "nothing_to_compare"


def add_agree(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help="2 to 10 analysts' project files")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", type=Path, metavar="OUT", help="write the report as JSON to OUT")
    out.add_argument("--csv", type=Path, metavar="OUT", help="write the report as a CSV table")
    p.add_argument(
        "--unit",
        choices=("token", "char"),
        default="token",
        help="positions for unitizing alpha and span F1 (default token: a space at a "
        "span's edge is no disagreement)",
    )
    p.add_argument(
        "--diagnosis",
        type=Path,
        metavar="OUT.csv",
        help="write one row per position where the analysts differ, one column per analyst",
    )


def _refuse_inputs_as_outputs(files: list[Path], outputs: Iterable[Path | None]) -> None:
    inputs = {os.path.realpath(f) for f in files}
    for out in outputs:
        if out is not None and os.path.realpath(out) in inputs:
            raise CliError(f"{out}: is one of the analysts' files; it is never written to")


def _write_csv(path: Path, rows: Iterable[list[str]]) -> None:
    from idleb_desk.store.exports import guard_cell

    files = AtomicFiles()
    with files.staged(), files.open(path) as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        for row in rows:
            writer.writerow([guard_cell(cell) for cell in row])


def cmd_agree(args: argparse.Namespace) -> int:
    # The cycle collector off for the whole command, not only while each part runs
    # (`cycles_uncollected`): a study's million units, ranges and rows hold no cycles,
    # and a collection at the end of each part walked every one of them, that part's and
    # the earlier ones' (a tenth of the command). They are freed by reference counting
    # before the collector is on again, so nothing is left for it then.
    was_on = gc.isenabled()
    gc.disable()
    try:
        return _agree(args)
    finally:
        if was_on:
            gc.enable()


def _agree(args: argparse.Namespace) -> int:
    from idleb_desk.core.agreement import compare
    from idleb_desk.core.agreement.files import open_read_only, read_analysts
    from idleb_desk.core.agreement.report import Study, diagnosis, flat_rows, report

    files: list[Path] = args.files
    if not 2 <= len(files) <= 10:
        raise CliError(f"agree needs 2 to 10 analysts' project files, not {len(files)}")
    for path in files:
        require_project(path)
    _refuse_inputs_as_outputs(files, (args.json, args.csv, args.diagnosis))
    analysts, docs = read_analysts(files)
    result: dict[str, Any] = {}
    if len(files) == 2:
        with open_read_only(files[0]) as a, open_read_only(files[1]) as b:
            result.update(compare(a, b).as_dict())
    study = Study(analysts, docs, args.unit)

    def write_diagnosis() -> None:
        if args.diagnosis is not None:
            _write_csv(args.diagnosis, diagnosis(study))

    # The command line's own process: part of the report in a forked worker (`report.Forked`),
    # and the diagnosis written while it finishes.
    result.update(report(study, in_parallel=True, meanwhile=write_diagnosis))
    notes = result.get(_NOTES, [])
    for note in notes if isinstance(notes, list) else []:
        what, _, why = str(note).partition(": ")
        print(f"agree: nothing to compare for {what} ({why})", file=sys.stderr)
    for a in result["analysts"]:
        if a["set_aside"]:
            print(
                f"agree: {a['file']}: {a['set_aside']} unit(s) overlapping an earlier one of "
                "the same label were set aside (the earliest, longest is kept)",
                file=sys.stderr,
            )
    if args.csv is not None:
        _write_csv(args.csv, flat_rows(result))
    elif args.json is not None:
        files_out = AtomicFiles()
        with files_out.staged(), files_out.open(args.json) as fh:
            fh.write(json.dumps(result, indent=2) + "\n")
    else:
        print(json.dumps(result, indent=2))
    return EXIT_OK
