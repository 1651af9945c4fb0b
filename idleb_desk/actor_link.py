"""Actor names: the canonical form of a mention and which known actor a mention names.

General rules over tokens, with the word lists in data files (`data/titles.txt`,
`data/name_affixes.txt`, `data/demonyms.tsv`):

- a possessive ("Erdogan's") and a leading article are dropped;
- for a person, a leading run of title and office words and demonyms is dropped
  ("Turkish President Recep Tayyip Erdogan" -> "Recep Tayyip Erdogan");
- a shorter form names a longer one when its name tokens, particles ("al-", "Le") aside,
  end the longer name ("Assad", "al-Assad" -> "Bashar al-Assad"; "Lavrov" -> "Sergei
  Lavrov"), and only when exactly one known actor fits: no link is better than a wrong one;
- on request, a demonym names its state ("Russian" -> Russia).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PERSON = "PERSON"
STATE_LABEL = "GPE"
# Labels whose mentions can be a demonym standing for a state.
DEMONYM_LABELS = ("NORP", "GPE")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_EDGE_PUNCT = " \t\n.,;:!?\"'“”‘’()[]"
_ARTICLES = ("the",)


def _lines(name: str) -> list[str]:
    text = resources.files("idleb_desk").joinpath("data").joinpath(name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    return frozenset(w.lower() for w in _lines("titles.txt"))


@lru_cache(maxsize=1)
def affixes() -> frozenset[str]:
    return frozenset(w.lower() for w in _lines("name_affixes.txt"))


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Lower-case demonym -> state name."""
    rows = csv.reader(_lines("demonyms.tsv"), delimiter="\t")
    return {r[0].strip().lower(): r[1].strip() for r in rows if len(r) >= 2}


def _strip_possessive(token: str) -> str:
    if _POSSESSIVE.search(token):
        return token[:-2] if token[-2] in "'’" else token[:-1]
    return token


def canonical_name(text: str, label: str) -> str:
    """The name an actor is filed under: whitespace folded, possessive, article and (for a
    person) leading titles and demonyms dropped. Never empty for a non-empty text."""
    tokens = " ".join(text.split()).strip(_EDGE_PUNCT).split(" ")
    tokens = [t for t in tokens if t]
    if not tokens:
        return " ".join(text.split())
    tokens[-1] = _strip_possessive(tokens[-1]).rstrip(_EDGE_PUNCT) or tokens[-1]
    if len(tokens) > 1 and tokens[0].lower() in _ARTICLES:
        tokens = tokens[1:]
    if label == PERSON:
        lead = 0
        known = titles()
        demo = demonyms()
        while lead < len(tokens) - 1:
            word = tokens[lead].lower().rstrip(".")
            if word in known or word in demo or word in ("of", "the", "and"):
                lead += 1
                continue
            break
        tokens = tokens[lead:]
    return " ".join(tokens)


def name_key(name: str) -> tuple[str, ...]:
    """The comparable tokens of a name: lower case, particles dropped ("al-Assad" and
    "Assad" give the same key; a name of particles only keeps them)."""
    parts = affixes()
    out: list[str] = []
    for tok in name.lower().split():
        head, sep, rest = tok.partition("-")
        if sep and head in parts and rest:
            tok = rest
        if tok in parts:
            continue
        out.append(tok)
    return tuple(out) or tuple(name.lower().split())


def state_for(text: str) -> str | None:
    """The state a demonym names ("Russian", "Russians" -> "Russia"), else None."""
    words = " ".join(text.split()).strip(_EDGE_PUNCT)
    if len(words) > 1 and words.lower().startswith("the "):
        words = words[4:]
    table = demonyms()
    low = words.lower()
    if low in table:
        return table[low]
    if low.endswith("s") and low[:-1] in table:
        return table[low[:-1]]
    return None


@dataclass(frozen=True)
class Known:
    """A name the project knows: an actor (`actor_id`), or the canonical name of a mention
    not linked yet (`actor_id` None), with the documents that mention it (empty for an
    actor with no mention left, which counts as known everywhere)."""

    actor_id: int | None
    name: str
    label: str
    documents: frozenset[int] = frozenset()

    def seen_by(self, document_id: int) -> bool:
        return not self.documents or min(self.documents) <= document_id


@dataclass(frozen=True)
class Link:
    """Where a mention should link: an existing actor (`actor_id`) or a new one (`name`,
    `label`), and why (shown to the analyst)."""

    name: str
    label: str
    actor_id: int | None
    reason: str


def suggest(
    text: str,
    label: str,
    document_id: int,
    known: Iterable[Known],
    demonym_to_state: bool = False,
) -> Link:
    """The canonical actor a mention names, by the rules in the module docstring."""
    if demonym_to_state and label in DEMONYM_LABELS:
        state = state_for(text)
        if state is not None:
            return Link(state, STATE_LABEL, None, f"demonym of {state}")
    name = canonical_name(text, label)
    key = name_key(name)
    pool = [k for k in known if k.label == label and k.seen_by(document_id)]
    for k in pool:
        # A bare name (no actor yet) is only a long form to look up, never a match: the
        # mention itself is one of them.
        if k.name == name and k.actor_id is not None:
            return Link(k.name, k.label, k.actor_id, "same name")
    if label == PERSON:
        longer = [
            k
            for k in pool
            if len(name_key(k.name)) > len(key) and name_key(k.name)[-len(key) :] == key
        ]
        # The same document first: "Assad" beside "Bashar al-Assad" in one article.
        same_doc = [k for k in longer if document_id in k.documents]
        for group in (same_doc, longer):
            if len({k.name for k in group}) == 1:
                k = min(group, key=lambda k: k.actor_id is None)  # an actor over a bare name
                return Link(k.name, k.label, k.actor_id, f"shorter form of {k.name}")
    reason = "same name" if name == " ".join(text.split()) else f"name without title: {name}"
    return Link(name, label, None, reason)


# ---- which actor mentions a speaker or addressee names ------------------------------------


@dataclass(frozen=True)
class RoleMention:
    """A live actor mention of a document, as the role rules see it."""

    start: int
    end: int
    label: str
    actor_id: int | None


@dataclass(frozen=True)
class RolePart:
    """One coordinated part of a speaker or addressee ("French President Emmanuel Macron"
    of "... Macron and German Chancellor Angela Merkel") and the mention that heads it."""

    start: int
    end: int
    head: RoleMention | None


# Which label names a speaker best when several mentions end the same part.
_HEAD_PREFERENCE = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
_ROLE_TRAIL = " \t\n.,;:'\"’”)"
# List separators: a comma, or a coordinating word with an optional comma before it.
_SEPARATOR = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+", re.IGNORECASE)
_COORDINATOR = re.compile(r"\b(?:and|or)\b|&", re.IGNORECASE)


def _head(text: str, start: int, end: int, inside: list[RoleMention]) -> RoleMention | None:
    """The mention that ends [start, end): an English noun phrase ends with its head
    ("Russian Foreign Minister Sergei Lavrov"), so a mention elsewhere in it ("Russian",
    "EU" of "ministers from EU member states") does not name it."""
    end = start + len(text[start:end].rstrip(_ROLE_TRAIL))
    ends = [m for m in inside if m.start >= start and m.end == end]
    if not ends:
        return None
    return min(ends, key=lambda m: (_HEAD_PREFERENCE.get(m.label, 9), -(m.end - m.start)))


def _separators(
    text: str, start: int, end: int, inside: list[RoleMention]
) -> list[tuple[int, int, bool]]:
    """(start, end, coordinating) of each list separator outside a mention and outside
    brackets: "Organisation for Security and Co-operation" named as one mention is one."""
    out = []
    depth = 0
    last = start
    for m in _SEPARATOR.finditer(text, start, end):
        depth += text.count("(", last, m.start()) - text.count(")", last, m.start())
        last = m.start()
        if depth > 0 or any(x.start < m.end() and m.start() < x.end for x in inside):
            continue
        if m.start() == start or m.end() >= end:
            continue  # a leading or trailing comma separates nothing
        out.append((m.start(), m.end(), bool(_COORDINATOR.search(m.group()))))
    return out


def role_parts(text: str, start: int, end: int, mentions: Iterable[RoleMention]) -> list[RolePart]:
    """The parts a speaker or addressee span [start, end) names, each with its head.

    - A coordination names each of its parts ("Macron and Merkel", "the Syrian
      government, its Russian allies, and Turkey"): split at every comma and coordinator
      outside a mention, and each part is headed by the mention that ends it.
    - Without a coordinator, commas start an apposition: the span is one part, headed by
      the mention that ends it, else by the one that ends its first element ("Sergei
      Lavrov, Russia's foreign minister").
    """
    inside = [m for m in mentions if start <= m.start and m.end <= end]
    seps = _separators(text, start, end, inside)
    if any(coord for _, _, coord in seps):
        bounds = [start, *(x for a, b, _ in seps for x in (a, b)), end]
        parts = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
        return [RolePart(a, b, _head(text, a, b, inside)) for a, b in parts if b > a]
    head = _head(text, start, end, inside)
    if head is None and seps:
        head = _head(text, start, seps[0][0], inside)
    return [RolePart(start, end, head)]


def role_actor_ids(parts: Iterable[RolePart]) -> list[int]:
    """The actors the parts' heads link to, once each, in text order."""
    return list(dict.fromkeys(p.head.actor_id for p in parts if p.head and p.head.actor_id))
