"""Source phrases: "According to X, Y.", "Y, according to X." and "X, according to Y, Z"
(the report resumes after the source: two content parts)."""

from __future__ import annotations

from spacy.tokens import Doc

from idleb_desk.nlp.draft import Draft, char_span
from idleb_desk.nlp.edges import trim_end, trim_start
from idleb_desk.nlp.quotes import balance_quote_end, contains_quote_mark, is_quote_token
from idleb_desk.nlp.speakers import mention_of, text_of


def according_to_claims(doc: Doc, blocked: set[int]) -> list[Draft]:
    """ "According to X, Y." / "Y, according to X." -> speaker X, cue "according to"."""
    drafts: list[Draft] = []
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if tok.lower_ != "according" or nxt.lower_ != "to" or tok.i in blocked:
            continue
        pobj = [g for g in nxt.children if g.dep_ == "pobj"]
        if not pobj:
            continue
        m = mention_of(pobj[0])
        sent = tok.sent
        lead = [t for t in doc[sent.start : tok.i] if not (t.is_punct or t.is_space)]
        if not lead:
            c_start, c_end = m.end, sent.end
        else:
            c_start, c_end = sent.start, tok.i
        c_start = trim_start(doc, c_start, c_end)
        c_end = trim_end(doc, c_start, c_end, keep=is_quote_token)
        if c_end <= c_start:
            continue
        start, end = char_span(doc, c_start, c_end)
        parts = None
        if lead:
            # "The convoy, according to monitors, was turned back": the report resumes.
            r_start, r_end = m.end, sent.end
            r_start = trim_start(doc, r_start, r_end)
            r_end = trim_end(doc, r_start, r_end, keep=is_quote_token)
            if r_end - r_start >= 2 and doc[m.end].text == ",":
                rest = char_span(doc, r_start, r_end)
                parts = [(start, end), (rest[0], balance_quote_end(text_of(doc), *rest))]
                end = parts[-1][1]
        text = text_of(doc)[start:end]
        drafts.append(
            Draft(
                content=(start, end),
                speaker=char_span(doc, m.start, m.end),
                cue=char_span(doc, tok.i, tok.i + 2),
                kind="statement",
                quote_type="mixed" if contains_quote_mark(text) else "indirect",
                mention=m,
                cue_token=tok.i,
                parts=parts,
            )
        )
    return drafts
