"""The comparator on real pairs: the 2022 seed meeting and the 14 two-sided meetings of
../shared/corpus, evaluated by the meeting folds of annotations/folds.json.

    python eval/alignment_real.py [--cv eval/results/cv-real.json]

For every system the threshold is chosen on the other folds' real cross-side pairs
(nothing tuned has seen the held-out meeting), then the held-out meetings are scored;
the shipped rule (configured threshold, chosen on our own-words pairs) is scored as is.
End to end uses the tagger's predictions from the same folds (the `documents` of a
`readout eval` result). Figures are micro over held-out cross-side pairs, with 95%
bootstrap intervals over meetings; same-side pairs are reported apart. Writes
eval/results/alignment-real.json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.alignment_eval import LexicalEmbedder, grouped_alignment, real_pairs
from extractor.compare import Embedder, compare_settings
from extractor.config import load_tagger_config
from extractor.evaluate import stored_predictions
from extractor.folds import FOLDS_FILE, load_folds
from extractor.standoff import load_authored, load_gold


def line(name: str, r: dict) -> str:
    c = r["cross_side"]
    g = c["on_gold"]
    out = f"{name:44s} P {g['precision']:.3f} R {g['recall']:.3f} F1 {g['f1']:.3f} [{g['f1_ci'][0]:.3f}, {g['f1_ci'][1]:.3f}]"
    if "end_to_end" in c:
        e = c["end_to_end"]
        out += f" | e2e F1 {e['f1']:.3f} [{e['f1_ci'][0]:.3f}, {e['f1_ci'][1]:.3f}] | coverage {c['coverage_accuracy']:.3f}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cv", type=Path, default=ROOT / "eval/results/cv-real.json", help="readout eval result with fold predictions")
    args = ap.parse_args()
    cfg = load_tagger_config()
    gold = {d.id: d for d in load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))}
    pairs = real_pairs(ROOT, gold)
    folds = load_folds(ROOT / FOLDS_FILE)
    preds = stored_predictions(json.loads(args.cv.read_text()), list(gold.values())) if args.cv.exists() else None
    settings = compare_settings()
    tuned, base = Embedder(), Embedder(settings["base_encoder"])
    texts = [d.slice(c) for d in gold.values() for c in d.claims] + [d.text for d in load_authored(ROOT / "annotations/authored")]
    systems = {
        f"shipped rule ({tuned.name}, threshold {settings['threshold']})": grouped_alignment(pairs, gold, preds, tuned, folds, tune=False),
        f"{tuned.name}, threshold per fold": grouped_alignment(pairs, gold, preds, tuned, folds),
        f"base encoder {base.name}, threshold per fold": grouped_alignment(pairs, gold, preds, base, folds),
        "lexical TF-IDF cosine, threshold per fold": grouped_alignment(pairs, gold, preds, LexicalEmbedder(texts), folds,
                                                                        position_weight=0.0),
    }
    agreement = json.loads((ROOT / "eval/results/agreement.json").read_text()).get("alignments", {})
    first = next(iter(systems.values()))["cross_side"]
    print(f"real cross-side pairs: {first['pairs']} document pairs of {first['meetings']} meetings, "
          f"{first['gold_alignments']} gold alignments; held out by meeting fold")
    for name, r in systems.items():
        print(line(name, r))
    for name, r in systems.items():
        s = r["same_side"]
        if s["pairs"]:
            g = s["on_gold"]
            print(f"same-side pairs ({s['pairs']}), {name}: P {g['precision']:.3f} R {g['recall']:.3f} F1 {g['f1']:.3f}")
            break
    for name, a in agreement.items():
        print(f"annotators' agreement ({name}): pairs F1 {a['f1']:.3f}")
    out = ROOT / "eval/results/alignment-real.json"
    out.write_text(json.dumps({"systems": systems, "annotator_agreement": agreement,
                               "predictions": str(args.cv) if preds else None}, indent=2) + "\n")
    print(f"wrote {out}")
    write_encoder_metrics(next(iter(systems.values())), tuned)


def write_encoder_metrics(shipped: dict, embedder) -> None:
    """The shipped rule's figures on real pairs into the encoder folder's metrics.json, and its
    card re-rendered (as `readout eval` does for the tagger's folder)."""
    from extractor.artifacts import render_encoder_card, write_json
    from extractor.compare import resolve_encoder

    folder, _ = resolve_encoder()
    if not (folder / "readout_training.json").exists():
        return
    c = shipped["cross_side"]
    summary = {"alignment_f1_gold": c["on_gold"]["f1"], "alignment_f1_gold_ci": c["on_gold"]["f1_ci"],
               "alignment_precision_gold": c["on_gold"]["precision"], "alignment_recall_gold": c["on_gold"]["recall"]}
    if "end_to_end" in c:
        summary |= {"alignment_f1_end_to_end": c["end_to_end"]["f1"], "alignment_f1_end_to_end_ci": c["end_to_end"]["f1_ci"],
                    "coverage_accuracy": c.get("coverage_accuracy")}
    write_json(folder / "metrics.json", {
        "summary": summary, "command": "python eval/alignment_real.py", "encoder": embedder.name,
        "protocol": (f"the shipped rule on {c['pairs']} real cross-side document pairs of {c['meetings']} meetings "
                     f"({c['gold_alignments']} gold alignments), held out by meeting fold; 95% bootstrap intervals over meetings")})
    render_encoder_card(folder)
    print(f"wrote {folder / 'metrics.json'} and its card")


if __name__ == "__main__":
    main()
