import pytest

from extractor.segment import segment, split_sentences
from extractor.records import claim_record
from extractor.types import Claim, Document, Span


def test_offsets_are_checked():
    with pytest.raises(ValueError):
        Span(5, 3)
    with pytest.raises(ValueError, match="run past the text"):
        Document("d", "short", claims=(Claim(Span(0, 99, "CALL")),))


def test_claim_record_has_the_output_contract(tiny_doc):
    c = Claim(Span(14, 51, "COMMITMENT", 0.8), "cn", "Xi Jinping", source="model:x")
    rec = claim_record(tiny_doc, c)
    for key in ("doc_id", "side", "meeting", "label", "holder", "speaker", "start", "end", "text", "sentence", "positions", "score"):
        assert key in rec
    assert rec["text"] == tiny_doc.text[14:51] == "is ready to deepen trade with Vietnam"
    assert rec["sentence"] == "Xi said China is ready to deepen trade with Vietnam."


def test_sentences_respect_abbreviations_lines_and_missing_spaces():
    text = "Mr. Xi met Gen. Lam on Oct. 3. They talked.\nNew line here\n\nIt ended.The end."
    got = [text[s.start:s.end] for s in split_sentences(text)]
    assert got == ["Mr. Xi met Gen. Lam on Oct. 3.", "They talked.", "New line here", "It ended.", "The end."]
    assert split_sentences("") == () and split_sentences("   \n ") == ()


def test_a_run_on_sentence_is_cut_around_the_claim_in_the_record():
    from extractor.records import SENTENCE_CAP, SENTENCE_CONTEXT

    text = "word " * 2000 + "Xi said China will deepen trade " + "and more " * 2000
    doc = segment(Document("runon", text, {"side": "cn"}))
    s = text.index("will deepen trade")
    rec = claim_record(doc, Claim(Span(s, s + 17, "COMMITMENT"), "cn"))
    assert len(doc.sentences) == 1 and doc.sentences[0].end - doc.sentences[0].start > SENTENCE_CAP
    assert rec["sentence_truncated"] and len(rec["sentence"]) == 17 + 2 * SENTENCE_CONTEXT
    assert text[rec["sentence_start"]:rec["sentence_start"] + len(rec["sentence"])] == rec["sentence"]
    assert rec["text"] in rec["sentence"]
    short = claim_record(doc.with_(text="Xi said China will deepen trade.", sentences=()), Claim(Span(8, 31, "COMMITMENT"), "cn"))
    assert short["sentence_truncated"] is False


def test_document_metadata_is_typed_and_keeps_unknown_manifest_keys():
    from extractor.types import DocumentMeta

    doc = Document("d", "text", {"side": "vn", "date": "2030-01-01", "warnings": ["w"], "url": "u", "desk": "foreign"})
    assert isinstance(doc.meta, DocumentMeta) and doc.side == "vn" and doc.meta.warnings == ("w",)
    assert doc.meta.extra == {"desk": "foreign"} and doc.meta.meeting is None
    moved = doc.meta | {"meeting": "m1", "meeting_found": True}
    assert (moved.meeting, moved.meeting_found, moved.extra, doc.meta.meeting) == ("m1", True, {"desk": "foreign"}, None)
    assert DocumentMeta.from_dict(moved.to_dict()) == moved
    assert moved.to_dict() == {"side": "vn", "meeting": "m1", "date": "2030-01-01", "url": "u", "warnings": ["w"],
                               "meeting_found": True, "desk": "foreign"}
