"""Kinds read from what a claim says, after the cue has given its default.

The cue gives most kinds ("warned" is a warning). A few general readings of the content
refine the neutral or the too-broad ones:

- a question asked ("asked whether ...", '"Why were the gates locked?" she asked') is a
  statement, not a demand: only "asked X to ..." asks for something;
- rejecting a claim ("rejected the allegations", "Rejects Claims Of Cover-Up") is a denial;
- a neutral report of the speaker's own future act ("said it would appeal", '"We will
  not raise taxes"') is a promise, and a future under a condition ("if the talks fail,
  the strike will go ahead") is a warning.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Token

from idleb_desk.nlp.cues import CueLexicon
from idleb_desk.nlp.draft import Draft
from idleb_desk.nlp.quotes import ALL, SINGLE
from idleb_desk.nlp.speakers import text_of

QUESTION_MARKS = frozenset({"whether", "if"})
WH_WORDS = frozenset({"who", "what", "when", "where", "why", "how", "which", "whom", "whose"})
# Nouns of things said: rejecting one of them denies it.
CLAIM_NOUNS = frozenset({
    "claim", "allegation", "accusation", "report", "rumour", "rumor",
    "suggestion", "assertion", "insinuation", "speculation",
})  # fmt: skip
FUTURE = frozenset({"will", "wo", "shall", "'ll", "would"})
# An institution's own future act ("the ministry said it would send nurses"); a person's
# plans ("she would not seek another term") are statements of intent.
SELF_PRONOUNS = frozenset({"we", "it", "they"})


REFINED = frozenset({"statement", "demand", "rejection"})


def refine_kinds(doc: Doc, lex: CueLexicon, drafts: list[Draft], starts: list[int]) -> None:
    """`starts`: the character offset of each token (claims.py has them already)."""
    for d in drafts:
        if d.kind not in REFINED:
            continue
        first = bisect.bisect_left(starts, d.content[0])
        end = bisect.bisect_left(starts, d.content[1])
        tokens = doc[first:end]
        if not len(tokens):
            continue
        d.kind = _refined(doc, lex, d, list(tokens))


def _refined(doc: Doc, lex: CueLexicon, d: Draft, tokens: list[Token]) -> str:
    cue = text_of(doc)[d.cue[0] : d.cue[1]].lower() if d.cue else ""
    cue_words = cue.split()
    asking = d.kind == "demand" and bool(cue_words) and cue_words[0].startswith("ask")
    if asking and (
        cue_words[-1] == "about" or _is_question(tokens, text_of(doc)[d.content[0] : d.content[1]])
    ):
        return "statement"
    if d.kind == "rejection" and _heads_claim_noun(tokens):
        return "denial"
    if d.kind == "statement" and d.speaker is not None:
        future = _future_of(tokens, direct=d.quote_type == "direct")
        if future is not None:
            return future
        if d.quote_type == "direct" and _imperative(tokens):
            return "demand"  # '"Use the ring road," the police posted'
        lemmas = {t.lemma_.lower() for t in tokens} | {t.lower_ for t in tokens}
        if lemmas & WRONGDOING:
            return "accusation"  # "said the majority had ignored the evidence"
        if lemmas & HAZARD:
            return "warning"  # "said the wiring was unsafe"
    return d.kind


# Semantic classes read in a neutral report's content. Wrongdoing: acts a speaker
# charges someone with. Hazard: states a speaker warns of (adjectives only: "the talks
# collapsed" reports an event, "the dam is unstable" warns).
WRONGDOING = frozenset({
    "hide", "hid", "ignore", "lie", "lied", "steal", "stole", "loot", "looting", "bully",
    "cheat", "embezzle", "mislead", "bribe", "abuse", "neglect", "falsify", "rig",
    "shred", "fraud", "corrupt", "corruption", "negligent", "negligence", "disgraceful",
    "cover-up", "coverup", "smuggle", "extort", "harass", "intimidate", "torture",
    "massacre", "betray", "sabotage", "obstruct", "launder", "plunder",
})  # fmt: skip
HAZARD = frozenset({
    "unsafe", "dangerous", "hazardous", "risky", "toxic", "deadly", "lethal", "dying",
    "fragile", "unstable", "contaminated", "poisoned", "perilous", "precarious",
})  # fmt: skip


def _imperative(tokens: list[Token]) -> bool:
    """The quote opens with a command: a bare verb with no subject ("Stay indoors!")."""
    words = [t for t in tokens if not t.is_punct]
    if not words:
        return False
    first = words[0]
    return (
        first.tag_ == "VB"
        and first.dep_ in ("ROOT", "ccomp")
        and first.lower_ not in ("thank", "please")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in first.children)
    )


def _is_question(tokens: list[Token], text: str) -> bool:
    if text.rstrip("".join(ALL | SINGLE) + " ").endswith("?"):
        return True
    head = tokens[0]
    return head.lower_ in QUESTION_MARKS or head.lower_ in WH_WORDS


def _root(tokens: list[Token]) -> Token:
    """The token of the range whose head lies outside it."""
    ids = {t.i for t in tokens}
    for t in tokens:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return tokens[0]


def _heads_claim_noun(tokens: list[Token]) -> bool:
    root = _root(tokens)
    # A title-case headline tags "Claims" as a proper noun.
    words = {root.lemma_.lower(), root.lower_, root.lower_.removesuffix("s")}
    return root.pos_ in ("NOUN", "PROPN") and bool(words & CLAIM_NOUNS)


FIRST_PERSON_FUTURE = re.compile(r"^\W*(?:we|i)(?:\s+(?:will|shall|won't)\b|'ll\b)", re.I)


def _future_of(tokens: list[Token], direct: bool) -> str | None:
    """Promise or warning for a report of a future act, else None."""
    if direct and FIRST_PERSON_FUTURE.match(tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text):
        return "promise"  # a title-case quote has no usable parse: read its words
    ids = {t.i for t in tokens}
    for verb in tokens:
        # Only the content's main verb decides (its root, or the clause under the cue):
        # a later sentence of a quote or an embedded clause does not.
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ROOT", "ccomp"):
            continue
        if verb.dep_ == "ccomp" and verb.head.i in ids:
            continue
        aux = [c for c in verb.children if c.dep_ == "aux" and c.lower_ in FUTURE]
        if not aux or verb.lemma_ == "be":
            return None  # no future, or a future state ("it would be a surrender")
        if any(
            c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children)
            for c in verb.children
        ):
            return "warning"  # "if the talks fail, the strike will go ahead"
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:
            return None
        who = subj[0].lower_
        if direct and who in ("we", "i"):
            return "promise"
        if not direct and who in SELF_PRONOUNS and aux[0].lower_ == "would":
            return "promise"  # "the ministry said it would send nurses"
        return None
    return None
