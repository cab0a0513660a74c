import importlib.util
import json
import shutil
from pathlib import Path

from tests.conftest import CORPUS, STANDOFF

ROOT = Path(__file__).resolve().parents[2]


def _module(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "eval" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_identical_passes_agree_perfectly_and_a_changed_label_lowers_it(tmp_path):
    agreement = _module("agreement").agreement
    same = agreement(STANDOFF, STANDOFF, CORPUS)
    assert same["overlap_f1_label_holder"] == 1.0 and same["alpha_sentence_label"] == 1.0

    other = tmp_path / "b"
    shutil.copytree(STANDOFF, other)
    data = json.loads((other / "alpha.json").read_text())
    data["claims"][0]["label"] = "CALL"
    data["claims"][1]["holder"] = "both"
    (other / "alpha.json").write_text(json.dumps(data))
    res = agreement(STANDOFF, other, CORPUS)
    assert res["overlap_f1_label"] == 7 / 8          # one of eight claims relabelled
    assert res["overlap_f1_label_holder"] == 6 / 8   # and one more with another holder
    assert res["alpha_sentence_label"] < 1.0 and res["alpha_sentence_label_holder"] < res["alpha_sentence_label"] + 1e-9


def test_review_lists_unannotated_claim_like_sentences(tmp_path):
    review = _module("review").review
    gold = tmp_path / "g"
    shutil.copytree(STANDOFF, gold)
    data = json.loads((gold / "beta.json").read_text())
    data["claims"] = [c for c in data["claims"] if c["label"] != "CALL"]  # drop the "urged" claim
    (gold / "beta.json").write_text(json.dumps(data))
    rows = review(gold, CORPUS)
    assert any(doc == "beta" and kind.startswith("unannotated") and "urged" in text for doc, kind, text in rows)
    assert not any(doc == "alpha" and kind.startswith("unannotated") for doc, kind, text in rows)
