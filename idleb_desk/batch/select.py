"""Which shard documents go into a project: a filter (`--where`) and a sample (`--sample`).

`--where` is clauses joined by `and`, each `FIELD OP VALUE`:

    actor   any actor mention (its text, as the Network view names it; no case)
    speaker any claim's speaker (the same)
    kind    any claim's kind                      =, !=
    date    the document's date (meta date, published, ...; ISO text compares in order)
    source  the file the document came from       (~ is "contains", without case)
    id, title
    claims, actors, words                         numbers

    OP: = != < <= > >= ~     e.g.  actor=Lavrov and kind=threat and date>=2024-01
                                   claims>=3 and source~reuters

A value with spaces is quoted ('Sergei Lavrov'). For actor, speaker and kind, `=` and
`~` hold when any mention or claim matches, `!=` when none does.

`--sample N --seed S` keeps the N matching documents whose hash of (S, text sha256) is
smallest: the same N for the same archive and seed, whichever order or engine wrote the
shards, drawn in one pass in memory for N documents.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from idleb_desk.core.network import normalise_mention

SET_FIELDS = ("actor", "speaker", "kind")
TEXT_FIELDS = ("date", "source", "id", "title")
NUMBER_FIELDS = {"claims": "n_claims", "actors": "n_actors", "words": "words"}
OPS = ("<=", ">=", "!=", "=", "<", ">", "~")
_CLAUSE = re.compile(
    r"\s*(?P<field>[a-z_]+)\s*(?P<op><=|>=|!=|=|<|>|~)\s*"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s'\"]+)\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"and\b", re.IGNORECASE)


class WhereError(ValueError):
    """An expression that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: str


def parse_where(expr: str) -> list[Clause]:
    clauses: list[Clause] = []
    pos = 0
    while True:
        m = _CLAUSE.match(expr, pos)
        if m is None:
            raise WhereError(
                f"--where: cannot read {expr[pos:]!r}; write FIELD OP VALUE clauses joined "
                "by 'and' (e.g. actor=Lavrov and date>=2024-01)"
            )
        field, op, value = m["field"].lower(), m["op"], m["value"]
        if value[:1] in "'\"":
            value = value[1:-1]
        if field not in SET_FIELDS + TEXT_FIELDS + tuple(NUMBER_FIELDS):
            known = ", ".join(SET_FIELDS + TEXT_FIELDS + tuple(NUMBER_FIELDS))
            raise WhereError(f"--where: unknown field {field!r} (known: {known})")
        if field in NUMBER_FIELDS and not value.lstrip("-").isdigit():
            raise WhereError(f"--where: {field} compares with a whole number, not {value!r}")
        if field in SET_FIELDS and op not in ("=", "!=", "~"):
            raise WhereError(f"--where: {field} takes =, != or ~, not {op}")
        clauses.append(Clause(field, op, value))
        pos = m.end()
        if pos >= len(expr):
            return clauses
        a = _AND.match(expr, pos)
        if a is None:
            raise WhereError(f"--where: expected 'and' at {expr[pos:]!r}")
        pos = a.end()


def speaker_text(claim: dict[str, Any]) -> str | None:
    """Who a claim row says spoke: the name a pronoun speaker ("she") stands for, when the
    rules found it, else the speaker's own text; None when there is no speaker."""
    for role in ("speaker_antecedent", "speaker"):
        ref = claim.get(role)
        if ref is not None:
            return str(ref["text"])
    return None


def name_key(text: str) -> str:
    return normalise_mention(text).casefold()


def _compare(have: Any, op: str, want: Any) -> bool:
    if have is None:
        return op == "!="
    if op == "~":
        return str(want).casefold() in str(have).casefold()
    if op == "=":
        return bool(have == want)
    if op == "!=":
        return bool(have != want)
    if op == "<":
        return bool(have < want)
    if op == "<=":
        return bool(have <= want)
    if op == ">":
        return bool(have > want)
    return bool(have >= want)


def _set_match(names: set[str], op: str, value: str) -> bool:
    want = value.casefold() if op == "~" else name_key(value)
    hit = any(want in n for n in names) if op == "~" else want in names
    return not hit if op == "!=" else hit


@dataclass
class DocFacts:
    """What the filter looks at for one document."""

    doc: dict[str, Any]
    actors: set[str]
    speakers: set[str]
    kinds: set[str]


def matcher(clauses: list[Clause]) -> Callable[[DocFacts], bool]:
    def match(f: DocFacts) -> bool:
        for c in clauses:
            if c.field in SET_FIELDS:
                names = {"actor": f.actors, "speaker": f.speakers, "kind": f.kinds}[c.field]
                if not _set_match(names, c.op, c.value):
                    return False
            elif c.field in NUMBER_FIELDS:
                if not _compare(int(f.doc[NUMBER_FIELDS[c.field]]), c.op, int(c.value)):
                    return False
            elif not _compare(f.doc.get(c.field), c.op, c.value):
                return False
        return True

    return match


def needs_mentions(clauses: list[Clause]) -> bool:
    return any(c.field in SET_FIELDS for c in clauses)


def sample_key(seed: int, sha: str) -> bytes:
    return hashlib.sha256(f"{seed}:{sha}".encode()).digest()


class Sampler:
    """The N documents with the smallest sample keys seen so far (a bounded heap)."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        self._heap: list[tuple[bytes, str, int]] = []  # (-key as inverted bytes, shard, seq)

    def offer(self, sha: str, shard: str, seq: int) -> None:
        key = sample_key(self.seed, sha)
        inverted = bytes(255 - b for b in key)  # heapq is a min-heap; keep the largest out
        if len(self._heap) < self.n:
            heapq.heappush(self._heap, (inverted, shard, seq))
        elif inverted > self._heap[0][0]:
            heapq.heapreplace(self._heap, (inverted, shard, seq))

    def chosen(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for _, shard, seq in self._heap:
            out.setdefault(shard, set()).add(seq)
        return out
