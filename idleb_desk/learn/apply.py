"""The project model at import and extraction: an extractor wrapper that re-scores the
rules' claims, and the origin it gives the claims it kept.

`with_project_model(store, extractor)` returns the extractor itself when the project's
model is off or missing (rules alone), else a `ModelExtractor` whose claims the model
re-scored: those below its threshold are dropped, kinds the analysts corrected are set,
each kept claim carries the model's confidence (stored in `claims.confidence`), and is
marked `<model>+project-model-v<N>` (or `...+project-cue` first when a project cue found
it), which `core.memory.describe_origin` words, with the confidence, for the window's
tooltips; the export carries both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from idleb_desk.learn.model import ProjectModel
from idleb_desk.learn.project import model_for
from idleb_desk.model import Extraction
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

MODEL_SUFFIX = "+project-model-v"
# Digits of the confidence kept: the figure is a model's estimate, and three digits keep
# the export's column and the tooltip readable.
CONFIDENCE_DIGITS = 3


class ModelOrigin:
    """`claim_origin` for `core.memory.mark_project_cue_claims`: every claim the model
    kept names it; a project cue's claim keeps saying so first."""

    def __init__(self, version: int, cues: Any = None):
        self.version = version
        self.cues = cues

    def claim_origin(self, model: str, cue_text: str) -> str | None:
        base = model
        if self.cues is not None and cue_text:
            base = self.cues.claim_origin(model, cue_text) or model
        return f"{base}{MODEL_SUFFIX}{self.version}"


class ModelExtractor:
    """An extractor whose claims this project's model re-scores."""

    def __init__(self, inner: Any, model: ProjectModel):
        self.inner = inner
        self.model = model
        cues = getattr(inner, "project_cues", None)
        self._is_project_cue = cues.is_project_cue if cues is not None else None
        self.project_cues = ModelOrigin(model.version, cues)
        self.nlp = getattr(inner, "nlp", None)
        self.model_label = getattr(inner, "model_label", "")

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        for ex in self.inner.extract_many(texts, batch_size=batch_size, n_process=n_process):
            kept = self.model.apply(ex, self._is_project_cue)
            yield Extraction(
                model=ex.model,
                actors=ex.actors,
                claims=tuple(
                    replace(k.claim, confidence=round(k.confidence, CONFIDENCE_DIGITS))
                    for k in kept
                ),
                regions=ex.regions,
            )

    def extract(self, text: str) -> Extraction:
        return next(self.extract_many([text]))


def with_project_model(store: Store, extractor: Any) -> Any:
    """The extractor to use for this project: re-scored by its model when that is on."""
    if extractor is None:
        return None
    try:
        model = model_for(Path(store.path), store)
    except ValueError as exc:
        log.warning("project model not used: %s", exc)
        return extractor
    if model is None:
        return extractor
    log.info("project model v%d re-scores the suggestions", model.version)
    return ModelExtractor(extractor, model)
