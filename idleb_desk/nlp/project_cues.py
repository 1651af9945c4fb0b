"""The project's cue lexicon: the packaged `data/cues.tsv` plus the cues the analyst used.

When the analyst builds a claim and marks its cue ("lamented", "hit back at"), that cue
joins the lexicon the extractor uses for this project's later imports and extractions.
The additions are read from the project's claims (`store.memory.analyst_cues`), so they
live in the project file and follow undo.

A marked cue is an inflected form in running text; the lexicon holds lemmas. The words
are lemmatised with the project's own spaCy pipeline inside a neutral carrier sentence
("They <cue> that it happened."), which gives the tagger the verb context a bare word
lacks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from idleb_desk.model import CLAIM_KINDS
from idleb_desk.nlp.cues import CueEntry, CueLexicon

log = logging.getLogger(__name__)

_CARRIER = "They {} that it happened."
_CARRIER_START = len("They ")
MAX_CUE_WORDS = 4


@dataclass(frozen=True)
class Learned:
    entry: CueEntry
    source: str  # the text the analyst marked


def lemmatise(nlp: Language, cue: str) -> list[tuple[str, str]]:
    """(lemma, coarse POS) of each word of `cue`, read in a carrier sentence."""
    doc = nlp(_CARRIER.format(cue))
    end = _CARRIER_START + len(cue)
    return [
        (t.lemma_.lower(), t.pos_)
        for t in doc
        if t.idx >= _CARRIER_START and t.idx + len(t.text) <= end
    ]


def entry_for(nlp: Language, cue: str, kind: str) -> CueEntry | None:
    """A lexicon entry for a cue the analyst marked, or None if it cannot be one.

    A single verb becomes a verb cue that needs a clause or quote (the cautious setting:
    "pressed their offensive" is no report); a verb with particles or prepositions a
    phrase cue; a single noun a noun cue (it refines kinds only). Anything else (a
    punctuation mark, a long stretch) teaches nothing reliable.
    """
    words = lemmatise(nlp, cue)
    if not words or len(words) > MAX_CUE_WORDS or kind not in CLAIM_KINDS:
        return None
    (head, pos), rest = words[0], words[1:]
    if not head.isalpha():
        return None
    if pos in ("VERB", "AUX") and not rest:
        return CueEntry(cue=head, kind=kind, type="verb", complement="clause")
    if pos == "VERB" and all(w.replace("-", "").isalpha() for w, _ in rest):
        return CueEntry(cue=" ".join([head, *(w for w, _ in rest)]), kind=kind, type="phrase")
    if pos == "NOUN" and not rest:
        return CueEntry(cue=head, kind=kind, type="noun")
    return None


def extend(base: CueLexicon, nlp: Language, cues: list[tuple[str, str]]) -> list[Learned]:
    """Entries the analyst's cues add to `base` (cues it already knows add nothing)."""
    known = {(e.type, e.cue) for e in base.entries}
    out: list[Learned] = []
    for text, kind in cues:
        entry = entry_for(nlp, text, kind)
        if entry is None or (entry.type, entry.cue) in known:
            continue
        if entry.type == "verb" and base.is_cue_lemma(entry.cue):
            continue
        known.add((entry.type, entry.cue))
        out.append(Learned(entry, text))
    return out


def for_project(extractor: Any, cues: list[tuple[str, str]]) -> Any:
    """The extractor to use for a project: the same pipeline, its lexicon extended with
    the project's cues. Returns `extractor` itself when there is nothing to add (or it is
    not a spaCy `Extractor`, e.g. a test double without a pipeline)."""
    nlp = getattr(extractor, "nlp", None)
    lexicon = getattr(extractor, "lexicon", None)
    if not cues or nlp is None or not isinstance(lexicon, CueLexicon):
        return extractor
    added = extend(lexicon, nlp, cues)
    if not added:
        return extractor
    log.info("project cue lexicon: +%d (%s)", len(added), ", ".join(a.entry.cue for a in added))
    merged = CueLexicon.from_entries([*lexicon.entries, *(a.entry for a in added)])
    out = type(extractor)(nlp, extractor.model_label, lexicon=merged)
    # Lets the importer tell the claims found through a project cue (`claim_origin`).
    out.project_cues = ProjectCues(nlp, frozenset(a.entry.cue for a in added))
    return out


PROJECT_CUE_SUFFIX = "+project-cue"


@dataclass
class ProjectCues:
    """Which cue texts of new claims are cues the project's lexicon added."""

    nlp: Language
    lemmas: frozenset[str]

    def is_project_cue(self, cue_text: str) -> bool:
        words = lemmatise(self.nlp, cue_text)
        return bool(words) and " ".join(w for w, _ in words) in self.lemmas

    def claim_origin(self, model: str, cue_text: str) -> str | None:
        """The origin of a claim whose cue is `cue_text`, if a project cue found it."""
        return model + PROJECT_CUE_SUFFIX if self.is_project_cue(cue_text) else None
