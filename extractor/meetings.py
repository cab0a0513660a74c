"""Meetings found, not typed: articles without a `meeting` value are grouped into meetings
by their date, the officials their lead names and the kind of contact (talks or a phone
call). A `meeting` value given in the manifest or the corpus always wins.

Pure functions over Documents; no model. Two articles can report the same meeting when
their dates are at most `window_days` apart (a Chinese and a Vietnamese account often
differ by a day, a commentary by two or three); they do when, besides, the officials their
leads name overlap and the kind of contact agrees. Groups are the connected pieces of
that relation."""
from __future__ import annotations

import hashlib
from collections import Counter
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from .holders import find_mentions
from .outputs import safe_component
from .types import Document

LEAD_CHARS = 600          # the lead: where a report names who met whom
WINDOW_DAYS = 3
_PHONE = re.compile(r"\b(?:phone|telephone|video call|video link|held talks via video|virtual(?:ly)?)\b", re.I)


@dataclass(frozen=True)
class Signature:
    """What an article says about its meeting."""
    doc_id: str
    side: str | None
    day: date | None
    people: frozenset[str]
    contact: str              # "phone" or "in person"


@dataclass
class Meeting:
    id: str
    articles: list[dict]
    confidence: float
    given: bool = False       # the manifest named it
    evidence: list[str] = field(default_factory=list)

    def record(self) -> dict:
        return {"meeting": self.id, "given": self.given, "confidence": round(self.confidence, 3),
                "articles": self.articles, "evidence": self.evidence}


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def signature(doc: Document) -> Signature:
    lead = doc.text[:LEAD_CHARS]
    people = frozenset(m.name for m in find_mentions(lead) if m.kind == "person" and m.name and not m.name.startswith("the "))
    return Signature(doc.id, doc.meta.side, _day(doc.meta.date), people,
                     "phone" if _PHONE.search(lead) else "in person")


def same_meeting(a: Signature, b: Signature, window_days: int = WINDOW_DAYS) -> float:
    """How sure we are that two articles report one meeting, 0-1: 0 when their dates are
    too far apart (or unknown) or the kind of contact differs; then by the officials named."""
    if a.day is None or b.day is None or abs((a.day - b.day).days) > window_days or a.contact != b.contact:
        return 0.0
    if a.people and b.people:
        shared = len(a.people & b.people) / len(a.people | b.people)
        return 0.0 if shared == 0 else 0.6 + 0.4 * shared
    return 0.5               # a lead naming no listed official: the date alone


def group(signatures: list[Signature], threshold: float = 0.5, window_days: int = WINDOW_DAYS) -> list[list[int]]:
    """Connected pieces of the same-meeting relation (scores >= threshold), in date order."""
    parent = list(range(len(signatures)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # only articles dated within the window can match: compare each with the later ones in
    # date order until the window closes, so a corpus of thousands costs n x (articles a window holds)
    dated = sorted((i for i, s in enumerate(signatures) if s.day is not None), key=lambda i: signatures[i].day)
    for k, i in enumerate(dated):
        for j in dated[k + 1:]:
            if (signatures[j].day - signatures[i].day).days > window_days:
                break
            if same_meeting(signatures[i], signatures[j], window_days) >= threshold:
                parent[root(i)] = root(j)
    pieces: dict[int, list[int]] = {}
    for i in range(len(signatures)):
        pieces.setdefault(root(i), []).append(i)
    return sorted(pieces.values(), key=lambda g: (min((signatures[i].day or date.max) for i in g), g))


def meeting_id(members: list[Signature], used: set[str]) -> str:
    """found-<first date>-<the officials named most>: readable, stable for the same articles."""
    day = min((s.day for s in members if s.day), default=None)
    counts = Counter(p for s in members for p in s.people)
    names = [p.split()[-1].lower() for p, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:2]]
    base = "-".join(["found", day.isoformat() if day else "undated", *names])
    if base in used:
        base += "-" + hashlib.sha1(",".join(sorted(s.doc_id for s in members)).encode()).hexdigest()[:6]
    used.add(base)
    return safe_component(base)


def find_meetings(docs: list[Document], threshold: float = 0.5, window_days: int = WINDOW_DAYS) -> list[Meeting]:
    """Every article in one meeting: those with a given `meeting` keep it; the others are
    grouped. A found meeting's confidence is the weakest link between its articles (1.0 for
    an article alone, which is certain to be one meeting but may be a missed partner)."""
    out: list[Meeting] = []
    given: dict[str, list[Document]] = {}
    loose = []
    for d in docs:
        if d.meta.meeting:
            given.setdefault(str(d.meta.meeting), []).append(d)
        else:
            loose.append(d)
    for mid, members in sorted(given.items()):
        out.append(Meeting(mid, [_article(d) for d in members], 1.0, given=True, evidence=["given in the corpus"]))
    sigs = [signature(d) for d in loose]
    used: set[str] = set(given)
    for piece in group(sigs, threshold, window_days):
        members = [sigs[i] for i in piece]
        links = [same_meeting(a, b, window_days) for a, b in combinations(members, 2)]
        people = sorted(set().union(*(s.people for s in members)))
        evidence = [f"dates {', '.join(sorted({str(s.day) for s in members}))}", f"contact: {members[0].contact}"]
        if people:
            evidence.append(f"officials: {', '.join(people)}")
        out.append(Meeting(meeting_id(members, used), [_article(loose[i]) for i in piece], min(links, default=1.0),
                           evidence=evidence))
    return out


def _article(d: Document) -> dict:
    return {"doc_id": d.id, "side": d.meta.side, "date": d.meta.date, "outlet": d.meta.outlet}


def assign(docs: list[Document], meetings: list[Meeting]) -> list[Document]:
    """The documents with a `meeting` each; a found one is marked in `meeting_found`."""
    where = {a["doc_id"]: m for m in meetings for a in m.articles}
    out = []
    for d in docs:
        m = where.get(d.id)
        if m is None or m.given:
            out.append(d)
        else:
            out.append(d.with_(meta=d.meta | {"meeting": m.id, "meeting_found": True, "meeting_confidence": round(m.confidence, 3)}))
    return out


def pairwise_scores(truth: dict[str, str], found: dict[str, str]) -> dict[str, float]:
    """Pairwise precision and recall of "same meeting" over article pairs."""
    ids = sorted(set(truth) & set(found))
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        t, f = truth[a] == truth[b], found[a] == found[b]
        tp += t and f
        fp += f and not t
        fn += t and not f
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"pairs_same_meeting": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
