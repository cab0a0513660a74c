"""Two cross-validation runs on the same folds, compared article by article: the paired
difference of overlap F1 label+holder and sentence-level F1 label+holder, each with a 95%
paired bootstrap interval over articles.

    python eval/compare_runs.py eval/results/cv-A.json eval/results/cv-B.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor import scoring
from extractor.config import load_tagger_config
from extractor.evaluate import stored_predictions
from extractor.standoff import load_gold


def main(a: Path, b: Path) -> None:
    cfg = load_tagger_config()
    gold = load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))
    pa, pb = ({i: d.claims for i, d in stored_predictions(json.loads(Path(f).read_text()), gold).items()} for f in (a, b))
    for name, counts in (
        ("overlap F1 label+holder", lambda d, p: scoring.score([(d.claims, p)], "overlap", True).overall),
        ("sentence F1 label+holder", lambda d, p: scoring.sentence_counts(d, d.claims, p)["micro"]),
    ):
        ca = [counts(d, pa[d.id]) for d in gold]
        cb = [counts(d, pb[d.id]) for d in gold]
        diff, (lo, hi) = scoring.paired_difference(ca, cb)
        print(f"{name}: {a.name} minus {b.name} = {diff:+.4f}, 95% paired interval [{lo:+.4f}, {hi:+.4f}] "
              f"over {len(gold)} articles")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
