"""Project memory queries: what the analyst decided about actor strings, and their cues.

Nothing here is a separate table. The memory is read from the review state itself (the
spans' text, label and status, the analyst's claims), so undo and redo of a decision
change the memory exactly with it, and an older project file already "remembers" the
decisions made in it before this feature existed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from idleb_desk.model import ACCEPTED, EDITED, LAYER_ACTOR, MANUAL, REJECTED, SUGGESTED
from idleb_desk.store.store import Store

# The origin of a suggestion made by project memory (model suggestions carry the model's
# name, analyst items `analyst:<name>`, imported ones `import:<format>`).
MEMORY_ORIGIN = "memory:analyst"
ENABLED_SETTING = "memory.enabled"
THRESHOLD_SETTING = "memory.reject_threshold"
DEFAULT_THRESHOLD = 3
REVIEWED = (ACCEPTED, EDITED, MANUAL)

Key = tuple[str, str]  # (exact text, label)

# Offsets, not substr(): SQLite walks a UTF-8 text from its start to reach an offset, so
# substr over thousands of spans of a long article costs seconds; Python slices the
# (cached) text at once.
_DECIDED_SQL = f"""
    SELECT document_id, start, "end", label, status FROM spans
    WHERE layer = '{LAYER_ACTOR}' AND status IN ('{ACCEPTED}', '{EDITED}', '{MANUAL}',
          '{REJECTED}')"""


@dataclass
class Learned:
    """Counts of the analyst's decisions per (text, label) over the whole project."""

    accepted: Counter[Key] = field(default_factory=Counter)
    rejected: Counter[Key] = field(default_factory=Counter)
    threshold: int = DEFAULT_THRESHOLD

    def suppressed(self, key: Key) -> bool:
        """Rejected `threshold` times and more often than accepted: stop suggesting it.

        An acceptance outweighs a rejection, so a string the analyst later accepts
        again (after rejecting it in other contexts) comes back.
        """
        n = self.rejected[key]
        return self.threshold > 0 and n >= self.threshold and n > self.accepted[key]

    def to_suggest(self) -> list[Key]:
        """Accepted or created strings worth suggesting elsewhere, longest first (so a
        longer name is placed before a shorter one it contains)."""
        keys = [k for k in self.accepted if k[0].strip() and not self.suppressed(k)]
        return sorted(keys, key=lambda k: (-len(k[0]), k))


def enabled(store: Store) -> bool:
    return bool(store.setting(ENABLED_SETTING, True))


def threshold(store: Store) -> int:
    try:
        return int(store.setting(THRESHOLD_SETTING, DEFAULT_THRESHOLD))
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD


def _count(store: Store, rows: list, out: Learned, only: str | None = None) -> Learned:
    for doc_id, start, end, label, status in sorted(tuple(r) for r in rows):
        text = store.document_text(int(doc_id))[start:end]
        if only is not None and text != only:
            continue
        if status == REJECTED:
            out.rejected[(text, label)] += 1
        else:
            out.accepted[(text, label)] += 1
    return out


def learned(store: Store) -> Learned:
    """Every decided actor string of the project (one pass over the decided spans)."""
    rows = store.execute(_DECIDED_SQL).fetchall()
    return _count(store, rows, Learned(threshold=threshold(store)))


def learned_about(store: Store, text: str, label: str) -> Learned:
    """The decisions about one string and label (cheap: filtered by length and label)."""
    rows = store.execute(
        _DECIDED_SQL + ' AND label = ? AND "end" - start = ?', (label, len(text))
    ).fetchall()
    return _count(store, rows, Learned(threshold=threshold(store)), only=text)


def documents_containing(store: Store, text: str) -> list[int]:
    """Documents whose text holds `text` anywhere (instr is case-sensitive)."""
    rows = store.execute(
        "SELECT id FROM documents WHERE instr(text, ?) > 0 ORDER BY id", (text,)
    ).fetchall()
    return [int(r[0]) for r in rows]


def pending_suggestions(store: Store, text: str, label: str) -> list[int]:
    """Still-suggested actor spans of this string and label that no claim uses."""
    rows = store.execute(
        f"""SELECT s.id, substr(d.text, s.start + 1, s."end" - s.start)
            FROM spans s JOIN documents d ON d.id = s.document_id
            WHERE s.layer = '{LAYER_ACTOR}' AND s.status = '{SUGGESTED}' AND s.label = ?
              AND s."end" - s.start = ?
              AND NOT EXISTS (SELECT 1 FROM claims c WHERE s.id IN (c.speaker_span_id,
                  c.cue_span_id, c.content_span_id, c.antecedent_span_id))
              AND NOT EXISTS (SELECT 1 FROM claim_addressees a WHERE a.span_id = s.id)""",
        (label, len(text)),
    ).fetchall()
    return [int(r[0]) for r in rows if r[1] == text]


def analyst_cues(store: Store) -> list[tuple[str, str]]:
    """(cue text, claim kind) of the cues in claims the analyst built or re-cued.

    A claim counts when the analyst made it, or marked its cue themselves; a rejected
    claim teaches nothing.
    """
    rows = store.execute(
        f"""SELECT DISTINCT substr(d.text, s.start + 1, s."end" - s.start), c.kind
            FROM claims c JOIN spans s ON s.id = c.cue_span_id
                 JOIN documents d ON d.id = c.document_id
            WHERE c.status != '{REJECTED}'
              AND (c.origin LIKE 'analyst:%' OR s.origin LIKE 'analyst:%')
            ORDER BY 1, 2"""
    ).fetchall()
    return [(" ".join(str(r[0]).split()), str(r[1])) for r in rows if str(r[0]).strip()]
