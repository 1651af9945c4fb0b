"""Exported files open in the other tools' own readers or meet their documented format,
and files written by those tools (not by us) import with their spans and claims."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from exchange_project import TRICKY, build
from spacy.tokens import DocBin
from spacy.training.converters import conll_ner_to_docs
from spacy.util import filter_spans

from idleb_desk.io.formats.conll import DOCSTART
from idleb_desk.io.formats.export import export_format
from idleb_desk.io.formats.tokens import aligned_doc, blank
from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("readers")
    db = build(folder)
    with Store.open(db) as store:
        for fmt in ("prodigy", "spacy", "brat", "labelstudio", "conll"):
            export_format(store, fmt, folder / "out", include_all=True)
    return db, folder / "out"


def stored(db: Path) -> list[tuple[str, list[tuple[int, int, str, str, str]]]]:
    with Store.open(db) as store:
        return [
            (store.document_text(d.id),
             [(s.start, s.end, s.label, s.layer, s.status) for s in store.spans(d.id)])
            for d in store.document_summaries()
        ]  # fmt: skip


# ---- our files in their readers ---------------------------------------------------------


def test_docbin_opens_in_spacy(exported: tuple[Path, Path]) -> None:
    db, out = exported
    docs = list(DocBin().from_disk(out / "project.spacy").get_docs(blank().vocab))
    expected = stored(db)
    assert [d.text for d in docs] == [t for t, _ in expected]
    for doc, (_, spans) in zip(docs, expected, strict=True):
        got = [(s.start_char, s.end_char, s.label_) for g in ("actors", "claim_parts")
               for s in doc.spans[g]]  # fmt: skip
        assert sorted(got) == sorted((a, b, lab) for a, b, lab, _, _ in spans)
        # doc.ents: the reviewed actor mentions (those that do not overlap), for NER training
        reviewed = {(a, b, lab) for a, b, lab, layer, status in spans
                    if layer == "actor" and status in ("accepted", "edited", "manual")}  # fmt: skip
        ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        assert ents <= reviewed and bool(ents) == bool(reviewed)


_T = re.compile(r"^T(\d+)\t([^\s:]+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E = re.compile(r"^E(\d+)\t([^\s:]+):(T\d+)((?: [A-Za-z]+\d*:[TE]\d+)*)$")
_A = re.compile(r"^A(\d+)\t(\S+) ([TER]\d+)(?: (\S+))?$")
_NOTE = re.compile(r"^#(\d+)\tAnnotatorNotes ([TER]\d+)\t(.*)$")


def _conf(path: Path) -> dict[str, set[str]]:
    sections: dict[str, set[str]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = set()
        elif line.strip():
            sections[current].add(line.split("\t")[0].strip())
    return sections


def test_brat_ann_follows_the_standoff_grammar(exported: tuple[Path, Path]) -> None:
    """The grammar and the sanity checks of brat's own reader (server/src/annotation.py):
    unique ids, every reference defined, an event's trigger a text-bound of the event's
    type, and no annotation but an event referring to a trigger."""
    _, out = exported
    conf = _conf(out / "brat" / "annotation.conf")
    anns = sorted((out / "brat").glob("*.ann"))
    assert len(anns) == 2
    for ann in anns:
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        types: dict[str, str] = {}
        ids: list[str] = []
        refs: list[str] = []  # referred to by attributes and notes
        triggers: dict[str, str] = {}  # trigger id -> event type
        # brat reads the file with universal newlines: lines end at CR or LF only.
        for line in ann.read_bytes().decode("utf-8").split("\n")[:-1]:
            if m := _T.match(line):
                frags = [tuple(map(int, f.split())) for f in m[3].split(";")]
                assert all(0 <= a < b <= len(text) for a, b in frags)
                assert m[4] == " ".join(text[a:b] for a, b in frags)  # brat checks this
                assert all(len(text[a:b].splitlines()) == 1 for a, b in frags)
                assert m[2] in conf["entities"] | conf["events"]
                ids.append(f"T{m[1]}")
                types[f"T{m[1]}"] = m[2]
            elif m := _E.match(line):
                assert m[2] in conf["events"]
                triggers[m[3]] = m[2]
                args = [a.split(":")[1] for a in m[4].split()]
                assert all(a in types and a not in triggers for a in args)
                ids.append(f"E{m[1]}")
            elif m := _A.match(line):
                assert m[2] in conf["attributes"]
                refs.append(m[3])
                ids.append(f"A{m[1]}")
            elif m := _NOTE.match(line):
                refs.append(m[2])
            else:
                pytest.fail(f"not brat standoff: {line!r}")
        assert len(ids) == len(set(ids))
        assert set(refs) <= set(ids) and not set(refs) & set(triggers)
        assert all(types[t] == event_type for t, event_type in triggers.items())


def test_label_studio_tasks_follow_its_documented_format(exported: tuple[Path, Path]) -> None:
    db, out = exported
    tasks = json.loads((out / "labelstudio.json").read_text(encoding="utf-8"))
    config = ET.fromstring((out / "labelstudio-config.xml").read_text(encoding="utf-8"))
    labels_tag = config.find("Labels")
    text_tag = config.find("Text")
    assert labels_tag is not None and text_tag is not None
    assert text_tag.get("value") == "$text"
    label_values = {lab.get("value") for lab in labels_tag.findall("Label")}
    relation_values = {r.get("value") for r in config.iter("Relation")}
    assert isinstance(tasks, list) and len(tasks) == 2
    for task, (text, _) in zip(tasks, stored(db), strict=True):
        assert isinstance(task["id"], int) and task["data"]["text"] == text
        for key in ("annotations", "predictions"):
            assert isinstance(task[key], list)
            for item in task[key]:
                ids = {r["id"] for r in item["result"] if r["type"] != "relation"}
                for r in item["result"]:
                    if r["type"] == "relation":
                        assert {r["from_id"], r["to_id"]} <= ids
                        assert r["direction"] in ("right", "left", "bi")
                        assert set(r["labels"]) <= relation_values
                        continue
                    assert r["type"] == "labels"
                    assert r["from_name"] == labels_tag.get("name")
                    assert r["to_name"] == labels_tag.get("toName") == text_tag.get("name")
                    v = r["value"]
                    assert text[v["start"] : v["end"]] == v["text"]
                    assert set(v["labels"]) <= label_values
        assert task["annotations"] and task["predictions"]
        assert isinstance(task["predictions"][0]["model_version"], str)


def test_prodigy_tokens_spans_and_relations_agree(exported: tuple[Path, Path]) -> None:
    _, out = exported
    lines = (out / "prodigy.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    for line in lines:
        task = json.loads(line)
        tokens = task["tokens"]
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in tokens)
        assert rebuilt == task["text"]
        for t in tokens:
            assert task["text"][t["start"] : t["end"]] == t["text"]
        for s in task["spans"]:
            assert tokens[s["token_start"]]["start"] == s["start"]
            assert tokens[s["token_end"]]["end"] == s["end"]
        for r in task["relations"]:
            assert r["head"] == r["head_span"]["token_end"]
            assert r["child"] == r["child_span"]["token_end"]


def test_conll_reads_back_with_spacys_converter(exported: tuple[Path, Path]) -> None:
    db, out = exported
    # One document at a time: spaCy's converter splits documents only at its own
    # space-separated delimiter, which a tab-separated file does not use.
    parts = (out / "actors.conll").read_text(encoding="utf-8").split(DOCSTART + "\n")
    assert parts[0] == ""
    docs = [doc for part in parts[1:]
            for doc in conll_ner_to_docs(part, n_sents=0, no_print=True)]  # fmt: skip
    assert len(docs) == 2
    for doc, (text, spans) in zip(docs, stored(db), strict=True):
        mentions = [(a, b, lab) for a, b, lab, layer, _ in spans if layer == "actor"]
        # The expected mentions: the non-overlapping ones that BIO can hold.
        adoc = aligned_doc(text, [(a, b) for a, b, _ in mentions])
        kept = filter_spans([adoc.char_span(a, b, label=lab) for a, b, lab in mentions])
        got = [([t.text for t in e], e.label_) for e in doc.ents]
        assert got == [([t.text for t in k if not t.is_space], k.label_) for k in kept]
        assert "".join(doc.text.split()) == "".join(text.split())


# ---- their files in our import ------------------------------------------------------------


def _spans(db: Path) -> list[tuple[str, str, str]]:
    with Store.open(db) as store:
        doc_id = store.document_summaries()[0].id
        return sorted((s.text, s.label, s.status) for s in store.spans(doc_id))


def _claims(db: Path) -> list[tuple[str, str | None, str | None, list[str], str]]:
    with Store.open(db) as store:
        doc_id = store.document_summaries()[0].id
        text = {s.id: s.text for s in store.spans(doc_id)}
        return sorted(
            (text[c.content_span_id], text.get(c.speaker_span_id), text.get(c.cue_span_id),
             [text[a] for a in c.addressee_span_ids], c.status)
            for c in store.claims(doc_id)
        )  # fmt: skip


def _at(part: str) -> tuple[int, int]:
    start = TRICKY.index(part)
    return start, start + len(part)


def test_brat_from_elsewhere_with_relations(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TRICKY, encoding="utf-8", newline="")
    e, m, t, c = _at("Erdoğan"), _at("Moscow"), _at("told"), _at("«stop the\nassault»")
    nl = TRICKY.index("\n", c[0])
    (tmp_path / "a.ann").write_text(
        f"T1\tPERSON {e[0]} {e[1]}\tErdoğan\nT2\tGPE {m[0]} {m[1]}\tMoscow\n"
        f"T3\tCUE {t[0]} {t[1]}\ttold\n"
        f"T4\tCONTENT {c[0]} {nl};{nl + 1} {c[1]}\t{TRICKY[c[0] : nl]} {TRICKY[nl + 1 : c[1]]}\n"
        "R1\tSPEAKER Arg1:T4 Arg2:T1\nR2\tCue Arg1:T4 Arg2:T3\nR3\tADDRESSEE Arg1:T4 Arg2:T2\n"
        "#1\tAnnotatorNotes T1\tchecked twice\nN1\tReference T1 Wikidata:Q39723\tErdoğan\n"
        "*\tEquiv T1 T1\n",
        encoding="utf-8",
    )
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        report = import_paths(store, [tmp_path], accepted=True)  # a folder: .txt with .ann
    assert report.problems == [] and len(report.imported) == 1
    assert _claims(db) == [("«stop the\nassault»", "Erdoğan", "told", ["Moscow"], "accepted")]
    assert {s[2] for s in _spans(db)} == {"accepted"}


def test_label_studio_from_elsewhere_with_predictions(tmp_path: Path) -> None:
    e, c = _at("Erdoğan"), _at("«stop the\nassault»")
    # Offsets in UTF-16 units after the emoji, as Label Studio before 1.x wrote them.
    c16 = (c[0] + 1, c[1] + 1)
    task = {
        "id": 7,
        "data": {"text": TRICKY},
        "predictions": [{"model_version": "ner-v2", "score": 0.9, "result": [
            {"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": e[0], "end": e[1], "text": "Erdoğan", "labels": ["PERSON"]}},
            {"id": "a2", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": c16[0], "end": c16[1], "text": "«stop the\nassault»",
                       "labels": ["CONTENT"]}},
            {"type": "relation", "from_id": "a1", "to_id": "a2", "direction": "left",
             "labels": ["SPEAKER"]},
        ]}],
    }  # fmt: skip
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        report = import_paths(store, [src])
        assert report.problems == []
        assert store.document(report.imported[0]).ext_id == "7"
    assert _claims(db) == [("«stop the\nassault»", "Erdoğan", None, [], "suggested")]


def test_docbin_from_elsewhere_uses_ents(tmp_path: Path) -> None:
    nlp = blank()
    doc = nlp("Lavrov met Cavusoglu in Ankara.")
    doc.ents = [doc.char_span(0, 6, "PERSON"), doc.char_span(24, 30, "GPE")]
    DocBin(docs=[doc]).to_disk(tmp_path / "ner.spacy")
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        report = import_paths(store, [tmp_path / "ner.spacy"], accepted=True)
    assert report.problems == []
    assert _spans(db) == [("Ankara", "GPE", "accepted"), ("Lavrov", "PERSON", "accepted")]


def test_bad_foreign_files_are_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "x.spacy").write_bytes(b"not a docbin")
    (tmp_path / "y.json").write_text('{"text": "no data key"}', encoding="utf-8")
    (tmp_path / "z.txt").write_text("Lavrov spoke.", encoding="utf-8")
    (tmp_path / "z.ann").write_text("T1\tPERSON 0 99\tLavrov\n", encoding="utf-8")
    rel = {"label": "LIKES", "head_span": {"start": 0, "end": 1},
           "child_span": {"start": 7, "end": 8, "label": "PERSON"}}  # fmt: skip
    bad_rel = {"text": "A said B.", "spans": [{"start": 0, "end": 1, "label": "PERSON"}],
               "relations": [rel]}  # fmt: skip
    (tmp_path / "w.jsonl").write_text(json.dumps(bad_rel) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, sorted(tmp_path.glob("[wxyz].*")))
        assert report.imported == []
        assert store.document_count() == 0
    messages = sorted(p.message for p in report.problems)
    assert len(messages) == 4, messages
    assert "w.jsonl, line 1: relation labels ['LIKES'] are not claim roles" in messages[0]
    assert "x.spacy: is not a spaCy DocBin file" in messages[1]
    assert 'y.json: task 1 is not a Label Studio task (an object with "data")' in messages[2]
    assert "z.ann, line 1: T1 has offsets 0..99 outside the text" in messages[3]


def test_excel_csv_has_a_bom_and_the_default_has_none(exported: tuple[Path, Path]) -> None:
    from idleb_desk.io.csv_export import export_csv

    db, out = exported
    with Store.open(db) as store:
        export_csv(store, out / "plain", include_all=True)
        export_csv(store, out / "excel", include_all=True, excel=True)
    for name in ("actors.csv", "claims.csv"):
        plain = (out / "plain" / name).read_bytes()
        excel = (out / "excel" / name).read_bytes()
        assert not plain.startswith(b"\xef\xbb\xbf")
        assert excel == b"\xef\xbb\xbf" + plain
        assert "Erdoğan".encode() in plain


def test_label_studio_sdk_validates_the_export(exported: tuple[Path, Path]) -> None:
    """Label Studio's own validator, where label-studio-sdk is installed (it is not a
    dependency: it brings in dozens of packages). Run by hand on 2026-11-29 with
    label-studio-sdk 2.1.2: no errors (docs/formats.md)."""
    interface_mod = pytest.importorskip("label_studio_sdk.label_interface")
    _, out = exported
    interface = interface_mod.LabelInterface(
        (out / "labelstudio-config.xml").read_text(encoding="utf-8")
    )
    for task in json.loads((out / "labelstudio.json").read_text(encoding="utf-8")):
        assert interface.validate_task({"data": task["data"]})
        for item in task["annotations"] + task["predictions"]:
            assert interface.validate_prediction(item, return_errors=True) == []
