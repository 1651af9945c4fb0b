"""The project model of one project file: train it from the project's reviews, find it,
turn it off, and train it in a background process that never blocks the window.

The model lives beside the project, named by it (`NAME.model.json`, `model.model_path`);
the project's setting `learn.enabled` says whether suggestions use it. Training reads the
project read-only, so a window with the project open is not disturbed.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from idleb_desk.learn.model import Decision, LearnedCue, ProjectModel, model_path, train
from idleb_desk.learn.switch import model_on
from idleb_desk.model import ACCEPTED, EDITED, ClaimSuggestion, TextRef
from idleb_desk.store import learning_queries as lq
from idleb_desk.store import memory as mem
from idleb_desk.store.connection import StoreError
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)


def _ref(role: lq.Role) -> TextRef | None:
    return None if role is None else TextRef(role[0], role[1], role[2])


def suggestion_of(r: lq.ReviewedClaim) -> ClaimSuggestion:
    """The suggestion as the analyst left it, in the form the rules make."""
    content = TextRef(*r.content)
    parts = (content,) * r.parts if r.parts > 1 else ()
    return ClaimSuggestion(
        content=content,
        speaker=_ref(r.speaker),
        cue=_ref(r.cue),
        addressees=(content,) * r.addressees,  # only their number is a feature
        kind=r.kind,
        quote_type=r.quote_type,
        content_parts=parts,
        nested_in=0 if r.nested else None,
    )


def train_project(db: Path, turn_on: bool = True) -> ProjectModel:
    """Train from the project's reviewed claims and save the model beside it; `turn_on`
    (the analyst asked for it) also turns it on. A background retraining passes False:
    it leaves the analyst's on/off choice alone and writes nothing into the project."""
    with Store.open(db, create=False, read_only=True) as store:
        reviewed = lq.reviewed_claims(store)
        added = [LearnedCue(cue, kind) for cue, kind in mem.analyst_cues(store)]
        on = model_on(store)
    decisions = [
        Decision(suggestion_of(r), r.status in (ACCEPTED, EDITED), r.kind) for r in reviewed
    ]
    path = model_path(db)
    try:
        previous = ProjectModel.load(path)
    except ValueError:
        previous = None  # an unreadable model is replaced, not trusted
    model = train(decisions, added, previous)
    model.save(path)
    if turn_on and not on:
        try:
            with Store.open(db, create=False) as store:
                store.set_setting(lq.ENABLED_SETTING, True)
        except StoreError as exc:
            log.warning("%s: model saved but not turned on: %s", db, exc)
    log.info("project model v%d trained on %d decisions", model.version, len(decisions))
    return model


def set_enabled(db: Path, on: bool) -> None:
    with Store.open(db, create=False) as store:
        store.set_setting(lq.ENABLED_SETTING, on)


def model_for(db: Path, store: Store) -> ProjectModel | None:
    """The project's model when it is on and present, else None (rules alone)."""
    if not model_on(store):
        return None
    return ProjectModel.load(model_path(db))


def due(store: Store, model: ProjectModel | None) -> bool:
    """Has the analyst made `learn.every_decisions` more decisions since the last training?"""
    every = int(store.setting(lq.EVERY_SETTING, lq.DEFAULT_EVERY) or 0)
    if every <= 0:
        return False
    trained = model.trained_on if model is not None else 0
    return lq.decisions_made(store) - trained >= every


def retrain_due(db: Path, store: Store) -> bool:
    """Should the window retrain now? Only a project whose model the analyst turned on
    (`idleb-desk train` or Review → Train the project model) retrains by itself."""
    if not model_on(store):
        return False
    try:
        model = ProjectModel.load(model_path(db))
    except ValueError:
        model = None
    return due(store, model)


def train_in_background(db: Path, rescore_as: str | None = None) -> subprocess.Popen[bytes]:
    """Start `idleb-desk train DB` in its own process; the caller polls it. With
    `rescore_as` (the analyst asked for a training) the new model also re-scores the
    pending suggestions, logged as that reviewer's; without (a retraining the window
    started by itself) it writes nothing into the project."""
    args = ["--rescore", "--reviewer", rescore_as] if rescore_as else ["--background"]
    return subprocess.Popen(
        [sys.executable, "-m", "idleb_desk", "train", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
