import pytest

from extractor.segment import split_sentences
from extractor.types import Claim, Document, Span, claim_record


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
