"""Each kind of bad input gets one line naming the document and the problem, and the other
documents are still read (README, troubleshooting)."""
import json

import pytest

from extractor.articles import Failure, iter_documents

GOOD = "Xi said China will work with Vietnam to expand trade and open more border gates for the two peoples."


def run(folder):
    items = list(iter_documents([folder]))
    return [i for i in items if not isinstance(i, Failure)], [i for i in items if isinstance(i, Failure)]


@pytest.mark.parametrize("name,content,expected", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t \n", "no text (empty or whitespace only)"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("french.txt", "Le président a déclaré que la Chine et le Viêt Nam renforceront leur coopération dans tous les "
                   "domaines et que les deux parties ont signé plusieurs accords.".encode(), "does not look like English"),
    ("chinese.txt", "习近平同越共中央总书记举行会谈，双方同意加强战略沟通。".encode(), "does not look like English"),
])
def test_refused_documents_name_the_file_and_the_rest_go_on(tmp_path, name, content, expected):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / name).write_bytes(content)
    docs, failures = run(tmp_path)
    assert [d.id for d in docs] == ["good"]
    assert len(failures) == 1 and name in failures[0].message and expected in failures[0].message
    assert "\n" not in failures[0].message


def test_repaired_documents_carry_a_warning(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode() + GOOD.encode())
    (tmp_path / "legacy.txt").write_bytes(GOOD.replace("border", "border’s").encode("cp1252"))
    (tmp_path / "page.txt").write_text(f"<!DOCTYPE html><html><head><script>var x=1;</script><style>p{{}}</style></head>"
                                       f"<body><p>{GOOD}</p><p>Second &amp; last.</p></body></html>")
    docs, failures = run(tmp_path)
    by = {d.id: d for d in docs}
    assert not failures
    assert by["bom"].text == GOOD and by["bom"].meta["warnings"] == []
    assert "border’s" in by["legacy"].text and "cp1252" in by["legacy"].meta["warnings"][0]
    assert by["page"].text.strip().splitlines()[0] == GOOD and "Second & last." in by["page"].text
    assert "var x" not in by["page"].text and "HTML page" in by["page"].meta["warnings"][0]


def test_a_five_megabyte_article_is_read_whole(tmp_path):
    big = (GOOD + "\n\n") * (5_000_000 // (len(GOOD) + 2))
    (tmp_path / "big.txt").write_text(big)
    (doc,), failures = run(tmp_path)
    assert not failures and len(doc.text) == len(big) and "unusually long" in doc.meta["warnings"][0]


def test_manifest_problems(tmp_path):
    for n in ("a", "b", "c"):
        (tmp_path / f"{n}.txt").write_text(GOOD)
    rows = [{"file": "a.txt", "source_side": "vn"}, {"file": "b.txt", "source_side": "us"}, {"file": "c.txt"},
            {"file": "gone.txt", "source_side": "cn"}, {"file": "../../etc/passwd", "source_side": "cn"}]
    (tmp_path / "manifest.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n")
    docs, failures = run(tmp_path)
    assert [d.id for d in docs] == ["a"]
    messages = " | ".join(f.message for f in failures)
    for expected in ("side 'us' is not one of vn, cn", "c.txt: no source_side", "'gone.txt' is listed but does not exist",
                     "leaves the corpus folder", "manifest.jsonl:6: not valid JSON"):
        assert expected in messages


def test_duplicate_ids_malformed_rows_and_missing_columns(tmp_path):
    rows = [json.dumps({"id": "x1", "text": GOOD}), "{broken", json.dumps({"id": "x1", "text": GOOD}),
            json.dumps({"id": "x2", "text": 42}), json.dumps({"id": "x3", "text": GOOD})]
    (tmp_path / "c.jsonl").write_text("\n".join(rows) + "\n")
    items = list(iter_documents([tmp_path / "c.jsonl"]))
    assert [i.id for i in items if not isinstance(i, Failure)] == ["x1", "x3"]
    messages = [i.message for i in items if isinstance(i, Failure)]
    assert any("row 2: not valid JSON" in m for m in messages)
    assert any("row 3: duplicate document id 'x1'" in m for m in messages)
    assert any("row 4: `text` is int" in m for m in messages)
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "y", "body": GOOD}) + "\n")
    (failure,) = list(iter_documents([tmp_path / "d.jsonl"]))
    assert "missing column(s) text" in failure.message


def test_malformed_csv_row_and_missing_csv_column(tmp_path):
    (tmp_path / "c.csv").write_text(f'id,text,side\nx1,"{GOOD}",vn\nx2,"{GOOD}",vn,extra\nx3\nx4,"{GOOD}",cn\n')
    items = list(iter_documents([tmp_path / "c.csv"]))
    assert [i.id for i in items if not isinstance(i, Failure)] == ["x1", "x4"]
    assert [i.message.split(": ", 1)[1] for i in items if isinstance(i, Failure)] == [
        "malformed CSV row (3 columns expected)"] * 2
    (tmp_path / "d.csv").write_text(f'id,body\nx1,"{GOOD}"\n')
    (failure,) = list(iter_documents([tmp_path / "d.csv"]))
    assert "d.csv: missing column(s) text; found id, body" in failure.message
