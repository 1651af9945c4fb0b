"""Claim extraction: direct quotes, embedded posts, indirect speech, then antecedents.

Order matters: direct quotes are attributed first, and the tokens inside them and the
verbs used to attribute them are then blocked for the indirect-speech pass, so that
"We call on Russia to ..." inside a quote is not a second claim by "We".
"""

from __future__ import annotations

import bisect
import logging
import re

from spacy.tokens import Doc, Token

from idleb_desk.core import offsets
from idleb_desk.model import ClaimSuggestion, Region, TextRef
from idleb_desk.nlp.boilerplate import RegionIndex
from idleb_desk.nlp.complements import match_phrase
from idleb_desk.nlp.cues import CueLexicon
from idleb_desk.nlp.draft import Draft, char_span, cue_range, is_setting
from idleb_desk.nlp.frames import noun_claims, passive_claims, stance_claims
from idleb_desk.nlp.headlines import headline_claims
from idleb_desk.nlp.kinds import refine_kinds
from idleb_desk.nlp.parts import add_part, attach_orphans, mark_nested
from idleb_desk.nlp.quotes import ALL, SINGLE, Quote, find_quotes, is_direct, word_count
from idleb_desk.nlp.sources import according_to_claims
from idleb_desk.nlp.speakers import (
    Mention,
    coordinations_before,
    count_of,
    find_subject,
    is_description,
    is_plural,
    is_pronoun,
    mention_of,
    text_of,
)
from idleb_desk.nlp.speech import analyze_verb, indirect_claims

log = logging.getLogger(__name__)

# "- Name (@handle) date" on a line after an embedded post; only blank lines may intervene.
POST_AUTHOR_AFTER = re.compile(
    r"[ \t]*(?:(?:https?://|pic\.twitter\.com/)\S*[ \t]*)*\n(?:[ \t]*\n){0,3}"
    r"[ \t]*[-–—―][ \t]*(?P<name>[^\n(@]{2,80}?)[ \t]*\(@\w{1,30}\)"
)
SENTENCE_END = frozenset({".", "!", "?"})
INVERTED_SPEAKER_DEPS = frozenset({"nsubj", "dobj", "attr", "npadvmod", "appos", "dative", "oprd"})
FIRST_PERSON = frozenset({"i", "we"})
AFTER_WINDOW = 8  # tokens after a closing quote searched for "said X" / "X said"
BEFORE_WINDOW = 10  # tokens before an opening quote searched for "X said:"
BLOCKING_KINDS = frozenset({"app", "newsletter", "link", "credit"})


def extract_claims(doc: Doc, lex: CueLexicon, regions: list[Region]) -> list[ClaimSuggestion]:
    text = text_of(doc)
    starts = [t.idx for t in doc]
    quotes = [q for q in find_quotes(text) if _is_direct_quote(doc, starts, q, lex)]
    blocked: set[int] = set()
    headlines = [h for h in headline_claims(text, lex) if not _place_label(doc, starts, h)]
    for h in headlines:
        # The parse of a title-case line is unreliable: its words make no other claim.
        line_start = text.rfind("\n", 0, h.content[0]) + 1
        line_end = text.find("\n", h.content[1])
        blocked.update(
            range(*_token_range(starts, line_start, len(text) if line_end < 0 else line_end))
        )
    # A quote inside a headline is part of the headline's content, not its own claim.
    quotes = [q for q in quotes if _token_range(starts, q.start, q.end)[0] not in blocked]
    for q in quotes:
        blocked.update(range(*_token_range(starts, q.start, q.end)))
    orphans: list[Quote] = []
    drafts = _quote_drafts(doc, starts, quotes, lex, blocked, orphans)
    drafts.extend(headlines)
    blocked |= {d.cue_token for d in drafts if d.cue_token is not None}
    drafts.extend(stance_claims(doc, lex, blocked))
    # Passives first: "was summoned and told to leave" is a passive "told", which then
    # makes no active claim.
    drafts.extend(passive_claims(doc, lex, blocked))
    drafts.extend(indirect_claims(doc, lex, blocked))
    drafts.extend(noun_claims(doc, lex, blocked))
    drafts.extend(according_to_claims(doc, blocked))
    attach_orphans(text, drafts, orphans)
    drafts = _keep_clean(drafts, RegionIndex(regions))
    drafts.sort(key=lambda d: min(d.content[0], (d.speaker or d.content)[0]))
    mark_nested(drafts)
    _link_antecedents(doc, drafts)
    refine_kinds(doc, lex, drafts, starts)
    return [_to_suggestion(text, d) for d in drafts]


def _place_label(doc: Doc, starts: list[int], h: Draft) -> bool:
    """ "Syria: Dozens Killed In Airstrikes": a one-word place before a colon says where,
    not who, unless what follows is a quote ("Russia: 'We Will Respond'")."""
    if h.speaker is None or h.cue is None or text_of(doc)[h.cue[0] : h.cue[1]] != ":":
        return False
    first, end = _token_range(starts, *h.speaker)
    if end - first != 1 or doc[first].ent_type_ not in ("GPE", "LOC"):
        return False
    return text_of(doc)[h.content[0]] not in ALL | SINGLE


def _quote_drafts(
    doc: Doc,
    starts: list[int],
    quotes: list[Quote],
    lex: CueLexicon,
    blocked: set[int],
    orphans: list[Quote],
) -> list[Draft]:
    """Attribute each direct quote; join split quotes; carry a speaker to follow-ons.

    - '"A," X said, "B."': one cue attributes both halves, so they are one claim whose
      content has two parts;
    - '"A," X said. "B."': a quote later in the same paragraph with no attribution of its
      own continues the same speaker's words: one more part of the same claim.
    Quotes with no attribution at all go to `orphans`.
    """
    drafts: list[Draft] = []
    prev: tuple[Quote, Draft] | None = None
    for q in quotes:
        draft = _attribute_quote(doc, starts, q, lex, blocked)
        if prev is not None and prev[0].para_start == q.para_start:
            last = prev[1]
            same_cue = draft is not None and draft.cue_token == last.cue_token is not None
            if same_cue or (draft is None and last.speaker is not None):
                add_part(last, (q.start, q.end))
                prev = (q, last)
                continue
        if draft is not None:
            drafts.append(draft)
            prev = (q, draft)
        else:
            orphans.append(q)
    return drafts


def _token_range(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Tokens whose first character lies in [start, end)."""
    return bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)


def _is_direct_quote(doc: Doc, starts: list[int], q: Quote, lex: CueLexicon) -> bool:
    if is_direct(text_of(doc), q):
        return True
    # 'said "We will ..."' with no comma; a one-word quote after a verb ('would respond
    # "decisively"') is a fragment of the writer's sentence, not an utterance.
    if word_count(text_of(doc)[slice(*q.inner)]) < 2:
        return False
    i = bisect.bisect_left(starts, q.start) - 1  # the token before the opening mark
    return i >= 0 and doc[i].pos_ == "VERB" and lex.is_cue_lemma(doc[i].lemma_.lower())


def _attribute_quote(
    doc: Doc, starts: list[int], q: Quote, lex: CueLexicon, blocked: set[int]
) -> Draft | None:
    text = text_of(doc)
    q_first, q_end = _token_range(starts, q.start, q.end)
    kind, addressees = _performative(doc, q_first, q_end, lex)
    rest = text[q.end : q.para_end].strip()
    post = POST_AUTHOR_AFTER.match(text, q.end) if _only_links(rest) else None
    if post is not None:
        name = post.group("name").strip()
        n_start = post.start("name")
        return Draft(
            content=(q.start, q.end),
            speaker=(n_start, n_start + len(name)),
            cue=None,
            kind=kind or "statement",
            quote_type="direct",
            addressees=addressees,
        )
    found = _cue_after(doc, q_end, q.para_end, lex, blocked) or _cue_before(
        doc, q_first, _intro_start(text, q), lex, blocked
    )
    if found is None:
        return None
    verb, speaker = found
    phrase = match_phrase(verb, lex)
    entry, particle = phrase if phrase else (None, None)
    default = entry.kind if entry else lex.verbs.get(verb.lemma_.lower(), "statement")
    m = mention_of(speaker)
    role = entry.object_role if entry else lex.object_roles.get(verb.lemma_.lower(), "content")
    if role == "addressee":  # '"...," he told the BBC'
        for c in verb.children:
            if (
                c.dep_ in ("dobj", "dative")
                and c.i > verb.i
                and c.i != speaker.i
                and not is_setting(c)
            ):
                am = mention_of(c)
                addressees = [*addressees, char_span(doc, am.start, am.end)]
    return Draft(
        content=(q.start, q.end),
        speaker=char_span(doc, m.start, m.end),
        cue=char_span(doc, *cue_range(verb, particle)),
        kind=kind or default,
        quote_type="direct",
        addressees=addressees,
        mention=m,
        cue_token=verb.i,
    )


def _intro_start(text: str, q: Quote) -> int:
    """Where a quote's introduction may start: its own paragraph, or the one before when
    that ends with a colon and the quote opens its paragraph ('Lavrov said:' then the
    quote as a paragraph of its own)."""
    k = q.start - 1
    while k >= 0 and text[k] in " \t\r\n":
        k -= 1
    if q.start == q.para_start and k >= 0 and text[k] == ":":
        return text.rfind("\n", 0, k) + 1
    return q.para_start


def _only_links(rest: str) -> bool:
    return all(w.startswith(("http://", "https://", "pic.twitter.com")) for w in rest.split())


def _cue_after(
    doc: Doc, first: int, para_end: int, lex: CueLexicon, blocked: set[int]
) -> tuple[Token, Token] | None:
    """'"...," said X' or '"...," X said': a cue verb right after the closing mark.

    After a quote that ends in "?" or "!" the parser starts a new sentence ('"Who approved
    it?" Mr. Okafor asked.'); its verb still attributes the quote when that short
    sentence says nothing else (no clause or object of its own)."""
    new_sentence = first < len(doc) and doc[first].is_sent_start and doc[first].text[:1].isupper()
    if new_sentence and not _ends_exclaimed(doc, first):
        return None  # a new sentence begins: its verb is not this quote's attribution
    for i in range(first, min(first + AFTER_WINDOW, len(doc))):
        if doc[i].idx >= para_end or _stops_search(doc[i]):
            break
        found = _cue_with_speaker(doc[i], lex, blocked)
        if found is not None:
            if new_sentence and any(
                c.dep_ in ("ccomp", "xcomp", "dobj") and c.i > c.head.i for c in found[0].children
            ):
                return None
            return found
    return None


def _ends_exclaimed(doc: Doc, after: int) -> bool:
    """Does the quote closing just before token `after` end with "?" or "!"?"""
    k = after - 1
    while k >= 0 and doc[k].text in ALL:
        k -= 1
    return k >= 0 and doc[k].text in ("?", "!")


def _cue_before(
    doc: Doc, first: int, para_start: int, lex: CueLexicon, blocked: set[int]
) -> tuple[Token, Token] | None:
    """'X said: "..."' or 'X said, "..."': a cue verb shortly before the opening mark."""
    for i in range(first - 1, max(first - BEFORE_WINDOW, 0) - 1, -1):
        if doc[i].idx < para_start or _stops_search(doc[i]):
            break
        found = _cue_with_speaker(doc[i], lex, blocked)
        if found is not None:
            return found
    return None


def _stops_search(tok: Token) -> bool:
    """A sentence end or another quote mark: attribution never reaches past it."""
    return tok.text in SENTENCE_END or tok.text in ALL


def _cue_with_speaker(tok: Token, lex: CueLexicon, blocked: set[int]) -> tuple[Token, Token] | None:
    if tok.i in blocked or tok.pos_ != "VERB" or not lex.is_cue_lemma(tok.lemma_.lower()):
        return None
    speaker = _speaker_of(tok, blocked)
    return None if speaker is None else (tok, speaker)


def _speaker_of(verb: Token, blocked: set[int]) -> Token | None:
    """The subject, the noun after an inverted verb ("write the signatories"), or the
    subject a participle inherits ("rejected it, saying: ...", "was quoted as saying:")."""
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj") and c.i not in blocked:
            return c
    for c in verb.children:
        if (
            c.i > verb.i
            and c.dep_ in INVERTED_SPEAKER_DEPS
            and c.i not in blocked
            and c.pos_ in ("NOUN", "PROPN", "PRON")
        ):
            return c
    if verb.tag_ == "VBG":
        subj = find_subject(verb)
        if subj is not None and subj.i not in blocked:
            return subj
    return None


def _performative(
    doc: Doc, first: int, end: int, lex: CueLexicon
) -> tuple[str | None, list[tuple[int, int]]]:
    """Kind and addressees from a first-person cue inside a quote ("We call on X to ...")."""
    for tok in doc[first:end]:
        if tok.pos_ != "VERB" or not lex.is_cue_lemma(tok.lemma_.lower()):
            continue
        if not any(c.dep_ == "nsubj" and c.lower_ in FIRST_PERSON for c in tok.children):
            continue
        draft = analyze_verb(doc, lex, tok)
        if draft is not None:
            return draft.kind, [a for a in draft.addressees if _inside(a, doc, first, end)]
        phrase = match_phrase(tok, lex)
        kind = phrase[0].kind if phrase else lex.verbs.get(tok.lemma_.lower())
        if kind:
            return kind, []
    return None, []


def _inside(span: tuple[int, int], doc: Doc, first: int, end: int) -> bool:
    lo = doc[first].idx
    hi = doc[end - 1].idx + len(doc[end - 1])
    return lo <= span[0] and span[1] <= hi


def _keep_clean(drafts: list[Draft], index: RegionIndex) -> list[Draft]:
    """Drop claims touching boilerplate and claims repeating another's content."""
    out: list[Draft] = []
    seen: dict[tuple[int, int], Draft] = {}
    for d in drafts:
        parts = [d.content] + [p for p in (d.speaker, d.cue) if p is not None]
        if any(index.overlaps(s, e, BLOCKING_KINDS) for s, e in parts):
            continue
        if index.covered_fraction(*d.content) > 0.5:
            continue
        other = seen.get(d.content)
        if other is not None and not (_cue_inside(d, other) or _cue_inside(other, d)):
            continue
        seen.setdefault(d.content, d)
        out.append(d)
    return out


def _cue_inside(inner: Draft, outer: Draft) -> bool:
    """ "said talks were expected to resume": the passive's cue lies in the report's
    content, so the two share a content range and the inner one is nested, not a repeat."""
    if inner.cue is None or outer.cue is None or inner.cue == outer.cue:
        return False
    return outer.content[0] <= inner.cue[0] and inner.cue[1] <= outer.content[1]


def _link_antecedents(doc: Doc, drafts: list[Draft]) -> None:
    """Give pronoun and description speakers the mention they refer to.

    - "the two parties": the nearest coordination of exactly two names before it;
    - a description repeating an earlier speaker's head noun ("the signatories of the
      tribune" after "the signatories") shares that speaker's antecedent;
    - otherwise the nearest earlier speaker of the same number that is a full mention, or
      that earlier speaker's own antecedent.
    """
    for i, d in enumerate(drafts):
        m = d.mention
        if (
            m is None
            or d.antecedent is not None
            or not (is_pronoun(doc, m) or is_description(doc, m))
        ):
            continue
        if doc[m.head].lower_ in FIRST_PERSON:
            continue
        d.antecedent = _resolve(doc, m, drafts[:i])


def _resolve(doc: Doc, m: Mention, prior: list[Draft]) -> tuple[int, int] | None:
    if is_description(doc, m):
        n = count_of(doc, m)
        if n is not None and n > 1:
            coord = coordinations_before(doc, m.start, n)
            if coord is not None:
                return char_span(doc, coord.start, coord.end)
        lemma = doc[m.head].lemma_
        for p in reversed(prior):
            if p.mention is not None and doc[p.mention.head].lemma_ == lemma:
                return p.antecedent or (None if _needs_antecedent(doc, p.mention) else p.speaker)
    plural = is_plural(doc, m)
    for p in reversed(prior):
        if p.speaker is None or p.speaker[0] >= doc[m.start].idx:
            continue
        p_plural = is_plural(doc, p.mention) if p.mention is not None else False
        if p_plural != plural:
            continue
        if p.mention is None or not _needs_antecedent(doc, p.mention):
            return p.speaker
        if p.antecedent is not None:
            return p.antecedent
    return None


def _needs_antecedent(doc: Doc, m: Mention) -> bool:
    return is_pronoun(doc, m) or is_description(doc, m)


def _to_suggestion(text: str, d: Draft) -> ClaimSuggestion:
    def ref(span: tuple[int, int] | None) -> TextRef | None:
        return None if span is None else TextRef(span[0], span[1], text[span[0] : span[1]])

    # A parse can end a clause inside a word spaCy splits ("al" "-" "Assad"): every
    # content edge grows to a whole token as the review snaps it (core.offsets), so a
    # hyphenated or apostrophised word is never cut.
    whole = [offsets.snap(text, *p) for p in (d.parts or [d.content])]
    content = ref((whole[0][0], whole[-1][1]) if d.parts else whole[0])
    assert content is not None
    parts = tuple(r for r in map(ref, whole if d.parts else []) if r is not None)
    return ClaimSuggestion(
        content_parts=parts if len(parts) > 1 else (),
        nested_in=d.nested_in,
        content=content,
        speaker=ref(d.speaker),
        cue=ref(d.cue),
        addressees=tuple(r for r in map(ref, d.addressees) if r is not None),
        kind=d.kind,
        quote_type=d.quote_type,
        speaker_antecedent=ref(d.antecedent),
    )
