"""Each kind of bad input gets one line naming the document and the problem, and the other
documents are still read (README, troubleshooting)."""
import contextlib
import json
import os
import signal
import socket

import pytest

from extractor import articles
from extractor.articles import MANIFEST, Failure, iter_documents

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
    assert by["bom"].text == GOOD and by["bom"].meta.warnings == ()
    assert "border’s" in by["legacy"].text and "cp1252" in by["legacy"].meta.warnings[0]
    assert by["page"].text.strip().splitlines()[0] == GOOD and "Second & last." in by["page"].text
    assert "var x" not in by["page"].text and "HTML page" in by["page"].meta.warnings[0]


def test_a_five_megabyte_article_is_read_whole(tmp_path):
    big = (GOOD + "\n\n") * (5_000_000 // (len(GOOD) + 2))
    (tmp_path / "big.txt").write_text(big)
    (doc,), failures = run(tmp_path)
    assert not failures and len(doc.text) == len(big) and "unusually long" in doc.meta.warnings[0]


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


# --- corpus reading that used to crash or hang the run (README, troubleshooting) ---

@contextlib.contextmanager
def no_hang(seconds=10):
    """Fail, rather than hang the test run, when reading blocks (a FIFO opened for reading)."""
    def stop(*_):
        raise TimeoutError(f"reading blocked for {seconds}s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_lone_surrogate_refuses_the_row(tmp_path):
    # JSON escapes that decode to half of a surrogate pair: no encoder can write them out
    lines = ['{"id": "s1", "text": "%s \\ud800"}' % GOOD, '{"id": "s2\\udc00", "text": "%s"}' % GOOD,
             '{"id": "s3", "text": "%s", "outlet": "VNA\\udfff"}' % GOOD,
             '{"id": "ok", "text": "%s \\ud83d\\ude00"}' % GOOD]  # a whole pair (an emoji) is fine
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.txt").write_text(GOOD)
    (tmp_path / "m" / "b.txt").write_text(GOOD)
    (tmp_path / "m" / MANIFEST).write_text('{"file": "a.txt", "source_side": "vn", "outlet": "X\\ud800"}\n'
                                           '{"file": "b.txt", "source_side": "cn"}\n')
    items = list(iter_documents([tmp_path / "c.jsonl", tmp_path / "m"]))
    assert [i.id for i in items if not isinstance(i, Failure)] == ["ok", "b"]
    messages = [i.message for i in items if isinstance(i, Failure)]
    assert len(messages) == 4 and all("lone surrogate" in m and "\n" not in m for m in messages)
    assert "c.jsonl:row 1: `text` holds a lone surrogate (\\ud800" in messages[0]
    assert "c.jsonl:row 2: `id`" in messages[1] and "c.jsonl:row 3: `outlet`" in messages[2]
    assert "manifest.jsonl:1 (a.txt): `outlet`" in messages[3]
    for m in messages:
        m.encode("utf-8")  # printable and writable to <out>.errors.jsonl


def test_csv_field_over_128_kb_is_read_and_the_limit_is_bounded(tmp_path, monkeypatch):
    big = " ".join([GOOD] * 2000)  # about 200 KB: over Python's default csv field limit
    (tmp_path / "c.csv").write_text(f'id,text\nbig,"{big}"\nsmall,"{GOOD}"\n')
    items = list(iter_documents([tmp_path / "c.csv"]))
    assert [(i.id, len(i.text)) for i in items] == [("big", len(big)), ("small", len(GOOD))]
    # over the (raised) limit, typically a quote never closed: one line, the rest of that file unread
    import csv

    limit = csv.field_size_limit()
    monkeypatch.setattr(articles, "CSV_FIELD_LIMIT", 1000)
    try:
        (tmp_path / "d.csv").write_text(f'id,text\nx1,"{GOOD}"\nx2,"{GOOD * 20}\nx3,"{GOOD}"\n')
        items = list(iter_documents([tmp_path / "d.csv"]))
    finally:
        csv.field_size_limit(limit)
    assert [i.id for i in items if not isinstance(i, Failure)] == ["x1"]
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert "d.csv:row 2 (line 3): cannot parse CSV" in failure.message and "rest of the file is not read" in failure.message


@pytest.mark.parametrize("make,name,expected", [
    pytest.param(lambda d: os.symlink("loop.txt", d / "loop.txt"), "loop.txt", "symbolic link loop", id="symlink-loop"),
    pytest.param(lambda d: os.symlink("gone.txt", d / "dangling.txt"), "dangling.txt", "broken symbolic link",
                 id="dangling-link"),
    pytest.param(lambda d: ((d / "locked.txt").write_text(GOOD), os.chmod(d / "locked.txt", 0)), "locked.txt",
                 "permission denied", id="unreadable",
                 marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: permissions are not enforced")),
])
def test_a_file_that_cannot_be_opened_is_one_failure(tmp_path, make, name, expected):
    (tmp_path / "good.txt").write_text(GOOD)
    make(tmp_path)
    docs, failures = run(tmp_path)
    assert [d.id for d in docs] == ["good"]
    assert len(failures) == 1 and f"{name}: {expected}" in failures[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder: permissions are not enforced")
def test_a_folder_that_cannot_be_listed_is_one_failure(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text(GOOD)
    os.chmod(tmp_path / "locked", 0)
    try:
        docs, failures = run(tmp_path / "locked")
    finally:
        os.chmod(tmp_path / "locked", 0o700)
    assert docs == [] and [f.message for f in failures] == [f"{tmp_path / 'locked'}: cannot list this folder (Permission denied)"]


def _unix_socket(path):
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))  # the socket file stays when the socket is closed


@pytest.mark.parametrize("make,expected", [
    pytest.param(lambda p: os.mkfifo(p), "a named pipe (FIFO), not a regular file", id="fifo"),
    pytest.param(lambda p: _unix_socket(p), "a socket, not a regular file", id="socket"),
])
def test_a_fifo_or_socket_named_txt_is_skipped_without_blocking(tmp_path, make, expected):
    (tmp_path / "good.txt").write_text(GOOD)
    make(tmp_path / "special.txt")
    with no_hang():
        docs, failures = run(tmp_path)
        (single,) = list(iter_documents([tmp_path / "special.txt"]))
    assert [d.id for d in docs] == ["good"]
    assert len(failures) == 1 and f"special.txt: {expected}" in failures[0].message
    assert single.message == failures[0].message


def test_a_file_name_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as fh:
        fh.write(GOOD.encode())
    docs, failures = run(tmp_path)
    assert [d.id for d in docs] == ["good"]
    assert len(failures) == 1 and "caf\\udce9.txt: file name is not UTF-8" in failures[0].message
    failures[0].message.encode("utf-8")


def test_manifest_file_name_with_nul_or_over_255_bytes(tmp_path):
    for n in ("a", "b"):
        (tmp_path / f"{n}.txt").write_text(GOOD)
    rows = [{"file": "a\u0000.txt", "source_side": "vn"}, {"file": "x" * 300 + ".txt", "source_side": "vn"},
            {"file": "a.txt", "source_side": "vn"}, {"file": "b.txt", "source_side": "cn"}]
    (tmp_path / MANIFEST).write_text("".join(json.dumps(r) + "\n" for r in rows))
    docs, failures = run(tmp_path)
    assert [(d.id, d.side) for d in docs] == [("a", "vn"), ("b", "cn")]
    assert [f.message.split(MANIFEST, 1)[1] for f in failures] == [
        ":1: file name 'a\\x00.txt' holds a NUL character",
        ":2: file name '" + "x" * 60 + "'... is 304 bytes long; file names are at most 255 bytes"]


def test_a_manifest_that_cannot_be_read_is_one_failure(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    os.mkfifo(tmp_path / MANIFEST)
    with no_hang():
        docs, failures = run(tmp_path)
    assert [(d.id, d.side) for d in docs] == [("a", None)]
    (failure,) = failures
    assert "manifest.jsonl: a named pipe (FIFO)" in failure.message and "read without its manifest" in failure.message


def test_corpus_and_manifest_lines_not_in_utf8_are_read_as_cp1252(tmp_path):
    legacy = GOOD.replace("border", "border’s")
    (tmp_path / "c.jsonl").write_bytes(json.dumps({"id": "j1", "text": legacy}, ensure_ascii=False).encode("cp1252") + b"\n"
                                       + json.dumps({"id": "j2", "text": GOOD}).encode() + b"\n"
                                       + b'{"id": "j3", "text": "' + GOOD.encode() + b' \x81"}\n')  # 0x81: not cp1252
    (tmp_path / "c.csv").write_bytes(f'id,text\nc1,"{legacy}"\n'.encode("cp1252") + f'c2,"{GOOD}"\n'.encode())
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.txt").write_text(GOOD)
    (tmp_path / "m" / MANIFEST).write_bytes('{"file": "a.txt", "source_side": "vn", "outlet": "Thanh Niên"}\n'.encode("cp1252"))
    items = list(iter_documents([tmp_path / "c.jsonl", tmp_path / "c.csv", tmp_path / "m"]))
    by = {i.id: i for i in items if not isinstance(i, Failure)}
    assert list(by) == ["j1", "j2", "c1", "c2", "a"]
    assert by["j1"].text == by["c1"].text == legacy
    assert by["j1"].meta.warnings == (f"{tmp_path / 'c.jsonl'}:row 1: not UTF-8; decoded as cp1252 (Windows Western)",)
    assert by["c1"].meta.warnings == (f"{tmp_path / 'c.csv'}:row 1: not UTF-8; decoded as cp1252 (Windows Western)",)
    assert by["j2"].meta.warnings == by["c2"].meta.warnings == ()
    assert by["a"].meta.outlet == "Thanh Niên" and by["a"].meta.side == "vn"
    assert by["a"].meta.warnings == (f"{tmp_path / 'm' / MANIFEST}:1: not UTF-8; decoded as cp1252 (Windows Western)",)
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert "c.jsonl:row 3: neither UTF-8 nor cp1252 text" in failure.message


def test_a_byte_order_mark_before_a_csv_or_jsonl_header_is_dropped(tmp_path):
    (tmp_path / "c.csv").write_bytes(f'\ufeffid,text\nx1,"{GOOD}"\n'.encode())  # what Excel writes as "CSV UTF-8"
    (tmp_path / "c.jsonl").write_bytes(("\ufeff" + json.dumps({"id": "x2", "text": GOOD}) + "\n").encode())
    items = list(iter_documents([tmp_path / "c.csv", tmp_path / "c.jsonl"]))
    assert [(i.id, i.text) for i in items] == [("x1", GOOD), ("x2", GOOD)]


def test_metadata_is_text_or_null_after_reading(tmp_path):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    for n in ("a", "b", "c", "d"):
        (tmp_path / f"{n}.txt").write_text(GOOD)
    rows = [{"file": "a.txt", "source_side": "vn", "outlet": 5, "meeting": 12},
            {"file": "b.txt", "source_side": "cn", "meeting": ["a", "b"]},
            {"file": "c.txt", "source_side": "cn", "meeting": {"id": 1}},
            {"file": "d.txt", "source_side": "cn", "date": "2020-01-02", "genre": None}]
    (tmp_path / MANIFEST).write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": 7, "text": GOOD, "date": 20200102, "meeting": 12.0}) + "\n"
                                      + json.dumps({"id": "j2", "text": GOOD, "side": ["vn"]}) + "\n"
                                      + json.dumps({"id": "j3", "text": GOOD, "genre": True}) + "\n")
    pq.write_table(pa.table({  # date: typed timestamps and nulls; meeting: int64; id: int64
        "id": [1, 2], "text": [GOOD, GOOD], "meeting": [3, None],
        "date": pa.array([datetime.datetime(2020, 1, 2), None]),
    }), tmp_path / "c.parquet")
    pq.write_table(pa.table({"id": ["p3"], "text": [GOOD], "date": [1.5], "meeting": [["x", "y"]]}), tmp_path / "d.parquet")
    items = list(iter_documents([tmp_path, tmp_path / "c.jsonl", tmp_path / "c.parquet", tmp_path / "d.parquet"]))
    docs = {i.id: i.meta for i in items if not isinstance(i, Failure)}
    for meta in docs.values():
        assert all(getattr(meta, k) is None or type(getattr(meta, k)) is str for k in ("side", "outlet", "date", "meeting", "genre"))
    assert list(docs) == ["a", "d", "7", "1", "2"]
    assert (docs["a"].outlet, docs["a"].meeting) == ("5", "12")
    assert docs["a"].warnings == (f"{tmp_path / MANIFEST}:1 (a.txt): `outlet` is a number (5); read as the text '5'",
                                     f"{tmp_path / MANIFEST}:1 (a.txt): `meeting` is a number (12); read as the text '12'")
    assert (docs["d"].date, docs["d"].genre, docs["d"].warnings) == ("2020-01-02", None, ())
    assert (docs["7"].date, docs["7"].meeting) == ("20200102", "12")
    assert (docs["1"].date, docs["1"].meeting) == ("2020-01-02", "3")
    assert docs["2"].date is None and docs["2"].meeting is None
    messages = [i.message for i in items if isinstance(i, Failure)]
    assert [m.split(str(tmp_path), 1)[1] for m in messages] == [
        f"/{MANIFEST}:2 (b.txt): `meeting` is a list, expected text; fix that value",
        f"/{MANIFEST}:3 (c.txt): `meeting` is an object, expected text; fix that value",
        "/c.jsonl:row 2: `side` is a list, expected text; fix that value",
        "/c.jsonl:row 3: `genre` is true/false, expected text; fix that value",
        "/d.parquet:row 1: `meeting` is a list, expected text; fix that value"]


def test_a_parquet_file_that_breaks_mid_way_is_one_failure(tmp_path, monkeypatch):
    import datasets

    class Broken:  # a row group that cannot be decoded after the first row
        column_names = ["id", "text"]

        def __iter__(self):
            yield {"id": "p1", "text": GOOD}
            raise OSError("Corrupt snappy compressed data.")

    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **kw: Broken())
    (tmp_path / "c.parquet").write_bytes(b"PAR1")
    items = list(iter_documents([tmp_path / "c.parquet"]))
    assert [i.id for i in items if not isinstance(i, Failure)] == ["p1"]
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert failure.message == (f"{tmp_path / 'c.parquet'}: cannot read on from row 2; the rest of the file is not read "
                               "(OSError: Corrupt snappy compressed data.)")


NEWS_PAGE = """<!DOCTYPE html><html><head><title>Leaders meet in the capital | Example News</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Leaders meet in the capital</h1>
<p>The two leaders held talks in the capital on Tuesday. The premier said his country is ready to expand trade
and open more border gates for farm produce.</p>
<p>The visiting minister urged both sides to keep the sea calm and to settle differences through dialogue. He added
that the two countries would hold a new round of border talks next month.</p>
<p>Both sides agreed to set up a working group on rail links and to meet again before the end of the year.</p>
</article>
<aside><h2>Related news</h2><ul><li><a href="/a">Premier pledges to open markets to all partners</a></li>
<li><a href="/b">Minister calls for calm in the region</a></li></ul></aside>
<footer><p>Copyright 2030 Example News. All rights reserved. Contact us. Privacy policy.</p></footer>
</body></html>"""


def test_a_news_page_gives_its_article_body_without_menus_related_links_or_footer(tmp_path):
    (tmp_path / "page.html.txt").write_text(NEWS_PAGE)
    (doc,), failures = run(tmp_path)
    assert not failures and "article body extracted" in doc.meta.warnings[0]
    assert "ready to expand trade and open more border gates" in doc.text
    assert "agreed to set up a working group on rail links" in doc.text
    for furniture in ("Politics", "Related news", "Premier pledges to open markets", "Copyright", "Privacy policy"):
        assert furniture not in doc.text
    assert doc.text.count("Leaders meet in the capital") <= 1          # not doubled through <title>
    assert doc.text.startswith("Leaders meet in the capital\n\n")       # the headline stays a paragraph of its own
