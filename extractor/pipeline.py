"""The extraction pipeline: Documents -> segmented -> claim spans -> holders -> positions,
and the batch run that streams a corpus into a claims file."""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .articles import Failure, iter_documents
from .holders import attribute_holders
from .positions import link_positions
from .segment import segment
from .types import Document, claim_record


def annotate(docs: Sequence[Document], tagger) -> list[Document]:
    """Claims for each document: the tagger's spans, then rule-based holders and position links."""
    tagged = tagger.tag([segment(d) for d in docs])
    return [link_positions(attribute_holders(d)) for d in tagged]


def batched(items: Iterable, n: int) -> Iterator[list]:
    batch = []
    for x in items:
        batch.append(x)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class RunSummary:
    documents: int = 0
    claims: int = 0
    failures: list[dict] = field(default_factory=list)
    per_doc: Counter = field(default_factory=Counter)
    per_label_holder: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def extract(inputs: Sequence[Path], out: Path, tagger, side: str | None = None, meeting: str | None = None,
            batch_docs: int = 8, on_doc: Callable[[str], None] | None = None) -> RunSummary:
    """Stream the inputs through the pipeline into `out` (JSONL, one claim per line).

    Each document's claims are written and flushed as soon as its batch is done; a document
    that cannot be read is recorded in errors.jsonl beside `out` and the run goes on.
    """
    t0 = time.perf_counter()
    summary = RunSummary()
    out.parent.mkdir(parents=True, exist_ok=True)
    errors_path = out.with_name(out.stem + ".errors.jsonl")
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    inputs_meta = []
    with open(out, "w", encoding="utf-8") as fh:
        for batch in batched(iter_documents(list(inputs), side=side, meeting=meeting), batch_docs):
            docs = []
            for item in batch:
                if isinstance(item, Failure):
                    summary.failures.append({"source": item.source, "error": item.message})
                    print(f"error: {item.message}", file=sys.stderr)
                    if on_doc:
                        on_doc(item.source)
                else:
                    docs.append(item)
            for doc in annotate(docs, tagger) if docs else []:
                for c in doc.claims:
                    fh.write(json.dumps(claim_record(doc, c), ensure_ascii=False) + "\n")
                    summary.per_label_holder[(c.label, c.holder)] += 1
                fh.flush()
                summary.documents += 1
                summary.claims += len(doc.claims)
                summary.per_doc[doc.id] = len(doc.claims)
                inputs_meta.append({"doc_id": doc.id, "path": doc.meta.get("path"), "sha256": doc.meta.get("sha256")})
                if on_doc:
                    on_doc(doc.id)
    if summary.failures:
        errors_path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in summary.failures), encoding="utf-8")
    summary.seconds = time.perf_counter() - t0
    write_sidecar(out, tagger, summary, inputs_meta, started)
    return summary


def write_sidecar(out: Path, tagger, summary: RunSummary, inputs_meta: list[dict], started: str) -> None:
    from . import __version__
    from .artifacts import write_json

    write_json(out.with_name(out.name + ".meta.json"), {
        "readout_version": __version__,
        "model": tagger.name,
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "documents": summary.documents,
        "claims": summary.claims,
        "failures": summary.failures,
        "inputs": inputs_meta,
    })
