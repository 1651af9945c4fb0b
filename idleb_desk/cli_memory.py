"""`idleb-desk memory DB`: what the project has learned from the analyst, and its settings.

Project memory (`core.memory`) is read from the project's own review state; this command
shows it and sets the two project settings: memory on or off, and how many rejections
stop a string+label from being suggested.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from idleb_desk.cli_support import EXIT_OK, CliError, require_project


def add_memory(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="the project file")
    p.add_argument(
        "--reject-threshold",
        type=int,
        metavar="N",
        help="stop suggesting a string+label rejected N times (0: never stop; default 3)",
    )
    p.add_argument(
        "--spread",
        action="store_true",
        help="suggest every remembered string in every document now (for decisions made "
        "while memory was off, or before it existed)",
    )
    onoff = p.add_mutually_exclusive_group()
    onoff.add_argument("--on", action="store_true", help="turn project memory on")
    onoff.add_argument("--off", action="store_true", help="turn project memory off")


def cmd_memory(args: argparse.Namespace) -> int:
    from idleb_desk.store import memory as mem
    from idleb_desk.store.store import Store

    require_project(args.db)
    if args.reject_threshold is not None and args.reject_threshold < 0:
        raise CliError("--reject-threshold must be 0 or more")
    with Store.open(args.db, create=False) as store:
        if args.reject_threshold is not None:
            store.set_setting(mem.THRESHOLD_SETTING, args.reject_threshold)
        if args.on or args.off:
            store.set_setting(mem.ENABLED_SETTING, bool(args.on))
        learned = mem.learned(store)
        spread = 0
        if args.spread and mem.enabled(store):
            from idleb_desk.core.memory import spread_project

            spread = spread_project(store, learned)
        out = {
            "enabled": mem.enabled(store),
            "reject_threshold": learned.threshold,
            "suggested_strings": [
                {"text": t, "label": lab, "accepted": learned.accepted[(t, lab)]}
                for t, lab in learned.to_suggest()
            ],
            "stopped_strings": [
                {"text": t, "label": lab, "rejected": n}
                for (t, lab), n in sorted(learned.rejected.items())
                if learned.suppressed((t, lab))
            ],
            "project_cues": [{"cue": c, "kind": k} for c, k in mem.analyst_cues(store)],
        }
        if args.spread:
            out["suggestions_added"] = spread
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return EXIT_OK
