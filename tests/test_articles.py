import json

import pytest

from extractor.articles import load_documents, text_sha256
from extractor.errors import InputError
from tests.conftest import CORPUS


def test_folder_with_manifest():
    docs = load_documents([CORPUS])
    assert [d.id for d in docs] == ["alpha", "beta"]
    assert docs[0].meta.side == "vn" and docs[1].meta.outlet == "Test CN outlet"
    assert docs[0].meta.meeting == "test-meeting" and docs[0].meta.sha256 == text_sha256(docs[0].text)


def test_single_txt_reads_its_folder_manifest_and_side_override(tmp_path):
    (doc,) = load_documents([CORPUS / "beta.txt"])
    assert doc.meta.side == "cn"
    p = tmp_path / "x.txt"
    p.write_text("\ufeffHello.\r\nWorld.", encoding="utf-8")
    (doc,) = load_documents([p], side="vn", meeting="m1")
    assert doc.text == "Hello.\nWorld." and doc.meta.side == "vn" and doc.meta.meeting == "m1"


def _rows():
    return [{"id": "a1", "text": "Xi said China will act.", "side": "cn", "meeting": "m"},
            {"id": "a2", "text": "Chinh said Vietnam supports it.", "side": "vn", "meeting": "m"}]


def test_jsonl_csv_parquet_corpora(tmp_path):
    import pandas as pd

    rows = _rows()
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    pd.DataFrame(rows).to_csv(tmp_path / "c.csv", index=False)
    pd.DataFrame(rows).to_parquet(tmp_path / "c.parquet")
    for name in ("c.jsonl", "c.csv", "c.parquet"):
        docs = load_documents([tmp_path / name])
        assert [(d.id, d.text, d.meta.side) for d in docs] == [(r["id"], r["text"], r["side"]) for r in rows], name


def test_corpus_missing_column_names_the_file(tmp_path):
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "x", "body": "..."}) + "\n")
    with pytest.raises(InputError, match=r"c.jsonl: missing column\(s\) text"):
        load_documents([tmp_path / "c.jsonl"])


def test_bad_side_and_missing_path_and_unsupported(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_documents([tmp_path / "nope.txt"])
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="unsupported input"):
        load_documents([tmp_path / "a.pdf"])
    with pytest.raises(InputError, match="--side 'us'"):
        load_documents([CORPUS], side="us")
