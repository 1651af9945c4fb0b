"""Indirect speech: reporting verbs with their subject and complement.

For each verb whose lemma is in the cue lexicon (or that heads a phrase cue such as
"call on"), the speaker is the subject (inherited along conjunctions and participial
clauses), the cue is the verb with its auxiliaries, and the content is the complement:
a that-clause, a to-infinitive, or the object ("rejected calls for a ceasefire"). A direct
object next to a clause is the addressee for verbs whose lexicon entry says so ("asked X to
..."), as is the object of the preposition of an addressee phrase ("call on X to ...").

This module finds the cue verbs and their subjects; verb_frame.py reads each one.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from idleb_desk.nlp.boilerplate import DATELINE
from idleb_desk.nlp.complements import match_phrase, medium_participle
from idleb_desk.nlp.cues import CueEntry, CueLexicon
from idleb_desk.nlp.draft import Draft, is_setting
from idleb_desk.nlp.speakers import find_subject, text_of
from idleb_desk.nlp.verb_frame import build

MODIFIER_DEPS = frozenset({"amod", "acl"})
# Prepositions that introduce the topic of a reporting verb with no clause or object of
# its own ("warned of reprisals", "testified about the fire", "reported on the homes").
TOPIC_PREPS = frozenset({"about", "of", "on", "against", "regarding", "concerning"})
TIME_ENTS = frozenset({"DATE", "TIME"})
# Verbs whose prepositional phrase is the setting, never the topic ("said on the sidelines").
NO_TOPIC = frozenset({"say", "tell", "add", "state", "post", "tweet", "announce"})


def indirect_claims(doc: Doc, lex: CueLexicon, blocked: set[int]) -> list[Draft]:
    """Claims from reporting verbs outside the blocked tokens (direct quotes, used cues)."""
    found = [c for c in (_candidate(v, lex, blocked) for v in doc) if c is not None]
    claim_verbs = {v.i: s for v, s, _, _ in found}
    first = [(c, build(doc, lex, *c, claim_verbs)) for c in found]
    # A candidate that makes no claim ("sending refugees": no message) must not cut
    # another claim's content: rebuild, without it, the claims whose content it cut.
    failed = [c[0] for c, d in first if d is None]
    if not failed:
        return [d for _, d in first if d is not None]
    building = {c[0].i: c[1] for c, d in first if d is not None}
    drafts: list[Draft] = []
    for c, d in first:
        # A cut ends the content just before the failed verb's phrase, so rebuild the
        # claims whose content ends near (or runs over) one, and the failed ones, which
        # may have failed only because a failed verb cut all their content away.
        if d is None or any(d.content[0] <= f.idx <= d.content[1] + 40 for f in failed):
            d = build(doc, lex, *c, building)
        if d is not None:
            drafts.append(d)
    return drafts


def analyze_verb(doc: Doc, lex: CueLexicon, verb: Token) -> Draft | None:
    """The indirect-speech reading of one verb, e.g. a performative inside a quote."""
    cand = _candidate(verb, lex, set())
    if cand is None:
        return None
    v, subj, particle, entry = cand
    return build(doc, lex, v, subj, particle, entry, {v.i: subj})


Candidate = tuple[Token, Token, "Token | None", "CueEntry | None"]


def _candidate(verb: Token, lex: CueLexicon, blocked: set[int]) -> Candidate | None:
    """A cue verb with a subject, or None: (verb, subject, particle, phrase entry)."""
    if verb.pos_ != "VERB" or verb.i in blocked:
        return None
    lemma = verb.lemma_.lower()
    if not lex.is_cue_lemma(lemma) and lemma != "put":
        return None
    phrase = match_phrase(verb, lex) or _put_it(verb)
    if phrase is None and lemma not in lex.verbs:
        return None
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return None  # "was asked to": the speaker is not in the clause
    if verb.dep_ in MODIFIER_DEPS and verb.tag_ in ("VBN", "VBG") and not medium_participle(verb):
        return None  # "the calls made by ...": a modifier, not a report
    subj = find_subject(verb, is_cue=lex.is_cue_lemma)
    if subj is None or subj.i in blocked or _fixed_adverbial(verb, subj):
        return None
    if DATELINE.match(text_of(verb.doc), subj.idx):
        # "KHARTOUM (Reuters) - Residents ... told": the parser made the dateline the
        # subject and the speaker its apposition.
        after = [c for c in subj.children if c.dep_ == "appos" and c.i > subj.i + 1]
        if after:
            subj = after[-1]
    if phrase is None:
        phrase = topic_phrase(verb, lex)
    entry, particle = phrase if phrase else (None, None)
    return verb, subj, particle, entry


def topic_phrase(verb: Token, lex: CueLexicon) -> tuple[CueEntry, Token] | None:
    """A verb cue with no clause or object whose topic is a prepositional phrase right
    after it ("cautioned about black ice", "reported on the care homes"): the preposition
    joins the cue, as the lexicon's phrase cues do ("warn of"), and its object is the
    content. A date ("reported on Tuesday") or a setting is no topic."""
    if any(c.dep_ in ("ccomp", "xcomp", "dobj", "obj") and c.i > verb.i for c in verb.children):
        return None
    if verb.dep_ in ("parataxis", "xcomp") or any(c.dep_ == "ccomp" for c in verb.children):
        # An infinitive a control verb governs ("declined to comment on the report") is
        # that verb's content.
        # "Ten people died, he said on the sidelines of ...": the report is before.
        return None
    if verb.lemma_.lower() in NO_TOPIC:
        return None
    for c in verb.children:
        if c.i <= verb.i or c.dep_ != "prep" or c.i > verb.i + 2:
            continue
        if c.lower_ not in TOPIC_PREPS:
            return None
        objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
        if not objs or is_setting(objs[0]):
            return None
        if c.lower_ == "on" and objs[0].ent_type_ in ("ORG", "PRODUCT", "WORK_OF_ART"):
            return None  # "wrote on Facebook": the medium
        if objs[0].ent_type_ in TIME_ENTS and not any(g.dep_ == "prep" for g in objs[0].children):
            return None  # "reported on Tuesday"; "testified about the night of the raid" is a topic
        lemma = verb.lemma_.lower()
        kind = lex.verbs[lemma]
        return CueEntry(cue=f"{lemma} {c.lower_}", kind=kind, type="phrase"), c
    return None


def _put_it(verb: Token) -> tuple[CueEntry, Token] | None:
    """ "..., as the owner put it": the reporting idiom of a comment clause. "put" reports
    only there (an as-clause whose object is "it")."""
    if verb.lemma_.lower() != "put" or verb.dep_ != "advcl":
        return None
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return None
    it = next((c for c in verb.children if c.dep_ == "dobj" and c.lower_ == "it"), None)
    if it is None or it.i != verb.i + 1:
        return None
    return CueEntry(cue="put it", kind="statement", type="phrase"), it


def _fixed_adverbial(verb: Token, subj: Token) -> bool:
    """ "All told, the repairs took nine months": a bare quantifier, the verb and a comma
    form a sentence adverb, not a report."""
    doc = verb.doc
    return (
        subj.pos_ in ("DET", "PRON")
        and subj.lower_ in ("all",)
        and not list(subj.children)
        and verb.i == subj.i + 1
        and verb.i + 1 < len(doc)
        and doc[verb.i + 1].text == ","
    )
