"""The commands that work on project files as files, and on the desktop: recover,
restore and install-desktop (the rest of the command line: cli.py)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from idleb_desk.cli_support import EXIT_OK, EXIT_PROBLEMS, CliError

# ---- recover --------------------------------------------------------------------------------


def add_recover(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Reads DAMAGED without writing to it, and saves every readable document, span, claim "
        "and event into NEW (which must not exist yet). Prints what was saved and what was "
        "not. Exit code 0 when everything was saved, 1 when some rows were lost."
    )
    p.add_argument("damaged", type=Path, help="the damaged project file")
    p.add_argument("new", type=Path, help="the new project file to write")


def cmd_recover(args: argparse.Namespace) -> int:
    from idleb_desk.core.opening import recover_project

    report = recover_project(args.damaged, args.new)
    print(report.summary())
    return EXIT_OK if report.complete else EXIT_PROBLEMS


def add_restore(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Puts a copy of BACKUP (for example a .bak written before an upgrade) in PROJECT's "
        "place. BACKUP is checked first; PROJECT must not be open anywhere. The project as it "
        "was, with its -wal and -shm, is kept beside it as PROJECT.before-restore-TIME, "
        "so nothing is deleted. Use this instead of copying a backup by hand."
    )
    p.add_argument("backup", type=Path, help="the backup copy to restore")
    p.add_argument("project", type=Path, help="the project file to put it in place of")


def cmd_restore(args: argparse.Namespace) -> int:
    from idleb_desk.core.opening import restore_project

    print(restore_project(args.backup, args.project).summary())
    return EXIT_OK


# ---- install-desktop ------------------------------------------------------------------------


def add_install_desktop(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--uninstall", action="store_true", help="remove the launcher, icon and metainfo again"
    )


def cmd_install_desktop(args: argparse.Namespace) -> int:
    from idleb_desk import desktop

    if sys.platform == "darwin" or os.name == "nt":
        raise CliError("install-desktop is for Linux desktops; see the README for this system")
    if args.uninstall:
        removed = desktop.uninstall()
        for path in removed:
            print(f"removed {path}")
        if not removed:
            print("nothing to remove: the desktop files were not installed")
        return EXIT_OK
    t = desktop.install()
    for path in t.all():
        print(f"installed {path}")
    return EXIT_OK
