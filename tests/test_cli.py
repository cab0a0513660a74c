import json
import subprocess
import shutil
import sys

from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import CORPUS

runner = CliRunner()


def test_help_does_not_import_torch():
    code = "import sys, extractor.cli; assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert runner.invoke(app, ["--help"]).exit_code == 0


def test_extract_missing_path_is_one_line_error(tmp_path):
    r = runner.invoke(app, ["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "c.jsonl")])
    assert r.exit_code == 2 and "nope: no such file or folder" in r.output


def test_extract_without_a_model_says_how_to_train(tmp_path):
    r = runner.invoke(app, ["extract", str(CORPUS), "--out", str(tmp_path / "c.jsonl"), "--model", str(tmp_path / "none")])
    assert r.exit_code == 2 and "no trained tagger" in r.output and "readout train" in r.output


def test_extract_end_to_end_with_a_tiny_model(trained_tiny, tmp_path):
    out = tmp_path / "claims.jsonl"
    r = runner.invoke(app, ["extract", str(CORPUS), "--out", str(out), "--model", str(trained_tiny)])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows, "the tiny model was trained to overfit these articles"
    texts = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    for row in rows:
        for key in ("doc_id", "side", "meeting", "label", "holder", "speaker", "start", "end", "text", "sentence", "positions", "score"):
            assert key in row
        assert texts[row["doc_id"]][row["start"]:row["end"]] == row["text"]
        assert row["label"] in {"COMMITMENT", "POSITION", "CALL"} and row["holder"] in {"vn", "cn", "both"}
    meta = json.loads((tmp_path / "claims.jsonl.meta.json").read_text())
    assert meta["documents"] == 2 and meta["claims"] == len(rows) and meta["model"].startswith("tagger@")
    assert "claims by label and holder" in r.output


def test_train_cli_rejects_unknown_config_key(tmp_path):
    r = runner.invoke(app, ["train", "--set", "learning_rate=1"])
    assert r.exit_code == 2 and "unknown key(s) learning_rate" in r.output


def test_compare_by_doc_id_writes_json_and_markdown(trained_tiny, tmp_path):
    out, md = tmp_path / "cmp.json", tmp_path / "cmp.md"
    r = runner.invoke(app, ["compare", "alpha", "beta", "--corpus", str(CORPUS), "--json", str(out), "--md", str(md),
                            "--model", str(trained_tiny)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert data["a"]["doc_id"] == "alpha" and data["b"]["doc_id"] == "beta"
    assert {"aligned", "only_a", "only_b", "positions", "balance"} <= set(data)
    assert "### What both reported" in md.read_text()


def test_compare_unknown_doc_id_lists_the_ids(trained_tiny, tmp_path):
    r = runner.invoke(app, ["compare", "alpha", "gamma", "--corpus", str(CORPUS), "--model", str(trained_tiny)])
    assert r.exit_code == 2 and "no document with id 'gamma'; ids: alpha, beta" in r.output


def test_rescored_alignment_on_gold_predictions_equals_the_comparator_on_gold(tmp_path, monkeypatch):
    """`readout eval --rescore`: with fold predictions that are the gold claims themselves,
    end to end must score exactly what the comparator scores on gold claims (positions kept
    as stored), and, positions linked again, the linker's figure on gold spans."""
    import pytest

    from extractor import evaluate
    from extractor.config import load_tagger_config
    from extractor.standoff import load_gold

    cfg = load_tagger_config(None, [])
    if not all(d.exists() for d in cfg.resolve("corpus_dir")):
        pytest.skip("no seed or corpus articles beside the repository")
    gold = load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))
    saved = json.dumps({"summary": {}, "documents": [{"doc_id": d.id, "predictions": [
        {"start": c.start, "end": c.end, "label": c.label, "holder": c.holder, "positions": list(c.position_ids),
         "score": 1.0} for c in d.claims]} for d in gold]})
    path = tmp_path / "cv.json"

    def rescored() -> dict:
        path.write_text(saved)
        result = CliRunner().invoke(app, ["eval", "--rescore", str(path), "--model", str(tmp_path / "none")])
        assert result.exit_code == 0, result.output
        return json.loads(path.read_text())

    with monkeypatch.context() as m:
        relink = evaluate.link_positions    # the stored (gold) positions stay; the linker figures still run
        m.setattr(evaluate, "link_positions", lambda doc, *linker: relink(doc, *linker) if linker else doc)
        result = rescored()
    cross, summary = result["alignment"]["cross_side"], result["summary"]
    assert cross["meetings"] == 15 and cross["on_gold"]["tp"] > 0
    assert {k: v for k, v in cross["end_to_end"].items() if k != "f1_ci"} == {k: v for k, v in cross["on_gold"].items() if k != "f1_ci"}
    assert summary["alignment_f1_end_to_end"] == summary["alignment_f1_gold"]
    assert summary["coverage_accuracy"] == 1.0 and summary["position_f1"] == 1.0
    # positions linked again on gold spans: the end-to-end figure is the linker's on gold spans
    relinked = evaluate.headline(evaluate.system_scores([(d.claims, evaluate.link_positions(d).claims) for d in gold], gold))
    assert relinked["position_f1"] == evaluate.linker_summary(gold)[1]["linker_on_gold_f1"] < 1.0


def test_compare_takes_the_same_file_twice_and_same_named_files(trained_tiny, tmp_path, monkeypatch):
    """Two accounts are read apart: the same file twice (a sanity check) and two files of the
    same name in different folders are compared, not refused as a duplicate id."""
    from extractor import compare as compare_module
    from tests.test_framing import BagOfWords

    monkeypatch.setattr(compare_module, "Embedder", lambda *a, **k: BagOfWords())
    src = sorted(CORPUS.glob("*.txt"))[0]
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    shutil.copy(src, tmp_path / "x" / "same.txt")
    shutil.copy(src, tmp_path / "y" / "same.txt")
    for a, b in ((src, src), (tmp_path / "x" / "same.txt", tmp_path / "y" / "same.txt")):
        r = runner.invoke(app, ["compare", str(a), str(b), "--model", str(trained_tiny), "--json", str(tmp_path / "r.json")])
        assert r.exit_code == 0, r.output
        report = json.loads((tmp_path / "r.json").read_text())
        assert report["a"]["doc_id"].endswith("(A)") and report["b"]["doc_id"].endswith("(B)")
        assert all(row["similarity"] <= 1.0 for row in report["aligned"])
