"""`idleb-desk train DB [--off | --on] [--every N] [--rescore]`: the project model (issue 14).

Trains the model from the project's reviewed claims (`idleb_desk.learn`) and saves it
beside the project; `--off` returns the project to rules alone (the model file stays, so
`--on` brings it back), `--every N` sets how many decisions start a background retraining,
`--rescore` applies the new model to the suggestions still pending (`learn.rescore`).
Prints the model's figures as JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from idleb_desk.cli_support import EXIT_OK, CliError, require_project


def add_train(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", type=Path, help="the project file")
    onoff = p.add_mutually_exclusive_group()
    onoff.add_argument("--off", action="store_true", help="use rules alone (keep the model)")
    onoff.add_argument("--on", action="store_true", help="use the saved model again")
    # Retrain only, leaving the on/off setting (the window's background process).
    p.add_argument("--background", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--rescore",
        action="store_true",
        help="also score the suggestions still pending with the new model: drop those below "
        "its threshold, mark the rest with its confidence (one undoable step per document)",
    )
    p.add_argument("--reviewer", help="your name, with which --rescore's steps are logged")
    p.add_argument(
        "--every",
        type=int,
        metavar="N",
        help="retrain in the background after every N decisions (0: only on demand)",
    )


def cmd_train(args: argparse.Namespace) -> int:
    from idleb_desk.learn import project
    from idleb_desk.learn.model import ProjectModel, model_path
    from idleb_desk.store import learning_queries as lq
    from idleb_desk.store.store import Store

    require_project(args.db)
    if args.every is not None and args.every < 0:
        raise CliError("--every must be 0 or more")
    if args.every is not None:
        with Store.open(args.db, create=False) as store:
            store.set_setting(lq.EVERY_SETTING, args.every)
    path = model_path(args.db)
    if args.rescore and (args.off or args.on or args.background):
        raise CliError(
            "--rescore applies a model just trained; it goes with neither --off nor --on"
        )
    if args.off or args.on:
        if args.on and not path.exists():
            raise CliError(f"{path}: no model to turn on (run 'idleb-desk train {args.db}')")
        project.set_enabled(args.db, bool(args.on))
        print(json.dumps({"enabled": bool(args.on), "model": str(path)}))
        return EXIT_OK
    try:
        model = project.train_project(args.db, turn_on=not args.background)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    with Store.open(args.db, create=False, read_only=True) as store:
        enabled = bool(store.setting(lq.ENABLED_SETTING, False))
    out: dict[str, object] = {"enabled": enabled, "model": str(path)}
    out.update({k: v for k, v in model.to_json().items() if k != "weights"})
    out["weights"] = len(model.weights)
    assert isinstance(model, ProjectModel)
    if args.rescore:
        from idleb_desk.core.session_context import default_reviewer
        from idleb_desk.learn.rescore import rescore_pending

        reviewer = args.reviewer or default_reviewer()
        with Store.open(args.db, create=False) as store:
            out["rescored"] = rescore_pending(store, model, reviewer).as_dict()
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return EXIT_OK
