import json

import pytest

from extractor.errors import AnnotationError
from extractor.standoff import attach, load_authored, load_gold, read_standoff, to_standoff
from tests.conftest import CORPUS, STANDOFF


def _copy(tmp_path, mutate=None, text_mutate=None):
    gold = tmp_path / "gold"; corpus = tmp_path / "corpus"
    gold.mkdir(parents=True); corpus.mkdir()
    for p in CORPUS.glob("*.txt"):
        t = p.read_text(encoding="utf-8")
        (corpus / p.name).write_text(text_mutate(p.name, t) if text_mutate else t, encoding="utf-8")
    for p in STANDOFF.glob("*.json"):
        data = json.loads(p.read_text())
        if mutate:
            mutate(p.stem, data)
        (gold / p.name).write_text(json.dumps(data))
    return gold, corpus


def test_fixtures_load_and_every_span_checks(gold_docs):
    assert [d.id for d in gold_docs] == ["alpha", "beta"]
    assert sum(len(d.claims) for d in gold_docs) == 8
    first = gold_docs[0].claims[0]
    assert gold_docs[0].slice(first).startswith("consistently pursues the one-China policy")
    assert first.source == "gold:fixture" and first.holder == "vn" and first.position_ids == ("one_china",)


def test_standoff_roundtrip(gold_docs):
    for doc in gold_docs:
        data = to_standoff(doc, ["fixture"])
        dump = json.dumps(data)
        # no article text stored: no claim's words, and no run of eight words of the article
        assert not any(doc.slice(c) in dump for c in doc.claims)
        words = doc.text.split()
        assert not any(" ".join(words[i:i + 8]) in dump for i in range(len(words) - 7))
        again = attach(doc.with_(claims=()), data, "roundtrip")
        assert again.claims == doc.claims


def test_wrong_offset_is_caught(tmp_path):
    def shift(stem, data):
        data["claims"][0]["start"] += 2
    gold, corpus = _copy(tmp_path, shift)
    with pytest.raises(AnnotationError, match=r"alpha: claim \d+-\d+ has checksum"):
        load_gold(gold, corpus)


def test_offset_outside_text_is_caught(tmp_path):
    def past(stem, data):
        data["claims"][0]["end"] = 10_000
    gold, corpus = _copy(tmp_path, past)
    with pytest.raises(AnnotationError, match="outside the text"):
        load_gold(gold, corpus)


def test_unknown_label_is_caught(tmp_path):
    def bad_label(stem, data):
        data["claims"][0]["label"] = "PROMISE"
    gold, corpus = _copy(tmp_path, bad_label)
    with pytest.raises(AnnotationError, match="unknown label 'PROMISE'; expected one of COMMITMENT, POSITION, CALL"):
        load_gold(gold, corpus)


def test_unknown_position_and_holder_are_caught(tmp_path):
    def bad_pos(stem, data):
        data["claims"][0]["positions"] = ["two_chinas"]
    gold, corpus = _copy(tmp_path, bad_pos)
    with pytest.raises(AnnotationError, match="unknown position id.*two_chinas"):
        load_gold(gold, corpus)

    def bad_holder(stem, data):
        data["claims"][1]["holder"] = "us"
    gold, corpus = _copy(tmp_path / "h", bad_holder)
    with pytest.raises(AnnotationError, match="unknown holder 'us'"):
        load_gold(gold, corpus)


def test_changed_document_is_caught(tmp_path):
    gold, corpus = _copy(tmp_path, text_mutate=lambda name, t: t.replace("Tuesday", "Wednesday"))
    with pytest.raises(AnnotationError, match="has changed since it was annotated"):
        load_gold(gold, corpus)


def test_wrong_format_is_caught(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"format": "other"}))
    with pytest.raises(AnnotationError, match="format 'other'"):
        read_standoff(p)


def test_project_gold_set_and_authored_texts_validate():
    """The shipped hand-labelled set and authored texts pass every check."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    shared = [root.parent / "shared" / "seeds", root.parent / "shared" / "corpus"]
    if all(d.exists() for d in shared):
        docs = load_gold(root / "annotations" / "gold", shared)
        assert len(docs) == 51 and sum(1 for d in docs if d.claims) >= 50
        for name in ("passA", "passB"):  # the two independent passes validate too
            assert len(load_gold(root / "annotations" / "passes" / name, shared)) == 51
    authored = load_authored(root / "annotations" / "authored")
    assert len(authored) >= 80 and sum(len(d.claims) for d in authored) > 300


def test_own_words_texts_share_no_twelve_word_run_with_the_seeds():
    """Authored reports, paired reports and paraphrase pairs are written in our own words:
    none repeats twelve consecutive words of a real article (seeds and ../shared/corpus), and
    no annotation file holds one (notes of the alignments included)."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    seeds = sorted((root.parent / "shared" / "seeds").glob("*.txt")) + sorted((root.parent / "shared" / "corpus").glob("*.txt"))
    if not seeds:
        pytest.skip("no seed articles beside the repository")

    def grams(text):
        w = re.findall(r"\w+", text.lower())
        return {tuple(w[i:i + 12]) for i in range(len(w) - 11)}

    seed_grams = set().union(*(grams(p.read_text(encoding="utf-8")) for p in seeds))
    files = [*(root / "annotations" / "authored").glob("*.jsonl"), *(root / "annotations" / "paired_reports").glob("reports_*.jsonl"),
             *(root / "annotations" / "paraphrase").glob("*.jsonl")]
    assert len(files) >= 5
    copied = [(f.name, row.get("id")) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()
              for row in [json.loads(line)] for k in ("text", "a", "b", "negative")
              if isinstance(row.get(k), str) and grams(row[k]) & seed_grams]
    assert copied == []
    stored = [p for p in (root / "annotations").rglob("*") if p.suffix in (".json", ".jsonl", ".md") and p.is_file()]
    assert [p.name for p in stored if grams(p.read_text(encoding="utf-8")) & seed_grams] == []


def test_a_corpus_article_loads_from_the_second_folder_and_a_changed_text_is_refused(tmp_path):
    """The gold of a ../shared/corpus article is read from the corpus folder (the seeds' folder
    comes first and lacks it); the same standoff against an edited copy of the text is refused."""
    from extractor.config import ROOT

    corpus = ROOT.parent / "shared" / "corpus"
    gold = sorted(p for p in (ROOT / "annotations" / "gold").glob("20*.json"))
    if not corpus.exists() or not gold:
        pytest.skip("no ../shared/corpus beside the repository")
    (doc,) = load_gold_one(gold[0], [ROOT.parent / "shared" / "seeds", corpus])
    assert doc.claims and all(doc.slice(c) for c in doc.claims)
    copy = tmp_path / "corpus"; copy.mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / gold[0].name).write_text(gold[0].read_text())
    text = (corpus / f"{gold[0].stem}.txt").read_text(encoding="utf-8")
    (copy / f"{gold[0].stem}.txt").write_text(text.replace("the", "teh", 1), encoding="utf-8")
    with pytest.raises(AnnotationError, match="has changed since it was annotated"):
        load_gold(tmp_path / "gold", [tmp_path / "empty", copy])
    with pytest.raises(AnnotationError, match="in none of the corpus folders"):
        load_gold(tmp_path / "gold", [tmp_path / "empty"])


def load_gold_one(path, corpus_dirs):
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, Path(tmp) / path.name)
        return load_gold(Path(tmp), corpus_dirs)
