"""Agreement between the two independent annotation passes (annotations/passes/passA, passB).

Prints overlap/strict F1 of label and label+holder between the passes, sentence-level F1 and
Krippendorff's alpha (nominal) at sentence level, for all articles, the seeds, the corpus and
each source side, and writes annotations/AGREEMENT.md and eval/results/agreement.json.

    python eval/agreement.py
"""
from __future__ import annotations

import json
from pathlib import Path

import krippendorff

ROOT = Path(__file__).resolve().parents[1]

from extractor import scoring
from extractor.config import load_tagger_config
from extractor.standoff import load_gold


def agreement(pass_a: Path, pass_b: Path, corpus: list[Path], keep=lambda doc: True) -> dict:
    """Agreement of two passes over the documents both labelled (and `keep` accepts)."""
    docs_a = {d.id: d for d in load_gold(pass_a, corpus)}
    docs_b = {d.id: d for d in load_gold(pass_b, corpus)}
    ids = sorted(i for i in set(docs_a) & set(docs_b) if keep(docs_a[i]))
    pairs = [(docs_a[i].claims, docs_b[i].claims) for i in ids]
    result = {"documents": ids, "claims": {"passA": sum(len(a) for a, _ in pairs), "passB": sum(len(b) for _, b in pairs)}}
    for mode in ("overlap", "strict"):
        for holder in (False, True):
            key = f"{mode}_f1_label" + ("_holder" if holder else "")
            result[key] = round(scoring.score(pairs, mode, holder).overall.f1, 4)
    result["holder_agreement"] = round(scoring.holder_accuracy(pairs)[0], 4)
    result["position_f1"] = round(scoring.position_counts(pairs).f1, 4)
    sent = scoring.Counts()
    for i in ids:
        sent.add(scoring.sentence_counts(docs_a[i], docs_a[i].claims, docs_b[i].claims)["micro"])
    result["sentence_f1_label_holder"] = round(sent.f1, 4)
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


SUBSETS = {
    "all": lambda d: True,
    "seeds": lambda d: Path(d.meta.path or "").parent.name == "seeds",
    "corpus": lambda d: Path(d.meta.path or "").parent.name == "corpus",
    "source side vn": lambda d: d.meta.side == "vn",
    "source side cn": lambda d: d.meta.side == "cn",
}
MEASURES = ("overlap_f1_label_holder", "overlap_f1_label", "strict_f1_label_holder", "sentence_f1_label_holder",
            "alpha_sentence_label", "alpha_sentence_label_holder", "holder_agreement", "position_f1")


def main() -> None:
    corpus = load_tagger_config().resolve("corpus_dir")
    passes = ROOT / "annotations/passes"
    res = {name: agreement(passes / "passA", passes / "passB", corpus, keep) for name, keep in SUBSETS.items()}
    alignment_files = [("2022 seed meeting", ROOT / "annotations/alignments.jsonl", passes / "alignments_passC.jsonl"),
                       ("corpus meetings", ROOT / "annotations/alignments_corpus.jsonl", passes / "alignments_corpus_passD.jsonl")]
    res["alignments"] = {name: alignment_agreement(ref, other) for name, ref, other in alignment_files
                         if ref.exists() and other.exists()}
    out = ROOT / "eval/results/agreement.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    header = "| measure | " + " | ".join(SUBSETS) + " |"
    rows = [header, "|---|" + "---|" * len(SUBSETS),
            "| articles | " + " | ".join(str(len(res[n]["documents"])) for n in SUBSETS) + " |",
            "| claims (passA / passB) | " + " | ".join(f"{res[n]['claims']['passA']} / {res[n]['claims']['passB']}" for n in SUBSETS) + " |",
            "| sentences | " + " | ".join(str(res[n]["sentences"]) for n in SUBSETS) + " |"]
    rows += [f"| {m} | " + " | ".join(f"{res[n][m]:.3f}" for n in SUBSETS) + " |" for m in MEASURES]
    print("\n".join(rows))
    md = ["# Inter-annotator agreement", "",
          "Two independent passes (`annotations/passes/passA`, `passB`), each made from the guidelines",
          "without seeing the other, compared before reconciliation, over the five seed articles and the",
          "46 articles of `../shared/corpus`. Written by `python eval/agreement.py`. Sentence-level",
          "figures count (sentence, label, holder) units; alpha is Krippendorff's (nominal) over one code",
          "per sentence (the sorted labels of the claims starting in it, or none).", "", *rows, "",
          "Overlap and sentence-level F1 of label+holder between the passes are the ceiling against which",
          "the tagger's cross-validated figures should be read. Both passes were made by annotators working",
          "from the guidelines alone (no annotator saw the other pass), so the figures measure how",
          "determinate the rules are more than how far two trained political scientists would differ; the",
          "cases the passes split on are settled in guidelines §9 and `annotations/REVIEW.md`."]
    if res["alignments"]:
        md += ["", "## Alignments", "",
               "The gold alignments against an independent pass made from the same guidelines without seeing",
               "them (pairs F1; symmetric):", "", "| meetings | gold pairs | pass pairs | in both | F1 |", "|---|---|---|---|---|"]
        for name, a in res["alignments"].items():
            md.append(f"| {name} | {a['reference_pairs']} | {a['other_pairs']} | {a['tp']} | {a['f1']:.3f} |")
            print(f"alignment pairs F1, {name}: {a['f1']:.3f}")
        md += ["", "These F1s are the ceiling against which the comparator's alignment F1 on gold claims should be read."]
    (ROOT / "annotations/AGREEMENT.md").write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
