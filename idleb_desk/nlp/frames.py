"""Attributions not headed by an active reporting verb: noun cues, stance adjectives and
passive or impersonal reports.

- Noun cues: "the minister's allegation that ...", "the announcement by X that ...",
  "fears of ...", "a pledge to ...". The speaker is the possessive, the "by" phrase, the
  subject of a light verb ("made a pledge"), or nobody.
- Stance adjectives after a copula: "were skeptical of ...", "is confident that ...",
  "It is unclear whether ..." (an expletive "it" is no speaker).
- Passives: "It was reported that ...", "X is said to ...", "X was criticised by Y",
  "X was asked whether ..." (the passive subject of an addressee verb is the addressee).

Each returns Drafts in character offsets; claims.py orders, nests and cleans them. As in
the reporting-verb rules and the seed gold (PARC), a content clause keeps its "that".
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from idleb_desk.nlp.complements import match_phrase, trim_tail, trim_time_edges
from idleb_desk.nlp.cues import CueLexicon
from idleb_desk.nlp.draft import Draft, char_span, cue_range, is_to_infinitive
from idleb_desk.nlp.edges import trim_edges
from idleb_desk.nlp.quotes import ALL, SINGLE, balance_quote_end, contains_quote_mark
from idleb_desk.nlp.speakers import Mention, mention_of, text_of

# Prepositions that introduce the content after a noun or adjective cue.
NOUN_PREPS = frozenset({"of", "about", "for", "over", "against"})
STANCE_PREPS = frozenset({"of", "about", "over", "to", "with", "on", "toward", "towards"})
# Verbs that carry a noun cue without being a cue themselves ("made a pledge").
LIGHT_VERBS = frozenset({"make", "give", "offer", "renew", "repeat", "voice", "raise", "share"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp"})
# Prepositions of the medium a verb reports through ("said in a statement").
MEDIUM_PREPS = frozenset({"in", "through", "via", "with", "during", "at", "on", "after"})
# Prepositions that name the source of a noun cue with a content clause ("assurances
# from the board that ...", "the warning of the flood office that ...").
SOURCE_PREPS = frozenset({"by", "from", "of"})
# A passive's predicate: "is considered one of ...", "was dubbed "the road to nowhere"".
PREDICATE_DEPS = frozenset({"oprd", "attr"})
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop edge punctuation (not quote marks) from a token range."""
    start, end = trim_edges(doc, start, end, keep=_mark)
    return (start, end) if end > start else None


def _tail(doc: Doc, rng: tuple[int, int]) -> tuple[int, int]:
    """The range without a run-on relative clause, apposition or setting PP at its end."""
    tokens = set(range(*rng))
    trim_tail(doc, tokens)
    trim_time_edges(doc, tokens)
    return (min(tokens), max(tokens) + 1) if tokens else (rng[0], rng[0])


def _mark(tok: Token) -> bool:
    return tok.text in ALL or tok.text in SINGLE


def _subtree_range(tok: Token, skip: set[int] | None = None) -> tuple[int, int]:
    idx = [t.i for t in tok.subtree if not skip or t.i not in skip]
    return min(idx), max(idx) + 1


def _draft(
    doc: Doc,
    content: list[tuple[int, int]],
    speaker: Mention | None,
    cue: tuple[int, int],
    kind: str,
    cue_token: int,
    addressees: list[Mention] | None = None,
) -> Draft | None:
    ranges = [r for r in (_trim(doc, *_tail(doc, c)) for c in content) if r is not None]
    if not ranges:
        return None
    text = text_of(doc)
    parts = []
    for r in ranges:
        a, b = char_span(doc, *r)
        parts.append((a, balance_quote_end(text, a, b)))
    start, end = parts[0][0], parts[-1][1]
    return Draft(
        content=(start, end),
        parts=parts if len(parts) > 1 else None,
        speaker=None if speaker is None else char_span(doc, speaker.start, speaker.end),
        cue=char_span(doc, *cue),
        kind=kind,
        quote_type="mixed" if contains_quote_mark(text[start:end]) else "indirect",
        addressees=[char_span(doc, a.start, a.end) for a in addressees or []],
        mention=speaker,
        cue_token=cue_token,
    )


def _that_clause(tok: Token) -> Token | None:
    """A content clause under a noun or adjective: "that ...", "whether ..."."""
    for c in tok.children:
        if (
            c.dep_ in ("acl", "ccomp", "relcl")
            and c.i > tok.i
            and any(m.dep_ == "mark" and m.lower_ in ("that", "whether", "if") for m in c.children)
        ):
            return c
    return None


def _possessor(tok: Token) -> Mention | None:
    for c in tok.children:
        if c.dep_ == "poss":
            m = mention_of(c)
            end = m.end
            while end > m.start + 1 and tok.doc[end - 1].tag_ == "POS":
                end -= 1
            return Mention(m.start, end, m.head)
    return None


def noun_claims(doc: Doc, lex: CueLexicon, blocked: set[int]) -> list[Draft]:
    drafts: list[Draft] = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" or lemma not in lex.nouns or tok.i in blocked:
            continue
        if tok.dep_ == "compound":
            continue  # "the warning lights"
        head = tok.head
        if tok.dep_ in ("dobj", "obj") and head.lemma_.lower() in lex.verbs:
            continue  # "issued a warning": the verb's claim holds the noun
        if (
            tok.dep_ == "pobj"
            and head.lower_ in MEDIUM_PREPS
            and (head.head.lemma_.lower() in lex.verbs or match_phrase(head.head, lex))
        ):
            continue  # "said in a statement": the medium of the verb's claim
        clause = _that_clause(tok)
        cue_end = tok.i + 1
        content: tuple[int, int] | None = None
        source: Mention | None = None
        misread = _misread_complement(tok) if clause is None else None
        if misread is not None:
            # "the warning of the flood office that the levees could fail": the parser
            # took "that" for a relative pronoun of the office.
            source_tok, clause, _ = misread
            # Its "that" stays in the content, as for any content clause here.
            source = _mention_before(source_tok, clause)
            content = _subtree_range(clause)
        elif clause is not None:
            content = _subtree_range(clause)
            source = _source_pp(tok, clause)
        elif lemma not in lex.clause_nouns:
            inf = [c for c in tok.children if c.dep_ == "acl" and is_to_infinitive(c)]
            preps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in NOUN_PREPS]
            if inf:
                content = _subtree_range(inf[0])
                source = _source_pp(tok, inf[0])
            elif preps and preps[0].i == tok.i + 1:
                objs = [g for g in preps[0].children if g.dep_ in ("pobj", "pcomp")]
                # "the statement of the ministry": a named "of" object is the source.
                if objs and not (preps[0].lower_ == "of" and _source_of(tok, objs[0], lex)):
                    content = _subtree_range(objs[0])
                    cue_end = preps[0].i + 1
                    late = _late_agent(objs[0])
                    if late is not None and _agent_like(late[1]):
                        # "criticism of the plan by the unions": the by-phrase the parser
                        # hung on the object names the source.
                        source = mention_of(late[1])
                        content = (content[0], late[0].i)
        if content is None:
            continue
        if tok.i < head.i < content[1]:
            content = (content[0], head.i)  # a mis-attached main verb ends the content
        speaker = _possessor(tok) or source
        subj = [c for c in tok.children if c.dep_ == "nsubj"]
        if speaker is None and tok.dep_ == "ROOT" and subj:
            speaker = mention_of(subj[0])  # "Residents fear that ...", mis-tagged as a noun
        if speaker is None:
            by = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"]
            objs = [g for g in by[0].children if g.dep_ == "pobj"] if by else []
            if objs:
                speaker = mention_of(objs[0])
        if speaker is None and tok.dep_ in ("dobj", "obj") and head.lemma_.lower() in LIGHT_VERBS:
            subj = [c for c in head.children if c.dep_ == "nsubj"]
            if subj:
                speaker = mention_of(subj[0])
        if speaker is None and tok.dep_ == "nsubj" and head.lemma_.lower() == "come":
            src = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "from"]
            objs = [g for g in src[0].children if g.dep_ == "pobj"] if src else []
            if objs:
                speaker = mention_of(objs[0])  # "The call for X came from the union"
        d = _draft(doc, [content], speaker, (tok.i, cue_end), lex.nouns[lemma], tok.i)
        if d is not None:
            drafts.append(d)
    return drafts


def _stance_of(tok: Token, lex: CueLexicon) -> str | None:
    kind = lex.stances.get(tok.lower_)
    return kind if kind is not None else lex.stances.get(tok.lemma_.lower())


def stance_claims(doc: Doc, lex: CueLexicon, blocked: set[int]) -> list[Draft]:
    drafts: list[Draft] = []
    for adj in doc:
        if adj.i in blocked or adj.pos_ not in ("ADJ", "VERB"):
            continue
        kind = _stance_of(adj, lex)
        if kind is None:
            continue
        if adj.dep_ in ("acomp", "oprd") and adj.head.lemma_.lower() in lex.copulas:
            cop = adj.head
        elif any(c.dep_ == "auxpass" for c in adj.children):
            cop = adj  # "are divided over", parsed as a passive
        else:
            continue
        cue_start = cue_range(cop, None)[0]
        cue_end = adj.i + 1
        content = None
        clause = _that_clause(adj) or _that_clause(cop)
        if clause is None:
            clause = next(
                (c for c in (*adj.children, *cop.children) if c.dep_ == "ccomp" and c.i > adj.i),
                None,
            )
        if clause is not None:
            content = _subtree_range(clause)
        else:
            inf = [c for c in adj.children if c.dep_ == "xcomp" and is_to_infinitive(c)]
            preps = [c for c in adj.children if c.dep_ == "prep" and c.lower_ in STANCE_PREPS]
            if inf:
                content = _subtree_range(inf[0])
            elif preps:
                objs = [g for g in preps[0].children if g.dep_ in ("pobj", "pcomp")]
                # "the statement of the ministry": a named "of" object is the source.
                if objs and not (preps[0].lower_ == "of" and objs[0].ent_type_ in NAME_LABELS):
                    content = _subtree_range(objs[0])
                    cue_end = preps[0].i + 1
        if content is None:
            continue
        subj = [c for c in cop.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:  # "Detectives are convinced": the parser may hang it on "are"
            subj = [
                g
                for c in cop.children
                if c.dep_ in ("aux", "auxpass") and c.i < cop.i
                for g in c.children
                if g.dep_ in ("nsubj", "nsubjpass")
            ]
        speaker = None
        if subj and not (subj[0].lower_ == "it" and clause is not None):
            speaker = mention_of(subj[0])
        d = _draft(doc, [content], speaker, (cue_start, cue_end), kind, adj.i)
        if d is not None:
            blocked.add(adj.i)
            drafts.append(d)
    return drafts


def passive_claims(doc: Doc, lex: CueLexicon, blocked: set[int]) -> list[Draft]:
    drafts: list[Draft] = []
    for verb in doc:
        lemma = verb.lemma_.lower()
        if verb.i in blocked or verb.pos_ != "VERB" or lemma not in lex.verbs:
            continue
        if lemma == "quote":
            continue
        owner = verb
        bare = _bare_participle(doc, lex, verb)
        if bare is not None:
            blocked.add(verb.i)
            drafts.append(bare)
            continue
        if not any(c.dep_ == "auxpass" for c in verb.children):
            # "was summoned and told to explain": a conjoined participle shares the
            # first verb's passive auxiliary and subject.
            # The tagger often says VBD there; an active "and told police ..." has an
            # object, and only addressee verbs ("told to", "asked to") read passive.
            head = verb.head
            own = {c.dep_ for c in verb.children}
            if not (
                verb.dep_ == "conj"
                and any(c.dep_ == "auxpass" for c in head.children)
                and not own & {"nsubj", "nsubjpass", "dobj", "dative"}
                and (
                    verb.tag_ == "VBN"
                    or (verb.tag_ == "VBD" and lex.object_roles.get(lemma) == "addressee")
                )
            ):
                continue
            owner = head
        subj = next((c for c in owner.children if c.dep_ == "nsubjpass"), None)
        expletive = subj is not None and subj.lower_ == "it"
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        by = [g for g in agent.children if g.dep_ == "pobj"] if agent is not None else []
        speaker = mention_of(by[0]) if by else None
        phrases = lex.phrases.get(lemma, {})
        clause = next(
            (
                c
                for c in verb.children
                if c.i > verb.i
                and (
                    c.dep_ in CLAUSE_DEPS
                    or c.dep_ in PREDICATE_DEPS
                    or (c.dep_ == "prep" and (c.lower_ == "as" or c.lower_ in phrases))
                )
            ),
            None,
        )
        role = lex.object_roles.get(lemma, "content")
        complement = lex.complements.get(lemma, "any")
        addressees: list[Mention] = []
        content: list[tuple[int, int]] = []
        second = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
        if clause is None and second is not None and subj is not None and not expletive:
            # "Flood victims have been promised grants": the subject is the one promised.
            addressees.append(mention_of(subj))
            subj, clause = None, second
        if clause is not None:
            body = _predicate_range(verb, clause, agent)
            if speaker is None:
                late = _late_agent(clause)
                if late is not None:
                    # "was hailed as a breakthrough by both unions": the parser hangs
                    # the by-phrase on the predicate; it names the speaker.
                    speaker = mention_of(late[1])
                    body = (body[0], min(body[1], late[0].i))
            if subj is None or expletive:
                content = [body]
            elif role == "addressee":
                addressees.append(mention_of(subj))  # "X was asked whether ..."
                content = [body]
            else:
                content = [_subtree_range(subj), body]  # "X is said to ...": raised subject
        elif subj is not None and not expletive:
            if complement in ("clause", "naming", "evidence"):
                continue
            if complement == "document" and not _is_document_tok(subj, lex):
                continue
            if speaker is None and complement == "document":
                continue  # "The bill was passed": an event unless someone is named
            content = [_subtree_range(subj)]
            for c in verb.children:
                if c.dep_ in ("prep", "dative") and c.lower_ == "to":
                    addressees.extend(mention_of(g) for g in c.children if g.dep_ == "pobj")
        if not content:
            continue
        kind = lex.verbs[lemma]
        if clause is not None and role == "addressee" and clause.dep_ != "dobj":
            # "were told to leave" is an order; "was asked whether ..." a question.
            kind = "demand" if is_to_infinitive(clause) else "statement"
        if any(c.dep_ == "neg" for c in verb.children) and kind != "statement":
            kind = "statement"
        cue = cue_range(verb, None)
        d = _draft(doc, content, speaker, cue, kind, verb.i, addressees)
        if d is not None:
            blocked.add(verb.i)
            drafts.append(d)
    return drafts


def _is_document_tok(tok: Token, lex: CueLexicon) -> bool:
    lemma = tok.lemma_.lower()
    return lemma in lex.documents or lemma in lex.nouns


def _bare_participle(doc: Doc, lex: CueLexicon, verb: Token) -> Draft | None:
    """ "Asked about the levy, the mayor said ...", "when asked if he would sell": a
    passive participle of an addressee verb with no subject of its own. Nobody is named as
    asking; the main clause's subject is the one asked (the addressee)."""
    lemma = verb.lemma_.lower()
    if (
        verb.tag_ != "VBN"
        or verb.dep_ != "advcl"
        or lex.object_roles.get(lemma) != "addressee"
        or any(c.dep_ in ("nsubj", "nsubjpass", "auxpass", "aux", "dobj") for c in verb.children)
    ):
        return None
    cue_end = verb.i + 1
    clause = next(
        (
            c
            for c in verb.children
            if c.i > verb.i
            and (
                c.dep_ in CLAUSE_DEPS
                # "Asked if the strike would continue": the parser may make it adverbial
                or (c.dep_ == "advcl" and any(m.lower_ in ("if", "whether") for m in c.children))
            )
        ),
        None,
    )
    if clause is not None:
        content = _subtree_range(clause)
    else:
        prep = next(
            (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("about", "on", "over")),
            None,
        )
        objs = [g for g in prep.children if g.dep_ in ("pobj", "pcomp")] if prep else []
        if prep is None or not objs or prep.i != verb.i + 1:
            return None
        content = _subtree_range(objs[0])
        cue_end = prep.i + 1
    asked = [mention_of(c) for c in verb.head.children if c.dep_ == "nsubj"]
    kind = "demand" if clause is not None and is_to_infinitive(clause) else "statement"
    return _draft(doc, [content], None, (verb.i, cue_end), kind, verb.i, asked[:1])


def _predicate_range(verb: Token, clause: Token, agent: Token | None) -> tuple[int, int]:
    """The predicate's subtree, run on over the verb's later modifiers that the parser
    split from it ("dubbed "the road | to nowhere""), up to a by-phrase."""
    start, end = _subtree_range(clause)
    if clause.dep_ == "prep":
        # "was hailed as a breakthrough": the preposition belongs to the cue.
        objs = [g for g in clause.children if g.dep_ in ("pobj", "pcomp")]
        return _subtree_range(objs[0]) if objs else (start, end)
    if clause.dep_ not in PREDICATE_DEPS:
        return start, end
    for c in verb.children:
        if c.i < end or c.dep_ in ("agent", "punct", "cc", "conj") or c is agent:
            continue
        if c.dep_ == "prep" and c.i == end:
            end = max(end, _subtree_range(c)[1])
    return start, end


def _late_agent(pred: Token) -> tuple[Token, Token] | None:
    """A "by X" phrase ending the predicate's subtree, with a noun object: (by, X)."""
    last = max(t.i for t in pred.subtree)
    for t in pred.subtree:
        if t.dep_ == "prep" and t.lower_ == "by" and t.i != pred.i:
            objs = [g for g in t.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")]
            if objs and max(x.i for x in t.subtree) == last:
                return t, objs[0]
    return None


def _source_pp(noun: Token, clause: Token) -> Mention | None:
    """ "Assurances from the board that ...", "the pledge by the union to ...": a by,
    from or of phrase between a noun cue and its content clause names the source."""
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ in SOURCE_PREPS and noun.i < c.i < clause.left_edge.i:
            objs = [g for g in c.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")]
            if objs:
                return _mention_before(objs[0], clause)
    return None


def _mention_before(tok: Token, clause: Token) -> Mention:
    m = mention_of(tok)
    end = min(m.end, clause.left_edge.i)
    return Mention(m.start, max(end, m.head + 1), m.head)


def _misread_complement(noun: Token) -> tuple[Token, Token, Token] | None:
    """A content clause the parser made a relative clause of the source ("the warning of
    the office [that the levees could fail]"): "that" opens a clause that has a subject
    of its own. Returns (source noun, clause, "that")."""
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in SOURCE_PREPS or prep.i != noun.i + 1:
            continue
        for pobj in (g for g in prep.children if g.dep_ == "pobj"):
            for holder in (pobj, noun):
                rel = _that_relative(holder, after=pobj.i)
                if rel is not None:
                    return pobj, rel[0], rel[1]
    return None


def _that_relative(holder: Token, after: int) -> tuple[Token, Token] | None:
    """A relative clause on `holder`, after token `after`, opened by "that" and with a
    subject of its own: (clause, "that")."""
    for rel in (g for g in holder.children if g.dep_ == "relcl" and g.i > after):
        that = next((g for g in rel.children if g.lower_ == "that" and g.i < rel.i), None)
        own = [g for g in rel.children if g.dep_ in ("nsubj", "nsubjpass") and g is not that]
        if that is None or not own or that.i != rel.left_edge.i:
            continue
        # A proposition, not a relative gap: an object of its own ("that the coach had
        # bullied them") or a modal or perfect ("that the levees could fail"). "The
        # claims that the minister ignored" stays a relative clause.
        objects = [g for g in rel.children if g.dep_ in PROPOSITION_DEPS and g is not that]
        aux = [g for g in rel.children if g.dep_ in ("aux", "auxpass") and g.i < rel.i]
        if objects or aux:
            return rel, that
    return None


PROPOSITION_DEPS = frozenset({"dobj", "attr", "acomp", "ccomp", "xcomp", "oprd", "nsubjpass"})


# Suffixes of nouns for people and bodies ("farmers", "inspector", "scientists").
AGENT_SUFFIXES = (
    "er", "ers", "or", "ors", "ist", "ists", "ian", "ians", "ent", "ents", "man", "men",
    "person", "people",
)  # fmt: skip


def _source_of(noun: Token, obj: Token, lex: CueLexicon) -> bool:
    """Is the "of" object of a noun cue its source ("the statement of the ministry",
    "the findings of the inquiry", "the testimony of the inspector") rather than its
    content ("fears of war", "criticism of the plan")? A name always is; for a noun of
    saying (kind statement) also a document, a pronoun or a noun for people."""
    if obj.ent_type_ in NAME_LABELS:
        return True
    if lex.nouns.get(noun.lemma_.lower()) != "statement":
        return False
    lemma = obj.lemma_.lower()
    return (
        lemma in lex.documents
        or obj.pos_ == "PRON"
        or (obj.pos_ == "NOUN" and obj.lower_.endswith(AGENT_SUFFIXES))
    )


def _agent_like(tok: Token) -> bool:
    """A by-object that can be a source: a name or a determined noun ("the unions"),
    not a bare time noun ("by spring")."""
    if tok.ent_type_ in ("DATE", "TIME"):
        return False
    return tok.pos_ == "PROPN" or any(c.dep_ in ("det", "poss") for c in tok.children)
