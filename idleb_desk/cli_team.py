"""`idleb-desk team split|curate|feedback`: handing out work, curation, feedback (issue 13).

The analysts' files and the source project are only ever read; a refusal (files of other
teams, the same analyst twice, a damaged or newer file) names the file and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from idleb_desk import cli_team_server
from idleb_desk.cli_support import EXIT_OK, CliError, require_inputs, require_project


def _share(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, not {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value}")
    return value


def add_team(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(
        dest="team_command", required=True, metavar="ACTION",
        help="split, curate, feedback; with a team server (issue 15): init, add-member, "
        "publish, release, join, sync, status, conflicts, resolve, watch, fetch",
    )  # fmt: skip
    s = sub.add_parser("split", help="one project file per analyst, with a blind sample in all",
                       description="Writes DIR/<analyst>.sqlite3 for each analyst: every "
                       "document to one analyst, and the --overlap share of the documents "
                       "(drawn with --seed) to all of them, for reliability. PROJECT is only "
                       "read; the files hold the model's suggestions and nothing any analyst "
                       "decided.")  # fmt: skip
    s.add_argument("project", type=Path, help="the project to hand out")
    s.add_argument("--analysts", required=True, help="names, separated by commas (ana,ben,chen)")
    s.add_argument("--overlap", type=_share, default=0.2, help="share every analyst codes (0.2)")
    s.add_argument("--out", type=Path, required=True, help="folder for the analysts' files")
    s.add_argument("--seed", type=int, help="the same seed draws the same sample and shares")
    c = sub.add_parser("curate", help="pre-merge the analysts' files into a gold project",
                       description="Checks the analysts' files belong together and creates or "
                       "updates GOLD: agreed units accepted by the strategy, the rest left for "
                       "the curator. A re-run keeps every decision the curator made.")  # fmt: skip
    c.add_argument("files", nargs="+", type=Path, help="the analysts' project files")
    c.add_argument("--out", type=Path, required=True, help="the gold project (made if missing)")
    c.add_argument("--strategy", choices=("complete", "coded", "vote"), default="complete",
                   help="complete: every analyst alike; coded: those who coded it alike; "
                   "vote: --min-votes and --min-share")  # fmt: skip
    c.add_argument("--min-votes", type=int, default=2, help="vote: votes needed (2)")
    c.add_argument("--min-share", type=_share, default=0.5, help="vote: share of coders (0.5)")
    c.add_argument("--anonymise", action="store_true",
                   help="keep no analyst names in the gold project: Analyst 1..N")  # fmt: skip
    c.add_argument("--curator", help="your name, stored with every decision")
    f = sub.add_parser(
        "feedback",
        help="where the curator decided otherwise than you coded",
        description="Lists, in reading order, the positions where the gold "
        "project differs from the version of MINE's analyst, with both.",
    )
    f.add_argument("gold", type=Path, help="the gold project")
    f.add_argument("mine", type=Path, help="your own project file from 'team split'")
    f.add_argument("--json", action="store_true", help="print JSON instead of lines")
    cli_team_server.add_server_commands(sub)
    p.set_defaults(run=cmd_team)


def cmd_team(args: argparse.Namespace) -> int:
    from idleb_desk.core.team_split import TeamError

    if args.team_command in cli_team_server.COMMANDS:
        return cli_team_server.run(args)
    try:
        return {"split": _split, "curate": _curate, "feedback": _feedback}[args.team_command](args)
    except TeamError as exc:
        raise CliError(str(exc)) from exc


def _split(args: argparse.Namespace) -> int:
    from idleb_desk.core.team_split import split_project

    require_project(args.project)
    report = split_project(args.project, args.analysts.split(","), args.overlap, args.out,
                           args.seed)  # fmt: skip
    print(report.summary())
    return EXIT_OK


def _curate(args: argparse.Namespace) -> int:
    from idleb_desk.core.curation import curate

    require_inputs(args.files)
    if args.out.is_dir():
        raise CliError(f"{args.out}: is a folder, not a project file")
    report = curate(
        list(args.files), args.out, args.strategy, args.min_votes, args.min_share,
        args.anonymise, (args.curator or "").strip() or _default_curator(),
    )  # fmt: skip
    print(report.summary())
    return EXIT_OK


def _default_curator() -> str:
    from idleb_desk.core.session_context import default_reviewer

    return default_reviewer()


def _feedback(args: argparse.Namespace) -> int:
    from idleb_desk.core.curation_session import feedback
    from idleb_desk.store.store import Store

    require_project(args.gold)
    require_project(args.mine)
    with Store.open(args.gold, create=False, read_only=True) as gold, \
            Store.open(args.mine, create=False, read_only=True) as mine:  # fmt: skip
        items = feedback(gold, mine)
    if args.json:
        print(json.dumps([i.to_json() for i in items], indent=2, ensure_ascii=False))
        return EXIT_OK
    for i in items:
        print(f"{i.ext_id} {i.start}-{i.end} {i.layer} [{i.state}] {i.text!r}")
        print(f"  mine: {_show(i.mine)}")
        print(f"  gold: {_show(i.gold)}")
    if not items:
        print("the gold project agrees with your coding everywhere the curator decided",
              file=sys.stderr)  # fmt: skip
    return EXIT_OK


def _show(units: tuple[dict, ...] | None) -> str:
    if units is None:
        return "(not coded)"
    if not units:
        return "(nothing)"
    return "; ".join(
        f"{u['text']!r} {u['label']}" if u["layer"] == "actor" else
        f"{u['speaker']!r} {u['cue']!r} {' … '.join(map(repr, u['content']))} "
        f"-> {', '.join(map(repr, u['addressees'])) or '-'} ({u['kind']})"
        for u in units
    )  # fmt: skip
