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


def _netns_available() -> bool:
    import shutil
    import subprocess

    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    return subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _netns_available(), reason="needs `unshare -rn` (a network namespace) and `ip`")
def test_a_local_ray_run_works_with_the_network_cut(trained_tiny, tmp_path):
    """In a network namespace holding only loopback (nothing beyond this machine can be
    reached, no DNS, no cloud metadata address), the Ray job runs and writes what a local
    run writes."""
    import os
    import subprocess
    import sys

    corpus = _corpus(tmp_path, n=4)
    extract([corpus], tmp_path / "local.jsonl", LocalEngine(ClaimTagger.load(trained_tiny)))
    cmd = (f"ip link set lo up && {sys.executable} -m extractor.cli extract {corpus} --out {tmp_path / 'ray.jsonl'} "
           f"--model {trained_tiny} --engine ray --fp32")
    r = subprocess.run(["unshare", "-rn", "sh", "-c", cmd], capture_output=True, text=True, timeout=300,
                       env={k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "ray.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()
