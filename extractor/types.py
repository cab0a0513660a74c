"""The one data model flowing through readout.

Document (text) -> Sentences -> Claims with character offsets, label, holder, positions, score.
All offsets are [start, end) into Document.text, which is never modified after loading.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str = ""
    score: float = 1.0

    def __post_init__(self):
        if not (0 <= self.start <= self.end):
            raise ValueError(f"span offsets must satisfy 0 <= start <= end, got {self.start}-{self.end}")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True)
class PositionLink:
    position_id: str
    score: float = 1.0


@dataclass(frozen=True)
class Claim:
    span: Span                      # label is the claim label (COMMITMENT / POSITION / CALL)
    holder: str | None = None       # vn / cn / both
    speaker: str | None = None      # canonical actor name, when the text names one
    positions: tuple[PositionLink, ...] = ()
    source: str = ""                # "gold:<annotators>" or "model:<model id>" or "baseline:rules"

    @property
    def label(self) -> str:
        return self.span.label

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end

    @property
    def score(self) -> float:
        return self.span.score

    @property
    def position_ids(self) -> tuple[str, ...]:
        return tuple(p.position_id for p in self.positions)


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    sentences: tuple[Sentence, ...] = ()
    claims: tuple[Claim, ...] = ()

    def __post_init__(self):
        n = len(self.text)
        for s in (*self.sentences, *(c.span for c in self.claims)):
            if s.end > n:
                raise ValueError(f"{self.id}: offsets {s.start}-{s.end} run past the text (length {n})")

    @property
    def side(self) -> str | None:
        return self.meta.get("side")

    def slice(self, span: Span | Sentence | Claim) -> str:
        return self.text[span.start:span.end]

    def sentence_of(self, start: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= start < s.end:
                return s
        return None

    def with_(self, **changes) -> "Document":
        return replace(self, **changes)
