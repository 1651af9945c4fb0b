"""A reviewed project for the exchange-format tests, and its comparable form.

Two documents: the seed article extracted by the real pipeline and then reviewed through
ReviewSession (the GUI's path), and a short text made to be hard for the formats: emoji,
Arabic, combining marks, a claim across a line break, overlapping and same-offset spans,
a span edge inside a word, two claims sharing one content span, a speaker antecedent,
and a claim whose content span was deleted (no format can anchor it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from idleb_desk.core.review import ReviewSession
from idleb_desk.io.importer import import_paths
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, Region, TextRef
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store import annotations
from idleb_desk.store.store import Store

SEED = Path(__file__).resolve().parents[1] / "seeds" / "idleb-eu-ministers.txt"
TRICKY = (
    "Erdoğan 😀 told Moscow: «stop the\nassault» now.\n"
    "قال لافروف إن روسيا لن تتوقف. The Russian envoy said Ankara must wait, adding it would.\n"
    "Le\u2028Drian\x0creplied:\t«non»."  # line breaks only some readers see, and a tab
)


def ref(text: str, part: str, nth: int = 0) -> TextRef:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return TextRef(start, start + len(part), part)


class Scripted:
    """Suggestions for TRICKY that no spaCy model would make, to reach every corner."""

    model = "scripted-1.0"

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        for text in texts:
            t = text
            actors = (
                ActorSuggestion(*_a(ref(t, "Erdoğan")), "PERSON"),
                ActorSuggestion(*_a(ref(t, "Moscow")), "GPE"),
                ActorSuggestion(*_a(ref(t, "لافروف")), "PERSON"),
                ActorSuggestion(*_a(ref(t, "روسيا")), "GPE"),
                ActorSuggestion(*_a(ref(t, "Russia")), "NORP"),  # an edge inside "Russian"
                ActorSuggestion(*_a(ref(t, "The Russian envoy")), "PERSON"),  # overlaps
                ActorSuggestion(*_a(ref(t, "Ankara")), "GPE"),
                ActorSuggestion(*_a(ref(t, "Le\u2028Drian")), "PERSON"),
                ActorSuggestion(*_a(ref(t, "Drian\x0creplied:\t«non»")), "ORG"),
            )
            claims = (
                ClaimSuggestion(
                    content=ref(t, "«stop the\nassault»"),
                    speaker=ref(t, "Erdoğan"),
                    cue=ref(t, "told"),
                    addressees=(ref(t, "Moscow"),),
                    kind="demand",
                    quote_type="direct",
                ),
                ClaimSuggestion(
                    content=ref(t, "روسيا لن تتوقف"), speaker=ref(t, "لافروف"), cue=ref(t, "قال")
                ),
                ClaimSuggestion(
                    content=ref(t, "it would"),
                    speaker=ref(t, "it", 1),
                    speaker_antecedent=ref(t, "The Russian envoy"),
                    cue=ref(t, "adding"),
                ),
                ClaimSuggestion(content=ref(t, "Ankara must wait"), cue=ref(t, "said")),
            )
            yield Extraction(self.model, actors, claims, (Region(0, 2, "boilerplate"),))


def _a(r: TextRef) -> tuple[int, int, str]:
    return r.start, r.end, r.text


def build(folder: Path) -> Path:
    """Write the project to `folder/source.sqlite3` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "source.sqlite3"
    (folder / "tricky.jsonl").write_text(
        json.dumps({"id": "tricky", "title": "Tricky «one»", "text": TRICKY,
                    "meta": {"lang": "mixed", "n": 2}}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    shutil.copy(SEED, folder / "idleb-eu-ministers.txt")
    with Store.open(db) as store:
        import_paths(store, [folder / "idleb-eu-ministers.txt"], Extractor.load())
        import_paths(store, [folder / "tricky.jsonl"], Scripted())
        session = ReviewSession(store, reviewer="Analyst Ä")
        _review_seed(store, session, 1)
        _review_tricky(store, session, 2)
    return db


def _review_seed(store: Store, session: ReviewSession, doc_id: int) -> None:
    spans = [s for s in store.spans(doc_id) if s.layer == "actor"]
    session.accept_span(spans[0].id)
    session.reject_span(spans[1].id)
    session.relabel_span(spans[2].id, "ORG")
    claims = store.claims(doc_id)
    session.accept_claim(claims[0].id)
    session.reject_claim(claims[1].id)
    session.set_claim_kind(claims[2].id, "warning")
    text = store.document_text(doc_id)
    start = text.index("Idleb")
    session.create_span(doc_id, start, start + len("Idleb"), "GPE")
    session.mark_document_done(doc_id)


def _review_tricky(store: Store, session: ReviewSession, doc_id: int) -> None:
    by_text = {s.text: s for s in store.spans(doc_id)}
    session.accept_span(by_text["Erdoğan"].id)
    session.reject_span(by_text["Russia"].id)
    first = store.claims(doc_id)[0]
    session.accept_claim(first.id)
    # A second claim on the same content span, with a speaker that is an actor mention.
    twin = session.create_claim(doc_id, content_span_id=first.content_span_id)
    session.set_role(twin.id, "speaker", span_id=by_text["Ankara"].id)
    session.add_addressee(twin.id, span_id=by_text["Moscow"].id)
    session.add_addressee(twin.id, span_id=by_text["Erdoğan"].id)
    # A claim whose content span is then deleted: it cannot be anchored in any format.
    text = store.document_text(doc_id)
    start = text.index("now")
    lost = session.create_claim(doc_id, content_range=(start, start + 3))
    session.set_role(lost.id, "cue", span_id=by_text["told"].id)
    session.delete_span(store.claim(lost.id).content_span_id)


def canonical(db: Path, doc_fields: bool = True) -> dict[str, Any]:
    """Every document's text, spans and claims (roles as span offsets), ids left out."""
    out: dict[str, Any] = {}
    with Store.open(db) as store:
        for doc_id, ext_id, title, text, meta in annotations.iter_documents(store):
            ann = annotations.document_annotations(store, doc_id, text, True)
            where = {s["id"]: (s["start"], s["end"], s["label"], s["layer"]) for s in ann["spans"]}
            spans = sorted(
                json.dumps([s[k] for k in ("start", "end", "label", "layer", "status", "origin",
                                           "reviewer", "reviewed_at", "actor")], ensure_ascii=False)
                for s in ann["spans"]
            )  # fmt: skip
            claims = sorted(
                json.dumps(
                    [where.get(c[r]) for r in ("content", "speaker", "cue", "antecedent")]
                    + [[where[a] for a in c["addressees"]]]
                    + [
                        c[k]
                        for k in (
                            "kind",
                            "quote_type",
                            "status",
                            "origin",
                            "reviewer",
                            "reviewed_at",
                        )
                    ],
                    ensure_ascii=False,
                )  # fmt: skip
                for c in ann["claims"]
                if c["content"] is not None
            )
            doc = {"text": text, "spans": spans, "claims": claims}
            if doc_fields:
                doc |= {"id": ext_id, "title": title, "meta": json.loads(meta)}
                doc |= {k: ann[k] for k in ("status", "reviewer", "reviewed_at", "regions",
                                            "extracted_with", "source")}  # fmt: skip
            out[text] = doc
    return out
