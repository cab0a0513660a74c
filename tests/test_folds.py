import json
from collections import Counter
from pathlib import Path

import pytest

from extractor.config import ROOT
from extractor.errors import AnnotationError
from extractor.folds import FOLDS_FILE, fold_of, load_folds, make_folds, splits

ARTICLES = [  # (doc id, meeting, side): two-sided meetings, a three-account one, singles
    ("a1", "m1", "vn"), ("a2", "m1", "cn"), ("b1", "m2", "vn"), ("b2", "m2", "cn"), ("b3", "m2", "cn"),
    ("c1", "m3", "vn"), ("d1", "m4", "vn"), ("e1", "m5", "cn"), ("f1", "m6", "vn"), ("g1", "m7", "cn"),
]


def test_make_folds_keeps_meetings_whole_and_balances():
    folds = make_folds(ARTICLES, k=3)
    assert sorted(m for f in folds for m in f) == sorted({m for _, m, _ in ARTICLES})
    size = Counter(m for _, m, _ in ARTICLES)
    sizes = [sum(size[m] for m in f) for f in folds]
    assert max(sizes) - min(sizes) <= 1
    meetings = {d: m for d, m, _ in ARTICLES}
    for train, test in splits(meetings, folds):
        assert not {meetings[d] for d in train} & {meetings[d] for d in test}
        assert train | test == set(meetings)


def test_a_meeting_in_two_folds_or_in_none_is_refused(tmp_path):
    path = tmp_path / "folds.json"
    path.write_text(json.dumps({"folds": [{"meetings": {"m1": []}}, {"meetings": {"m1": [], "m2": []}}]}))
    with pytest.raises(AnnotationError, match="m1"):
        load_folds(path)
    with pytest.raises(AnnotationError, match="in no fold"):
        fold_of({"x": "m9"}, [["m1"]])


def test_committed_folds_keep_each_meeting_on_one_side_of_every_split():
    folds = load_folds(ROOT / FOLDS_FILE)
    data = json.loads((ROOT / FOLDS_FILE).read_text())
    meetings = {a["doc_id"]: m for f in data["folds"] for m, arts in f["meetings"].items() for a in arts}
    gold = {json.loads(p.read_text())["doc_id"] for p in (ROOT / "annotations/gold").glob("*.json")}
    assert gold <= set(meetings), "every labelled article belongs to a fold"
    assert len(folds) == 5
    for train, test in splits(meetings, folds):
        assert test and not {meetings[d] for d in train} & {meetings[d] for d in test}
    sides = [Counter(a["side"] for arts in f["meetings"].values() for a in arts) for f in data["folds"]]
    assert max(sum(s.values()) for s in sides) - min(sum(s.values()) for s in sides) <= 1
    assert all(abs(s["vn"] - s["cn"]) <= 2 for s in sides)


def test_committed_folds_match_the_manifests():
    shared = ROOT.parent / "shared"
    if not (shared / "corpus/manifest.jsonl").exists():
        pytest.skip("no ../shared beside the repository")
    data = json.loads((ROOT / FOLDS_FILE).read_text())
    listed = {a["doc_id"]: (m, a["side"]) for f in data["folds"] for m, arts in f["meetings"].items() for a in arts}
    for folder in ("seeds", "corpus"):
        for line in (shared / folder / "manifest.jsonl").read_text().splitlines():
            row = json.loads(line)
            assert listed[Path(row["file"]).stem] == (row["meeting"], row["source_side"])


def test_the_committed_folds_are_what_make_folds_gives_for_the_manifests():
    shared = ROOT.parent / "shared"
    if not (shared / "corpus/manifest.jsonl").exists():
        pytest.skip("no ../shared beside the repository")
    rows = [json.loads(line) for folder in ("seeds", "corpus")
            for line in (shared / folder / "manifest.jsonl").read_text().splitlines() if line.strip()]
    made = make_folds([(Path(r["file"]).stem, r["meeting"], r["source_side"]) for r in rows], k=5)
    assert made == [sorted(f) for f in load_folds(ROOT / FOLDS_FILE)]
