"""The comparator alone on gold claims: alignment P/R/F1 against annotations/alignments.jsonl
for a sweep of thresholds (the default from configs/compare.yaml is marked).

    python eval/alignment.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.alignment_eval import alignment_scores, load_alignments  # noqa: E402
from extractor.compare import Embedder, compare_settings  # noqa: E402
from extractor.standoff import load_gold  # noqa: E402


def main() -> None:
    gold_pairs = load_alignments(ROOT / "annotations/alignments.jsonl")
    gold = {d.id: d for d in load_gold(ROOT / "annotations/gold", ROOT.parent / "shared/seeds")}
    emb = Embedder()
    default = compare_settings()
    rows = []
    for margin in (None, default["second_match_margin"]):
        for t in (0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70):
            r = alignment_scores(gold_pairs, gold, None, emb, threshold=t, margin=margin)
            rows.append(r)
            g = r["on_gold_claims"]
            mark = " <- configs/compare.yaml" if t == default["threshold"] and margin == default["second_match_margin"] else ""
            print(f"threshold {t:.2f} second-match margin {margin}: P {g['precision']:.3f} R {g['recall']:.3f} F1 {g['f1']:.3f}{mark}")
    out = ROOT / "eval/results/alignment_sweep.json"
    out.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
