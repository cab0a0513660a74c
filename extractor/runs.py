"""Batch runs: a corpus streamed through an engine into a claims file.

An engine only annotates (`Engine.annotate`: documents in, the same documents with their
claims out, in order); this module does the rest, the same for every engine (the local
pipeline in extractor/pipeline.py, Ray in extractor/ray_engine.py): reading the inputs,
recording bad documents, the journal, resuming, the sidecar and the safe finalisation.

Resumption is keyed on each document's sha256 and a hash of its metadata: a run started
again with the same command keeps the claims of documents that are finished and unchanged,
and processes what changed (text, or side, date, meeting, ...), what is new and what failed
before; documents no longer in the inputs leave the output.
"""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from .articles import Failure, iter_documents
from .errors import InputError
from .jsonl import iter_complete_lines
from .pipeline import batched
from .records import ClaimRecord
from .types import Document

FORMATS = ("jsonl", "csv", "parquet")


class Engine(Protocol):
    """What annotates documents for a run."""
    name: str                   # the claims model's id, written on every claim line
    path: Path | None           # its folder (the sidecar links its card)
    config_hash: str | None

    def annotate(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Each document with its claims, in input order, as soon as it is done."""


@dataclass
class RunSummary:
    documents: int = 0
    claims: int = 0
    resumed: int = 0            # documents kept from before; -1: nothing to do
    changed: int = 0            # finished before, changed since, processed again
    removed: int = 0            # finished before, no longer in the inputs
    previous: str | None = None  # the earlier run's status ("running", "complete", ...), if one is continued
    failures: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    per_doc: Counter = field(default_factory=Counter)
    per_label_holder: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def output_format(out: Path, fmt: str | None) -> str:
    fmt = fmt or {".csv": "csv", ".parquet": "parquet"}.get(out.suffix, "jsonl")
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


@dataclass
class RunFiles:
    """Everything a run writes beside its output. The journal and the index make a run
    resumable: claims are appended to the journal and flushed, then the document's id is
    appended to the index; a document is finished once its id is in the index."""
    out: Path
    fmt: str | None = None      # the output's format (jsonl, csv, parquet), whatever its name

    def _beside(self, suffix: str) -> Path:
        return self.out.with_name(self.out.name + suffix)

    journal = property(lambda self: self._beside(".partial.jsonl"))
    index = property(lambda self: self._beside(".done.jsonl"))
    meta = property(lambda self: self._beside(".meta.json"))
    errors = property(lambda self: self._beside(".errors.jsonl"))


def parse_shard(spec: str | None) -> tuple[int, int] | None:
    """"K/N" -> (K, N), 1 <= K <= N."""
    if spec is None:
        return None
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise InputError(f"--shard {spec!r}: expected K/N, e.g. 3/8") from None
    if not 1 <= k <= n:
        raise InputError(f"--shard {spec!r}: K must be between 1 and N")
    return k, n


def in_shard(key: str, shard: tuple[int, int] | None) -> bool:
    """Deterministic and disjoint: a document belongs to shard (hash of its id mod N) + 1,
    whatever machine or order it is read in."""
    import hashlib

    if shard is None:
        return True
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % shard[1] == shard[0] - 1


def run_key(inputs: Sequence[Path], model: str, side, meeting, fmt: str, shard=None, model_config: str | None = None) -> str:
    """Same inputs, same model (weights and the config saved with them, decoding rules
    included), same options: the same run, which may be continued. The inputs' contents are
    not in the key: they are compared document by document (`_state`)."""
    import hashlib

    from . import __version__

    blob = json.dumps([sorted(str(Path(p).resolve()) for p in inputs), model, side, meeting, fmt, __version__, shard]
                      + ([model_config] if model_config else []))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _read_jsonl(path: Path) -> list[dict]:
    return list(iter_complete_lines(path))


def _line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False) + "\n"


def _state(doc: Document) -> dict:
    """What a finished document is compared on when a run is continued."""
    return {"sha256": doc.meta.sha256, "meta_sha256": doc.meta.fingerprint()}


def _unchanged(row: dict, state: dict | None) -> bool:
    # a row from before metadata was fingerprinted counts as changed: processed once more
    return state is not None and all(row.get(k) == v for k, v in state.items())


def _items(inputs, side, meeting, shard) -> Iterator[Document | Failure]:
    return (i for i in iter_documents(list(inputs), side=side, meeting=meeting)
            if in_shard(i.source if isinstance(i, Failure) else i.id, shard))


@dataclass
class _Previous:
    """What an earlier run of the same command left: its sidecar, the documents it finished
    (index rows with their sha256) and where their claims are (journal or output)."""
    meta: dict
    done: dict[str, dict]
    claims_in: Path


def _previous(files: RunFiles, key: str, overwrite: bool) -> _Previous | None:
    meta = json.loads(files.meta.read_text()) if files.meta.exists() else None
    status = meta and meta.get("status")
    finished = status == "complete" or (status == "finalising" and not files.journal.exists())
    afresh = overwrite or meta is None
    if not afresh:
        # another run's output (never continued: replaced, atomically, at the end), or a
        # finished output that cannot be built on
        why = (f"was written by another run (model {meta.get('model')}, other inputs or options)"
               if meta.get("run_key") != key else
               "is missing or holds other claims than its sidecar counts"
               if finished and not _output_whole(files, meta) else None)
        if why:
            print(f"warning: {files.out} {why}; starting afresh", file=sys.stderr)
            afresh = True
    if afresh:
        for p in (files.journal, files.index, files.errors):
            p.unlink(missing_ok=True)
        return None
    if finished:
        # finished (or cut after the journal became the output): the output holds the claims;
        # an index left beside it is only a leftover of the cut
        done = {r["doc_id"]: r for r in (meta.get("inputs") if status == "complete" else _read_jsonl(files.index))
                if "doc_id" in r}
        return _Previous(meta, done, files.out)
    if not (files.index.exists() or files.journal.exists()):
        return None
    return _Previous(meta, {r["doc_id"]: r for r in _read_jsonl(files.index) if "doc_id" in r}, files.journal)


def _output_whole(files: RunFiles, meta: dict) -> bool:
    """The finished output is there and holds as many claims as its sidecar says (a sidecar
    written while finalising counts the claims before the output is written)."""
    if not files.out.exists():
        return False
    try:
        return _count_rows(files.out, meta.get("format")) == meta.get("claims")
    except Exception:          # unreadable: not an output this run can build on
        return False


def _count_rows(path: Path, fmt: str | None) -> int:
    fmt = fmt or output_format(path, None)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "csv":
        import csv

        with open(path, encoding="utf-8", newline="") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)     # the header is no claim
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def extract(inputs: Sequence[Path], out: Path, engine: Engine, side: str | None = None, meeting: str | None = None,
            on_doc: Callable[[str], None] | None = None, overwrite: bool = False, fmt: str | None = None,
            shard: tuple[int, int] | None = None) -> RunSummary:
    """Stream the inputs through the engine into `out` (JSONL, CSV or Parquet).

    Each document's claims reach the journal, flushed, as soon as the engine hands it back,
    and a stopped run started again with the same command keeps what it finished and ends
    with the output an uninterrupted run would write. A document that cannot be read is
    recorded in <out>.errors.jsonl and the run goes on. The output is replaced atomically
    at the end; until then the previous output stays whole.
    """
    from .outputs import refuse_inputs_as_output, run_lock

    fmt = output_format(out, fmt)
    refuse_inputs_as_output(out, inputs)
    with run_lock(out):
        return _extract(inputs, out, engine, side, meeting, on_doc, overwrite, fmt, shard)


def _extract(inputs, out: Path, engine: Engine, side, meeting, on_doc, overwrite, fmt, shard) -> RunSummary:
    t0 = time.perf_counter()
    files = RunFiles(out, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    key = run_key(inputs, engine.name, side, meeting, fmt, shard, getattr(engine, "config_hash", None))
    prev = _previous(files, key, overwrite)
    summary = RunSummary()
    keep: set[str] = set()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if prev is not None:
        summary.previous = prev.meta.get("status")
        if prev.claims_in == files.out and prev.meta.get("status") == "finalising":
            # cut after the journal became the output: finish the bookkeeping first
            summary.warnings = prev.meta.get("warnings", [])
            summary.resumed = prev.meta.get("resumed_documents", 0)
            summary.failures = [r for r in _read_jsonl(files.index) if "error" in r]
            _complete(files, fmt, key, engine, summary, prev.meta.get("started"), shard, t0)
            prev.meta = json.loads(files.meta.read_text())
        # what is in the inputs now: read once more (cheap beside tagging) to compare contents
        current, failures = {}, []
        for item in _items(inputs, side, meeting, shard):
            if isinstance(item, Failure):
                failures.append(item.source)
            else:
                current[item.id] = _state(item)
        keep = {i for i, r in prev.done.items() if _unchanged(r, current.get(i))}
        summary.changed = sum(1 for i in prev.done if i in current and i not in keep)
        summary.removed = sum(1 for i in prev.done if i not in current)
        failed_before = [f.get("source") for f in prev.meta.get("failures") or []]
        if (prev.claims_in == files.out and len(keep) == len(current) == len(prev.done)
                and sorted(failures) == sorted(failed_before)):
            # nothing changed since the run finished (failures still fail: they stay listed)
            files.index.unlink(missing_ok=True)
            summary.resumed, summary.failures = -1, prev.meta.get("failures") or []
            summary.seconds = time.perf_counter() - t0
            for i in current if on_doc else ():
                on_doc(i)
            return summary
        _carry_over(files, prev, keep)
        started = prev.meta.get("started") or started
    summary.resumed = len(keep)
    finished = [prev.done[i] for i in keep] if prev else []
    _write_meta(files, key, engine, summary, finished, started, "running", shard)
    with open(files.journal, "a", encoding="utf-8") as journal, open(files.index, "a", encoding="utf-8") as idx:
        def note(row: dict) -> None:
            idx.write(_line(row))
            idx.flush()

        def docs() -> Iterator[Document]:
            # failures are noted as reading reaches them; documents go on to the engine
            for item in _items(inputs, side, meeting, shard):
                if isinstance(item, Failure):
                    row = {"source": item.source, "error": item.message}
                    summary.failures.append(row)
                    note(row)
                    print(f"error: {item.message}", file=sys.stderr)
                    if on_doc:
                        on_doc(item.source)
                elif item.id in keep:
                    if on_doc:          # kept from before: done, as far as progress goes
                        on_doc(item.id)
                else:
                    for w in item.meta.warnings:
                        summary.warnings.append(w)
                        print(f"warning: {w}", file=sys.stderr)
                    yield item

        for doc in engine.annotate(docs()):
            journal.writelines(_line(ClaimRecord.of(doc, c, engine.name).to_dict()) for c in doc.claims)
            journal.flush()
            note({"doc_id": doc.id, "path": doc.meta.path, **_state(doc), "claims": len(doc.claims)})
            if on_doc:
                on_doc(doc.id)
    return _complete(files, fmt, key, engine, summary, started, shard, t0)


def _carry_over(files: RunFiles, prev: _Previous, keep: set[str]) -> None:
    """The journal and index of the documents kept from before, and nothing else: the claims
    of a document cut off mid-way, changed since or gone from the inputs are dropped, and
    failures are tried again. The previous output is left in place until finalisation."""
    from .outputs import atomic

    rows = (iter_complete_lines(files.journal) if prev.claims_in == files.journal
            else iter(_output_rows(files.out, prev.meta.get("format"))))
    with atomic(files.journal) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(_line(r) for r in rows if r["doc_id"] in keep)
    with atomic(files.index) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(_line(r) for i, r in prev.done.items() if i in keep)


def _complete(files: RunFiles, fmt: str, key: str, engine, summary: RunSummary, started: str | None,
              shard, t0: float) -> RunSummary:
    """Finalisation, safe to cut at any instant and to run again: (1) the sidecar says
    "finalising"; (2) the journal becomes the output (a rename, or the output written and
    renamed and then the journal removed); (3) the errors file; (4) the sidecar says
    "complete"; (5) the index is removed. A run started again after a cut at (2) or later
    finds the sidecar "finalising" and no journal, and only redoes (3)-(5) from the output;
    a cut within (2) leaves the journal, from which the output is written again."""
    finished = [r for r in _read_jsonl(files.index) if "doc_id" in r]
    source = files.journal if files.journal.exists() else None
    rows = iter_complete_lines(files.journal) if source else iter(_output_rows(files.out, fmt))
    summary.claims = 0
    summary.per_label_holder.clear()
    for r in rows:  # streamed from the journal: memory stays flat in corpus size
        summary.per_label_holder[(r["label"], r["holder"])] += 1
        summary.claims += 1
    for r in finished:
        summary.per_doc[r["doc_id"]] = r["claims"]
    summary.documents = len(finished)
    _write_meta(files, key, engine, summary, finished, started, "finalising", shard)
    if source is not None:
        _finalise(files, fmt)
    if summary.failures:
        files.errors.write_text("".join(_line(f) for f in summary.failures), encoding="utf-8")
    else:
        files.errors.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - t0
    _write_meta(files, key, engine, summary, finished, started, "complete", shard)
    files.index.unlink(missing_ok=True)
    return summary


def _output_rows(out: Path, fmt: str | None) -> list[dict]:
    from .exports import read_claims

    return read_claims(out, fmt) if out.exists() else []


def _finalise(files: RunFiles, fmt: str, chunk: int = 10_000) -> None:
    """The journal becomes the output, atomically, in the chosen format, streamed in chunks."""
    if fmt == "jsonl":
        files.journal.replace(files.out)
        return
    from .outputs import atomic

    with atomic(files.out) as tmp:
        _write_table(iter_complete_lines(files.journal), tmp, fmt, chunk)
    files.journal.unlink()


def _write_table(rows: Iterator[dict], tmp: Path, fmt: str, chunk: int) -> None:
    """Claim lines as CSV (list and map fields as JSON text) or Parquet, streamed in chunks."""
    if fmt == "csv":
        import csv

        from .exports import FLAT_JSON_FIELDS, csv_cell

        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = None
            for r in rows:
                r = {k: csv_cell(v) for k, v in r.items()} | {k: json.dumps(r[k], ensure_ascii=False) for k in FLAT_JSON_FIELDS if k in r}
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(r))
                    writer.writeheader()
                writer.writerow(r)
            if writer is None:
                fh.write("doc_id\n")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        for batch in batched(rows, chunk):
            batch = [r | {"position_scores": json.dumps(r.get("position_scores") or {})} for r in batch]
            if writer is None:      # the types the claim schema gives, not what the first chunk holds
                schema = arrow_schema(list(batch[0]))
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        if writer is None:
            pq.write_table(pa.table({"doc_id": pa.array([], pa.string())}), tmp)
        else:
            writer.close()


def arrow_schema(keys: list[str]):
    """The Parquet columns of claim lines, typed from the claim schema: a column that is null
    in every row of the first chunk (no date, no speaker) is still text, not Arrow's null
    type, which no later chunk could be cast to."""
    import pyarrow as pa

    from .schema import load_schema

    props = load_schema("claim")["properties"]
    kinds = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "array": pa.list_(pa.string()), "object": pa.string()}   # objects travel as JSON text
    fields = []
    for key in keys:
        types = props.get(key, {}).get("type", "string")
        types = [types] if isinstance(types, str) else types
        fields.append(pa.field(key, kinds[next((t for t in types if t != "null"), "string")]))
    return pa.schema(fields)


def _write_meta(files: RunFiles, key: str, engine, summary: RunSummary, inputs_meta: list[dict], started: str,
                status: str, shard: tuple[int, int] | None = None) -> None:
    from . import __version__
    from .artifacts import write_json

    card = getattr(engine, "path", None)
    write_json(files.meta, {
        "status": status,
        "run_key": key,
        "readout_version": __version__,
        "model": engine.name,
        "model_card": str(Path(card) / "README.md") if card else None,
        "model_config_hash": getattr(engine, "config_hash", None),
        "model_config": json.loads((Path(card) / "training_config.json").read_text())
        if card and (Path(card) / "training_config.json").exists() else None,
        "started": started,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds") if status == "complete" else None,
        "documents": summary.documents,
        "claims": summary.claims,
        "resumed_documents": summary.resumed,
        "format": files.fmt,
        "shard": {"k": shard[0], "n": shard[1]} if shard else None,
        "failures": summary.failures,
        "warnings": summary.warnings,
        "inputs": inputs_meta,
    })


def merge(shard_outputs: Sequence[Path], out: Path, fmt: str | None = None) -> dict:
    """Join the outputs of `extract --shard K/N` runs, checking that they come from one job
    (same model, same N, every K once) and that no document is missing or doubled."""
    from .exports import read_claims
    from .outputs import refuse_inputs_as_output

    refuse_inputs_as_output(out, shard_outputs)
    metas = []
    for p in shard_outputs:
        meta_path = RunFiles(Path(p)).meta
        if not meta_path.exists():
            raise InputError(f"{p}: no {meta_path.name} beside it; merge needs the sidecars of `extract --shard` runs")
        meta = json.loads(meta_path.read_text())
        if meta.get("status") != "complete":
            raise InputError(f"{p}: shard run not complete (status {meta.get('status')!r}); run it again to finish")
        if not meta.get("shard"):
            raise InputError(f"{p}: not a sharded run (no --shard K/N)")
        metas.append((Path(p), meta))
    models = {m["model"] for _, m in metas}
    ns = {m["shard"]["n"] for _, m in metas}
    if len(models) > 1 or len(ns) > 1:
        raise InputError(f"shards disagree: models {sorted(models)}, N {sorted(ns)}")
    n = ns.pop()
    ks = sorted(m["shard"]["k"] for _, m in metas)
    missing, doubled = sorted(set(range(1, n + 1)) - set(ks)), sorted({k for k in ks if ks.count(k) > 1})
    if missing or doubled:
        raise InputError(f"shards of {n}: missing {missing or 'none'}, given twice {doubled or 'none'}")
    owner: dict[str, Path] = {}
    rows = []
    for p, meta in sorted(metas, key=lambda x: x[1]["shard"]["k"]):
        for d in meta["inputs"]:
            if d["doc_id"] in owner:
                raise InputError(f"document {d['doc_id']!r} is in both {owner[d['doc_id']]} and {p}")
            owner[d["doc_id"]] = p
        claims = read_claims(p, meta.get("format"))
        counted = Counter(r["doc_id"] for r in claims)
        for d in meta["inputs"]:
            if counted.get(d["doc_id"], 0) != d["claims"]:
                raise InputError(f"{p}: {d['doc_id']} has {counted.get(d['doc_id'], 0)} claims, its sidecar says {d['claims']}")
        stray = set(counted) - {d["doc_id"] for d in meta["inputs"]}
        if stray:
            raise InputError(f"{p}: claims of documents its sidecar does not list: {sorted(stray)[:5]}")
        rows += claims
    files = RunFiles(out, output_format(out, fmt))
    with open(files.journal, "w", encoding="utf-8") as fh:
        fh.writelines(_line(r) for r in rows)
    _finalise(files, files.fmt)
    summary = {"shards": n, "documents": len(owner), "claims": len(rows), "model": models.pop(),
               "failures": [f for _, m in metas for f in m.get("failures", [])]}
    from .artifacts import write_json
    write_json(files.meta, {"status": "complete", "format": files.fmt, "merged_from": [str(p) for p, _ in metas], **summary,
                            "inputs": [d for _, m in metas for d in m["inputs"]]})
    return summary
