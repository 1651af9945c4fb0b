"""What an operation changed, as one value every screen folds in one way (Anki's OpChanges).

A review operation, an undo or redo, a change another process committed, and (next) a
synced event or a curation decision all end in a `Changes`: the rows they touched, by
kind. The window has one function that takes a `Changes` and redraws what it names; no
caller redraws by hand. Values only: every layer may import this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Ids of the rows an operation touched, by kind; flags for what ids cannot name."""

    documents: frozenset[int] = field(default_factory=frozenset)
    spans: frozenset[int] = field(default_factory=frozenset)
    claims: frozenset[int] = field(default_factory=frozenset)
    actors: frozenset[int] = field(default_factory=frozenset)
    # Documents were added or removed, or a document's status or title changed.
    document_list: bool = False
    # Project settings (claim kinds, memory, linking rules) changed.
    settings: bool = False
    # Someone else committed and what they touched is not known: read everything again.
    everything: bool = False

    @classmethod
    def all(cls) -> Changes:
        return cls(document_list=True, settings=True, everything=True)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            documents=self.documents | other.documents,
            spans=self.spans | other.spans,
            claims=self.claims | other.claims,
            actors=self.actors | other.actors,
            document_list=self.document_list or other.document_list,
            settings=self.settings or other.settings,
            everything=self.everything or other.everything,
        )

    def __bool__(self) -> bool:
        return bool(
            self.documents or self.spans or self.claims or self.actors
            or self.document_list or self.settings or self.everything
        )  # fmt: skip

    def touches_document(self, document_id: int) -> bool:
        return self.everything or document_id in self.documents


NO_CHANGES = Changes()
