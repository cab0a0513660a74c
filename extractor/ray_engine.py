"""The same extraction as a Ray Data job: documents are read and checked by the driver (so
bad input is handled exactly as in a single-process run), tagged by a pool of actors that
each load the tagger once, and written by the driver in input order through the same
writer. Runs on a local Ray by default, on an existing cluster with `address`."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .articles import Failure, iter_documents
from .pipeline import RunFiles, RunSummary, _complete, output_format, run_key
from .types import Document, claim_record


class ClaimExtractor:
    """Ray actor: loads the tagger once, then annotates batches of documents."""

    def __init__(self, model_dir: str, int8: bool = False):
        from .tagger import ClaimTagger

        self.tagger = ClaimTagger.load(model_dir, quantize=int8)

    def __call__(self, batch: dict) -> dict:
        from .pipeline import annotate

        docs = [Document(i, t, json.loads(m)) for i, t, m in zip(batch["id"], batch["text"], batch["meta"])]
        lines = []
        for order, doc in zip(batch["order"], annotate(docs, self.tagger)):
            claims = [json.dumps(claim_record(doc, c) | {"model": self.tagger.name}, ensure_ascii=False) for c in doc.claims]
            lines.append(json.dumps({"order": int(order), "doc_id": doc.id, "claims": claims, "model": self.tagger.name,
                                     "path": doc.meta.get("path"), "sha256": doc.meta.get("sha256")}))
        return {"result": lines}


def extract_ray(inputs: Sequence[Path], out: Path, model_dir: Path, side: str | None = None, meeting: str | None = None,
                workers: int = 1, address: str | None = None, fmt: str | None = None, batch_docs: int = 8,
                int8: bool = False) -> RunSummary:
    import time
    from datetime import datetime, timezone

    from .outputs import refuse_inputs_as_output, run_lock

    t0 = time.perf_counter()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")

    fmt = output_format(out, fmt)
    refuse_inputs_as_output(out, inputs)
    with run_lock(out):
        return _extract_ray(inputs, out, model_dir, side, meeting, workers, address, fmt, batch_docs, int8, t0, started)


def _extract_ray(inputs, out, model_dir, side, meeting, workers, address, fmt, batch_docs, int8, t0, started) -> RunSummary:
    import ray
    from types import SimpleNamespace

    summary = RunSummary()
    items = []
    for item in iter_documents(list(inputs), side=side, meeting=meeting):
        if isinstance(item, Failure):
            summary.failures.append({"source": item.source, "error": item.message})
            print(f"error: {item.message}", file=sys.stderr)
        else:
            items.append({"order": len(items), "id": item.id, "text": item.text, "meta": json.dumps(item.meta)})
    if not ray.is_initialized():
        # a local Ray: no dashboard, no usage report. Its gRPC services still listen on all
        # interfaces (even with _node_ip_address=127.0.0.1); Ray's token authentication guards them
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        local = {} if address else {"num_cpus": max(workers, 1)}
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False,
                 logging_level="ERROR", **local)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    files = RunFiles(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model_name = None
    for stale in (files.index, files.meta):   # a sidecar of another run must not describe this output
        stale.unlink(missing_ok=True)
    with open(files.journal, "w", encoding="utf-8") as journal, open(files.index, "w", encoding="utf-8") as idx:
        if items:
            ds = ray.data.from_items(items).map_batches(
                ClaimExtractor, fn_constructor_args=(str(model_dir), int8), batch_size=batch_docs,
                compute=ray.data.ActorPoolStrategy(size=workers), batch_format="numpy", num_cpus=1)
            for row in ds.iter_rows():
                result = json.loads(row["result"])
                journal.writelines(c + "\n" for c in result["claims"])
                idx.write(json.dumps({"doc_id": result["doc_id"], "path": result["path"], "sha256": result["sha256"],
                                      "claims": len(result["claims"])}, ensure_ascii=False) + "\n")
                model_name = result["model"]
        idx.writelines(json.dumps(f, ensure_ascii=False) + "\n" for f in summary.failures)
    # the same sidecar and finalisation as a local run
    tagger = SimpleNamespace(name=model_name or f"{Path(model_dir).name}", path=Path(model_dir), config_hash=None)
    key = run_key(inputs, tagger.name, side, meeting, fmt)
    return _complete(files, fmt, key, tagger, summary, started, None, t0)
