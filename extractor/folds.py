"""Meeting-grouped folds for cross-validation: every article of a meeting sits in one fold,
so no meeting is on both sides of a split. The folds are made once (`make_folds`), written
to annotations/folds.json and read from there, so every run scores the same splits."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import AnnotationError

FOLDS_FILE = "annotations/folds.json"


def make_folds(articles: Iterable[tuple[str, str, str]], k: int = 5) -> list[list[str]]:
    """k lists of meeting ids from (doc id, meeting, side) triples, balanced in articles and
    in sides: meetings are placed largest first, each into the fold with the fewest articles,
    ties broken by the fold whose side counts it evens out most, then by fold number."""
    docs: dict[str, list[str]] = defaultdict(list)
    for _, meeting, side in articles:
        docs[meeting].append(side)
    sizes, sides = [0] * k, [Counter() for _ in range(k)]
    folds: list[list[str]] = [[] for _ in range(k)]
    for meeting in sorted(docs, key=lambda m: (-len(docs[m]), m)):
        add = Counter(docs[meeting])

        def cost(i: int) -> tuple:
            after = sides[i] + add
            return sizes[i], abs(after["vn"] - after["cn"]), i

        best = min(range(k), key=cost)
        folds[best].append(meeting)
        sizes[best] += len(docs[meeting])
        sides[best] += add
    # then even out the sides: swap one-article meetings of opposite sides between folds
    # (sizes unchanged) while a swap lowers the summed squared side imbalance
    while (swap := _better_swap(folds, docs, sides)) is not None:
        i, j, a, b = swap
        folds[i].remove(a); folds[j].remove(b); folds[i].append(b); folds[j].append(a)
        sides[i] = sides[i] - Counter(docs[a]) + Counter(docs[b])
        sides[j] = sides[j] - Counter(docs[b]) + Counter(docs[a])
    return [sorted(f) for f in folds]


def _better_swap(folds: list[list[str]], docs: dict[str, list[str]], sides: list[Counter]) -> tuple | None:
    """The first swap (fold i, fold j, meeting a of i, meeting b of j) of two one-article
    meetings of opposite sides that lowers the two folds' summed squared side imbalance."""
    def imbalance(c: Counter) -> int:
        return (c["vn"] - c["cn"]) ** 2

    for i in range(len(folds)):
        for j in range(i + 1, len(folds)):
            for a in [m for m in folds[i] if len(docs[m]) == 1]:
                for b in [m for m in folds[j] if len(docs[m]) == 1 and docs[m] != docs[a]]:
                    ci = sides[i] - Counter(docs[a]) + Counter(docs[b])
                    cj = sides[j] - Counter(docs[b]) + Counter(docs[a])
                    if imbalance(ci) + imbalance(cj) < imbalance(sides[i]) + imbalance(sides[j]):
                        return i, j, a, b
    return None


def write_folds(path: Path, folds: Sequence[Sequence[str]], articles: Iterable[tuple[str, str, str]]) -> None:
    by_meeting = defaultdict(list)
    for doc_id, meeting, side in articles:
        by_meeting[meeting].append({"doc_id": doc_id, "side": side})
    data = {"about": "meeting-grouped cross-validation folds over the real labelled articles; "
                     "made by extractor.folds.make_folds, fixed: every evaluation reads this file",
            "folds": [{"fold": i, "meetings": {m: sorted(by_meeting[m], key=lambda a: a["doc_id"]) for m in f}}
                      for i, f in enumerate(folds)]}
    Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def load_folds(path: Path) -> list[list[str]]:
    """The meeting ids of each fold, checked: no meeting in two folds."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnnotationError(f"{path}: no folds file; make it with `python eval/folds.py`") from None
    folds = [list(f["meetings"]) for f in data["folds"]]
    seen = Counter(m for f in folds for m in f)
    doubled = sorted(m for m, n in seen.items() if n > 1)
    if doubled:
        raise AnnotationError(f"{path}: meeting(s) in more than one fold: {', '.join(doubled)}")
    return folds


def fold_of(meetings: dict[str, str], folds: Sequence[Sequence[str]], where: str = FOLDS_FILE) -> dict[str, int]:
    """doc id -> fold number, from each document's meeting; a meeting in no fold is an error."""
    index = {m: i for i, f in enumerate(folds) for m in f}
    missing = sorted({m for m in meetings.values() if m not in index})
    if missing:
        raise AnnotationError(f"{where}: meeting(s) {', '.join(missing)} of the labelled set are in no fold; "
                              f"remake the folds with `python eval/folds.py`")
    return {doc_id: index[m] for doc_id, m in meetings.items()}


def splits(meetings: dict[str, str], folds: Sequence[Sequence[str]]) -> list[tuple[set[str], set[str]]]:
    """(training doc ids, held-out doc ids) for each fold."""
    of = fold_of(meetings, folds)
    return [({d for d, f in of.items() if f != i}, {d for d, f in of.items() if f == i}) for i in range(len(folds))]
