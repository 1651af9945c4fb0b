"""What the window knows about the open document, kept in step one row at a time.

No Qt and no SQL here: the controller re-reads the rows an operation touched through the
review API and hands them in, and this class works out what that changes (which text
blocks to repaint, the navigation order, the progress counts). Nothing is reloaded
wholesale per key press, which keeps a 4,000-span article as quick as a short one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from idleb_desk.gui.navigate.scope import ALL, NavFilter, claim_passes, span_passes
from idleb_desk.gui.review.offsets import Utf16Map
from idleb_desk.model import (
    LAYER_ACTOR,
    REJECTED,
    SUGGESTED,
    Claim,
    Document,
    Region,
    Span,
)

SPAN = "span"
CLAIM = "claim"
Item = tuple[str, int]  # ("span", id) or ("claim", id)
_Key = tuple[int, int, int, int]


@dataclass(frozen=True)
class Progress:
    reviewed: int
    total: int


class DocState:
    def __init__(
        self,
        doc: Document,
        spans: list[Span],
        claims: list[Claim],
        regions: list[Region] | None = None,
        show_rejected: bool = False,
        umap: Utf16Map | None = None,
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.umap = umap if umap is not None else Utf16Map(doc.text)
        self.regions = list(regions or [])
        self.show_rejected = show_rejected
        self.spans: dict[int, Span] = {}
        self.claims: dict[int, Claim] = {}
        self.block_spans: dict[int, list[int]] = defaultdict(list)
        self.span_claims: dict[int, set[int]] = defaultdict(set)
        self.part_wholes: dict[int, int] = {}
        self.block_regions: dict[int, list[Region]] = defaultdict(list)
        self._nav: dict[bool, tuple[list[_Key], list[Item]]] = {}
        # What J/K walk (see gui/navigate/scope.py); role picking ignores both.
        self.scope = ALL
        self.nav_filter = NavFilter()
        self.reviewed = 0
        for s in spans:
            self._add_span(s)
        for c in claims:
            self._add_claim(c)
        for r in self.regions:
            for b in self.umap.blocks_between(r.start, r.end):
                self.block_regions[b].append(r)

    # ---- reads -------------------------------------------------------------------------

    @property
    def progress(self) -> Progress:
        return Progress(self.reviewed, len(self.spans) + len(self.claims))

    def visible(self, status: str) -> bool:
        return self.show_rejected or status != REJECTED

    def claim_range(self, claim: Claim) -> tuple[int, int]:
        content = self.spans.get(claim.content_span_id or -1)
        return (content.start, content.end) if content else (0, 0)

    def item_range(self, item: Item) -> tuple[int, int] | None:
        kind, ident = item
        if kind == SPAN:
            s = self.spans.get(ident)
            return (s.start, s.end) if s else None
        c = self.claims.get(ident)
        return self.claim_range(c) if c else None

    def exists(self, item: Item | None) -> bool:
        if item is None:
            return False
        return (item[1] in self.spans) if item[0] == SPAN else (item[1] in self.claims)

    def key(self, item: Item) -> _Key | None:
        kind, ident = item
        if kind == SPAN:
            s = self.spans.get(ident)
            if s is None:
                return None
            return (s.start, -s.end, 0 if s.layer == LAYER_ACTOR else 1, ident)
        c = self.claims.get(ident)
        if c is None:
            return None
        start, end = self.claim_range(c)
        return (start, -end, 2, ident)

    def spans_at(self, cp: int) -> list[Span]:
        """Visible spans covering code point `cp`, innermost (shortest) first."""
        block = self.umap.block_of(cp)
        found = [
            s
            for sid in self.block_spans.get(block, ())
            if (s := self.spans[sid]).start <= cp < s.end and self.visible(s.status)
        ]
        found.sort(key=lambda s: (s.end - s.start, s.layer != LAYER_ACTOR))
        return found

    def claims_of_span(self, span_id: int) -> list[int]:
        return sorted(self.span_claims.get(span_id, ()))

    def claim_parts(self, claim: Claim) -> list[tuple[str, Span]]:
        """(role, span) for each part of a claim that still exists."""
        out: list[tuple[str, Span]] = []
        # A split content shows as its parts, highlighted together, not as one range
        # running over the speaker and cue between them.
        out.extend(("content", self.spans[p]) for p in claim.content_part_ids if p in self.spans)
        whole = None if out else claim.content_span_id
        for role, sid in (
            ("content", whole),
            ("speaker", claim.speaker_span_id),
            ("cue", claim.cue_span_id),
        ):
            if sid is not None and sid in self.spans:
                out.append((role, self.spans[sid]))
        out.extend(
            ("addressee", self.spans[a]) for a in claim.addressee_span_ids if a in self.spans
        )
        return out

    # ---- navigation --------------------------------------------------------------------

    def nav(self, role_mode: bool) -> tuple[list[_Key], list[Item]]:
        """Items J/K walk through, in text order.

        Reviewing: actor mentions, claims, and claim parts that belong to no claim.
        Picking roles: every span, since a speaker or addressee is usually an actor mention.
        """
        cached = self._nav.get(role_mode)
        if cached is not None:
            return cached
        items: list[tuple[_Key, Item]] = []
        for s in self.spans.values():
            if self._in_nav(s, role_mode):
                items.append((self._span_key(s), (SPAN, s.id)))
        if not role_mode:
            for c in self.claims.values():
                if claim_passes(c, self.scope, self.nav_filter):
                    start, end = self.claim_range(c)
                    items.append(((start, -end, 2, c.id), (CLAIM, c.id)))
        items.sort()
        result = ([k for k, _ in items], [i for _, i in items])
        self._nav[role_mode] = result
        return result

    def step(self, key: _Key | None, direction: int, role_mode: bool) -> Item | None:
        """The item after (direction > 0) or before `key`; works for a deleted item too."""
        keys, items = self.nav(role_mode)
        if not items:
            return None
        if key is None:
            return items[0] if direction > 0 else items[-1]
        if direction > 0:
            i = bisect_right(keys, key)
            return items[i] if i < len(items) else None
        i = bisect_left(keys, key) - 1
        return items[i] if i >= 0 else None

    def first_at_or_after(self, cp: int, role_mode: bool = False) -> Item | None:
        keys, items = self.nav(role_mode)
        i = bisect_left(keys, (cp, -(10**12), -1, -1))
        return items[i] if i < len(items) else None

    # ---- updates -----------------------------------------------------------------------

    def _count(self, status: str | None, sign: int) -> None:
        if status is not None and status != SUGGESTED:
            self.reviewed += sign

    def _blocks(self, s: Span) -> range:
        return self.umap.blocks_between(s.start, s.end)

    def _add_span(self, s: Span) -> None:
        self.spans[s.id] = s
        self._count(s.status, +1)
        for b in self._blocks(s):
            self.block_spans[b].append(s.id)

    def _add_claim(self, c: Claim) -> None:
        self.claims[c.id] = c
        self._count(c.status, +1)
        if c.content_part_ids and c.content_span_id is not None:
            self.part_wholes[c.content_span_id] = self.part_wholes.get(c.content_span_id, 0) + 1
        for sid in c.part_ids:
            self.span_claims[sid].add(c.id)

    def is_part_whole(self, span_id: int) -> bool:
        """Is this span the whole range of a split content (painted as its parts)?"""
        return self.part_wholes.get(span_id, 0) > 0

    def put_span(self, span_id: int, span: Span | None) -> set[int]:
        """Replace (or with None remove) one span; returns the blocks to repaint."""
        old = self.spans.pop(span_id, None)
        blocks: set[int] = set()
        if old is not None:
            self._count(old.status, -1)
            for b in self._blocks(old):
                lst = self.block_spans[b]
                if span_id in lst:
                    lst.remove(span_id)
                blocks.add(b)
        if span is not None:
            self._add_span(span)
            blocks.update(self._blocks(span))
        # Keep the cached navigation lists in step with a bisect instead of re-sorting
        # every item: this runs on each accept/reject key press.
        for mode, (keys, items) in self._nav.items():
            if old is not None and self._in_nav(old, mode):
                k = self._span_key(old)
                i = bisect_left(keys, k)
                if i < len(keys) and keys[i] == k:
                    del keys[i]
                    del items[i]
            if span is not None and self._in_nav(span, mode):
                k = self._span_key(span)
                i = bisect_left(keys, k)
                keys.insert(i, k)
                items.insert(i, (SPAN, span.id))
        return blocks

    @staticmethod
    def _span_key(s: Span) -> _Key:
        return (s.start, -s.end, 0 if s.layer == LAYER_ACTOR else 1, s.id)

    def _in_nav(self, s: Span, role_mode: bool) -> bool:
        if role_mode:
            return self.visible(s.status)
        # Rejected items stay on the J/K path even while hidden: K must reach the item
        # just rejected by mistake. Claim parts are walked through their claim.
        if s.layer != LAYER_ACTOR and self.span_claims.get(s.id):
            return False
        return span_passes(s, self.scope, self.nav_filter)

    def put_claim(self, claim_id: int, claim: Claim | None) -> set[int]:
        """Replace (or remove) one claim; returns the span ids whose claim links changed."""
        old = self.claims.pop(claim_id, None)
        touched: set[int] = set()
        if old is not None:
            self._count(old.status, -1)
            if old.content_part_ids and old.content_span_id is not None:
                self.part_wholes[old.content_span_id] -= 1
            for sid in old.part_ids:
                self.span_claims[sid].discard(claim_id)
                touched.add(sid)
        if claim is not None:
            self._add_claim(claim)
            touched.update(claim.part_ids)
        self._nav.clear()
        return touched

    def set_show_rejected(self, show: bool) -> None:
        self.show_rejected = show
        self._nav.clear()

    def set_scope(self, scope: str, nav_filter: NavFilter) -> None:
        self.scope = scope
        self.nav_filter = nav_filter
        self._nav.clear()

    def step_unreviewed(self, key: _Key | None, direction: int) -> Item | None:
        """The next (previous) item on the J/K path that nobody has decided, wrapping."""
        keys, items = self.nav(False)
        if not items:
            return None
        n = len(items)
        if key is None:
            start = 0 if direction > 0 else n - 1
        elif direction > 0:
            start = bisect_right(keys, key)
        else:
            start = bisect_left(keys, key) - 1
        for k in range(n):
            item = items[(start + direction * k) % n]
            if self.status_of(item) == SUGGESTED:
                return item
        return None

    def status_of(self, item: Item) -> str | None:
        kind, ident = item
        obj = self.spans.get(ident) if kind == SPAN else self.claims.get(ident)
        return obj.status if obj is not None else None
