import json

import pytest

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow     # a Ray start-up takes seconds: CI runs it with the other long checks

from extractor.pipeline import LocalEngine  # noqa: E402
from extractor.ray_engine import RayEngine  # noqa: E402
from extractor.runs import extract  # noqa: E402
from extractor.tagger import ClaimTagger  # noqa: E402
from tests.conftest import corpus_jsonl as _corpus  # noqa: E402


def _listening() -> set[tuple[str, int]]:
    """Every TCP socket listening on this machine: (local address in hex as the kernel
    writes it, port), from /proc/net/tcp and tcp6 (state 0A is LISTEN)."""
    out = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            if state == "0A":
                addr, port = local.split(":")
                out.add((addr, int(port, 16)))
    return out


LOOPBACK = {"0100007F",                                   # 127.0.0.1
            "00000000000000000000000001000000",           # ::1
            "0000000000000000FFFF00000100007F"}           # ::ffff:127.0.0.1


def test_ray_job_output_equals_the_single_process_run(trained_tiny, tmp_path):
    corpus = _corpus(tmp_path, n=10)
    extract([corpus], tmp_path / "local.jsonl", LocalEngine(ClaimTagger.load(trained_tiny)))
    before = _listening()
    try:
        s = extract([corpus], tmp_path / "ray.jsonl", RayEngine(trained_tiny, workers=1, batch_docs=3))
        opened = _listening() - before          # Ray is still up: its servers are listening
    finally:
        ray.shutdown()
    if before or opened:                        # /proc/net readable (Linux)
        # a local run listens on loopback only: nothing reachable from another machine
        assert opened and {a for a, _ in opened} <= LOOPBACK, sorted(opened)
    assert s.documents == 10
    local = [json.loads(x) for x in (tmp_path / "local.jsonl").read_text().splitlines()]
    remote = [json.loads(x) for x in (tmp_path / "ray.jsonl").read_text().splitlines()]
    assert remote == local and local
    # the same sidecar as a local run: a stale one beside the output never describes it
    meta = json.loads((tmp_path / "ray.jsonl.meta.json").read_text())
    local_meta = json.loads((tmp_path / "local.jsonl.meta.json").read_text())
    assert meta["status"] == "complete" and meta["documents"] == 10 and meta["claims"] == len(local)
    assert meta["model"] == local_meta["model"] and [i["sha256"] for i in meta["inputs"]] == [i["sha256"] for i in local_meta["inputs"]]
