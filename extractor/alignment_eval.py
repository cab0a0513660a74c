"""Alignment evaluation against annotations/alignments.jsonl: the comparator on gold claims,
end to end on predicted claims, and position-coverage accuracy of `compare`."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .config import ROOT, load_tagger_config
from .compare import Embedder, align_documents, compare_settings
from .framing_analysis import coverage
from .errors import AnnotationError
from .jsonl import read_jsonl
from .positions import position_ids
from .scoring import Counts
from .standoff import load_authored, load_gold
from .types import Claim, Document

Key = tuple[str, int, int]


def load_alignments(path: Path, doc_pairs: Path | None = None) -> dict[tuple[str, str], set[tuple[Key, Key]]]:
    """Gold pairs grouped by (doc a, doc b); doc_pairs (lines {"a": id, "b": id}) adds the
    document pairs that were annotated but have no aligned claims, so their false alignments count."""
    out: dict[tuple[str, str], set] = defaultdict(set)
    if doc_pairs is not None:
        for _, r in read_jsonl(Path(doc_pairs), AnnotationError):
            out[(r["a"], r["b"])]
    for _, r in read_jsonl(Path(path), AnnotationError):
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
    per_pair = pair_counts(gold_pairs, gold_docs, pred_docs, embedder, s)
    on_gold, e2e = Counts(), Counts()
    coverage_hits = coverage_total = 0
    for c in per_pair.values():
        on_gold.add(c["on_gold"])
        if pred_docs is not None:
            e2e.add(c["end_to_end"])
            coverage_hits += c["coverage"][0]
            coverage_total += c["coverage"][1]
    out = {k: s[k] for k in ("threshold", "second_match_margin", "position_weight")} | {"encoder": getattr(embedder, "name", None),
                                                                                       "on_gold_claims": on_gold.as_dict()}
    if pred_docs is not None:
        out["end_to_end"] = e2e.as_dict()
        out["position_coverage_accuracy"] = round(coverage_hits / coverage_total, 4) if coverage_total else None
    return out


def pair_counts(gold_pairs: dict, gold_docs: dict[str, Document], pred_docs: dict[str, Document] | None,
                embedder, settings: dict) -> dict[tuple[str, str], dict]:
    """Per document pair: alignment counts on gold claims, and with predicted documents end to
    end counts and position coverage (categories right, positions judged)."""
    out = {}
    for (ida, idb), gold in gold_pairs.items():
        pred = predicted_pairs(gold_docs[ida], gold_docs[idb], embedder, settings)
        row = {"on_gold": Counts(len(pred & gold), len(pred - gold), len(gold - pred))}
        if pred_docs is not None:
            pa, pb = pred_docs[ida], pred_docs[idb]
            mapping = _to_gold(pa, gold_docs[ida]) | _to_gold(pb, gold_docs[idb])
            pred_e2e = predicted_pairs(pa, pb, embedder, settings)
            tp = len({(mapping.get(x), mapping.get(y)) for x, y in pred_e2e} & gold)
            row["end_to_end"] = Counts(tp, len(pred_e2e) - tp, len(gold) - tp)
            cg, cp = coverage(gold_docs[ida], gold_docs[idb]), coverage(pa, pb)
            cat = lambda c, pid: next((k for k in ("both", "only_a", "only_b") if pid in c[k]), "none")
            ids = position_ids()
            row["coverage"] = (sum(cat(cg, pid) == cat(cp, pid) for pid in ids), len(ids))
        out[(ida, idb)] = row
    return out


# --- real pairs: the seed meeting and the two-sided corpus meetings, scored by meeting folds ---

THRESHOLDS = [round(0.05 + 0.025 * i, 3) for i in range(31)]  # 0.05 .. 0.80: wide enough for a lexical score too
REAL_ALIGNMENTS = (("annotations/alignments.jsonl", None),
                   ("annotations/alignments_corpus.jsonl", "annotations/alignment_pairs_corpus.jsonl"))


def real_pairs(root: Path, docs: dict[str, Document]) -> dict[tuple[str, str], set]:
    """Gold alignments of the real accounts, by document pair (pairs annotated with no
    aligned claim included), restricted to documents present in `docs`."""
    out: dict = {}
    for alignments, doc_pairs in REAL_ALIGNMENTS:
        if (root / alignments).exists():
            out |= load_alignments(root / alignments, root / doc_pairs if doc_pairs else None)
    return {k: v for k, v in out.items() if k[0] in docs and k[1] in docs}


def best_threshold(gold_pairs: dict, gold_docs: dict[str, Document], embedder, settings: dict) -> float:
    """The threshold of the sweep with the best F1 on gold claims over these pairs (ties:
    the one nearest 0.5)."""
    if not gold_pairs:
        return settings["threshold"]

    def f1(t: float) -> float:
        c = Counts()
        for row in pair_counts(gold_pairs, gold_docs, None, embedder, settings | {"threshold": t}).values():
            c.add(row["on_gold"])
        return c.f1

    return max(THRESHOLDS, key=lambda t: (f1(t), -abs(t - 0.5)))


def grouped_alignment(gold_pairs: dict, gold_docs: dict[str, Document], pred_docs: dict[str, Document] | None,
                      embedder, folds: list[list[str]], tune: bool = True, **overrides) -> dict:
    """The comparator on real pairs by meeting folds: for each fold, the threshold is chosen
    on the other folds' cross-side pairs (with `tune`; else the configured one), then its
    meetings' pairs are scored. Micro figures over held-out cross-side pairs with 95%
    bootstrap intervals over meetings; same-side pairs (a report and a commentary) apart."""
    from .scoring import bootstrap_interval, f1_interval, ratio_statistic

    settings = compare_settings() | overrides
    meeting = {k: gold_docs[k[0]].meta.meeting for k in gold_pairs}
    same_side = {k for k in gold_pairs if gold_docs[k[0]].meta.side == gold_docs[k[1]].meta.side}
    rows, thresholds = {}, []
    for i, fold in enumerate(folds):
        test = {k: v for k, v in gold_pairs.items() if meeting[k] in fold}
        if not test:
            continue
        train = {k: v for k, v in gold_pairs.items() if meeting[k] not in fold and k not in same_side}
        t = best_threshold(train, gold_docs, embedder, settings) if tune else settings["threshold"]
        thresholds.append({"fold": i, "threshold": t, "training_pairs": len(train)})
        rows |= pair_counts(test, gold_docs, pred_docs, embedder, settings | {"threshold": t})

    def summarise(keys: list) -> dict:
        by_meeting: dict[str, dict[str, Counts]] = {}
        cov: dict[str, list[int]] = {}
        for k in keys:
            m = by_meeting.setdefault(meeting[k], {"on_gold": Counts(), "end_to_end": Counts()})
            m["on_gold"].add(rows[k]["on_gold"])
            if pred_docs is not None:
                m["end_to_end"].add(rows[k]["end_to_end"])
                c = cov.setdefault(meeting[k], [0, 0])
                c[0] += rows[k]["coverage"][0]; c[1] += rows[k]["coverage"][1]
        out = {"pairs": len(keys), "meetings": len(by_meeting), "gold_alignments": sum(len(gold_pairs[k]) for k in keys)}
        for name in ("on_gold", "end_to_end") if pred_docs is not None else ("on_gold",):
            per_meeting = [m[name] for m in by_meeting.values()]
            out[name] = sum(per_meeting, Counts()).as_dict() | {"f1_ci": list(f1_interval(per_meeting)) if per_meeting else None}
        if pred_docs is not None and cov:
            hits, total = sum(c[0] for c in cov.values()), sum(c[1] for c in cov.values())
            out["coverage_accuracy"] = round(hits / total, 4)
            out["coverage_accuracy_ci"] = list(bootstrap_interval([[c[0] for c in cov.values()], [c[1] for c in cov.values()]],
                                                                  ratio_statistic))
        return out

    cross = sorted(k for k in rows if k not in same_side)
    return {"encoder": getattr(embedder, "name", None), "tuned_per_fold": tune,
            "settings": {k: settings[k] for k in ("second_match_margin", "position_weight")} | (
                {} if tune else {"threshold": settings["threshold"]}),
            "thresholds": thresholds, "cross_side": summarise(cross),
            "same_side": summarise(sorted(k for k in rows if k in same_side)),
            "per_meeting": {m: {"pairs": [list(k) for k in cross if meeting[k] == m],
                                "on_gold": sum((rows[k]["on_gold"] for k in cross if meeting[k] == m), Counts()).as_dict()}
                            for m in sorted({meeting[k] for k in cross})}}


class LexicalEmbedder:
    """The lexical baseline: TF-IDF vectors (unit length) in place of sentence embeddings, so the
    same similarity and assignment run over word overlap; IDF from the texts it is fitted on."""

    name = "tf-idf"

    def __init__(self, texts: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(lowercase=True, sublinear_tf=True, ngram_range=(1, 2), min_df=1).fit(texts)

    def encode(self, texts: list[str]):
        import numpy as np

        return np.asarray(self.vectorizer.transform(texts).todense(), dtype=np.float32)


# The comparator's evaluation sets, kept apart (eval/alignment.py sweeps them):
#   dev   written in our own words: annotations/paired_reports (invented meetings told by
#         both sides) and annotations/authored_alignments; thresholds are chosen here;
#   test  annotations/alignments.jsonl: the seed meeting's real articles; only reported.
LONG_PART = "e"  # the paired reports written in real readouts' long multi-point sentences


def paired_reports(parts: str = "*") -> tuple[dict, dict]:
    """The invented meetings told by both sides: gold alignments by document pair (of the
    parts matching `parts`), and the documents of every part. The tagger never trains on them, so they also
    test the whole pipeline on unseen text."""
    folder = ROOT / "annotations/paired_reports"
    pairs: dict = {}
    for part in sorted(p.stem.split("_", 1)[1] for p in folder.glob(f"pairs_{parts}.jsonl")):
        pairs |= load_alignments(folder / f"alignments_{part}.jsonl", folder / f"pairs_{part}.jsonl")
    return pairs, {d.id: d for d in load_authored(folder, "reports_*.jsonl")}


def dev_set() -> tuple[dict, dict]:
    """Gold alignments by document pair, and the documents, of the development set."""
    authored = ROOT / "annotations/authored_alignments"
    pairs, docs = paired_reports()
    pairs |= load_alignments(authored / "alignments.jsonl", authored / "alignment_pairs.jsonl")
    return pairs, docs | {d.id: d for d in load_authored(ROOT / "annotations/authored")}


def sets() -> dict:
    """The comparator's development set (our own words: thresholds are chosen here) and its
    test set (the seed meeting's real articles: only reported)."""
    return {
        "dev": dev_set(),
        "test": (load_alignments(ROOT / "annotations/alignments.jsonl"),
                 {d.id: d for d in load_gold(ROOT / "annotations/gold", load_tagger_config().resolve("corpus_dir"))}),
    }
