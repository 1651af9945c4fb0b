"""Actor mentions from NER, with general repairs for the small English model's habits.

Repairs, each kept general rather than keyed to a text:
- drop furniture: Twitter handles, URLs, app-store and subscription lines;
- strip leading titles and determiners ("President", "the"), as OntoNotes and the gold
  label the bare name;
- one sense per document: a string tagged with an actor label somewhere in the document
  takes that label where the model tagged it differently (LOC, FAC, PERSON...) elsewhere;
- names NER missed but the document shows elsewhere: the author line of an embedded post
  ("- Name (@handle)") and wire credits ("With AFP") give names, and untagged repeats of a
  known actor string are added.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from spacy.tokens import Doc

from idleb_desk.model import ACTOR_LABELS, ActorSuggestion, Region
from idleb_desk.nlp.boilerplate import DATELINE, NO_ACTOR_KINDS, RegionIndex
from idleb_desk.nlp.edges import trim_end
from idleb_desk.nlp.speakers import text_of

log = logging.getLogger(__name__)

# Titles and function words that NER sometimes includes at the start of a name.
DETERMINERS = frozenset({"the", "a", "an"})
# Titles are stripped from PERSON names only: "Foreign Office" or "State Department" keep
# their first word.
# A word list is clearer as one string than as a one-word-per-line set literal.
TITLES = frozenset(
    """
    mr mrs ms miss dr prof professor sir dame lord lady president vice prime minister
    ministers foreign defence defense interior secretary general gen lt col colonel major
    captain sgt admiral chancellor king queen prince princess sheikh emir pope ayatollah
    senator sen rep representative governor gov mayor ambassador envoy judge spokesman
    spokeswoman spokesperson chairman chairwoman chair chief commander deputy former late
    leader premier
    """.split()  # noqa: SIM905
)
LEADING_DROP = DETERMINERS | TITLES
FURNITURE = re.compile(
    r"^@\w|https?://|www\.|\.(?:com|org|net|fr|co)\b|badge|\bapp\b|subscribe|download",
    re.IGNORECASE,
)
# "- Name (@handle)" author line of an embedded post.
POST_AUTHOR = re.compile(r"^[ \t]*[-–—―][ \t]*(?P<name>[^\n(@]{2,80}?)[ \t]*\(@\w{1,30}\)", re.M)
# Capitalised names in a wire credit line ("With AFP", "With AFP and Reuters").
CREDIT_NAME = re.compile(r"(?<![\w])[A-Z][A-Za-z.]{1,12}(?![\w])")
CREDIT_SKIP = frozenset({"With", "And"})


def extract_actors(doc: Doc, regions: list[Region]) -> list[ActorSuggestion]:
    """Actor suggestions for a parsed document, sorted by offset, without overlaps."""
    text = text_of(doc)
    index = RegionIndex(regions)
    raw: list[tuple[int, int, str]] = []
    for ent in doc.ents:
        if _portfolio_in_title(doc, ent.start, ent.end):
            continue
        drop = LEADING_DROP if ent.label_ == "PERSON" else DETERMINERS
        span = _strip_leading(doc, ent.start, ent.end, drop)
        if span is None:
            continue
        start_tok, end_tok = span
        if ent.label_ == "PERSON":
            end_tok = _whole_name_end(doc, end_tok)
        start, end = doc[start_tok].idx, doc[end_tok - 1].idx + len(doc[end_tok - 1])
        label = _dateline_label(text, start, end, ent.label_)
        raw.extend(_split_hyphenated(text, start, end, label))
    raw.extend(_names_from_posts_and_credits(text, regions))
    labelled = _one_label_per_string(text, raw)
    labelled = _add_untagged_repeats(doc, labelled)
    out: list[ActorSuggestion] = []
    taken_until = -1
    for start, end, label in sorted(labelled, key=lambda x: (x[0], -x[1])):
        if label not in ACTOR_LABELS or start < taken_until:
            continue
        surface = text[start:end]
        if FURNITURE.search(surface) or index.overlaps(start, end, NO_ACTOR_KINDS):
            continue
        out.append(ActorSuggestion(start, end, surface, label))
        taken_until = end
    return out


# A government portfolio inside a title ("Defence" in "Turkish Defence Minister", "State"
# in "Secretary of State") is part of the person's title, not an organisation.
PORTFOLIOS = frozenset({
    "defence", "defense", "foreign", "interior", "state", "finance", "justice", "home",
    "health", "economy", "trade", "energy", "treasury",
})  # fmt: skip
TITLE_HEADS = frozenset({
    "minister", "ministers", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "chief", "envoy", "ambassador", "commander",
})  # fmt: skip


def _portfolio_in_title(doc: Doc, start: int, end: int) -> bool:
    if not all(t.lower_ in PORTFOLIOS for t in doc[start:end]):
        return False
    after = doc[end].lower_ if end < len(doc) else ""
    before = [t.lower_ for t in doc[max(0, start - 2) : start]]
    return after in TITLE_HEADS or (
        len(before) == 2 and before[1] == "of" and before[0] in TITLE_HEADS
    )


HYPHENATED = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+")


def _split_hyphenated(text: str, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """ "Russian-Turkish" names two groups: a NORP mention for each part."""
    if label != "NORP" or not HYPHENATED.fullmatch(text, start, end):
        return [(start, end, label)]
    out, pos = [], start
    for part in text[start:end].split("-"):
        out.append((pos, pos + len(part), label))
        pos += len(part) + 1
    return out


def _whole_name_end(doc: Doc, end: int) -> int:
    """Extend a PERSON name cut short ("Espen Barth" | "Eide said") over up to two
    capitalised proper nouns right after it that no other entity claims."""
    for _ in range(2):
        if end >= len(doc):
            break
        tok = doc[end]
        if tok.pos_ != "PROPN" or not tok.is_title or tok.ent_type_ or tok.is_sent_start:
            break
        if tok.whitespace_ == "" and end + 1 < len(doc) and doc[end + 1].text in ("'s", "’s"):
            end += 1  # "Barth Eide's": the name, not the possessive
            break
        end += 1
    return end


def _dateline_label(text: str, start: int, end: int, label: str) -> str:
    """The capitalised place that opens a wire dateline ("BEIRUT (Reuters) -") is a GPE;
    the small model reads the all-caps word as an ORG."""
    at_para_start = start == 0 or text[start - 1] == "\n"
    if at_para_start and text[start:end].isupper() and DATELINE.match(text, start):
        return "GPE"
    return label


def _strip_leading(doc: Doc, start: int, end: int, drop: frozenset[str]) -> tuple[int, int] | None:
    """Drop leading titles/determiners and a trailing possessive; None if nothing is left."""
    while start < end - 1 and doc[start].lower_.rstrip(".") in drop:
        start += 1
    if end - start > 1 and doc[end - 1].lower_ in ("'s", "’s", "'"):
        end -= 1
    end = trim_end(doc, start, end)
    if end <= start or doc[start].lower_ in drop:
        return None
    return start, end


def _names_from_posts_and_credits(text: str, regions: list[Region]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in POST_AUTHOR.finditer(text):
        name = m.group("name").strip()
        if name and len(name.split()) <= 6:
            start = m.start("name") + (len(m.group("name")) - len(m.group("name").lstrip()))
            found.append((start, start + len(name), "PERSON"))
    for r in regions:
        if r.kind != "credit":
            continue
        for m in CREDIT_NAME.finditer(text, r.start, r.end):
            if m.group(0) not in CREDIT_SKIP:
                found.append((m.start(), m.end(), "ORG"))
    return found


def _one_label_per_string(
    text: str, raw: Iterable[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Relabel a mention to the majority actor label of the same string in the document."""
    items = list(raw)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for start, end, label in items:
        votes[text[start:end]][label] += 1
    out: list[tuple[int, int, str]] = []
    for start, end, label in items:
        counts = votes[text[start:end]]
        actor_counts = [(n, lab) for lab, n in counts.items() if lab in ACTOR_LABELS]
        if actor_counts:
            best_n, best = max(actor_counts)
            if label not in ACTOR_LABELS or best_n > counts[label]:
                label = best
        out.append((start, end, label))
    return out


def _add_untagged_repeats(
    doc: Doc, items: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Tag exact repeats of an actor name that NER left untagged elsewhere.

    Only token-aligned repeats that start with a capital and overlap nothing already found
    are added, so common words are never promoted.
    """
    text = text_of(doc)
    known = {text[s:e]: lab for s, e, lab in items if lab in ACTOR_LABELS and e - s > 2}
    if not known:
        return items
    starts = {t.idx for t in doc}
    ends = {t.idx + len(t) for t in doc}
    occupied = sorted((s, e) for s, e, _ in items)
    added: list[tuple[int, int, str]] = []
    for name, label in known.items():
        if not name[:1].isupper():
            continue
        pos = text.find(name)
        while pos != -1:
            end = pos + len(name)
            if pos in starts and end in ends and not _overlaps_any(occupied, pos, end):
                added.append((pos, end, label))
                occupied.append((pos, end))
            pos = text.find(name, end)
    return items + added


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in spans)
