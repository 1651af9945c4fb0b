"""Cue lexicon: the words and phrases that mark an attribution.

The lexicon is data (`data/cues.tsv`) so that analysts can extend it for a project without
touching code. Each entry carries a default claim kind; extraction refines the kind with a
few general rules (negation, the noun heading a reported object, performative first-person
verbs inside quotes).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from idleb_desk.model import CLAIM_KINDS

log = logging.getLogger(__name__)

CUE_TYPES = ("verb", "phrase", "noun", "source", "document", "stance", "copula")
OBJECT_ROLES = ("content", "addressee")
COLUMNS = ("cue", "kind", "type", "object", "complement")
# complement "clause": a bare noun-phrase object is no report for this verb ("pressed
# their offensive", "wrote a letter"); it needs a clause, a quote or a speech noun.
COMPLEMENTS = ("any", "clause", "document", "evidence", "naming")


class LexiconError(ValueError):
    """A malformed cue file; the message names the line."""


@dataclass(frozen=True)
class CueEntry:
    cue: str
    kind: str
    type: str
    object_role: str = "content"
    complement: str = "any"

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.cue.split())


@dataclass(frozen=True)
class CueLexicon:
    """Lookup tables built from the entries.

    `verbs` maps a verb lemma to its kind; `phrases` maps a verb lemma to the particles or
    prepositions that make a phrase with it ("call" -> {"on": ..., "for": ...});
    `nouns` maps noun lemmas to kinds; `sources` holds fixed phrases like "according to".
    """

    entries: tuple[CueEntry, ...]
    verbs: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, dict[str, CueEntry]] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    sources: dict[tuple[str, ...], str] = field(default_factory=dict)
    object_roles: dict[str, str] = field(default_factory=dict)
    clause_only: set[str] = field(default_factory=set)
    complements: dict[str, str] = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)
    # Nouns that report only with a that-clause ("made the case that ...").
    clause_nouns: set[str] = field(default_factory=set)
    document_kinds: dict[str, str] = field(default_factory=dict)
    stances: dict[str, str] = field(default_factory=dict)
    copulas: set[str] = field(default_factory=set)

    @classmethod
    def from_entries(cls, entries: list[CueEntry]) -> CueLexicon:
        lex = cls(entries=tuple(entries))
        for e in entries:
            if e.type == "verb":
                lex.verbs[e.cue] = e.kind
                lex.object_roles[e.cue] = e.object_role
                lex.complements[e.cue] = e.complement
                if e.complement == "clause":
                    lex.clause_only.add(e.cue)
            elif e.type == "phrase":
                head, *rest = e.words
                lex.phrases.setdefault(head, {})[" ".join(rest)] = e
            elif e.type == "noun":
                lex.nouns[e.cue] = e.kind
                if e.complement == "clause":
                    lex.clause_nouns.add(e.cue)
            elif e.type == "document":
                lex.documents.add(e.cue)
                lex.document_kinds[e.cue] = e.kind
            elif e.type == "stance":
                lex.stances[e.cue] = e.kind
            elif e.type == "copula":
                lex.copulas.add(e.cue)
            else:
                lex.sources[e.words] = e.kind
        return lex

    def __len__(self) -> int:
        return len(self.entries)

    def is_cue_lemma(self, lemma: str) -> bool:
        """True if the lemma is a verb cue or heads a phrase cue."""
        return lemma in self.verbs or lemma in self.phrases

    def kind_of(self, cue: str) -> str | None:
        """Kind of a verb lemma or a full phrase ("call on"), else None."""
        words = cue.lower().split()
        if len(words) > 1:
            entry = self.phrases.get(words[0], {}).get(" ".join(words[1:]))
            if entry is not None:
                return entry.kind
            return self.sources.get(tuple(words))
        return self.verbs.get(words[0]) if words else None


def parse_lexicon(lines: list[str], origin: str = "<cues>") -> CueLexicon:
    """Parse TSV text: header `cue kind type object [complement]`; `#` comments allowed."""
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not body:
        raise LexiconError(f"{origin}: empty lexicon")
    reader = csv.reader(body, delimiter="\t")
    header = tuple(h.strip() for h in next(reader))
    if header[:3] != COLUMNS[:3]:
        raise LexiconError(f"{origin}: header must start with {COLUMNS[:3]}, got {header}")
    entries: list[CueEntry] = []
    for n, row in enumerate(reader, start=2):
        cells = [c.strip() for c in row]
        if len(cells) < 3:
            raise LexiconError(f"{origin}: row {n} has {len(cells)} cells: {row}")
        cue, kind, ctype = cells[0].lower(), cells[1], cells[2]
        role = cells[3] if len(cells) > 3 and cells[3] else "content"
        complement = cells[4] if len(cells) > 4 and cells[4] else "any"
        if complement not in COMPLEMENTS:
            raise LexiconError(f"{origin}: row {n}: unknown complement {complement!r}")
        if kind not in CLAIM_KINDS:
            raise LexiconError(f"{origin}: row {n}: unknown kind {kind!r}")
        if ctype not in CUE_TYPES:
            raise LexiconError(f"{origin}: row {n}: unknown type {ctype!r}")
        if role not in OBJECT_ROLES:
            raise LexiconError(f"{origin}: row {n}: unknown object role {role!r}")
        if ctype in ("phrase", "source") and len(cue.split()) < 2:
            raise LexiconError(f"{origin}: row {n}: a {ctype} needs several words: {cue!r}")
        entries.append(
            CueEntry(cue=cue, kind=kind, type=ctype, object_role=role, complement=complement)
        )
    return CueLexicon.from_entries(entries)


def load_lexicon(path: str | Path | None = None) -> CueLexicon:
    """Load a lexicon file; without a path, the packaged default (cached)."""
    if path is None:
        return default_lexicon()
    p = Path(path)
    return parse_lexicon(p.read_text(encoding="utf-8").splitlines(), origin=str(p))


@lru_cache(maxsize=1)
def default_lexicon() -> CueLexicon:
    text = resources.files("idleb_desk.nlp").joinpath("data/cues.tsv").read_text("utf-8")
    lex = parse_lexicon(text.splitlines(), origin="idleb_desk/nlp/data/cues.tsv")
    log.debug("loaded %d cue entries", len(lex))
    return lex
