"""The project model: what this project's analysts decided, turned into a re-scorer and
new cues for the rules.

Every reviewed suggestion is a labelled example: accepted (kept, perhaps with another
kind) or rejected. Every claim an analyst made by hand names a cue the rules missed. From
these the model learns three things:

- a logistic regression over the suggestion's features (`features.py`) that gives each
  rule suggestion a confidence; suggestions below the project's threshold (chosen on the
  reviewed data, each decision scored by a fit made without it) are dropped, the rest
  keep their confidence for the window and the export;
- cue words the analysts used in the claims they added, which extend the rules' lexicon
  for this project (so the rules propose claims they missed, marked origin "project");
- the kind analysts give most often to a cue they corrected, and the kind they give to a
  whole suggested kind when they recode most of it the same way (a codebook that, say,
  has no "warning" and codes every one as "threat", whatever the cue word).

The model is a JSON file beside the project, named by it (`PROJECT.model.json`), with a
version number that grows with each training; deleting it, or `idleb-desk train --off`,
returns the project to rules alone.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from idleb_desk.learn import features
from idleb_desk.learn.logreg import LogReg
from idleb_desk.model import ClaimSuggestion, Extraction

log = logging.getLogger(__name__)

FORMAT = "idleb-desk-project-model"
ORIGIN_RULES = "rules"
ORIGIN_PROJECT = "project"
MIN_KIND_VOTES = 2
# A whole kind is recoded only on more evidence than one cue word: at least this many
# accepted suggestions of it, most of them given the same other kind.
MIN_KIND_DEFAULT_VOTES = 3
FOLDS = 5
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


@dataclass(frozen=True)
class Decision:
    """One reviewed rule suggestion: accepted (with the analyst's kind) or rejected."""

    suggestion: ClaimSuggestion
    accepted: bool
    kind: str | None = None


@dataclass(frozen=True)
class LearnedCue:
    """The cue text of a claim an analyst made by hand, and its kind. The rules' lexicon
    takes it through `nlp.project_cues` (lemmatised with the project's pipeline)."""

    cue: str
    kind: str


@dataclass(frozen=True)
class ScoredClaim:
    claim: ClaimSuggestion
    origin: str
    confidence: float


@dataclass
class ProjectModel:
    version: int = 1
    trained_on: int = 0
    weights: dict[int, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.0
    cues: list[LearnedCue] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    # Suggested kind -> the analysts' kind, for cues with no correction of their own.
    kind_defaults: dict[str, str] = field(default_factory=dict)
    train_s: float = 0.0

    # ---- use ----------------------------------------------------------------------
    def confidence(self, claims: Sequence[ClaimSuggestion]) -> np.ndarray:
        w = np.zeros(features.DIM)
        for i, v in self.weights.items():
            w[i] = v
        return LogReg(w, self.bias).proba(features.sparse(claims))

    def apply(
        self, ex: Extraction, is_project_cue: Callable[[str], bool] | None = None
    ) -> list[ScoredClaim]:
        """The suggestions this project's model keeps, with origin and confidence.

        A claim nested in another keeps its place only if its outer claim is kept; indices
        in `nested_in` are renumbered for the kept list.
        """
        conf = self.confidence(ex.claims)
        keep = [bool(p >= self.threshold) for p in conf]
        index: dict[int, int] = {}
        out: list[ScoredClaim] = []
        for i, c in enumerate(ex.claims):
            if not keep[i] or (c.nested_in is not None and c.nested_in not in index):
                continue
            kind = self.kind_of(c)
            nested = None if c.nested_in is None else index[c.nested_in]
            index[i] = len(out)
            learned = (
                c.cue is not None and is_project_cue is not None and is_project_cue(c.cue.text)
            )
            origin = ORIGIN_PROJECT if learned else ORIGIN_RULES
            out.append(ScoredClaim(replace(c, kind=kind, nested_in=nested), origin, float(conf[i])))
        return out

    def kind_of(self, c: ClaimSuggestion) -> str:
        """The kind this project's analysts give a suggestion: its cue's correction, else
        its kind's, else its own."""
        return self.kinds.get(_kind_key(c)) or self.kind_defaults.get(c.kind, c.kind)

    # ---- storage ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "trained_on": self.trained_on,
            "threshold": self.threshold,
            "bias": self.bias,
            "weights": {str(k): round(v, 6) for k, v in self.weights.items()},
            "cues": [{"cue": c.cue, "kind": c.kind} for c in self.cues],
            "kinds": self.kinds,
            "kind_defaults": self.kind_defaults,
            "train_s": round(self.train_s, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProjectModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a project model (format {data.get('format')!r})")
        return cls(
            version=int(data["version"]),
            trained_on=int(data["trained_on"]),
            weights={int(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            cues=[LearnedCue(c["cue"], c["kind"]) for c in data["cues"]],
            kinds=dict(data["kinds"]),
            # Absent from models saved before kind defaults existed.
            kind_defaults=dict(data.get("kind_defaults", {})),
            train_s=float(data.get("train_s", 0.0)),
        )

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ProjectModel | None:
        if not path.exists():
            return None
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: unreadable project model: {exc}") from exc


def model_path(project: Path) -> Path:
    """The model file beside a project, named by it."""
    return project.with_name(project.name + ".model.json")


def _kind_key(c: ClaimSuggestion) -> str:
    return f"{_cue_key(c)}|{c.kind}"


def _cue_key(c: ClaimSuggestion) -> str:
    return c.cue.text.lower().split()[-1] if c.cue is not None and c.cue.text.split() else ""


def train(
    decisions: Sequence[Decision],
    added_cues: Iterable[LearnedCue],
    previous: ProjectModel | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> ProjectModel:
    """A model from reviewed suggestions and the cues of hand-made claims."""
    t0 = clock()
    x = features.sparse(d.suggestion for d in decisions)
    y = np.array([1 if d.accepted else 0 for d in decisions], dtype=np.int8)
    if len(decisions) and 0 < int(y.sum()) < len(decisions):
        reg = LogReg.fit(x, y)
        threshold = _best_threshold(_out_of_fold(x, y, reg), y, n_added=0)
    else:
        reg = LogReg(np.zeros(features.DIM), 0.0)
        threshold = 0.0  # nothing to tell apart yet: keep every suggestion
    kind_defaults = _kind_defaults(decisions)
    # Kind corrections per (cue word, suggested kind): the analysts' majority kind, when
    # it differs from what the kind defaults give and at least MIN_KIND_VOTES agree (so a
    # cue the analysts keep as suggested overrides a default for its kind).
    votes: dict[str, Counter[str]] = {}
    for d in decisions:
        if d.accepted and d.kind and _cue_key(d.suggestion):
            votes.setdefault(_kind_key(d.suggestion), Counter())[d.kind] += 1
    kinds = {}
    for key, count in votes.items():
        kind, n = count.most_common(1)[0]
        suggested = key.rsplit("|", 1)[1]
        if (
            n >= MIN_KIND_VOTES
            and n * 2 > sum(count.values())
            and kind != kind_defaults.get(suggested, suggested)
        ):
            kinds[key] = kind
    cues = sorted(set(added_cues), key=lambda c: (c.cue, c.kind))
    weights = {int(i): float(v) for i, v in enumerate(reg.weights) if abs(v) > 1e-6}
    return ProjectModel(
        version=(previous.version + 1) if previous is not None else 1,
        trained_on=len(decisions),
        weights=weights,
        bias=reg.bias,
        threshold=threshold,
        cues=cues,
        kinds=kinds,
        kind_defaults=kind_defaults,
        train_s=clock() - t0,
    )


def _out_of_fold(x: features.Rows, y: np.ndarray, whole: LogReg) -> np.ndarray:
    """Each decision's probability from a model fitted without its fold (FOLDS folds).

    The threshold is chosen on these: on the training data itself the model is surer than
    it will be on new articles, and a threshold chosen there drops more than it should.
    A fold whose complement lacks a class (too few rejections) keeps the whole model's
    probability.
    """
    n = x.n
    if n < 2 * FOLDS:
        return whole.proba(x)
    fold = np.arange(n) % FOLDS
    out = whole.proba(x)
    for k in range(FOLDS):
        held = fold == k
        rest = ~held
        if 0 < int(y[rest].sum()) < int(rest.sum()):
            out[held] = LogReg.fit(x.take(rest), y[rest]).proba(x.take(held))
    return out


def _kind_defaults(decisions: Sequence[Decision]) -> dict[str, str]:
    """Suggested kind -> the kind analysts give most of its accepted suggestions, when
    that is another kind, more than half of them, and at least MIN_KIND_DEFAULT_VOTES."""
    votes: dict[str, Counter[str]] = {}
    for d in decisions:
        if d.accepted and d.kind:
            votes.setdefault(d.suggestion.kind, Counter())[d.kind] += 1
    out = {}
    for suggested, count in votes.items():
        kind, n = count.most_common(1)[0]
        if n >= MIN_KIND_DEFAULT_VOTES and n * 2 > sum(count.values()) and kind != suggested:
            out[suggested] = kind
    return out


def _best_threshold(p: np.ndarray, y: np.ndarray, n_added: int) -> float:
    """The threshold that maximises F1 of the kept suggestions on the reviewed ones,
    smallest first on ties (dropping is the riskier error)."""
    best, best_f1 = 0.0, -1.0
    positives = int(y.sum()) + n_added
    for t in (0.0, *THRESHOLDS):
        kept = p >= t
        tp = int((kept & (y == 1)).sum())
        fp = int((kept & (y == 0)).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / positives if positives else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = t, f1
    return best
