"""Make the meeting-grouped folds (annotations/folds.json) from the manifests of the labelled
real articles (../shared/seeds and ../shared/corpus). Run once; the file is committed and
every evaluation reads it, so rerun only when articles are added.

    python eval/folds.py [--k 5]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.config import load_tagger_config
from extractor.folds import FOLDS_FILE, make_folds, write_folds


def articles() -> list[tuple[str, str, str]]:
    rows = []
    for folder in load_tagger_config().resolve("corpus_dir"):
        for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append((Path(r["file"]).stem, r["meeting"], r["source_side"]))
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=5)
    k = ap.parse_args().k
    arts = articles()
    folds = make_folds(arts, k)
    write_folds(ROOT / FOLDS_FILE, folds, arts)
    side = {a[1]: [] for a in arts}
    for d, m, s in arts:
        side[m].append(s)
    for i, f in enumerate(folds):
        sides = [s for m in f for s in side[m]]
        print(f"fold {i}: {len(f)} meetings, {len(sides)} articles (vn {sides.count('vn')}, cn {sides.count('cn')})")
