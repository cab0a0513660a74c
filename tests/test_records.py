"""The claim record: one shape to and from disk, with a stable id."""
import json

from extractor.records import ClaimRecord, claim_id
from extractor.segment import segment
from extractor.types import Claim, Document, PositionLink, Span

TEXT = "Both sides agreed to open a new border gate. China called for restraint at sea."


def _doc():
    claims = (Claim(Span(11, 43, "COMMITMENT", 0.91234), "both", None, (PositionLink("border_gate", 0.75),), "model:m@1"),
              Claim(Span(51, 78, "CALL", 0.5), "cn", "Wang Yi", (), "model:m@1"))
    return segment(Document("d1", TEXT, {"side": "cn", "meeting": "m", "outlet": "o", "date": "2030-01-02"})).with_(claims=claims)


def test_a_record_reads_back_as_the_claim_it_was_written_from():
    doc = _doc()
    for c in doc.claims:
        row = json.loads(json.dumps(ClaimRecord.of(doc, c, "m@1").to_dict()))
        back = ClaimRecord.from_dict(row)
        assert back.to_claim() == Claim(Span(c.start, c.end, c.label, round(c.score, 4)), c.holder, c.speaker,
                                        c.positions, c.source)
        assert row["text"] == doc.text[row["start"]:row["end"]] and row["model"] == "m@1"
        assert row["claim_id"] == back.claim_id == claim_id("d1", c.start, c.end, c.label)


def test_key_order_is_the_contract_and_model_only_when_set():
    doc = _doc()
    row = ClaimRecord.of(doc, doc.claims[0]).to_dict()
    assert list(row)[:11] == ["doc_id", "side", "meeting", "outlet", "date", "label", "holder", "speaker", "start", "end", "text"]
    assert "model" not in row and row["positions"] == ["border_gate"] and row["position_scores"] == {"border_gate": 0.75}
    assert ClaimRecord.of(doc, doc.claims[0]).to_dict(only=("start", "label")) == {"start": 11, "label": "COMMITMENT"}


def test_old_rows_with_position_objects_and_stored_predictions_read_back():
    old = {"doc_id": "d1", "start": "11", "end": 43, "label": "COMMITMENT", "holder": "both",
           "positions": [{"id": "border_gate", "score": 0.5}], "score": 0.9, "unknown_key": 1}
    rec = ClaimRecord.from_dict(old)
    assert rec.start == 11 and rec.positions == ("border_gate",) and rec.position_scores == {"border_gate": 0.5}
    assert rec.to_claim().positions == (PositionLink("border_gate", 0.5),)


def _rows():
    doc = _doc()
    rows = [ClaimRecord.of(doc, c, "m@1").to_dict() for c in doc.claims]
    odd = dict(rows[1], doc_id="d2", date=None, meeting=None, speaker="'=SUM(A1)", outlet="'Tis")
    return [dict(rows[0], date=None, meeting=None), odd, rows[0]]


def test_parquet_chunks_whose_first_holds_only_nulls_in_a_column_are_written(tmp_path):
    """The first chunk has no date and no meeting: the file still types them as text, so
    the later chunk that has them is written (it used to fail, and every rerun with it)."""
    from extractor.exports import read_claims
    from extractor.runs import _write_table

    rows = _rows()
    _write_table(iter(rows), tmp_path / "c.parquet", "parquet", chunk=2)
    assert read_claims(tmp_path / "c.parquet") == rows


def test_csv_keeps_a_leading_apostrophe_of_the_text(tmp_path):
    from extractor.exports import read_claims
    from extractor.runs import _write_table

    rows = _rows()
    _write_table(iter(rows), tmp_path / "c.csv", "csv", chunk=10)
    back = read_claims(tmp_path / "c.csv")
    assert back[1]["speaker"] == "'=SUM(A1)" and back[1]["outlet"] == "'Tis"
    assert [ClaimRecord.from_dict(r) for r in back] == [ClaimRecord.from_dict(r) for r in rows]


def test_other_manifest_keys_are_kept_with_the_document(tmp_path):
    from extractor.articles import load_documents

    (tmp_path / "a.txt").write_text("China and Viet Nam agreed to expand trade.\n")
    (tmp_path / "manifest.jsonl").write_text(json.dumps({"file": "a.txt", "source_side": "cn", "url": "https://example.org/a",
                                                         "title": "Trade talks", "tags": ["x"]}) + "\n")
    (doc,) = load_documents([tmp_path])
    assert doc.meta.url == "https://example.org/a" and doc.meta.extra == {"title": "Trade talks"}
    assert any("`tags` is a list" in w and "not kept" in w for w in doc.meta.warnings)
