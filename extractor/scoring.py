"""Span scoring: gold vs predicted claims, strict and overlap matching, with or without the
holder; holder accuracy and position linking on matched claims. Pure functions over Claims;
the indices behind each count are returned so errors can be read.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .types import Claim, Document


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _overlap(a: Claim, b: Claim) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match(gold: Sequence[Claim], pred: Sequence[Claim], mode: str = "overlap", holder: bool = False,
          label: bool = True) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index). strict: same offsets; overlap: spans share a
    character (largest overlaps paired first). label/holder: those must agree too."""
    if mode not in ("strict", "overlap"):
        raise ValueError(f"mode {mode!r}: expected strict or overlap")
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if label and g.label != p.label:
                continue
            if holder and g.holder != p.holder:
                continue
            if mode == "strict" and (g.start, g.end) != (p.start, p.end):
                continue
            ov = _overlap(g, p)
            if ov > 0:
                candidates.append((-ov, i, j))
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_p:
            used_g.add(i); used_p.add(j); pairs.append((i, j))
    return sorted(pairs)


@dataclass
class Score:
    """Micro counts over documents, overall and per label, for one matching scheme."""
    overall: Counts = field(default_factory=Counts)
    per_label: dict[str, Counts] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"micro": self.overall.as_dict(), "per_label": {k: v.as_dict() for k, v in sorted(self.per_label.items())}}


def score(pairs: Iterable[tuple[Sequence[Claim], Sequence[Claim]]], mode: str, holder: bool, label: bool = True) -> Score:
    out = Score()
    for gold, pred in pairs:
        matched = match(gold, pred, mode, holder, label)
        mg, mp = {i for i, _ in matched}, {j for _, j in matched}
        for lab in {c.label for c in (*gold, *pred)}:
            c = Counts(
                tp=sum(1 for i, _ in matched if gold[i].label == lab),
                fn=sum(1 for i, g in enumerate(gold) if i not in mg and g.label == lab),
                fp=sum(1 for j, p in enumerate(pred) if j not in mp and p.label == lab),
            )
            out.per_label.setdefault(lab, Counts()).add(c)
            out.overall.add(c)
    return out


def holder_accuracy(pairs: Iterable[tuple[Sequence[Claim], Sequence[Claim]]]) -> tuple[float, int]:
    """Share of overlap-matched claims (same label) whose holder agrees, and how many were matched."""
    right = total = 0
    for gold, pred in pairs:
        for i, j in match(gold, pred, "overlap", holder=False):
            total += 1
            right += gold[i].holder == pred[j].holder
    return (right / total if total else 0.0), total


def position_counts(pairs: Iterable[tuple[Sequence[Claim], Sequence[Claim]]], matched_only: bool = True) -> Counts:
    """Position links compared claim by claim, tp/fp/fn over (claim, id) items: on
    overlap-matched claims (any label); with matched_only=False also the ids of unmatched gold
    claims (missed) and unmatched predicted claims (spurious), the claim-level end-to-end figure."""
    c = Counts()
    for gold, pred in pairs:
        matched = match(gold, pred, "overlap", label=False)
        for i, j in matched:
            g, p = set(gold[i].position_ids), set(pred[j].position_ids)
            c.add(Counts(len(g & p), len(p - g), len(g - p)))
        if not matched_only:
            seen_g, seen_p = {i for i, _ in matched}, {j for _, j in matched}
            c.add(Counts(0, sum(len(x.positions) for j, x in enumerate(pred) if j not in seen_p),
                         sum(len(x.positions) for i, x in enumerate(gold) if i not in seen_g)))
    return c


def sentence_codes(doc: Document, claims: Sequence[Claim], holder: bool = False) -> list[str]:
    """One nominal value per sentence: the sorted labels (or label:holder) of the claims that
    start in it, or NONE. Used for Krippendorff's alpha at sentence level."""
    codes = []
    for s in doc.sentences:
        inside = sorted({c.label + (f":{c.holder}" if holder else "") for c in claims if s.start <= c.start < s.end})
        codes.append("+".join(inside) or "NONE")
    return codes


def sentence_units(doc: Document, claims: Sequence[Claim], holder: bool = True) -> set[tuple[int, str, str]]:
    """The (sentence index, label, holder) units a researcher counts: each claim counted once
    in the sentence where it starts; two claims of one label and holder in a sentence are one unit."""
    starts = [s.start for s in doc.sentences]
    return {(max(bisect_right(starts, c.start) - 1, 0), c.label, c.holder if holder else "") for c in claims}


def sentence_counts(doc: Document, gold: Sequence[Claim], pred: Sequence[Claim], holder: bool = True) -> dict[str, Counts]:
    """Sentence-level counts of one document, overall ("micro") and per label."""
    g, p = sentence_units(doc, gold, holder), sentence_units(doc, pred, holder)
    out = {"micro": Counts(len(g & p), len(p - g), len(g - p))}
    for lab in sorted({u[1] for u in g | p}):
        gl, pl = {u for u in g if u[1] == lab}, {u for u in p if u[1] == lab}
        out[lab] = Counts(len(gl & pl), len(pl - gl), len(gl - pl))
    return out


def f1_statistic(tp, fp, fn, axis=-1):
    """Micro F1 of summed counts, vectorised for scipy.stats.bootstrap: 2tp / (2tp + fp + fn)."""
    import numpy as np

    t, f = np.sum(tp, axis=axis), np.sum(fp, axis=axis) + np.sum(fn, axis=axis)
    return np.where(2 * t + f > 0, 2 * t / np.maximum(2 * t + f, 1), 0.0)


def ratio_statistic(num, den, axis=-1):
    """Summed numerator over summed denominator (holder accuracy over matched claims)."""
    import numpy as np

    n, d = np.sum(num, axis=axis), np.sum(den, axis=axis)
    return np.where(d > 0, n / np.maximum(d, 1), 0.0)


def bootstrap_interval(columns: Sequence[Sequence[float]], statistic=f1_statistic, n_resamples: int = 2000,
                       seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of a statistic over items (articles, meetings): each
    column holds one count per item (e.g. tp, fp, fn), resampled together (paired)."""
    import numpy as np
    from scipy.stats import bootstrap

    data = tuple(np.asarray(c, dtype=float) for c in columns)
    if len(data[0]) < 2 or all(np.all(c == c[0]) for c in data):
        value = float(statistic(*data))
        return round(value, 4), round(value, 4)
    res = bootstrap(data, statistic, paired=True, vectorized=True, n_resamples=n_resamples,
                    confidence_level=level, method="percentile", rng=np.random.default_rng(seed))
    return round(float(res.confidence_interval.low), 4), round(float(res.confidence_interval.high), 4)


def f1_difference_statistic(tp_a, fp_a, fn_a, tp_b, fp_b, fn_b, axis=-1):
    """Micro F1 of system a minus that of system b, on the same items."""
    return f1_statistic(tp_a, fp_a, fn_a, axis) - f1_statistic(tp_b, fp_b, fn_b, axis)


def f1_interval(counts: Sequence[Counts], **kw) -> tuple[float, float]:
    """95% bootstrap interval of micro F1 over items (articles, meetings), one Counts each."""
    return bootstrap_interval([[c.tp for c in counts], [c.fp for c in counts], [c.fn for c in counts]], **kw)


def paired_difference(a: Sequence[Counts], b: Sequence[Counts], seed: int = 0) -> tuple[float, tuple[float, float]]:
    """Micro F1 of a minus micro F1 of b over the same items (articles), with a 95% paired
    bootstrap interval: each resample takes the same items for both systems."""
    cols = [[c.tp for c in a], [c.fp for c in a], [c.fn for c in a], [c.tp for c in b], [c.fp for c in b], [c.fn for c in b]]
    point = float(f1_difference_statistic(*cols))
    return round(point, 4), bootstrap_interval(cols, f1_difference_statistic, seed=seed)


def reference_scores(pairs: Iterable[tuple[Sequence[Claim], Sequence[Claim]]]) -> dict[str, float]:
    """The same predictions scored by nervaluate (the SemEval-2013 conventions), label+holder
    as the entity type, beside the project's own figures: `ent_type` (any overlap, right
    type) is the convention of the headline overlap figure, `partial` gives half credit to a
    boundary mismatch, `strict` needs exact boundaries and type. nervaluate takes inclusive
    ends. The project's overlap scorer matches one to one (a prediction that splits a gold
    span counts once), where nervaluate counts each overlapping prediction."""
    from nervaluate import Evaluator

    def ents(claims):
        return [{"label": f"{c.label}:{c.holder}", "start": c.start, "end": c.end - 1} for c in claims]

    pairs = list(pairs)
    gold, pred = [ents(g) for g, _ in pairs], [ents(p) for _, p in pairs]
    tags = sorted({e["label"] for doc in gold + pred for e in doc}) or ["NONE"]
    overall = Evaluator(gold, pred, tags=tags).evaluate()["overall"]
    return {f"nervaluate_{k}_f1": round(float(overall[k].f1), 4) for k in ("ent_type", "partial", "strict")}

