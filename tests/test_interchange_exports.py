import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import AnnotationError
from extractor.exports import dna_statements, read_claims, write_dna, write_network
from extractor.interchange import brat_conf, export, import_annotations, label_studio_config
from tests.conftest import CORPUS, STANDOFF

runner = CliRunner()


def _claims(docs):
    return [[(c.start, c.end, c.label, c.holder, c.speaker, c.position_ids) for c in d.claims] for d in docs]


@pytest.mark.parametrize("fmt", ["label-studio", "brat"])
def test_export_then_import_gives_back_the_same_annotations(gold_docs, tmp_path, fmt):
    r = runner.invoke(app, ["annotations", "export", "--format", fmt, "--out", str(tmp_path / "x"),
                            "--gold", str(STANDOFF), "--corpus", str(CORPUS)])
    assert r.exit_code == 0, r.output
    source = tmp_path / "x" / "tasks.json" if fmt == "label-studio" else tmp_path / "x"
    r = runner.invoke(app, ["annotations", "import", str(source), "--out", str(tmp_path / "back")])
    assert r.exit_code == 0 and "imported 8 claims on 2 document(s)" in r.output
    from extractor.standoff import load_gold
    back = load_gold(tmp_path / "back", tmp_path / "back")
    assert _claims(back) == _claims(gold_docs)
    assert [d.text for d in back] == [d.text for d in gold_docs]


def test_tool_configs_name_every_label_holder_and_position():
    xml = ET.fromstring(label_studio_config())
    values = {e.get("value") for e in xml.iter() if e.get("value")}
    assert {"COMMITMENT", "POSITION", "CALL", "vn", "cn", "both", "one_china", "unclos"} <= values
    conf = brat_conf()
    assert "[entities]\nCOMMITMENT\nPOSITION\nCALL" in conf and "Holder\tArg:<ENTITY>, Value:vn|cn|both" in conf


def test_import_validates(gold_docs, tmp_path):
    export(gold_docs, "brat", tmp_path / "b")
    ann = tmp_path / "b" / "alpha.ann"
    ann.write_text(ann.read_text().replace("POSITION", "PROMISE", 1))
    with pytest.raises(AnnotationError, match="unknown label 'PROMISE'"):
        import_annotations(tmp_path / "b", tmp_path / "out")


def test_a_crafted_document_id_cannot_write_outside_the_folder(gold_docs, tmp_path):
    export(gold_docs, "label-studio", tmp_path / "ls")
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text())
    hostile = ["../victim/owned", "../victim/owned2"]
    for task, bad in zip(tasks, hostile):
        task["data"]["doc_id"] = bad
    (tmp_path / "ls" / "tasks.json").write_text(json.dumps(tasks))
    (tmp_path / "victim").mkdir()
    docs = import_annotations(tmp_path / "ls" / "tasks.json", tmp_path / "out" / "inner")
    assert list((tmp_path / "victim").iterdir()) == []
    assert {p.parent for p in (tmp_path / "out").rglob("*") if p.is_file()} == {tmp_path / "out" / "inner"}
    assert len({d.id for d in docs}) == 2 and all("/" not in d.id and not d.id.startswith(".") for d in docs)


def test_label_studio_exports_are_what_its_server_accepts_and_its_own_exports_import(gold_docs, tmp_path, capsys):
    """Label Studio's rules, reproduced (no server runs in CI): an annotation's `completed_by`
    must be one of its user ids, so the export sets none; its own export carries an int
    there, skipped tasks (`was_cancelled`) and tasks with only predictions."""
    export(gold_docs, "label-studio", tmp_path / "ls")
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text())
    assert all("completed_by" not in a for t in tasks for a in t["annotations"])
    # as the server exports them: its user id, a skipped task, a predictions-only task
    alpha, beta = tasks
    for t in tasks:
        t["data"].pop("readout_annotators")
        t["annotations"][0] |= {"completed_by": 1, "id": 10, "updated_at": "2030-01-01T10:00:00Z"}
    second = json.loads(json.dumps(alpha["annotations"][0])) | {"id": 11, "updated_at": "2030-01-02T10:00:00Z"}
    second["result"] = [r for r in second["result"] if not r["id"].endswith("-0")]       # the later one drops a claim
    alpha["annotations"].append(second)
    beta_skipped = json.loads(json.dumps(beta))
    beta_skipped["annotations"][0]["was_cancelled"] = True
    only_predictions = json.loads(json.dumps(beta)) | {"id": 99, "predictions": beta["annotations"], "annotations": []}
    only_predictions["data"] = beta["data"] | {"doc_id": "gamma"}
    src = tmp_path / "server-export.json"
    src.write_text(json.dumps([alpha, beta_skipped, only_predictions]))

    # beta was labelled before: a skipped task must not wipe it
    import_annotations(tmp_path / "ls" / "tasks.json", tmp_path / "out")
    before_beta = (tmp_path / "out" / "beta.json").read_text()
    docs = import_annotations(src, tmp_path / "out")
    err = capsys.readouterr().err
    assert [d.id for d in docs] == ["alpha"]
    assert len(docs[0].claims) == len(gold_docs[0].claims) - 1             # the most recently updated annotation
    assert "2 submitted annotations; taking annotation 11" in err
    assert "no submitted annotation" in err and "gamma" in err
    assert (tmp_path / "out" / "beta.json").read_text() == before_beta and not (tmp_path / "out" / "gamma.json").exists()
    assert json.loads((tmp_path / "out" / "alpha.json").read_text())["annotators"] == ["label-studio:1"]


def test_train_accepts_extra_folders(tiny_base, tmp_path, gold_docs):
    from extractor.train import train
    from tests.conftest import tiny_config

    export(gold_docs, "brat", tmp_path / "b")
    import_annotations(tmp_path / "b", tmp_path / "mine")
    path = train(tiny_config(tiny_base, tmp_path / "m", epochs=1, extra=[str(tmp_path / "mine")]))
    data = json.loads((path / "data.json").read_text())
    assert data["gold"]["documents"] == 4  # the two fixtures, and the two imported again


CLAIMS = [
    {"doc_id": "d1", "side": "vn", "date": "2030-01-01", "label": "POSITION", "holder": "vn", "speaker": "Pham Minh Chinh",
     "start": 5, "end": 30, "text": "firmly opposes Taiwan independence", "positions": ["one_china"], "position_scores": {"one_china": 1.0}},
    {"doc_id": "d1", "side": "vn", "date": "2030-01-01", "label": "CALL", "holder": "cn", "speaker": None,
     "start": 40, "end": 60, "text": "opposes any interference", "positions": [], "position_scores": {}},
    {"doc_id": "d2", "side": "cn", "date": "2030-01-02", "label": "COMMITMENT", "holder": "vn", "speaker": "Pham Minh Chinh",
     "start": 1, "end": 9, "text": "will follow the one-China policy", "positions": ["one_china"], "position_scores": {"one_china": 1.0}},
]


JOINT = {"doc_id": "d3", "side": "cn", "outlet": "Xinhua", "date": "2030-01-03", "label": "COMMITMENT", "holder": "both",
         "speaker": "the two sides", "start": 0, "end": 20, "text": "agreed to respect UNCLOS", "positions": ["unclos"],
         "position_scores": {"unclos": 0.75}}


def test_dna_statements():
    rows = dna_statements(CLAIMS + [JOINT])
    assert [(r["person"], r["organization"], r["concept"], r["agreement"], r["joint"]) for r in rows] == [
        ("Pham Minh Chinh", "Vietnam", "one_china", True, False),
        ("", "China", "no_position", False, False),          # links no position: a named concept, not the label
        ("Pham Minh Chinh", "Vietnam", "one_china", True, False),
        ("", "Vietnam", "unclos", True, True), ("", "China", "unclos", True, True)]   # joint: one statement per state


def test_network_opens_as_a_two_mode_graph_in_networkx_and_igraph(tmp_path):
    import igraph

    write_network(CLAIMS + [JOINT], tmp_path / "n.graphml")
    assert 'id="label"' in (tmp_path / "n.graphml").read_text()      # named keys, not d0, d1, ...
    g = nx.read_graphml(tmp_path / "n.graphml")
    actors = {n for n, d in g.nodes(data=True) if d["bipartite"] == 0}
    assert actors == {"actor:Pham Minh Chinh", "actor:Vietnam", "actor:China"}
    positions = nx.bipartite.projected_graph(g, set(g) - actors)
    assert set(positions) == {"position:one_china", "position:unclos"}
    together = nx.bipartite.projected_graph(g, actors)
    assert together.has_edge("actor:Vietnam", "actor:China")             # the joint claim ties the two states
    ig = igraph.Graph.Read_GraphML(str(tmp_path / "n.graphml"))
    a, p = ig.bipartite_projection()                                       # uses the boolean `type` attribute
    assert sorted(v["label"] for v in a.vs) == ["China", "Pham Minh Chinh", "Vietnam"] and p.vcount() == 2


def test_dna_and_network_files(tmp_path):
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps(c) + "\n" for c in CLAIMS))
    assert write_dna(read_claims(src), tmp_path / "s.csv") == 3
    assert (tmp_path / "s.csv").read_text().splitlines()[0].startswith("statement_id,document,date")
    nodes, edges = write_network(read_claims(src), tmp_path / "n.graphml")
    g = nx.read_graphml(tmp_path / "n.graphml")
    e = g.edges["actor:Pham Minh Chinh", "position:one_china"]
    assert (nodes, edges) == (2, 1) and e["weight"] == 2 and e["weight_vn_outlets"] == 1 and e["weight_cn_outlets"] == 1
    r = runner.invoke(app, ["export", "dna", str(tmp_path / "missing.jsonl")])
    assert r.exit_code == 2 and "missing.jsonl: no such file" in r.output


def test_tidy_tables_count_the_claims(tmp_path):
    import pandas as pd

    from extractor.corpus_view import omissions, position_table, voice_shares, voice_table

    claims = [c | {"meeting": "m1", "outlet": "VNA" if c["side"] == "vn" else "Xinhua"} for c in CLAIMS] + [
        JOINT | {"meeting": "m1"}]
    assert position_table(claims) == [
        {"meeting": "m1", "year": "2030", "side": "cn", "holder": "both", "position": "unclos", "claims": 1},
        {"meeting": "m1", "year": "2030", "side": "cn", "holder": "vn", "position": "one_china", "claims": 1},
        {"meeting": "m1", "year": "2030", "side": "vn", "holder": "vn", "position": "one_china", "claims": 1}]
    assert sum(r["claims"] for r in voice_table(claims)) == len(claims)
    assert omissions(claims) == {"vn": {}, "cn": {"unclos": ["m1"]}}       # only the Chinese account has UNCLOS
    assert voice_shares(claims)["Xinhua"] == {"both": 0.5, "vn": 0.5}
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps(c) + "\n" for c in claims))
    for suffix in ("csv", "parquet"):
        r = runner.invoke(app, ["export", "table", str(src), "--out", str(tmp_path / f"t.{suffix}")])
        assert r.exit_code == 0 and "wrote 3 rows" in r.output, r.output
        df = pd.read_csv(tmp_path / "t.csv") if suffix == "csv" else pd.read_parquet(tmp_path / "t.parquet")
        assert list(df.columns) == ["meeting", "year", "side", "holder", "position", "claims"] and df["claims"].sum() == 3
    r = runner.invoke(app, ["export", "table", str(src), "--out", str(tmp_path / "v.csv"), "--table", "voices"])
    assert r.exit_code == 0 and pd.read_csv(tmp_path / "v.csv")["claims"].sum() == len(claims)


def test_label_studio_offsets_are_utf16_and_come_back_as_code_points(tmp_path):
    from extractor.interchange import from_label_studio, from_utf16_offset, to_label_studio, utf16_offset
    from extractor.types import Claim, Document, Span

    text = "Leaders 🤝 met. Xi said China will deepen trade with Vietnam 🇻🇳 soon."
    s = text.index("will deepen trade")
    doc = Document("emoji", text, {"side": "cn"}, claims=(Claim(Span(s, s + 17, "COMMITMENT"), "cn"),))
    (task,) = to_label_studio([doc])
    region = task["annotations"][0]["result"][0]["value"]
    # what JavaScript's text.slice(start, end) gives is the claim's text
    js = text.encode("utf-16-le")
    assert js[2 * region["start"]:2 * region["end"]].decode("utf-16-le") == "will deepen trade"
    assert region["start"] == s + 1                        # the emoji before it counts two units there
    assert all(from_utf16_offset(text, utf16_offset(text, i)) == i for i in range(len(text) + 1))
    ((back, data),) = from_label_studio([task], "t")
    assert (data["claims"][0]["start"], data["claims"][0]["end"]) == (s, s + 17)


def test_readout_text_gives_the_texts_offsets_index(tmp_path):
    """BOM, CRLF and an emoji: a claim's offsets index the text `readout text` prints."""
    folder = tmp_path / "c"
    folder.mkdir()
    raw = "\ufeffXi said China will deepen trade.\r\nChinh 🙂 urged calm at sea.\r\n"
    (folder / "a.txt").write_bytes(raw.encode("utf-8"))
    (folder / "manifest.jsonl").write_text(json.dumps({"file": "a.txt", "source_side": "cn"}) + "\n")
    r = runner.invoke(app, ["text", str(folder), "--id", "a"])
    assert r.exit_code == 0 and r.output == "Xi said China will deepen trade.\nChinh 🙂 urged calm at sea.\n"
    printed = r.output
    r = runner.invoke(app, ["text", str(folder), "--out", str(tmp_path / "texts.jsonl")])
    (line,) = [json.loads(x) for x in (tmp_path / "texts.jsonl").read_text().splitlines()]
    import hashlib

    assert line["sha256"] == hashlib.sha256(line["text"].encode()).hexdigest() and line["utf16_units"] == line["characters"] + 1
    # the written text is the printed one, and offsets into it are not the file's
    assert line["text"] == printed and raw.index("urged calm") != line["text"].index("urged calm")
