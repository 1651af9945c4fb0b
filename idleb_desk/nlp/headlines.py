"""Headlines: title-case lines ("Mayor Vows Free Buses For Students") and "Name: text".

The small model tags most title-case words as proper nouns, so a headline has no usable
parse. Headline grammar is simple enough to read from the words themselves:

- "SPEAKER CUE CONTENT": the first word (after the first) that inflects to a verb cue of
  the lexicon ("Vows", "Denies", "Warns Of", "Calls For") splits speaker from content;
- "CONTENT, SPEAKER CUE": a cue as the last word after a comma ("..., Monitors Say");
- "Name: text": a short title-case name, a colon, and the rest of the line.

Segments split at ";" ("X Accuses Y; Y Rejects Claim" gives two claims). Lines are
headlines only when they carry no sentence-final period and most words are capitalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from idleb_desk.nlp.cues import CueLexicon
from idleb_desk.nlp.draft import Draft
from idleb_desk.nlp.quotes import ALL, OPENING, SINGLE, SINGLE_OPENING

LINE = re.compile(r"[^\n]+")
WORD = re.compile(r"\S+")
# Function words headline style may leave in lower case ("Plan to Close").
SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "over",
        "the",
        "to",
        "up",
        "via",
        "with",
        "vs",
    ]
)
MAX_SPEAKER_WORDS = 6
# A preposition right after a headline cue introduces the content and joins the cue.
CUE_PREPS = frozenset({"for", "of", "on", "over", "about", "against"})
# Subordinators and prepositions that open an adverbial tail of a headline (not "until"
# or "before": "Vow To Block Highway Until Prices Rise" reports its time).
TAIL_WORDS = frozenset({
    "as", "after", "amid", "while", "when", "despite", "following", "since", "because",
})  # fmt: skip
# Quote marks and punctuation around a headline word ("'Ceasefire'", "(Reuters)").
EDGE_CHARS = "".join(sorted(ALL | SINGLE)) + ",;:!?()"
COLON = re.compile(r"^(?P<name>[^:\n]{2,60}?)[ \t]*:[ \t]+(?P<rest>\S[^\n]*?)[ \t]*$")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        return self.text.strip(EDGE_CHARS)


def is_headline(line: str) -> bool:
    """Title case: most content words are capitalised. Title lines often end with a
    period; a sentence of running text is never mostly capitalised, so the period does
    not decide."""
    words = [w.strip(EDGE_CHARS + ".") for w in line.split()]
    words = [w for w in words if w and w[0].isalpha()]
    if len(words) < 3:
        return False
    content = [w for w in words if w.lower() not in SMALL]
    caps = sum(1 for w in content if w[0].isupper())
    return bool(content) and caps >= 0.8 * len(content)


def _verb_forms(word: str) -> list[str]:
    w = word.lower()
    forms = [w]
    if w.endswith("ies"):
        forms.append(w[:-3] + "y")
    if w.endswith("es"):
        forms.append(w[:-2])
    if w.endswith("s"):
        forms.append(w[:-1])
    return forms


def _cue_lemma(word: str, lex: CueLexicon) -> str | None:
    for f in _verb_forms(word):
        if f in lex.verbs or f in lex.phrases:
            return f
    return None


def _title(word: Word) -> bool:
    b = word.bare
    return bool(b) and (b[0].isupper() or b.lower() in SMALL)


def _draft(
    speaker: list[Word], cue: list[Word], content: list[Word], kind: str, quote: bool
) -> Draft:
    return Draft(
        content=(content[0].start, content[-1].end),
        speaker=(speaker[0].start, speaker[-1].end),
        cue=(cue[0].start, cue[-1].end),
        kind=kind,
        quote_type="direct" if quote else "indirect",
    )


def _segment_claim(words: list[Word], lex: CueLexicon) -> Draft | None:
    # "CONTENT, SPEAKER CUE": the report first.
    last = _cue_lemma(words[-1].bare, lex)
    if last is not None and last in lex.verbs:
        comma = max((i for i, w in enumerate(words[:-1]) if w.text.endswith(",")), default=-1)
        speaker = words[comma + 1 : -1]
        if comma >= 0 and 0 < len(speaker) <= MAX_SPEAKER_WORDS:
            content = words[: comma + 1]
            content[-1] = Word(content[-1].start, content[-1].end - 1, content[-1].text[:-1])
            return _draft(speaker, [words[-1]], content, lex.verbs[last], False)
    # "SPEAKER CUE CONTENT".
    for i in range(1, min(len(words) - 1, MAX_SPEAKER_WORDS + 1)):
        lemma = _cue_lemma(words[i].bare, lex)
        if lemma is None:
            continue
        cue = [words[i]]
        kind = lex.verbs.get(lemma)
        nxt = words[i + 1].bare.lower()
        entry = lex.phrases.get(lemma, {}).get(nxt)
        if entry is not None and entry.object_role == "content":
            cue.append(words[i + 1])
            kind = entry.kind
        elif nxt in CUE_PREPS and i + 2 < len(words):
            cue.append(words[i + 1])  # "Fear For Their Homes": the preposition is cue
        if kind is None:
            continue
        content = words[i + len(cue) :]
        # "Calm After Stadium Clash", "Flu Surge As Clinics Close": an adverbial tail
        # is the headline's setting, not the reported content.
        tail = next(
            (k for k, w in enumerate(content) if k > 0 and w.bare.lower() in TAIL_WORDS), None
        )
        if tail is not None:
            content = content[:tail]
        if not content:
            return None
        return _draft(words[:i], cue, content, kind, False)
    return None


def headline_claims(text: str, lex: CueLexicon) -> list[Draft]:
    """Claims of title-case headline lines and "Name: text" lines."""
    drafts: list[Draft] = []
    for line in LINE.finditer(text):
        colon = COLON.match(line.group())
        if colon is not None and _colon_name(colon.group("name"), colon.group("rest")):
            base = line.start()
            rest = colon.group("rest")
            name = colon.group("name").strip()
            n_start = (
                base
                + colon.start("name")
                + (len(colon.group("name")) - len(colon.group("name").lstrip()))
            )
            c_start = base + colon.start("rest")
            colon_at = text.index(":", n_start + len(name))
            drafts.append(
                Draft(
                    content=(c_start, c_start + len(rest)),
                    speaker=(n_start, n_start + len(name)),
                    cue=(colon_at, colon_at + 1),
                    kind="statement",
                    quote_type="direct" if rest[0] in OPENING | SINGLE_OPENING else "indirect",
                )
            )
            continue
        if not is_headline(line.group()):
            d = _report_first_title(line.group(), line.start(), lex)
            if d is not None:
                drafts.append(d)
            continue
        words = [
            Word(line.start() + m.start(), line.start() + m.end(), m.group())
            for m in WORD.finditer(line.group())
        ]
        last = words[-1]
        if last.text.endswith(".") and not last.text.endswith(".."):
            # The title's final period is no part of the content.
            words[-1] = Word(last.start, last.end - 1, last.text[:-1])
        segment: list[Word] = []
        for w in [*words, None]:
            if w is not None and not w.text.endswith(";"):
                segment.append(w)
                continue
            if w is not None:
                segment.append(Word(w.start, w.end - 1, w.text[:-1]))
            if len(segment) >= 3 and all(_title(x) for x in segment):
                d = _segment_claim(segment, lex)
                if d is not None:
                    drafts.append(d)
            segment = []
    return drafts


# Editorial labels that stand before a colon like a name ("Update: ...", "Photo: ...").
LABELS = frozenset({
    "update", "updated", "note", "editor", "photo", "photos", "video", "watch", "read",
    "listen", "source", "sources", "related", "correction", "warning", "breaking",
    "exclusive", "analysis", "opinion", "comment", "live", "sponsored", "advertisement",
    "tags", "topics", "share", "credit", "caption", "file", "q", "a", "question", "answer",
    "summary", "background", "context", "timeline", "transcript", "disclaimer", "by",
    "published", "posted", "filed", "location", "date", "time", "subject", "re", "fw",
    "when", "where", "what", "why", "how", "who", "tl;dr", "ps", "nb", "see", "also",
})  # fmt: skip
MAX_COLON_REST_WORDS = 14


def _colon_name(name: str, rest: str = "") -> bool:
    """A short title-case name before a colon ("Finance Minister: ...", "Okafor: ..."),
    not a label such as a dateline in capitals, a time or an editorial label. A name of
    one word needs a title line: a short rest that opens with a capital or a quote."""
    words = name.split()
    if len(words) == 1:
        w = words[0]
        return (
            len(w) > 2
            and w[0].isupper()
            and not w.isupper()
            and w.isalpha()
            and w.lower() not in LABELS
            and 0 < len(rest.split()) <= MAX_COLON_REST_WORDS
            and (rest[0].isupper() or rest[0] in OPENING | SINGLE_OPENING)
        )
    if not 2 <= len(words) <= MAX_SPEAKER_WORDS or name.isupper():
        return False
    if any(ch.isdigit() for ch in name):
        return False
    return all(w[0].isupper() or w.lower() in SMALL for w in words) and words[0][0].isupper()


# "Bridge repairs to last into spring, council says.": a title line in sentence case,
# the report first and a present-tense cue last (running text reports in the past).
REPORT_FIRST = re.compile(
    r"^(?P<content>[^,\n]{8,}?),[ \t]+(?P<speaker>(?:[\w.'’-]+[ \t]+){0,3}[\w.'’-]+)"
    r"[ \t]+(?P<cue>[a-z]+s)\.?[ \t]*$"
)
MAX_TITLE_WORDS = 16


def _report_first_title(line: str, base: int, lex: CueLexicon) -> Draft | None:
    m = REPORT_FIRST.match(line)
    if m is None or len(line.split()) > MAX_TITLE_WORDS or not line[:1].isupper():
        return None
    if any(ch in ALL | SINGLE for ch in m.group("content")):
        return None
    lemma = _cue_lemma(m.group("cue"), lex)
    if lemma is None or lemma not in lex.verbs:
        return None
    return Draft(
        content=(base + m.start("content"), base + m.end("content")),
        speaker=(base + m.start("speaker"), base + m.end("speaker")),
        cue=(base + m.start("cue"), base + m.end("cue")),
        kind=lex.verbs[lemma],
        quote_type="indirect",
    )
