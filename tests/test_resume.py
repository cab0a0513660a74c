"""A run killed mid-way (kill -9) and started again ends with exactly the output of an
uninterrupted run; formats and provenance of the output."""
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd

from tests.conftest import CORPUS


def _corpus(tmp_path, n=60):
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    rows = [{"id": f"d{i:03d}", "text": texts[i % 2], "side": "vn" if i % 2 == 0 else "cn", "meeting": f"m{i // 2}"}
            for i in range(n)]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _cmd(corpus, out, model, *extra):
    return [sys.executable, "-m", "extractor.cli", "extract", str(corpus), "--out", str(out), "--model", str(model),
            "--batch", "1", *extra]


def test_killed_run_resumes_to_the_same_output(trained_tiny, tmp_path):
    corpus = _corpus(tmp_path)
    whole = tmp_path / "whole" / "claims.jsonl"
    subprocess.run(_cmd(corpus, whole, trained_tiny), check=True, capture_output=True)

    out = tmp_path / "cut" / "claims.jsonl"
    proc = subprocess.Popen(_cmd(corpus, out, trained_tiny), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    index = out.with_name(out.name + ".done.jsonl")
    deadline = time.time() + 120
    while time.time() < deadline and (not index.exists() or index.read_text().count("\n") < 5):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = index.read_text().count("\n")
    assert 5 <= done_before < 60, "the run was not cut mid-way"
    assert not out.exists()

    r = subprocess.run(_cmd(corpus, out, trained_tiny), check=True, capture_output=True, text=True)
    assert "resumed an unfinished run" in r.stderr
    assert out.read_text() == whole.read_text()
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    assert meta["status"] == "complete" and meta["documents"] == 60 and meta["resumed_documents"] >= done_before
    assert not index.exists() and not out.with_name(out.name + ".partial.jsonl").exists()

    again = subprocess.run(_cmd(corpus, out, trained_tiny), check=True, capture_output=True, text=True)
    assert "already complete" in again.stdout and out.read_text() == whole.read_text()


def test_formats_and_provenance(trained_tiny, tmp_path):
    from extractor.pipeline import extract
    from extractor.tagger import ClaimTagger

    tagger = ClaimTagger.load(trained_tiny)
    a = extract([CORPUS], tmp_path / "c.jsonl", tagger)
    b = extract([CORPUS], tmp_path / "c.csv", tagger)
    c = extract([CORPUS], tmp_path / "c.parquet", tagger)
    rows = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    csv_rows = pd.read_csv(tmp_path / "c.csv")
    pq_rows = pd.read_parquet(tmp_path / "c.parquet")
    assert a.claims == b.claims == c.claims == len(rows) == len(csv_rows) == len(pq_rows) > 0
    assert list(csv_rows["text"]) == [r["text"] for r in rows] == list(pq_rows["text"])
    assert json.loads(csv_rows["positions"][0]) == rows[0]["positions"]
    # every kind of output reads back to lines the shipped schema accepts, positions as id strings
    from extractor.exports import read_claims
    from extractor.schema import schema_errors

    for path in (tmp_path / "c.jsonl", tmp_path / "c.csv", tmp_path / "c.parquet"):
        back = read_claims(path)
        assert schema_errors(back) == [], path
        assert [r["positions"] for r in back] == [r["positions"] for r in rows]
        assert [r["position_scores"] for r in back] == [r["position_scores"] for r in rows]
    assert all(r["model"] == tagger.name for r in rows)
    meta = json.loads((tmp_path / "c.jsonl.meta.json").read_text())
    assert meta["model"] == tagger.name and meta["model_card"].endswith("README.md")
    assert {i["doc_id"] for i in meta["inputs"]} == {"alpha", "beta"} and all(len(i["sha256"]) == 64 for i in meta["inputs"])
    assert meta["readout_version"] and meta["started"] and meta["finished"]


def test_another_run_is_never_resumed(trained_tiny, tmp_path, capsys):
    from extractor.pipeline import extract
    from extractor.tagger import ClaimTagger

    tagger = ClaimTagger.load(trained_tiny)
    extract([CORPUS / "alpha.txt"], tmp_path / "c.jsonl", tagger)
    s = extract([CORPUS / "beta.txt"], tmp_path / "c.jsonl", tagger)
    assert "written by another run" in capsys.readouterr().err
    assert s.documents == 1 and s.resumed == 0
    rows = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert {r["doc_id"] for r in rows} == {"beta"}
    again = extract([CORPUS / "beta.txt"], tmp_path / "c.jsonl", tagger, overwrite=True)
    assert again.documents == 1 and again.resumed == 0
