"""What the project model (issue 14, `idleb_desk.learn`) trains on: the rules' claim
suggestions the analysts reviewed, with the text of each role, and its settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from idleb_desk.model import ACCEPTED, EDITED, REJECTED, SUGGESTED

if TYPE_CHECKING:
    from idleb_desk.store.store import Store

ENABLED_SETTING = "learn.enabled"
EVERY_SETTING = "learn.every_decisions"
DEFAULT_EVERY = 50

Role = tuple[int, int, str] | None


@dataclass(frozen=True)
class ReviewedClaim:
    """A rule suggestion the analyst accepted, edited or rejected, as it now stands."""

    document_id: int
    status: str
    kind: str
    quote_type: str
    speaker: Role
    cue: Role
    content: tuple[int, int, str]
    parts: int
    addressees: int
    nested: bool
    id: int = 0
    origin: str = ""


def _role(start: object, end: object, text: object) -> Role:
    if start is None or end is None:
        return None
    return int(str(start)), int(str(end)), str(text)


def reviewed_claims(store: Store) -> list[ReviewedClaim]:
    """Suggestions (not the analyst's own claims) with a decision, in document order."""
    return _claims(store, f"c.status IN ('{ACCEPTED}', '{EDITED}', '{REJECTED}')")


# Suggestions still waiting for a decision (a model's, not an import's or an analyst's).
_PENDING = (
    f"c.status = '{SUGGESTED}' AND c.origin NOT LIKE 'import:%' AND c.origin NOT LIKE 'analyst:%'"
)


def pending_documents(store: Store) -> list[int]:
    """The documents with suggestions a newly trained model would re-score."""
    rows = store.execute(f"SELECT DISTINCT document_id FROM claims c WHERE {_PENDING} ORDER BY 1")
    return [int(r[0]) for r in rows.fetchall()]


def pending_claims(store: Store, document_id: int) -> list[ReviewedClaim]:
    """A document's pending suggestions, in the form and order of `reviewed_claims`."""
    return _claims(store, f"{_PENDING} AND c.document_id = ?", (document_id,))


def _claims(store: Store, where: str, params: tuple[object, ...] = ()) -> list[ReviewedClaim]:
    rows = store.execute(
        f"""SELECT c.document_id, c.status, c.kind, c.quote_type,
                   sp.start, sp."end", substr(d.text, sp.start + 1, sp."end" - sp.start),
                   cu.start, cu."end", substr(d.text, cu.start + 1, cu."end" - cu.start),
                   co.start, co."end", substr(d.text, co.start + 1, co."end" - co.start),
                   (SELECT count(*) FROM claim_content_parts p WHERE p.claim_id = c.id),
                   (SELECT count(*) FROM claim_addressees a WHERE a.claim_id = c.id),
                   c.nested_in_claim_id IS NOT NULL, c.id, c.origin
              FROM claims c JOIN documents d ON d.id = c.document_id
                   JOIN spans co ON co.id = c.content_span_id
                   LEFT JOIN spans sp ON sp.id = c.speaker_span_id
                   LEFT JOIN spans cu ON cu.id = c.cue_span_id
             WHERE {where}
               AND c.origin NOT LIKE 'analyst:%'
             ORDER BY c.document_id, co.start, c.id""",
        params,
    ).fetchall()
    out = []
    for r in rows:
        content = _role(r[10], r[11], r[12])
        assert content is not None
        out.append(
            ReviewedClaim(
                document_id=int(r[0]),
                status=str(r[1]),
                kind=str(r[2]),
                quote_type=str(r[3]),
                speaker=_role(r[4], r[5], r[6]),
                cue=_role(r[7], r[8], r[9]),
                content=content,
                parts=int(r[13]),
                addressees=int(r[14]),
                nested=bool(r[15]),
                id=int(r[16]),
                origin=str(r[17]),
            )
        )
    return out


def decisions_made(store: Store) -> int:
    """Claims with a decision: the count the automatic retraining watches."""
    row = store.execute(
        f"SELECT count(*) FROM claims WHERE status IN ('{ACCEPTED}', '{EDITED}', '{REJECTED}')"
        " OR origin LIKE 'analyst:%'"
    ).fetchone()
    return int(row[0])
