"""The extraction as a Ray Data job, behind the same engine interface as the local pipeline
(extractor/runs.py): the run reads and checks the documents in the driver (so bad input is
handled exactly as in a single-process run) and writes, resumes and finalises as for any
engine; a pool of actors, each loading the tagger once, annotates them. Runs on a local Ray
by default, on an existing cluster with `address`."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import ClaimRecord
from .types import Document, Sentence


class ClaimExtractor:
    """Ray actor: loads the tagger once, then annotates batches of documents."""

    def __init__(self, model_dir: str, int8: bool = False):
        from .tagger import ClaimTagger

        self.tagger = ClaimTagger.load(model_dir, quantize=int8)

    def __call__(self, batch: dict) -> dict:
        from .pipeline import annotate

        docs = [Document(i, t, json.loads(m)) for i, t, m in zip(batch["id"], batch["text"], batch["meta"])]
        # claims travel back as claim records, with the sentences claim records quote (the
        # driver rebuilds the document from them, without segmenting it again)
        done = annotate(docs, self.tagger)
        return {"order": batch["order"],
                "claims": [json.dumps([ClaimRecord.of(d, c).to_dict() for c in d.claims]) for d in done],
                "sentences": [json.dumps([[s.start, s.end] for s in d.sentences]) for d in done]}


class RayEngine:
    """runs.Engine on Ray: `workers` actors, `batch_docs` documents per actor call."""

    def __init__(self, model_dir: Path, workers: int = 1, address: str | None = None, int8: bool = False,
                 batch_docs: int = 8):
        from .tagger import model_identity

        self.path, self.workers, self.address, self.int8, self.batch_docs = Path(model_dir), workers, address, int8, batch_docs
        self.name, self.config_hash = model_identity(self.path, int8)

    def _start(self) -> None:
        import ray

        if ray.is_initialized():
            return
        if self.address:
            ray.init(address=self.address, log_to_driver=False, configure_logging=False, logging_level="ERROR")
            return
        local_only()
        # address="local": a new Ray on this machine, whatever RAY_ADDRESS says
        ray.init(address="local", include_dashboard=False, log_to_driver=False, configure_logging=False,
                 logging_level="ERROR", num_cpus=max(self.workers, 1))

    def annotate(self, docs: Iterable[Document]) -> Iterator[Document]:
        import ray

        # the documents are handed to Ray at once; the results stream back in input order
        docs = list(docs)
        if not docs:
            return
        self._start()
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        items = [{"order": n, "id": d.id, "text": d.text, "meta": json.dumps(d.meta.to_dict())} for n, d in enumerate(docs)]
        ds = ray.data.from_items(items).map_batches(
            ClaimExtractor, fn_constructor_args=(str(self.path), self.int8), batch_size=self.batch_docs,
            compute=ray.data.ActorPoolStrategy(size=self.workers), batch_format="numpy", num_cpus=1)
        for row in ds.iter_rows():
            doc = docs[int(row["order"])]
            claims = tuple(ClaimRecord.from_dict(r).to_claim() for r in json.loads(row["claims"]))
            sentences = tuple(Sentence(s, e) for s, e in json.loads(row["sentences"]))
            yield doc.with_(claims=claims, sentences=sentences)


def local_only() -> None:
    """A local Ray that listens on 127.0.0.1 only and reports nothing. Ray binds every server
    (GCS, raylet, workers, agents) to loopback exactly when its node address is 127.0.0.1,
    and takes 127.0.0.1 as the node address only when it thinks it cannot form a cluster
    (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0; passing _node_ip_address=127.0.0.1 does not help,
    Ray swaps it for the machine's routable address). Checked against Ray 2.60 with the
    listening sockets of a run (tests/test_ray.py)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"   # read when ray is imported
    try:
        from ray._private import ray_constants
    except ImportError:        # a Ray that moved it: the variable alone, read on import
        return
    ray_constants.ENABLE_RAY_CLUSTER = False                # ray may be imported already

