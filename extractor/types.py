"""The one data model flowing through readout.

Document (text) -> Sentences -> Claims with character offsets, label, holder, positions, score.
All offsets are [start, end) into Document.text, which is never modified after loading.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
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
class DocumentMeta:
    """What readout knows of a document besides its text: its manifest entry or corpus row,
    and where and how it was read."""
    side: str | None = None             # vn / cn: whose media published it
    meeting: str | None = None
    outlet: str | None = None
    date: str | None = None
    genre: str | None = None            # "news report", "commentary", ...
    url: str | None = None
    path: str | None = None             # the file it was read from
    row: int | None = None              # its row in a corpus file
    sha256: str | None = None           # of the text as read, which offsets index
    warnings: tuple[str, ...] = ()      # what reading it had to repair
    meeting_found: bool = False         # the meeting was grouped by readout, not given
    meeting_confidence: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)   # any other manifest key, as given

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DocumentMeta":
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {k: v for k, v in data.items() if k in known}
        if "warnings" in values:
            values["warnings"] = tuple(values["warnings"] or ())
        return cls(**values, extra={**data.get("extra", {}), **{k: v for k, v in data.items() if k not in known | {"extra"}}})

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set (JSON data), other manifest keys included."""
        out = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name != "extra" and getattr(self, f.name) != f.default}
        if "warnings" in out:
            out["warnings"] = list(out["warnings"])
        return out | self.extra

    def fingerprint(self) -> str:
        """A hash of what the claims of this document carry or depend on besides its text
        (side, meeting, outlet, date, genre, ...): not where or how it was read."""
        import hashlib
        import json

        kept = {k: v for k, v in self.to_dict().items() if k not in ("path", "row", "sha256", "warnings")}
        return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def __or__(self, changes: dict[str, Any]) -> "DocumentMeta":
        """The same metadata with some fields changed (`doc.meta | {"meeting": "m1"}`)."""
        return DocumentMeta.from_dict(self.to_dict() | changes)


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: DocumentMeta = field(default_factory=DocumentMeta, compare=False, hash=False)
    sentences: tuple[Sentence, ...] = ()
    claims: tuple[Claim, ...] = ()

    def __post_init__(self):
        if not isinstance(self.meta, DocumentMeta):      # a plain dict, as tests and readers write it
            object.__setattr__(self, "meta", DocumentMeta.from_dict(dict(self.meta or {})))
        n = len(self.text)
        for s in (*self.sentences, *(c.span for c in self.claims)):
            if s.end > n:
                raise ValueError(f"{self.id}: offsets {s.start}-{s.end} run past the text (length {n})")

    @property
    def side(self) -> str | None:
        return self.meta.side

    def slice(self, span: Span | Sentence | Claim) -> str:
        return self.text[span.start:span.end]

    def sentence_of(self, start: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= start < s.end:
                return s
        return None

    def with_(self, **changes) -> "Document":
        return replace(self, **changes)
