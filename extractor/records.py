"""The claim as written to disk: one record, to and from a Claim, for every writer and reader.

`ClaimRecord.of(doc, claim)` is the output contract (claim lines, framing reports, fold
predictions); `ClaimRecord.from_dict(row)` reads any of them back, typed, and `to_claim()`
gives the Claim again (offsets, label, holder, speaker, positions with their scores, score,
source). Field order is the order of the JSON lines.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .types import Claim, Document, PositionLink, Sentence, Span

SENTENCE_CAP = 2000        # characters: a longer sentence is cut around the claim in claim records
SENTENCE_CONTEXT = 500


def claim_id(doc_id: str, start: int, end: int, label: str) -> str:
    """A claim's stable id: its document, offsets and label (unique within a claims file,
    the same in every run that finds the same span)."""
    return f"{doc_id}:{start}-{end}:{label}"


@dataclass(frozen=True)
class ClaimRecord:
    doc_id: str
    label: str
    start: int
    end: int
    text: str
    side: str | None = None
    meeting: str | None = None
    outlet: str | None = None
    date: str | None = None
    holder: str | None = None
    speaker: str | None = None
    sentence: str | None = None
    sentence_start: int | None = None
    sentence_truncated: bool = False
    positions: tuple[str, ...] = ()
    position_scores: dict[str, float] = field(default_factory=dict)
    score: float = 1.0
    plover: str | None = None
    cameo: str | None = None
    source: str = ""
    model: str | None = None          # the claims model, on lines of a batch run

    # the order of keys on disk (the output contract's order, then the additions)
    ORDER = ("doc_id", "side", "meeting", "outlet", "date", "label", "holder", "speaker", "start", "end", "text",
             "sentence", "sentence_start", "sentence_truncated", "positions", "position_scores", "score", "plover",
             "cameo", "source", "claim_id", "model")

    @property
    def claim_id(self) -> str:
        return claim_id(self.doc_id, self.start, self.end, self.label)

    @classmethod
    def of(cls, doc: Document, claim: Claim, model: str | None = None) -> "ClaimRecord":
        from .labels import EVENT_CODES

        sent = doc.sentence_of(claim.start)
        codes = EVENT_CODES.get(claim.label, {})
        truncated = False
        if sent is not None and sent.end - sent.start > SENTENCE_CAP:
            # a run-on "sentence" (a page without full stops) would be copied into every claim
            # it holds: keep the claim with SENTENCE_CONTEXT characters either side instead
            start = max(sent.start, claim.start - SENTENCE_CONTEXT)
            sent, truncated = Sentence(start, min(sent.end, claim.end + SENTENCE_CONTEXT)), True
        return cls(
            doc_id=doc.id, side=doc.meta.side, meeting=doc.meta.meeting, outlet=doc.meta.outlet,
            date=doc.meta.date, label=claim.label, holder=claim.holder, speaker=claim.speaker,
            start=claim.start, end=claim.end, text=doc.slice(claim),
            sentence=doc.slice(sent) if sent else None, sentence_start=sent.start if sent else None,
            sentence_truncated=truncated, positions=claim.position_ids,
            position_scores={p.position_id: round(p.score, 4) for p in claim.positions},
            score=round(claim.score, 4), plover=codes.get("plover"), cameo=codes.get("cameo"),
            source=claim.source, model=model)

    def to_dict(self, only: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The record as JSON data, in the contract's key order; `model` only when set.
        `only` keeps those keys (the compact fold predictions of an evaluation)."""
        row = {k: (list(v) if k == "positions" else dict(v) if k == "position_scores" else v)
               for k in self.ORDER if (v := getattr(self, k)) is not None or k != "model"}
        return row if only is None else {k: row[k] for k in only if k in row}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "ClaimRecord":
        """Any claim row readout wrote (claim lines read back from JSONL, CSV or Parquet,
        report claims, stored fold predictions): unknown keys are ignored, missing optional
        ones take their defaults, `positions` may be the old list of {id, score} objects."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in row.items() if k in known}
        positions = values.get("positions") or []
        scores = dict(values.get("position_scores") or {})
        ids = []
        for p in positions:
            if isinstance(p, dict):          # claim lines before positions became a list of ids
                ids.append(p["id"])
                scores.setdefault(p["id"], p.get("score", 1.0))
            else:
                ids.append(p)
        values |= {"positions": tuple(ids), "position_scores": scores, "start": int(row["start"]), "end": int(row["end"])}
        values.setdefault("text", "")
        return cls(**values)

    def to_claim(self) -> Claim:
        links = tuple(PositionLink(p, self.position_scores.get(p, 1.0)) for p in self.positions)
        return Claim(Span(self.start, self.end, self.label, self.score), self.holder, self.speaker, links, self.source)


def claim_record(doc: Document, claim: Claim, model: str | None = None) -> dict[str, Any]:
    """The output contract: one JSON object per claim."""
    return ClaimRecord.of(doc, claim, model).to_dict()
