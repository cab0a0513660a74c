"""Agreement between the two independent annotation passes (annotations/passes/passA, passB).

Prints overlap/strict F1 of label and label+holder between the passes, and Krippendorff's
alpha (nominal) at sentence level, and writes annotations/AGREEMENT.md and
eval/results/agreement.json.

    python eval/agreement.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import krippendorff

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import scoring  # noqa: E402
from extractor.standoff import load_gold  # noqa: E402


def agreement(pass_a: Path, pass_b: Path, corpus: Path) -> dict:
    docs_a = {d.id: d for d in load_gold(pass_a, corpus)}
    docs_b = {d.id: d for d in load_gold(pass_b, corpus)}
    ids = sorted(set(docs_a) & set(docs_b))
    pairs = [(docs_a[i].claims, docs_b[i].claims) for i in ids]
    result = {"documents": ids, "claims": {"passA": sum(len(a) for a, _ in pairs), "passB": sum(len(b) for _, b in pairs)}}
    for mode in ("overlap", "strict"):
        for holder in (False, True):
            key = f"{mode}_f1_label" + ("_holder" if holder else "")
            result[key] = round(scoring.score(pairs, mode, holder).overall.f1, 4)
    result["holder_agreement"] = round(scoring.holder_accuracy(pairs)[0], 4)
    result["position_f1"] = round(scoring.position_counts(pairs).f1, 4)
    for holder in (False, True):
        codes_a, codes_b = [], []
        for i in ids:
            codes_a += scoring.sentence_codes(docs_a[i], docs_a[i].claims, holder)
            codes_b += scoring.sentence_codes(docs_b[i], docs_b[i].claims, holder)
        cats = sorted(set(codes_a) | set(codes_b))
        data = [[cats.index(c) for c in codes_a], [cats.index(c) for c in codes_b]]
        key = "alpha_sentence_label" + ("_holder" if holder else "")
        result[key] = round(float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")), 4)
        result["sentences"] = len(codes_a)
    return result


def alignment_agreement(reference: Path, other: Path) -> dict:
    """Pairwise F1 between two alignment annotations of the same claims (symmetric: P and R
    swap with the roles). The reconciled alignments were made by one annotator; `other` is
    an independent pass made later without seeing them."""
    from extractor.alignment_eval import load_alignments
    from extractor.scoring import Counts

    ref = set().union(*load_alignments(reference).values())
    oth = set().union(*load_alignments(other).values())
    return {"reference_pairs": len(ref), "other_pairs": len(oth), **Counts(len(ref & oth), len(oth - ref), len(ref - oth)).as_dict()}


def main() -> None:
    res = agreement(ROOT / "annotations/passes/passA", ROOT / "annotations/passes/passB", ROOT.parent / "shared/seeds")
    second = ROOT / "annotations/passes/alignments_passC.jsonl"
    if second.exists():
        res["alignments"] = alignment_agreement(ROOT / "annotations/alignments.jsonl", second)
    out = ROOT / "eval/results/agreement.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    rows = [(k, v) for k, v in res.items() if isinstance(v, float)]
    for k, v in rows:
        print(f"{k:32s} {v:.3f}")
    md = ["# Inter-annotator agreement", "",
          "Two independent passes over the five seed articles (`annotations/passes/passA`, `passB`),",
          "each made without seeing the other, compared before reconciliation. Written by",
          "`python eval/agreement.py`.", "",
          f"Claims: passA {res['claims']['passA']}, passB {res['claims']['passB']}; sentences: {res['sentences']}.", "",
          "| measure | value |", "|---|---|"] + [f"| {k} | {v:.3f} |" for k, v in rows] + [
          "", "Overlap F1 of label+holder between the passes is the ceiling against which the",
          "tagger's cross-validated overlap F1 (label+holder) should be read."]
    if "alignments" in res:
        a = res["alignments"]
        print(f"{'alignment pairs F1':32s} {a['f1']:.3f}")
        md += ["", "## Alignments", "",
               "`annotations/alignments.jsonl` (the gold alignments of the 2022 meeting) against an independent",
               "pass made from the same guidelines without seeing them (`annotations/passes/alignments_passC.jsonl`):",
               "", "| gold pairs | pass pairs | in both | F1 |", "|---|---|---|---|",
               f"| {a['reference_pairs']} | {a['other_pairs']} | {a['tp']} | {a['f1']:.3f} |", "",
               "This F1 is the ceiling against which the comparator's alignment F1 on gold claims should be read."]
    (ROOT / "annotations/AGREEMENT.md").write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
