import json

import pytest

from extractor.errors import InputError
from extractor.pipeline import LocalEngine
from extractor.runs import extract, in_shard, merge, parse_shard
from extractor.tagger import ClaimTagger
from tests.conftest import corpus_jsonl as _corpus


def test_shards_are_disjoint_and_cover_everything():
    ids = [f"doc{i}" for i in range(500)]
    owners = [[k for k in range(1, 5) if in_shard(i, (k, 4))] for i in ids]
    assert all(len(o) == 1 for o in owners)
    assert {o[0] for o in owners} == {1, 2, 3, 4}
    with pytest.raises(InputError, match="K must be between 1 and N"):
        parse_shard("5/4")


def test_sharded_runs_merge_to_the_single_run(trained_tiny, tmp_path):
    tagger = LocalEngine(ClaimTagger.load(trained_tiny))
    corpus = _corpus(tmp_path, n=12)
    extract([corpus], tmp_path / "all.jsonl", tagger)
    parts = []
    for k in (1, 2, 3):
        extract([corpus], tmp_path / f"s{k}.jsonl", tagger, shard=(k, 3))
        parts.append(tmp_path / f"s{k}.jsonl")
    summary = merge(parts, tmp_path / "merged.jsonl")
    assert summary["documents"] == 12
    key = lambda r: (r["doc_id"], r["start"])
    whole = sorted((json.loads(x) for x in (tmp_path / "all.jsonl").read_text().splitlines()), key=key)
    merged = sorted((json.loads(x) for x in (tmp_path / "merged.jsonl").read_text().splitlines()), key=key)
    assert merged == whole
    with pytest.raises(InputError, match=r"missing \[2\]"):
        merge([parts[0], parts[2]], tmp_path / "bad.jsonl")
    with pytest.raises(InputError, match="given twice"):
        merge([parts[0], parts[1], parts[2], parts[2]], tmp_path / "bad.jsonl")
