"""Alignment evaluation against annotations/alignments.jsonl: the comparator on gold claims,
end to end on predicted claims, and position-coverage accuracy of `compare`."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from .compare import Embedder, align_documents, compare_settings, coverage
from .positions import position_ids
from .scoring import Counts
from .types import Claim, Document

Key = tuple[str, int, int]


def load_alignments(path: Path, doc_pairs: Path | None = None) -> dict[tuple[str, str], set[tuple[Key, Key]]]:
    """Gold pairs grouped by (doc a, doc b); doc_pairs (lines {"a": id, "b": id}) adds the
    document pairs that were annotated but have no aligned claims, so their false alignments count."""
    out: dict[tuple[str, str], set] = defaultdict(set)
    if doc_pairs is not None:
        for line in Path(doc_pairs).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out[(r["a"], r["b"])]
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            a, b = r["a"], r["b"]
            out[(a["doc_id"], b["doc_id"])].add(((a["doc_id"], a["start"], a["end"]), (b["doc_id"], b["start"], b["end"])))
    return dict(out)


def _key(doc: Document, c: Claim) -> Key:
    return (doc.id, c.start, c.end)


def predicted_pairs(doc_a: Document, doc_b: Document, embedder: Embedder, settings: dict) -> set[tuple[Key, Key]]:
    return {(_key(doc_a, doc_a.claims[p.a]), _key(doc_b, doc_b.claims[p.b]))
            for p in align_documents(doc_a, doc_b, embedder, settings)}


def _to_gold(doc_pred: Document, doc_gold: Document) -> dict[Key, Key]:
    """Each predicted claim -> the gold claim it overlaps most (any label)."""
    out = {}
    for c in doc_pred.claims:
        best = max(doc_gold.claims, key=lambda g: min(g.end, c.end) - max(g.start, c.start), default=None)
        if best is not None and min(best.end, c.end) > max(best.start, c.start):
            out[_key(doc_pred, c)] = _key(doc_gold, best)
    return out


def alignment_scores(gold_pairs: dict, gold_docs: dict[str, Document], pred_docs: dict[str, Document] | None,
                     embedder: Embedder, **overrides) -> dict:
    """P/R/F1 of the comparator on gold claims (and end to end when pred_docs are given);
    overrides (threshold, second_match_margin, position_weight) replace configs/compare.yaml."""
    s = compare_settings() | overrides
    on_gold, e2e = Counts(), Counts()
    coverage_hits = coverage_total = 0
    for (ida, idb), gold in gold_pairs.items():
        pred = predicted_pairs(gold_docs[ida], gold_docs[idb], embedder, s)
        on_gold.add(Counts(len(pred & gold), len(pred - gold), len(gold - pred)))
        if pred_docs is None:
            continue
        pa, pb = pred_docs[ida], pred_docs[idb]
        mapping = _to_gold(pa, gold_docs[ida]) | _to_gold(pb, gold_docs[idb])
        pred_e2e = predicted_pairs(pa, pb, embedder, s)
        tp = len({(mapping.get(x), mapping.get(y)) for x, y in pred_e2e} & gold)
        e2e.add(Counts(tp, len(pred_e2e) - tp, len(gold) - tp))
        cg, cp = coverage(gold_docs[ida], gold_docs[idb]), coverage(pa, pb)
        for pid in position_ids():
            cat = lambda c: next((k for k in ("both", "only_a", "only_b") if pid in c[k]), "none")
            coverage_hits += cat(cg) == cat(cp)
            coverage_total += 1
    out = {k: s[k] for k in ("threshold", "second_match_margin", "position_weight")} | {"encoder": getattr(embedder, "name", None),
                                                                                       "on_gold_claims": on_gold.as_dict()}
    if pred_docs is not None:
        out["end_to_end"] = e2e.as_dict()
        out["position_coverage_accuracy"] = round(coverage_hits / coverage_total, 4) if coverage_total else None
    return out
