"""Span scoring: gold vs predicted claims, strict and overlap matching, with or without the
holder; holder accuracy and position linking on matched claims. Pure functions over Claims;
the indices behind each count are returned so errors can be read.
"""
from __future__ import annotations

from collections import Counter
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
    """Position links compared on overlap-matched claims (any label): tp/fp/fn over ids."""
    c = Counts()
    for gold, pred in pairs:
        for i, j in match(gold, pred, "overlap", label=False):
            g, p = set(gold[i].position_ids), set(pred[j].position_ids)
            c.add(Counts(len(g & p), len(p - g), len(g - p)))
    return c


def sentence_codes(doc: Document, claims: Sequence[Claim], holder: bool = False) -> list[str]:
    """One nominal value per sentence: the sorted labels (or label:holder) of the claims that
    start in it, or NONE. Used for Krippendorff's alpha at sentence level."""
    codes = []
    for s in doc.sentences:
        inside = sorted({c.label + (f":{c.holder}" if holder else "") for c in claims if s.start <= c.start < s.end})
        codes.append("+".join(inside) or "NONE")
    return codes


def label_counts(claims: Iterable[Claim]) -> dict[str, int]:
    return dict(Counter(c.label for c in claims))
