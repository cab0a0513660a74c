import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import ModelMissingError
from extractor.pipeline import annotate
from extractor.tagger import ClaimTagger
from extractor.types import Document


@pytest.fixture(scope="module")
def tagger(_trained_tiny):
    return ClaimTagger.load(_trained_tiny)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400) | st.from_regex(r"(Xi said China will [a-z ]{0,40}\. ?){1,4}", fullmatch=True))
def test_any_unicode_extracts_without_crashing_and_offsets_slice(tagger, text):
    (doc,) = annotate([Document("h", text, {"side": "vn"})], tagger)
    for c in doc.claims:
        assert 0 <= c.start < c.end <= len(text)
        assert doc.text[c.start:c.end] == text[c.start:c.end] and doc.slice(c).strip() == doc.slice(c)
        assert c.holder in {"vn", "cn", "both"}


def test_extraction_opens_no_network_connection(tagger, monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("a network connection was attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from extractor.compare import Embedder
    (doc,) = annotate([Document("n", "Xi said China will deepen trade with Vietnam.", {"side": "cn"})], tagger)
    assert Embedder().encode(["a claim"]).shape == (1, 384)


def test_only_safetensors_weights_are_loaded(trained_tiny):
    (trained_tiny / "model.safetensors").rename(trained_tiny / "pytorch_model.bin")
    with pytest.raises(ModelMissingError, match="no trained tagger"):
        ClaimTagger.load(trained_tiny)
