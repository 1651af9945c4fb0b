"""Each actor's mention count, document count and most frequent mention texts, counted in
one streamed pass over its mentions (the Actors panel, the actor table, actors.csv).

Mentions arrive in document order (the spans_doc index, no sort). Per actor the tally
keeps one list (`Entry`), so a mention costs one dict look-up and an append; past
`LIMIT` distinct texts the least frequent are pruned to `MAX_ALIASES`, so memory grows
with actors, not mentions. The pruning depends on the order the texts arrive in: every
caller feeds the same order (document, start, id), and the CSV export, which inlines
`add` in its row loop to read the mentions only once, keeps this exact rule (a test
holds the two equal).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter

from idleb_desk.store.store import Store

# How many distinct texts are tracked per actor. Real actors have a handful of aliases;
# beyond this many the least frequent are pruned, so memory stays bounded by actors, not
# by mentions, and the lists stay readable (the most frequent ones are kept).
MAX_ALIASES = 32
LIMIT = 4 * MAX_ALIASES
_count = itemgetter(1)
# Texts waiting to be counted, in all actors: a few megabytes at most.
FLUSH_AT = 100_000

# [mentions, documents, last document id, Counter of texts, texts pending, ...callers' extras]
Entry = list


@dataclass(frozen=True)
class ActorRow:
    """One canonical actor with what the analyst needs to judge it."""

    id: int
    name: str
    label: str
    aliases: tuple[str, ...]  # distinct mention texts, most frequent first
    mentions: int
    documents: int


class AliasTally:
    """Texts wait in their actor's `pending` list (an append per mention) and are
    counted a list at a time (`flush`), in C where no pruning can fall inside: the
    worst case, every mention a new text, cost a million dict updates in Python."""

    def __init__(self) -> None:
        self.actors: dict[int, Entry] = {}
        self.pending = 0  # texts waiting, in all

    @staticmethod
    def entry() -> Entry:
        return [0, 0, -1, Counter(), []]

    def add(self, actor_id: int, doc_id: int, text: str) -> None:
        e = self.actors.get(actor_id)
        if e is None:
            e = self.actors[actor_id] = self.entry()
        if e[2] != doc_id:
            e[1] += 1
            e[2] = doc_id
        e[4].append(text)
        self.pending += 1
        if self.pending >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Count every pending text into its actor's texts (and its mentions)."""
        for e in self.actors.values():
            if e[4]:
                count_pending(e)
        self.pending = 0

    def rows(self, store: Store, named: Iterable[int] = ()) -> list[ActorRow]:
        """The tallied actors, and those in `named` (with no mentions), as ActorRows
        sorted by name; actors missing from the actors table are left out."""
        self.flush()
        wanted = set(self.actors) | set(named)
        out = []
        for actor_id, name, label in store.execute(
            "SELECT id, name, label FROM actors ORDER BY id"
        ).fetchall():
            if actor_id not in wanted:
                continue
            e = self.actors.get(actor_id)
            folded: dict[str, int] = defaultdict(int)
            if e is not None:
                for part, n in e[3].items():
                    folded[" ".join(part.split())] += n
            aliases = tuple(sorted(folded, key=lambda t: (-folded[t], t))[:MAX_ALIASES])
            mentions, docs = (e[0], e[1]) if e is not None else (0, 0)
            out.append(ActorRow(actor_id, name, label, aliases, mentions, docs))
        return sorted(out, key=lambda a: (a.name.casefold(), a.label, a.id))


def count_pending(e: Entry) -> None:
    """Count an entry's pending texts as if one by one: `seen[text] += 1`, and past
    LIMIT distinct texts keep the most frequent (`_pruned`). Between prunes the counting
    is one `Counter.update`; the text that brings the 129th distinct one is found with C
    calls too (the distinct texts in order of first appearance, then `index`)."""
    items: list[str] = e[4]
    e[4] = []
    e[0] += len(items)
    seen: Counter[str] = e[3]
    while items:
        if len(seen) + len(items) > LIMIT:
            keys = dict.fromkeys(chain(seen, items))
            if len(keys) > LIMIT:
                trigger = next(islice(keys, LIMIT, None))
                cut = items.index(trigger) + 1
                seen.update(items[:cut])
                seen = e[3] = _pruned(seen)
                items = items[cut:]
                continue
        seen.update(items)
        return


def _pruned(seen: Counter[str]) -> Counter[str]:
    """The MAX_ALIASES most frequent texts (ties: the first seen; a reversed sort is
    stable too)."""
    return Counter(dict(sorted(seen.items(), key=_count, reverse=True)[:MAX_ALIASES]))
