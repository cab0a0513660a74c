"""Standoff annotations: annotations/gold/<doc_id>.json <-> Documents with gold claims.

No article text is stored: each claim keeps offsets and a short checksum of its span text,
and each document its sha256, so a changed text or a shifted offset is caught on load.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from . import labels
from .articles import load_documents, text_sha256
from .errors import AnnotationError, span_mismatch
from .jsonl import read_jsonl
from .positions import position_ids
from .segment import segment
from .types import Claim, Document, PositionLink, Span

FORMAT = "readout-standoff-v1"


def span_check(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def to_standoff(doc: Document, annotators: list[str]) -> dict:
    return {
        "format": FORMAT,
        "labels": labels.VERSION,
        "doc_id": doc.id,
        "file": Path(doc.meta.path or doc.id + ".txt").name,
        "sha256": text_sha256(doc.text),
        "annotators": annotators,
        "claims": [
            {
                "start": c.start, "end": c.end, "label": c.label, "holder": c.holder,
                "speaker": c.speaker, "positions": list(c.position_ids),
                "check": span_check(doc.slice(c)),
            }
            for c in sorted(doc.claims, key=lambda c: (c.start, c.end))
        ],
    }


def validate_claim(doc: Document, raw: dict, where: str) -> Claim:
    """One standoff claim checked against its document and the registries."""
    try:
        start, end, label, holder = int(raw["start"]), int(raw["end"]), raw["label"], raw["holder"]
    except (KeyError, TypeError, ValueError) as e:
        raise AnnotationError(f"{where}: missing or ill-typed field ({e}); expected start, end, label, holder") from None
    if not 0 <= start < end <= len(doc.text):
        raise AnnotationError(f"{where}: offsets {start}-{end} outside the text of {doc.id} (length {len(doc.text)})")
    if label not in labels.LABELS:
        raise AnnotationError(f"{where}: unknown label {label!r}; expected one of {', '.join(labels.LABELS)}")
    if holder not in labels.HOLDERS:
        raise AnnotationError(f"{where}: unknown holder {holder!r}; expected one of {', '.join(labels.HOLDERS)}")
    unknown = [p for p in raw.get("positions", []) if p not in position_ids()]
    if unknown:
        raise AnnotationError(f"{where}: unknown position id(s) {', '.join(unknown)}; see configs/positions.yaml")
    found = span_check(doc.text[start:end])
    if "check" in raw and raw["check"] != found:
        raise AnnotationError(span_mismatch(doc.id, start, end, raw["check"], found))
    return Claim(
        span=Span(start, end, label),
        holder=holder,
        speaker=raw.get("speaker"),
        positions=tuple(PositionLink(p) for p in raw.get("positions", [])),
        source=raw.get("source", ""),
    )


def attach(doc: Document, data: dict, where: str) -> Document:
    """The document with the standoff file's claims as its (gold) claims."""
    if data.get("sha256") and data["sha256"] != text_sha256(doc.text):
        raise AnnotationError(
            f"{where}: {doc.id} has changed since it was annotated (sha256 {text_sha256(doc.text)[:12]}..., "
            f"annotated {data['sha256'][:12]}...); re-check the annotations against the new text"
        )
    source = "gold:" + "+".join(data.get("annotators", ["unknown"]))
    claims = []
    for i, raw in enumerate(data.get("claims", [])):
        c = validate_claim(doc, raw, f"{where}: claim {i}")
        claims.append(Claim(c.span, c.holder, c.speaker, c.positions, source))
    return segment(doc).with_(claims=tuple(sorted(claims, key=lambda c: (c.start, c.end))))


def read_standoff(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise AnnotationError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from None
    if data.get("format") != FORMAT:
        raise AnnotationError(f"{path}: format {data.get('format')!r}, expected {FORMAT!r}")
    return data


def find_text(name: str, corpus_dirs: Path | Sequence[Path], where: str) -> Path:
    """The first of the corpus folders that holds the annotated file `name`."""
    dirs = [Path(corpus_dirs)] if isinstance(corpus_dirs, (str, Path)) else [Path(d) for d in corpus_dirs]
    for d in dirs:
        if (d / name).is_file():
            return d / name
    raise AnnotationError(f"{where}: its text {name} is in none of the corpus folders ({', '.join(map(str, dirs))})")


def load_gold(gold_dir: Path, corpus_dirs: Path | Sequence[Path]) -> list[Document]:
    """Every annotated document, with its text read from the first corpus folder that holds
    it (the seeds and ../shared/corpus) and validated against the standoff."""
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise AnnotationError(f"{gold_dir}: no standoff files (*.json)")
    docs = []
    for path in files:
        data = read_standoff(path)
        (doc,) = load_documents([find_text(data["file"], corpus_dirs, str(path))])
        docs.append(attach(doc, data, str(path)))
    return docs


def write_gold(doc: Document, path: Path, annotators: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_standoff(doc, annotators), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_authored(folder: Path, pattern: str = "*.jsonl") -> list[Document]:
    """Texts written in the project's own words (annotations/authored/*.jsonl): each line
    holds its own text and claims with offsets, checked like gold claims."""
    docs = []
    for path in sorted(Path(folder).glob(pattern)):
        for n, row in read_jsonl(path, AnnotationError):
            meta = {"side": row.get("side"), "genre": row.get("genre", "news report"), "outlet": row.get("outlet"), "path": str(path)}
            doc = Document(id=row["id"], text=row["text"], meta=meta)
            docs.append(attach(doc, {"claims": row["claims"], "annotators": ["authored"]}, f"{path}:{n}"))
    return docs
