"""One reporting verb read as a claim, in phases around a `VerbFrame`.

`build` reads the verb's complements, tells addressees ("asked X to ...", "call on X to
...") from content, checks the complement the verb's lexicon entry needs ("signed" takes
a document, "called" a name), falls back to the report around the cue ("Ten people died,
the monitor said"), then measures the content in characters. Each phase is a function of
the frame that fills in its roots, addressees and kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from idleb_desk.nlp.boilerplate import DATELINE
from idleb_desk.nlp.complements import (
    PROMISE_WITH_INFINITIVE,
    evidence_subject,
    is_document,
    object_kind,
    predicates,
    relative_speaker,
    trim_tail,
    trim_time_edges,
)
from idleb_desk.nlp.cues import CueEntry, CueLexicon
from idleb_desk.nlp.draft import (
    Draft,
    char_span,
    cue_range,
    is_setting,
    is_to_infinitive,
)
from idleb_desk.nlp.edges import trim_edges
from idleb_desk.nlp.quotes import balance_quote_end, contains_quote_mark, is_quote_token
from idleb_desk.nlp.speakers import Mention, mention_of, subject_mention, text_of

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
# Control complements that report nothing ("was not authorised to be named"). "Declined
# to comment" is a claim: a public refusal to speak, coded as a statement.
NO_COMMENT = frozenset({"to be named", "to be identified"})
NO_COMMENT_TO_STATEMENT = frozenset({
    "to comment", "to elaborate", "to give details", "to say more", "to answer",
    "comment", "to comment further",
})  # fmt: skip


PEOPLE_SUFFIXES = ("ers", "ors", "ists", "ians", "ents", "men", "people", "workers")


def _people(tok: Token) -> bool:
    return tok.tag_ == "NNS" and tok.lower_.endswith(PEOPLE_SUFFIXES)


# Clause-only verbs whose bare object is mostly no message ("wrote poetry", "felt pain",
# "maintained order", "added salt", "pressed home", "ruled Syria").
NO_BARE = frozenset({"write", "feel", "maintain", "press", "add", "rule", "know", "vote", "think"})


def _bare_abstract(tok: Token) -> bool:
    """A bare singular noun object ("claimed victory", "claimed responsibility", "noted
    progress"): no determiner, possessive or number, so not a thing one handles ("wrote
    a letter", "claimed three boats")."""
    return (
        tok.dep_ in OBJECT_DEPS
        and tok.tag_ == "NN"
        and not tok.ent_type_
        and not any(c.dep_ in ("det", "poss", "nummod", "compound") for c in tok.children)
    )


def _time_pp(prep: Token) -> bool:
    return any(g.ent_type_ in ("DATE", "TIME") for g in prep.children if g.dep_ == "pobj")


def names_someone(tok: Token) -> bool:
    if tok.lower_ in PERSONAL:
        return True
    return any(t.ent_type_ in NAME_LABELS for t in tok.subtree)


@dataclass
class VerbFrame:
    """One cue verb being read: what the phases of `build` share and fill in.

    `roots` are the tokens whose subtrees make the content, `extra` content tokens taken
    without a root (the report around the cue), `skip` tokens kept out of the content.
    """

    doc: Doc
    lex: CueLexicon
    verb: Token
    subj: Token
    particle: Token | None
    entry: CueEntry | None
    claim_verbs: dict[int, Token]
    lemma: str
    role: str
    kind: str
    children: list[Token]
    clauses: list[Token]
    objects: list[Token]
    roots: list[Token]
    addressees: list[Token | Mention] = field(default_factory=list)
    skip: set[int] = field(default_factory=set)
    extra: set[int] = field(default_factory=set)


def build(
    doc: Doc,
    lex: CueLexicon,
    verb: Token,
    subj: Token,
    particle: Token | None,
    entry: CueEntry | None,
    claim_verbs: dict[int, Token],
) -> Draft | None:
    """The claim a cue verb makes, or None: read the complements, tell addressees from
    content, check the complement the verb needs, fall back to the report around the
    cue, then measure the content."""
    f = _frame(doc, lex, verb, subj, particle, entry, claim_verbs)
    _particle_phrase(f)
    _sort_objects(f)
    _to_phrases(f)
    _infinitive_subjects(f)
    if not _complement_fits(f):
        return None
    _report_around_cue(f)
    if not f.roots and not f.extra:
        return None
    found = _content(f)
    if found is None:
        return None
    content, parts = found
    if doc[content[0] : content[1]].text.lower() in NO_COMMENT:
        return None  # "not authorised to be named" says nothing
    _settle_kind(f)
    said = doc[content[0] : content[1]].text.lower()
    if any(said == p or said.startswith(p + " ") for p in NO_COMMENT_TO_STATEMENT):
        f.kind = "statement"  # "declined to comment (on the report)"
    return _draft(f, content, parts)


def _frame(
    doc: Doc,
    lex: CueLexicon,
    verb: Token,
    subj: Token,
    particle: Token | None,
    entry: CueEntry | None,
    claim_verbs: dict[int, Token],
) -> VerbFrame:
    """The verb's entry in the lexicon and its complement clauses and objects."""
    lemma = verb.lemma_.lower()
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
    return VerbFrame(
        doc=doc,
        lex=lex,
        verb=verb,
        subj=subj,
        particle=particle,
        entry=entry,
        claim_verbs=claim_verbs,
        lemma=lemma,
        role=entry.object_role if entry else lex.object_roles.get(lemma, "content"),
        kind=entry.kind if entry else lex.verbs[lemma],
        children=children,
        clauses=clauses,
        objects=[c for c in children if c.dep_ in OBJECT_DEPS],
        roots=list(clauses),
    )


def _particle_phrase(f: VerbFrame) -> None:
    """The object of a phrase cue's preposition: addressee ("call on X") or content."""
    if f.particle is None:
        return
    pobj = [g for g in f.particle.children if g.dep_ == "pobj"]
    if f.role == "addressee":
        f.addressees.extend(pobj)
        for p in pobj:  # "call on X to ...": the clause may hang off X
            f.roots.extend(
                g for g in p.children if g.dep_ in ("acl", "relcl") and is_to_infinitive(g)
            )
    elif f.particle.pos_ == "ADJ":
        # "made it plain that ...": the clause hangs on the adjective, which is cue.
        clause = [g for g in f.particle.children if g.dep_ in CLAUSE_DEPS | {"advcl"}]
        f.roots = [r for r in f.roots if r.i != f.particle.i] + clause
        f.clauses = [c for c in f.clauses if c.i != f.particle.i] + clause
        f.skip.update(t.i for t in f.particle.children if t.dep_ in ("nsubj", "dobj"))
    else:
        # "warned against escalation" (pobj), "warned against sending troops" (pcomp)
        objs = [g for g in f.particle.children if g.dep_ in ("pobj", "pcomp")]
        f.roots.extend(objs)
        if objs:
            f.roots.extend(_trailing_pps(f.verb, max(t.i for t in f.particle.subtree)))


# Prepositions of a phrase that goes on the topic ("warned about fog on the estuary"),
# unlike the setting or time of the report ("at a briefing", "in court", "on Monday").
TOPIC_TAIL_PREPS = frozenset({
    "on", "of", "for", "over", "near", "across", "along", "around", "from", "between",
    "among", "inside", "outside", "under", "against", "about", "to",
})  # fmt: skip


def _trailing_pps(verb: Token, last: int) -> list[Token]:
    """Prepositional phrases the parser hung on the verb right after a topic object."""
    out: list[Token] = []
    for c in verb.children:
        if c.i != last + 1 or c.dep_ != "prep" or c.lower_ not in TOPIC_TAIL_PREPS:
            continue
        objs = [g for g in c.children if g.dep_ == "pobj"]
        if not objs or objs[0].ent_type_ in ("DATE", "TIME") or is_setting(objs[0]):
            continue
        out.append(c)
        last = max(t.i for t in c.subtree)
    return out


def _sort_objects(f: VerbFrame) -> None:
    """Each direct object is an addressee, content, or neither."""
    particle, clauses, role = f.particle, f.clauses, f.role
    topic_preps = [c for c in f.children if c.dep_ == "prep" and c.lower_ in TOPIC_PREPS]
    for obj in f.objects:
        if particle is not None and obj.i == particle.i:
            continue  # "as its owner put it": the object is the idiom's own
        if particle is not None and obj.i < particle.i and not names_someone(obj):
            continue  # "sounded the alarm over ...": the idiom's own noun is cue
        if particle is not None and obj.i < particle.i and names_someone(obj):
            f.addressees.append(obj)  # "warned Moscow against ...": the phrase takes X
        elif not clauses and role == "addressee" and f.verb.dep_ == "parataxis":
            f.addressees.append(obj)  # "The talks, the envoy told reporters, had ..."
        elif not clauses and role == "addressee" and topic_preps and names_someone(obj):
            f.addressees.append(obj)  # "warned Moscow against escalation"
            f.roots.extend(topic_preps)
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
            f.addressees.append(Mention(obj.left_edge.i, topic.i, obj.i))
            f.roots.append(topic)
        elif clauses and (role == "addressee" or obj.lower_ in PERSONAL):
            f.addressees.append(obj)
        elif obj.lower_ in PERSONAL and f.kind == "statement" and not clauses:
            continue  # "questioning them": a person is no statement's content
        elif obj.lower_ not in SKIP_OBJECTS:
            f.roots.append(obj)
            if f.kind == "statement":
                f.kind = object_kind(obj, f.lex) or f.kind  # "reiterated its ultimatum"
    if f.objects and f.kind == "accusation":
        f.roots.extend(
            c
            for c in f.children
            if c.dep_ == "prep"
            and (c.lower_ in CONTENT_PREPS or (c.lower_ == "on" and not _time_pp(c)))
        )  # "accused X of Y", "blamed the fire on faulty wiring"
    elif (
        not f.clauses
        and f.lex.complements.get(f.lemma) != "naming"
        and any(o in f.roots and (names_someone(o) or _people(o)) for o in f.objects)
    ):
        # "praised the rescue workers for their courage": what they are praised for.
        f.roots.extend(
            c for c in f.children if c.dep_ == "prep" and c.lower_ == "for" and not _time_pp(c)
        )


def _to_phrases(f: VerbFrame) -> None:
    """ "told to X": X is the addressee, or the goal of a phrase cue's addressee."""
    particle_i = getattr(f.particle, "i", -1)
    for c in f.children:
        if c.dep_ in ("prep", "dative") and c.lower_ == "to" and c.i != particle_i:
            if f.particle is not None and f.role == "addressee":
                f.roots.append(c)  # "call on X to the cessation of ...": the goal is content
            else:
                f.addressees.extend(g for g in c.children if g.dep_ == "pobj")


def _infinitive_subjects(f: VerbFrame) -> None:
    """ "urged X to leave" parsed with X as the subject of the infinitive."""
    for cl in f.clauses:
        for g in cl.children:
            if g.dep_ == "nsubj" and f.role == "addressee" and is_to_infinitive(cl) and g.i < cl.i:
                f.addressees.append(g)
                f.skip.update(t.i for t in g.subtree)


def _complement_fits(f: VerbFrame) -> bool:
    """Does the verb have the complement its lexicon entry needs to report something?"""
    lex, entry, lemma = f.lex, f.entry, f.lemma
    if (
        f.roots
        and entry is None
        and lemma in lex.clause_only
        and not f.clauses
        and not any(
            r.lemma_.lower() in lex.nouns or (lemma not in NO_BARE and _bare_abstract(r))
            for r in f.roots
        )
    ):
        return False  # "pressed their offensive", "wrote a letter": no report without a clause
    complement = entry.complement if entry else lex.complements.get(lemma, "any")
    if complement == "document":
        # Public acts take a noun-phrase object; "signed an agreement ... to end the
        # fighting", "used a helicopter to survey ...": a purpose clause, not content.
        f.roots = [r for r in f.roots if r not in f.clauses]
        f.clauses = []
    named = [p for obj in f.objects for p in predicates(f.verb, obj)]
    if f.objects and not f.clauses:
        if complement == "naming" and not named:
            return False  # "called a taxi": no name given
        if complement == "document" and not any(is_document(o, lex) for o in f.objects):
            return False  # "released the hostages": not a message
        if complement == "evidence" and not evidence_subject(f.subj, lex):
            return False  # "rescuers found survivors"
    elif complement == "naming" and not f.clauses and entry is None:
        return False
    if f.objects:
        # "described X as Y", "blasted the decision as ...": the predicate is content too.
        f.roots.extend(p for p in named if p not in f.roots)
    return True


def _report_around_cue(f: VerbFrame) -> None:
    """With no complement, the report is around the cue."""
    verb = f.verb
    if not f.roots:
        # News-wire order, the report first: "Ten people died, the monitor said." The
        # parser makes the report a ccomp to the left of the verb, or the verb a
        # parataxis of the report's own verb.
        f.roots = [c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i]
        if not f.roots and verb.dep_ == "parataxis":
            f.extra = {t.i for t in verb.head.subtree if t.i < verb.left_edge.i}
    if not f.roots and not f.extra and _as_clause(verb):
        # "The ceasefire, as the minister said, is holding", "..., as its owner put it":
        # the clause the as-clause comments on is the report.
        f.extra = {t.i for t in verb.head.subtree if t.i < verb.left_edge.i}
        if not f.extra:
            f.extra = {t.i for t in verb.head.subtree if t.i > verb.right_edge.i}
    if not f.roots and not f.extra and verb.dep_ == "parataxis":
        # "Talks, both delegations agreed, would continue": nothing before is kept
        # only if the report goes on after the cue.
        f.extra = {t.i for t in verb.head.subtree if t.i > verb.right_edge.i}


TokenRange = tuple[int, int]


CONTRAST_MARKS = frozenset({"while", "whereas", "whilst"})


def _contrast_clause(verb: Token) -> bool:
    return verb.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS and c.i < verb.i for c in verb.children
    )


def _as_clause(verb: Token) -> bool:
    return verb.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ == "as" and c.i < verb.i for c in verb.children
    )


def _content(f: VerbFrame) -> tuple[TokenRange, list[TokenRange] | None] | None:
    """The content's token range and, when the report resumes after the cue, its parts."""
    content = _content_range(f, f.roots, f.extra)
    if content is None:
        return None
    parts: list[TokenRange] | None = None
    if f.extra and (f.verb.dep_ == "parataxis" or _as_clause(f.verb)):
        # "The mill, the owner said, will reopen": the report goes on after the cue.
        verb = f.verb
        after = {t.i for t in verb.head.subtree if t.i > verb.right_edge.i}
        second = _content_range(f, [], after) if after else None
        if second is not None and second[0] > content[1]:
            parts = [content, second]
    return content, parts


def _settle_kind(f: VerbFrame) -> None:
    if f.lemma in PROMISE_WITH_INFINITIVE and any(is_to_infinitive(c) for c in f.clauses):
        f.kind = "promise"  # "agreed to raise wages", "offered to release"
    if any(c.dep_ == "neg" for c in f.verb.children) and f.kind in NEGATED_TO_STATEMENT:
        f.kind = "statement"  # "did not deny" is not a denial


def _draft(f: VerbFrame, content: TokenRange, parts: list[TokenRange] | None) -> Draft:
    """The claim in character offsets, its speaker resolved and its quote marks balanced."""
    doc = f.doc
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
    m = subject_mention(f.subj)
    antecedent = None
    rel = relative_speaker(f.subj)
    if rel is not None:
        m, ante = rel
        antecedent = char_span(doc, ante.start, ante.end)
    c_start, c_end = cue_range(f.verb, f.particle)
    return Draft(
        parts=char_parts,
        antecedent=antecedent,
        content=(start, end),
        speaker=char_span(doc, m.start, m.end),
        cue=char_span(doc, c_start, c_end),
        kind=f.kind,
        quote_type="mixed" if contains_quote_mark(text[start:end]) else "indirect",
        addressees=[
            char_span(doc, a.start, a.end)
            for a in (x if isinstance(x, Mention) else mention_of(x) for x in f.addressees)
            if not is_setting(doc[a.head])
        ],
        mention=m,
        cue_token=f.verb.i,
    )


def _content_range(f: VerbFrame, roots: list[Token], extra: set[int]) -> TokenRange | None:
    """Contiguous token range of the complement roots' subtrees.

    Cut at another reporting verb that makes its own claim with a subject outside this
    complement (a mis-attached conjunct), so two claims never share content.
    """
    doc = f.doc
    tokens: set[int] = set(extra)
    for r in roots:
        tokens.update(t.i for t in r.subtree)
    for vi, subj in f.claim_verbs.items():
        if vi in tokens and vi != f.verb.i and _contrast_clause(doc[vi]):
            # "Critics say X, while supporters argue Y": the second report is not part
            # of the first one's content.
            cut_from = min(t.i for t in doc[vi].subtree)
            while cut_from > 0 and doc[cut_from - 1].text == ",":
                cut_from -= 1
            tokens = {i for i in tokens if i < cut_from}
            continue
        if vi in tokens and vi != f.verb.i and subj.i not in tokens:
            cut = doc[vi]
            cut_from = min(t.i for t in cut.subtree)
            for t in cut.head.children:  # the "and" / comma before the conjunct
                if t.dep_ in ("cc", "punct") and cut_from - 3 <= t.i < cut_from:
                    cut_from = min(cut_from, t.i)
            tokens = {i for i in tokens if i < cut_from}
    tokens -= f.skip
    trim_time_edges(doc, tokens)
    trim_tail(doc, tokens)
    trim_time_edges(doc, tokens)
    if not tokens:
        return None
    start, end = trim_edges(doc, min(tokens), max(tokens) + 1, keep=is_quote_token)
    return (start, end) if end > start else None
