"""`idleb-desk team init|add-member|publish|release|join|sync|status|conflicts|resolve|watch`:
the team server (issue 15), wired into `idleb-desk team` by `cli_team`.

A server that cannot be reached is no usage error: `sync` says since when the project is
offline and exits 1, the project untouched; a refused input (a URL with a password, a
project not joined, a newer server schema) exits 2 naming the problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from idleb_desk.cli_support import EXIT_OK, EXIT_PROBLEMS, CliError, require_project

COMMANDS = ("init", "add-member", "publish", "release", "join", "sync", "status",
            "conflicts", "resolve", "watch", "fetch")  # fmt: skip
URL_HELP = ("postgresql://USER@HOST/DB?sslmode=verify-full or service=NAME; the password "
            "comes from ~/.pgpass, the service file or PGPASSWORD, never the URL")  # fmt: skip


def add_server_commands(sub: Any) -> None:
    i = sub.add_parser("init", help="create the team schema on a PostgreSQL server",
                       description="Creates the schema idleb_team (documents, assignments, "
                       "layers, actors, the append-only event log), the roles idleb_analyst, "
                       "idleb_curator and idleb_admin, and row-level security for blind "
                       "coding. Run it as the database's owner. A team made by an older "
                       "idleb_desk is upgraded to this version's schema.")  # fmt: skip
    i.add_argument("url", help=URL_HELP)
    m = sub.add_parser("add-member", help="make a login role for a team member")
    m.add_argument("url", help=URL_HELP)
    m.add_argument("name", help="the member's name (also their database role)")
    m.add_argument("--role", choices=("analyst", "curator", "admin"), default="analyst")
    p = sub.add_parser("publish", help="put a project's documents and sample on the server",
                       description="Publishes PROJECT's documents (a file of 'team split' "
                       "also marks its reliability sample), assigned to --analysts.")  # fmt: skip
    p.add_argument("url", help=URL_HELP)
    p.add_argument("project", type=Path)
    p.add_argument("--analysts", default="", help="names, separated by commas")
    r = sub.add_parser("release", help="release sample documents: every layer readable")
    r.add_argument("url", help=URL_HELP)
    r.add_argument("documents", nargs="+", help="SHA-256 or ext_id of each document")
    j = sub.add_parser("join", help="link a local project to the team server")
    j.add_argument("project", type=Path)
    j.add_argument("url", help=URL_HELP)
    j.add_argument("--analyst", required=True, help="your name (your database role)")
    j.add_argument(
        "--curated",
        action="store_true",
        help="a curator's gold project: its decisions are the curated layer",
    )
    s = sub.add_parser("sync", help="push local events, pull the team's")
    s.add_argument("project", type=Path)
    s.add_argument("--json", action="store_true")
    st = sub.add_parser("status", help="synced, pending, offline since, conflicts (no network)")
    st.add_argument("project", type=Path)
    c = sub.add_parser("conflicts", help="list the pushes the server refused as stale")
    c.add_argument("project", type=Path)
    c.add_argument("--json", action="store_true")
    v = sub.add_parser("resolve", help="choose mine or theirs for a conflict")
    v.add_argument("project", type=Path)
    v.add_argument("id", type=int)
    side = v.add_mutually_exclusive_group(required=True)
    side.add_argument("--mine", action="store_const", const="mine", dest="choice")
    side.add_argument("--theirs", action="store_const", const="theirs", dest="choice")
    f = sub.add_parser("fetch", help="a curator: bring the analysts' split files up to the "
                       "server's layers, to curate them",
                       description="Each FILE is an analyst's file from 'team split' (it "
                       "names its analyst); their layer and the team's actors are written "
                       "into it from the server. Then: idleb-desk team curate FILE... --out "
                       "GOLD.")  # fmt: skip
    f.add_argument("url", help=URL_HELP)
    f.add_argument("files", nargs="+", type=Path)
    w = sub.add_parser("watch", help="sync whenever the server's log grows (Ctrl+C stops)")
    w.add_argument("project", type=Path)
    w.add_argument("--timeout", type=float, default=60.0, help="pull at least this often (s)")


def run(args: argparse.Namespace) -> int:
    import psycopg

    from idleb_desk.team.server import ServerOffline, TeamServerError

    try:
        return _COMMANDS[args.team_command](args)
    except ServerOffline as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except TeamServerError as exc:
        raise CliError(str(exc)) from exc
    except psycopg.Error as exc:
        # The server said no (a privilege the login lacks, a constraint): its words.
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CliError(f"the team server refused: {first}", EXIT_PROBLEMS) from exc


def _init(args: argparse.Namespace) -> int:
    from idleb_desk.team.server import init_server

    print(f"team schema version {init_server(args.url)} ready")
    return EXIT_OK


def _add_member(args: argparse.Namespace) -> int:
    from idleb_desk.team.server import add_member

    new = add_member(args.url, args.name, args.role)
    print(f"{args.name!r}: {args.role}" + (" (new login role, no password set)" if new else ""))
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from idleb_desk.core.team_split import TEAM_SAMPLE
    from idleb_desk.store import settings
    from idleb_desk.store.store import Store
    from idleb_desk.store.sync_state import documents_for_server
    from idleb_desk.team.server import Document, publish

    require_project(args.project)
    with Store.open(args.project, create=False, read_only=True) as store:
        docs = [Document(*row) for row in documents_for_server(store.con)]
        sample = set(settings.setting(store, TEAM_SAMPLE) or [])
    names = [n for n in args.analysts.split(",") if n]
    added = publish(args.url, docs, sample, {n: [d.sha256 for d in docs] for n in names})
    print(f"{len(docs)} documents published ({added} new), {len(sample)} in the sample")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    from idleb_desk.team.server import release

    print(f"{release(args.url, args.documents)} sample documents released")
    return EXIT_OK


def _open(path: Path) -> Any:
    from idleb_desk.store.store import Store

    require_project(path)
    return Store.open(path, create=False)


def _join(args: argparse.Namespace) -> int:
    from idleb_desk.team.sync import join

    with _open(args.project) as store:
        link = join(store, args.url, args.analyst, args.curated)
    print(f"{args.project}: joined as {link.analyst!r} (layer {link.layer or 'shared'!r})")
    return EXIT_OK


def _sync(args: argparse.Namespace) -> int:
    from idleb_desk.team.sync import sync

    with _open(args.project) as store:
        report = sync(store)
    if args.json:
        print(json.dumps(report.__dict__, indent=2))
    else:
        print(report.summary())
    for cid in report.new_conflicts:
        print(f"conflict {cid}: see 'idleb-desk team conflicts {args.project}'", file=sys.stderr)
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from idleb_desk.team.sync import link_of, status

    with _open(args.project) as store:
        if link_of(store) is None:
            raise CliError(f"{args.project}: is not joined to a team (team join)")
        print(status(store).summary())
    return EXIT_OK


def _conflicts(args: argparse.Namespace) -> int:
    from idleb_desk.team.conflicts import describe, open_conflicts

    with _open(args.project) as store:
        found = open_conflicts(store)
    if args.json:
        print(json.dumps([c.__dict__ for c in found], indent=2, ensure_ascii=False))
        return EXIT_OK
    for c in found:
        print("\n".join(describe(c)))
    if not found:
        print("no conflicts", file=sys.stderr)
    return EXIT_OK


def _resolve(args: argparse.Namespace) -> int:
    from idleb_desk.core.session_context import default_reviewer
    from idleb_desk.team.conflicts import resolve
    from idleb_desk.team.sync import link_of

    with _open(args.project) as store:
        link = link_of(store)
        who = link.analyst if link else default_reviewer()
        event_id = resolve(store, args.id, args.choice, who)
    print(f"conflict {args.id}: kept {args.choice} (event {event_id}; the next sync pushes it)")
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    from idleb_desk.team.notify import Listener
    from idleb_desk.team.sync import link_of, sync

    with _open(args.project) as store:
        link = link_of(store)
        if link is None:
            raise CliError(f"{args.project}: is not joined to a team (team join)")
        with Listener(link.url) as listener:
            try:
                while True:
                    print(sync(store).summary(), flush=True)
                    listener.wait_for_changes(args.timeout)
            except KeyboardInterrupt:
                return EXIT_OK


def _fetch(args: argparse.Namespace) -> int:
    from idleb_desk.core.team_split import TEAM_ANALYST
    from idleb_desk.store import settings
    from idleb_desk.team.fetch import fetch_layer

    for path in args.files:
        with _open(path) as store:
            analyst = settings.setting(store, TEAM_ANALYST)
            if not analyst:
                raise CliError(f"{path}: names no analyst (not a file of 'team split')")
            print(f"{path}: {fetch_layer(store, args.url, analyst)} rows of {analyst!r}")
    return EXIT_OK


_COMMANDS = {
    "init": _init, "add-member": _add_member, "publish": _publish, "release": _release,
    "join": _join, "sync": _sync, "status": _status, "conflicts": _conflicts,
    "resolve": _resolve, "watch": _watch, "fetch": _fetch,
}  # fmt: skip
