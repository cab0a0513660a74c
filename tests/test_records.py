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


def test_claim_ids_differ_for_different_spans_and_labels_of_one_document():
    ids = {claim_id("d", s, e, lab) for s, e in ((0, 5), (0, 6), (1, 5)) for lab in ("CALL", "POSITION")}
    assert len(ids) == 6


def test_old_rows_with_position_objects_and_stored_predictions_read_back():
    old = {"doc_id": "d1", "start": "11", "end": 43, "label": "COMMITMENT", "holder": "both",
           "positions": [{"id": "border_gate", "score": 0.5}], "score": 0.9, "unknown_key": 1}
    rec = ClaimRecord.from_dict(old)
    assert rec.start == 11 and rec.positions == ("border_gate",) and rec.position_scores == {"border_gate": 0.5}
    assert rec.to_claim().positions == (PositionLink("border_gate", 0.5),)
