"""How a claim maps onto formats that only have spans plus relations or events.

This is the one place that knows the claim roles. Every exchange format uses it:

- Relations (Prodigy, Label Studio, brat `R` lines): a claim is anchored on its content
  span. Each role is one relation from the content span (head, `Arg1`, `from_id`) to the
  role's span (child, `Arg2`, `to_id`), labelled `SPEAKER`, `CUE`, `ADDRESSEE` (one per
  addressee, in order) or `SPEAKER_ANTECEDENT`.
- Events (brat `E` lines): one event of type `Claim` per claim, its trigger the cue (or
  the content when there is no cue), with arguments `Speaker`, `Cue`, `Content`,
  `Addressee`, `Addressee2`, … and `Antecedent`.

A foreign file without our own extension keys gets one claim per content span: the
relations it heads give its roles, a CONTENT span heading none is a claim with content
only. When another claim role is added to the schema (several content parts, an outer
claim), it is added to `SINGLE_ROLES` or `LIST_ROLES` here and every format follows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from idleb_desk.model import CONTENT

Key = Hashable

ANCHOR = "content"
# Our role name -> relation label (relations) and argument name (brat events).
SINGLE_ROLES: dict[str, tuple[str, str]] = {
    "speaker": ("SPEAKER", "Speaker"),
    "cue": ("CUE", "Cue"),
    "antecedent": ("SPEAKER_ANTECEDENT", "Antecedent"),
}
LIST_ROLES: dict[str, tuple[str, str]] = {"addressees": ("ADDRESSEE", "Addressee")}
CONTENT_ARG = "Content"
EVENT_TYPE = "Claim"
CLAIM_ATTRS = ("kind", "quote_type", "status", "origin", "reviewer", "reviewed_at")
# Attributes written only when set: the project model's confidence (issue 14) is absent
# from every claim no project model scored, so files without it keep their old shape.
OPTIONAL_ATTRS = ("confidence",)
# The claim whose content holds this one, as an index into the document's claims in the
# file (brat: the outer claim's event id). Travels in our extension keys only.
NESTED_IN = "nested_in"
RELATION_LABELS = tuple(lab for lab, _ in (*SINGLE_ROLES.values(), *LIST_ROLES.values()))

_BY_RELATION = {lab: role for role, (lab, _) in (*SINGLE_ROLES.items(), *LIST_ROLES.items())}
_BY_ARG = {arg.lower(): role for role, (_, arg) in (*SINGLE_ROLES.items(), *LIST_ROLES.items())}
_BY_ARG[CONTENT_ARG.lower()] = ANCHOR


@dataclass(frozen=True)
class Relation:
    """One role of one claim: head is the claim's content span, child the role's span."""

    head: Key
    child: Key
    label: str
    claim: int | None = None  # index into the document's claims, when the file says


@dataclass
class Grouped:
    """Claims rebuilt from relations or events, and what could not be used."""

    claims: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def exportable(claims: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Claims that can be written (they have a content span) and how many cannot."""
    keep = [c for c in claims if c.get(ANCHOR) is not None]
    return keep, sum(1 for c in claims if c.get(ANCHOR) is None)


def claim_relations(index: int, claim: dict[str, Any]) -> list[Relation]:
    """The relations of one claim (see the module doc), keys as in the claim."""
    head = claim[ANCHOR]
    out = [
        Relation(head, claim[role], label, index)
        for role, (label, _) in SINGLE_ROLES.items()
        if claim.get(role) is not None
    ]
    for role, (label, _) in LIST_ROLES.items():
        out.extend(Relation(head, key, label, index) for key in claim.get(role) or [])
    return out


def claim_arguments(claim: dict[str, Any]) -> list[tuple[str, Key]]:
    """(argument name, span key) of one claim as a brat event, addressees numbered."""
    args: list[tuple[str, Key]] = []
    if claim.get("speaker") is not None:
        args.append((SINGLE_ROLES["speaker"][1], claim["speaker"]))
    if claim.get("cue") is not None:
        args.append((SINGLE_ROLES["cue"][1], claim["cue"]))
    args.append((CONTENT_ARG, claim[ANCHOR]))
    for role, (_, arg) in LIST_ROLES.items():
        for i, key in enumerate(claim.get(role) or []):
            args.append((arg if i == 0 else f"{arg}{i + 1}", key))
    if claim.get("antecedent") is not None:
        args.append((SINGLE_ROLES["antecedent"][1], claim["antecedent"]))
    return args


def _empty_claim(content: Key) -> dict[str, Any]:
    return {ANCHOR: content, **dict.fromkeys(SINGLE_ROLES), **{r: [] for r in LIST_ROLES}}


def _add_role(claim: dict[str, Any], role: str, key: Key, grouped: Grouped, what: str) -> None:
    if role in LIST_ROLES:
        if key not in claim[role]:
            claim[role].append(key)
    elif claim.get(role) is None:
        claim[role] = key
    elif claim[role] != key:
        grouped.warnings.append(f"{what} has a second {role}; only the first is kept")


def claims_from_relations(
    relations: Sequence[Relation],
    content_keys: Sequence[Key],
    attrs: Sequence[dict[str, Any]] | None = None,
) -> Grouped:
    """Claims from relations, read in file order.

    `attrs` (our own extension) lists every claim with its content key and attributes,
    and relations carry their claim's index. Without it each content key (CONTENT spans,
    then relation heads) is one claim, and a relation that would give a claim a second
    speaker, cue or antecedent (or an addressee twice) starts another claim on the same
    content span: the relations of one claim come together, as every tool writes them.
    """
    grouped = Grouped()
    if attrs is not None:
        claims = [_empty_claim(a.get(ANCHOR)) | _only_attrs(a) for a in attrs]
    else:
        heads = list(dict.fromkeys([*content_keys, *(r.head for r in relations)]))
        claims = [_empty_claim(h) for h in heads]
    latest = {c[ANCHOR]: i for i, c in enumerate(claims)}  # the claim a head's roles go to
    unknown: set[str] = set()
    for rel in relations:
        role = _BY_RELATION.get(rel.label.upper())
        if role is None:
            unknown.add(rel.label)
            continue
        if attrs is not None:
            i = rel.claim if rel.claim is not None and 0 <= rel.claim < len(claims) else None
            i = latest.get(rel.head) if i is None else i
        else:
            i = latest.get(rel.head)
            if i is not None and _taken(claims[i], role, rel.child):
                claims.append(_empty_claim(rel.head))
                i = latest[rel.head] = len(claims) - 1
        if i is None:
            grouped.warnings.append(f"a {rel.label} relation has no claim to go to; skipped")
            continue
        _add_role(claims[i], role, rel.child, grouped, f"claim {i + 1}")
    if unknown:
        grouped.warnings.append(
            f"relation labels {sorted(unknown)} are not claim roles "
            f"({', '.join(RELATION_LABELS)}); those relations were skipped"
        )
    grouped.claims = claims
    return grouped


def _taken(claim: dict[str, Any], role: str, key: Key) -> bool:
    """Would this role make a second one on the claim?"""
    if role in LIST_ROLES:
        return key in claim[role]
    return claim.get(role) is not None and claim[role] != key


def claim_from_arguments(args: Sequence[tuple[str, Key]], grouped: Grouped, what: str) -> None:
    """One brat event's arguments as a claim (appended to `grouped`)."""
    roles: dict[str, Key] = {}
    rest: list[tuple[str, Key]] = []
    for name, key in args:
        base = name.rstrip("0123456789").lower()
        role = _BY_ARG.get(base)
        if role is None:
            grouped.warnings.append(f"{what}: argument {name!r} is not a claim role; skipped")
        elif role == ANCHOR:
            roles[ANCHOR] = key
        else:
            rest.append((role, key))
    if ANCHOR not in roles:
        grouped.warnings.append(f"{what} has no Content argument; skipped")
        return
    claim = _empty_claim(roles[ANCHOR])
    for role, key in rest:
        _add_role(claim, role, key, grouped, what)
    grouped.claims.append(claim)


def _only_attrs(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] for k in (*CLAIM_ATTRS, *OPTIONAL_ATTRS, NESTED_IN) if k in a}


def is_content_label(label: str) -> bool:
    return label.upper() == CONTENT
