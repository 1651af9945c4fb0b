"""Indirect speech: reporting verbs with their subject and complement.

For each verb whose lemma is in the cue lexicon (or that heads a phrase cue such as
"call on"), the speaker is the subject (inherited along conjunctions and participial
clauses), the cue is the verb with its auxiliaries, and the content is the complement:
a that-clause, a to-infinitive, or the object ("rejected calls for a ceasefire"). A direct
object next to a clause is the addressee for verbs whose lexicon entry says so ("asked X to
..."), as is the object of the preposition of an addressee phrase ("call on X to ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from idleb_desk.nlp.boilerplate import DATELINE
from idleb_desk.nlp.complements import (
    PROMISE_WITH_INFINITIVE,
    evidence_subject,
    is_document,
    match_phrase,
    medium_participle,
    object_kind,
    predicates,
    relative_speaker,
    trim_time_edges,
)
from idleb_desk.nlp.cues import CueEntry, CueLexicon
from idleb_desk.nlp.quotes import balance_quote_end, contains_quote_mark
from idleb_desk.nlp.speakers import (
    Mention,
    find_subject,
    mention_of,
    subject_mention,
    text_of,
)

CLAUSE_DEPS = frozenset({"ccomp", "xcomp"})
OBJECT_DEPS = frozenset({"dobj", "obj"})
SKIP_OBJECTS = frozenset({"so", "nothing", "anything", "something"})
# Prepositional complements that carry the content of an accusation or a rejection.
CONTENT_PREPS = frozenset({"of", "for", "over", "against"})
# Prepositions introducing the topic after an addressee ("warned X against ...").
TOPIC_PREPS = frozenset({"against", "of", "about", "over"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PERSONAL = frozenset({"him", "her", "them", "us", "me", "you"})
NEGATED_TO_STATEMENT = frozenset({"denial", "rejection", "promise", "threat"})
MODIFIER_DEPS = frozenset({"amod", "acl"})
NO_COMMENT = frozenset({
    "to comment", "to elaborate", "to give details", "to say more", "to answer",
    "comment", "to comment further", "to be named", "to be identified",
})  # fmt: skip


@dataclass
class Draft:
    """A claim under construction, in character offsets."""

    content: tuple[int, int]
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None
    kind: str
    quote_type: str
    addressees: list[tuple[int, int]] = field(default_factory=list)
    mention: Mention | None = None  # the speaker as a token range, when parsed
    cue_token: int | None = None
    antecedent: tuple[int, int] | None = None
    # Content parts when the content is split ("The mill, the owner said, will reopen");
    # None means one part, `content` itself.
    parts: list[tuple[int, int]] | None = None
    nested_in: int | None = None


def char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last)


def cue_range(verb: Token, particle: Token | None) -> tuple[int, int]:
    """Token range of the verb with its auxiliaries and negation ("have requested")."""
    start = verb.i
    for child in verb.children:
        if child.dep_ in ("aux", "auxpass", "neg") and child.i < verb.i and verb.i - child.i <= 3:
            start = min(start, child.i)
    end = verb.i + 1
    if particle is not None and particle.i == verb.i + 1:
        end = particle.i + 1
    return start, end


def is_to_infinitive(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") and any(
        c.lower_ == "to" and c.dep_ == "aux" and c.i < tok.i for c in tok.children
    )


# "told a news conference": the event where something was said, not who it was said to.
SETTING_NOUNS = frozenset({
    "conference", "briefing", "meeting", "interview", "rally", "session", "summit",
    "ceremony", "gathering", "forum", "event", "hearing",
})  # fmt: skip


def is_setting(tok: Token) -> bool:
    return tok.lemma_.lower() in SETTING_NOUNS


def names_someone(tok: Token) -> bool:
    if tok.lower_ in PERSONAL:
        return True
    return any(t.ent_type_ in NAME_LABELS for t in tok.subtree)


def indirect_claims(doc: Doc, lex: CueLexicon, blocked: set[int]) -> list[Draft]:
    """Claims from reporting verbs outside the blocked tokens (direct quotes, used cues)."""
    found = [c for c in (_candidate(v, lex, blocked) for v in doc) if c is not None]
    claim_verbs = {v.i: s for v, s, _, _ in found}
    first = [(c, _build(doc, lex, *c, claim_verbs)) for c in found]
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
            d = _build(doc, lex, *c, building)
        if d is not None:
            drafts.append(d)
    return drafts


def analyze_verb(doc: Doc, lex: CueLexicon, verb: Token) -> Draft | None:
    """The indirect-speech reading of one verb, e.g. a performative inside a quote."""
    cand = _candidate(verb, lex, set())
    if cand is None:
        return None
    v, subj, particle, entry = cand
    return _build(doc, lex, v, subj, particle, entry, {v.i: subj})


Candidate = tuple[Token, Token, "Token | None", "CueEntry | None"]


def _candidate(verb: Token, lex: CueLexicon, blocked: set[int]) -> Candidate | None:
    """A cue verb with a subject, or None: (verb, subject, particle, phrase entry)."""
    if verb.pos_ != "VERB" or verb.i in blocked:
        return None
    lemma = verb.lemma_.lower()
    if not lex.is_cue_lemma(lemma):
        return None
    phrase = match_phrase(verb, lex)
    if phrase is None and lemma not in lex.verbs:
        return None
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return None  # "was asked to": the speaker is not in the clause
    if verb.dep_ in MODIFIER_DEPS and verb.tag_ in ("VBN", "VBG") and not medium_participle(verb):
        return None  # "the calls made by ...": a modifier, not a report
    subj = find_subject(verb, is_cue=lex.is_cue_lemma)
    if subj is None or subj.i in blocked:
        return None
    if DATELINE.match(text_of(verb.doc), subj.idx):
        # "KHARTOUM (Reuters) - Residents ... told": the parser made the dateline the
        # subject and the speaker its apposition.
        after = [c for c in subj.children if c.dep_ == "appos" and c.i > subj.i + 1]
        if after:
            subj = after[-1]
    entry, particle = phrase if phrase else (None, None)
    return verb, subj, particle, entry


def _build(
    doc: Doc,
    lex: CueLexicon,
    verb: Token,
    subj: Token,
    particle: Token | None,
    entry: CueEntry | None,
    claim_verbs: dict[int, Token],
) -> Draft | None:
    lemma = verb.lemma_.lower()
    role = entry.object_role if entry else lex.object_roles.get(lemma, "content")
    kind = entry.kind if entry else lex.verbs[lemma]
    children = [c for c in verb.children if c.i > verb.i]
    clauses = [
        c for c in children if c.dep_ in CLAUSE_DEPS or (c.dep_ == "advcl" and is_to_infinitive(c))
    ]
    # "said in a statement that ...": the parser hangs the that-clause on the noun.
    for prep in (c for c in children if c.dep_ == "prep"):
        for pobj in (g for g in prep.children if g.dep_ == "pobj"):
            clauses.extend(
                g
                for g in pobj.children
                if g.dep_ in ("acl", "relcl", "ccomp")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children)
            )
    objects = [c for c in children if c.dep_ in OBJECT_DEPS]
    roots: list[Token] = list(clauses)
    addressees: list[Token | Mention] = []
    if particle is not None:
        pobj = [g for g in particle.children if g.dep_ == "pobj"]
        if role == "addressee":
            addressees.extend(pobj)
            for p in pobj:  # "call on X to ...": the clause may hang off X
                roots.extend(
                    g for g in p.children if g.dep_ in ("acl", "relcl") and is_to_infinitive(g)
                )
        else:
            # "warned against escalation" (pobj), "warned against sending troops" (pcomp)
            roots.extend(g for g in particle.children if g.dep_ in ("pobj", "pcomp"))
    topic_preps = [c for c in children if c.dep_ == "prep" and c.lower_ in TOPIC_PREPS]
    for obj in objects:
        if particle is not None and obj.i < particle.i and names_someone(obj):
            addressees.append(obj)  # "warned Moscow against ...": the phrase takes X
        elif not clauses and role == "addressee" and verb.dep_ == "parataxis":
            addressees.append(obj)  # "The talks, the envoy told reporters, had ..."
        elif not clauses and role == "addressee" and topic_preps and names_someone(obj):
            addressees.append(obj)  # "warned Moscow against escalation"
            roots.extend(topic_preps)
        elif (
            not clauses
            and role == "addressee"
            and names_someone(obj)
            and (
                attached := [
                    g for g in obj.children if g.dep_ == "prep" and g.lower_ in TOPIC_PREPS
                ]
            )
        ):
            # The same, with the topic parsed as a modifier of the addressee.
            topic = attached[0]
            addressees.append(Mention(obj.left_edge.i, topic.i, obj.i))
            roots.append(topic)
        elif clauses and (role == "addressee" or obj.lower_ in PERSONAL):
            addressees.append(obj)
        elif obj.lower_ in PERSONAL and kind == "statement" and not clauses:
            continue  # "questioning them": a person is no statement's content
        elif obj.lower_ not in SKIP_OBJECTS:
            roots.append(obj)
            if kind == "statement":
                kind = object_kind(obj, lex) or kind  # "reiterated its ultimatum"
    if objects and kind == "accusation":
        roots.extend(c for c in children if c.dep_ == "prep" and c.lower_ in CONTENT_PREPS)
    for c in children:
        if c.dep_ in ("prep", "dative") and c.lower_ == "to" and c.i != getattr(particle, "i", -1):
            if particle is not None and role == "addressee":
                roots.append(c)  # "call on X to the cessation of ...": the goal is content
            else:
                addressees.extend(g for g in c.children if g.dep_ == "pobj")
    # "urged X to leave" parsed with X as the subject of the infinitive.
    skip_tokens: set[int] = set()
    for cl in clauses:
        for g in cl.children:
            if g.dep_ == "nsubj" and role == "addressee" and is_to_infinitive(cl) and g.i < cl.i:
                addressees.append(g)
                skip_tokens.update(t.i for t in g.subtree)
    if (
        roots
        and entry is None
        and lemma in lex.clause_only
        and not clauses
        and not any(r.lemma_.lower() in lex.nouns for r in roots)
    ):
        return None  # "pressed their offensive", "wrote a letter": no report without a clause
    complement = entry.complement if entry else lex.complements.get(lemma, "any")
    if complement == "document":
        # Public acts take a noun-phrase object; "signed an agreement ... to end the
        # fighting", "used a helicopter to survey ...": a purpose clause, not content.
        roots = [r for r in roots if r not in clauses]
        clauses = []
    named = [p for obj in objects for p in predicates(verb, obj)]
    if objects and not clauses:
        if complement == "naming" and not named:
            return None  # "called a taxi": no name given
        if complement == "document" and not any(is_document(o, lex) for o in objects):
            return None  # "released the hostages": not a message
        if complement == "evidence" and not evidence_subject(subj, lex):
            return None  # "rescuers found survivors"
    elif complement == "naming" and not clauses and entry is None:
        return None
    if objects:
        # "described X as Y", "blasted the decision as ...": the predicate is content too.
        roots.extend(p for p in named if p not in roots)
    extra: set[int] = set()
    if not roots:
        # News-wire order, the report first: "Ten people died, the monitor said." The
        # parser makes the report a ccomp to the left of the verb, or the verb a
        # parataxis of the report's own verb.
        roots = [c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i]
        if not roots and verb.dep_ == "parataxis":
            extra = {t.i for t in verb.head.subtree if t.i < verb.left_edge.i}
    if not roots and not extra and verb.dep_ == "parataxis":
        # "Talks, both delegations agreed, would continue": nothing before is kept
        # only if the report goes on after the cue.
        extra = {t.i for t in verb.head.subtree if t.i > verb.right_edge.i}
    if not roots and not extra:
        return None
    content = _content_range(doc, verb, roots, claim_verbs, skip_tokens, extra)
    if content is None:
        return None
    parts: list[tuple[int, int]] | None = None
    if extra:
        # "The mill, the owner said, will reopen": the report goes on after the cue.
        after = {t.i for t in verb.head.subtree if t.i > verb.right_edge.i}
        second = _content_range(doc, verb, [], claim_verbs, skip_tokens, after) if after else None
        if second is not None and second[0] > content[1]:
            parts = [content, second]
    if doc[content[0] : content[1]].text.lower() in NO_COMMENT:
        return None  # "declined to comment" says nothing
    if lemma in PROMISE_WITH_INFINITIVE and any(is_to_infinitive(c) for c in clauses):
        kind = "promise"  # "agreed to raise wages", "offered to release"
    if any(c.dep_ == "neg" for c in verb.children) and kind in NEGATED_TO_STATEMENT:
        kind = "statement"  # "did not deny" is not a denial
    text = text_of(doc)
    start, end = char_span(doc, *content)
    dateline = DATELINE.match(text, start)
    if dateline is not None and dateline.end() < end:
        start = dateline.end()  # "BEIRUT (Reuters) - Forces pressed ..., a monitor said"
    end = balance_quote_end(text, start, end)
    char_parts = None
    if parts is not None:
        char_parts = [(start, end)] + [
            (a, balance_quote_end(text, a, b)) for a, b in (char_span(doc, *p) for p in parts[1:])
        ]
        end = char_parts[-1][1]
    m = subject_mention(subj)
    antecedent = None
    rel = relative_speaker(subj)
    if rel is not None:
        m, ante = rel
        antecedent = char_span(doc, ante.start, ante.end)
    c_start, c_end = cue_range(verb, particle)
    return Draft(
        parts=char_parts,
        antecedent=antecedent,
        content=(start, end),
        speaker=char_span(doc, m.start, m.end),
        cue=char_span(doc, c_start, c_end),
        kind=kind,
        quote_type="mixed" if contains_quote_mark(text[start:end]) else "indirect",
        addressees=[
            char_span(doc, a.start, a.end)
            for a in (x if isinstance(x, Mention) else mention_of(x) for x in addressees)
            if not is_setting(doc[a.head])
        ],
        mention=m,
        cue_token=verb.i,
    )


def _content_range(
    doc: Doc,
    verb: Token,
    roots: list[Token],
    claim_verbs: dict[int, Token],
    skip: set[int],
    extra: set[int] | None = None,
) -> tuple[int, int] | None:
    """Contiguous token range of the complement roots' subtrees.

    Cut at another reporting verb that makes its own claim with a subject outside this
    complement (a mis-attached conjunct), so two claims never share content.
    """
    tokens: set[int] = set(extra or ())
    for r in roots:
        tokens.update(t.i for t in r.subtree)
    for vi, subj in claim_verbs.items():
        if vi in tokens and vi != verb.i and subj.i not in tokens:
            cut = doc[vi]
            cut_from = min(t.i for t in cut.subtree)
            for t in cut.head.children:  # the "and" / comma before the conjunct
                if t.dep_ in ("cc", "punct") and cut_from - 3 <= t.i < cut_from:
                    cut_from = min(cut_from, t.i)
            tokens = {i for i in tokens if i < cut_from}
    tokens -= skip
    trim_time_edges(doc, tokens)
    if not tokens:
        return None
    start, end = min(tokens), max(tokens)
    while start <= end and (
        doc[start].is_space or (doc[start].is_punct and not is_quote_token(doc[start]))
    ):
        start += 1
    while end >= start and (
        doc[end].is_space or (doc[end].is_punct and not is_quote_token(doc[end]))
    ):
        end -= 1
    if end < start:
        return None
    return start, end + 1


def is_quote_token(tok: Token) -> bool:
    return tok.text in ('"', "“", "”", "«", "»")
