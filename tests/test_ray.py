import json

import pytest

ray = pytest.importorskip("ray")

from extractor.pipeline import extract  # noqa: E402
from extractor.ray_engine import extract_ray  # noqa: E402
from extractor.tagger import ClaimTagger  # noqa: E402
from tests.test_resume import _corpus  # noqa: E402


def test_ray_job_output_equals_the_single_process_run(trained_tiny, tmp_path):
    corpus = _corpus(tmp_path, n=10)
    extract([corpus], tmp_path / "local.jsonl", ClaimTagger.load(trained_tiny))
    try:
        s = extract_ray([corpus], tmp_path / "ray.jsonl", trained_tiny, workers=1, batch_docs=3)
    finally:
        ray.shutdown()
    assert s.documents == 10
    local = [json.loads(x) for x in (tmp_path / "local.jsonl").read_text().splitlines()]
    remote = [json.loads(x) for x in (tmp_path / "ray.jsonl").read_text().splitlines()]
    assert remote == local and local
    # the same sidecar as a local run: a stale one beside the output never describes it
    meta = json.loads((tmp_path / "ray.jsonl.meta.json").read_text())
    local_meta = json.loads((tmp_path / "local.jsonl.meta.json").read_text())
    assert meta["status"] == "complete" and meta["documents"] == 10 and meta["claims"] == len(local)
    assert meta["model"] == local_meta["model"] and [i["sha256"] for i in meta["inputs"]] == [i["sha256"] for i in local_meta["inputs"]]
