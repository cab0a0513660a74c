import numpy as np
import pytest

from extractor import labels
from extractor.decode import decode, merge_windows, sentence_windows, spans_to_tags, trim_span, windows
from extractor.types import Sentence, Span

ID2 = labels.ID2LABEL
L2I = labels.LABEL2ID


def probs_for(tags: list[str], p: float = 0.9) -> np.ndarray:
    out = np.full((len(tags), len(ID2)), (1 - p) / (len(ID2) - 1), dtype=np.float32)
    for i, t in enumerate(tags):
        out[i, L2I[t]] = p
    return out


def word_offsets(text: str) -> list[tuple[int, int]]:
    import re
    return [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]


TEXT = "Xi said China will open ports. He urged talks."


def test_b_i_run_becomes_one_span_without_final_stop():
    offs = word_offsets(TEXT)  # Xi said China will open ports . He urged talks .
    tags = ["O", "O", "O", "B-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "O", "B-CALL", "I-CALL", "I-CALL"]
    spans = decode(TEXT, offs, probs_for(tags), ID2)
    assert [(TEXT[s.start:s.end], s.label) for s in spans] == [("will open ports", "COMMITMENT"), ("urged talks", "CALL")]
    assert spans[0].score == pytest.approx(0.9 + 0.1 / 6)  # the label's mass: B-COMMITMENT + I-COMMITMENT


def test_lenient_i_opens_a_span_and_label_change_splits():
    text = "Xi said China will open ports and firmly backs free trade."
    offs = word_offsets(text)
    tags = ["O", "O", "O", "I-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "O", "I-POSITION", "I-POSITION", "I-POSITION", "I-POSITION", "O"]
    spans = decode(text, offs, probs_for(tags), ID2)
    assert [(text[s.start:s.end], s.label) for s in spans] == [("will open ports", "COMMITMENT"), ("firmly backs free trade", "POSITION")]


def test_close_same_label_pieces_merge_and_single_words_drop():
    text = "Xi said China will open ports, expand rail links. He said so."
    offs = word_offsets(text)  # Xi said China will open ports , expand rail links . He said so .
    tags = ["O", "O", "O", "B-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "O", "B-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT",
            "O", "B-CALL", "O", "O", "O"]
    spans = decode(text, offs, probs_for(tags), ID2, [Sentence(0, 49), Sentence(50, len(text))])
    assert [(text[s.start:s.end], s.label) for s in spans] == [("will open ports, expand rail links", "COMMITMENT")]


def test_spans_never_cross_a_sentence_end():
    offs = word_offsets(TEXT)
    tags = ["O"] * 3 + ["B-CALL"] + ["I-CALL"] * 7
    sents = [Sentence(0, 30), Sentence(31, len(TEXT))]
    spans = decode(TEXT, offs, probs_for(tags), ID2, sents)
    assert [TEXT[s.start:s.end] for s in spans] == ["will open ports", "He urged talks"]


def test_subword_tagged_apart_is_widened_to_its_word():
    text = "They support cooperation"
    offs = [(0, 4), (5, 12), (13, 18), (18, 24)]  # "cooper" "ation" as two pieces
    tags = ["O", "B-POSITION", "I-POSITION", "O"]
    spans = decode(text, offs, probs_for(tags), ID2)
    assert [text[s.start:s.end] for s in spans] == ["support cooperation"]


def test_special_tokens_empty_text_and_trailing_whitespace():
    assert decode("", [], np.zeros((0, len(ID2))), ID2) == []
    text = "will act   "
    offs = [(0, 0), (0, 4), (5, 8), (0, 0)]
    spans = decode(text, offs, probs_for(["B-CALL", "B-COMMITMENT", "I-COMMITMENT", "B-CALL"]), ID2)
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 8, "COMMITMENT")]


def test_min_score_drops_unsure_spans():
    offs = word_offsets(TEXT)
    tags = ["O", "O", "O", "B-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "O", "O", "O", "O", "O"]
    assert decode(TEXT, offs, probs_for(tags, 0.5), ID2, min_score=0.6) == []


def test_trim_keeps_balanced_quotes_and_brackets():
    for raw, want in [("“will act,”", "will act"), ("law (UNCLOS)", "law (UNCLOS)"),
                      ("of “comrades and brothers”", "of “comrades and brothers”"), ("opposes it. ", "opposes it")]:
        s, e = trim_span(raw, 0, len(raw))
        assert raw[s:e] == want


def test_windows_cover_everything_with_stride():
    assert windows(5, 10, 2) == [(0, 5)]
    w = windows(25, 10, 3)
    assert w[0] == (0, 10) and w[-1][1] == 25
    assert all(b[0] == a[1] - 3 for a, b in zip(w, w[1:]))
    with pytest.raises(ValueError):
        windows(25, 3, 3)


def test_sentence_windows_cut_at_sentences_and_window_long_ones():
    # ten one-character tokens at offsets 0, 2, 4, ...; sentences start at characters 3 and 8
    offsets = [(2 * i, 2 * i + 1) for i in range(10)]
    # token 0 sits before the first sentence and joins it; tokens 4.. start the second sentence
    assert sentence_windows(offsets, [3, 8], max_tokens=10, stride=2) == [(0, 4), (4, 10)]
    # a sentence longer than max_tokens is read in overlapping windows, never truncated
    assert sentence_windows(offsets, [0], max_tokens=4, stride=1) == [(0, 4), (3, 7), (6, 10)]
    assert sentence_windows(offsets, [], max_tokens=20, stride=2) == [(0, 10)]
    assert sentence_windows([], [0], max_tokens=4, stride=1) == []


def test_merge_windows_prefers_the_most_central_window():
    a = np.zeros((6, 2), np.float32); a[:, 0] = 1     # tokens 0..5 say tag 0
    b = np.zeros((6, 2), np.float32); b[:, 1] = 1     # tokens 4..9 say tag 1
    merged = merge_windows(10, 2, [(0, a), (4, b)])
    # token 4: position 4 of a (edge distance 1) vs position 0 of b (0) -> a; token 5: a at edge -> b
    assert merged[:5, 0].tolist() == [1, 1, 1, 1, 1] and merged[5:, 1].tolist() == [1, 1, 1, 1, 1]
    with pytest.raises(ValueError):
        merge_windows(12, 2, [(0, a), (4, b)])


def test_spans_to_tags_roundtrip_through_decode():
    offs = word_offsets(TEXT)
    spans = [Span(14, 29, "COMMITMENT"), Span(34, 45, "CALL")]
    tags = spans_to_tags(offs, spans)
    assert tags[3:7] == ["B-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "O"]
    back = decode(TEXT, offs, probs_for(tags), ID2)
    assert [(s.start, s.end, s.label) for s in back] == [(s.start, s.end, s.label) for s in spans]


def test_a_stray_low_confidence_tag_does_not_cut_a_claim():
    text = "Xi said the two sides share one destiny and joint efforts for peace."
    offs = word_offsets(text)  # Xi said the two sides share one destiny and joint efforts for peace .
    tags = ["O"] * 5 + ["B-POSITION", "I-POSITION", "I-POSITION", "I-POSITION", "B-COMMITMENT", "I-POSITION",
                        "I-POSITION", "I-POSITION", "O"]
    p = probs_for(tags)
    p[9] = 0.0; p[9, L2I["B-COMMITMENT"]] = 0.55; p[9, L2I["I-POSITION"]] = 0.45
    spans = decode(text, offs, p, ID2)
    assert [(text[s.start:s.end], s.label) for s in spans] == [("share one destiny and joint efforts for peace", "POSITION")]


def test_a_confident_new_claim_of_another_label_splits_the_run():
    text = "He said Vietnam supports it and will act soon."
    offs = word_offsets(text)  # He said Vietnam supports it and will act soon .
    tags = ["O", "O", "O", "B-POSITION", "I-POSITION", "I-POSITION", "B-COMMITMENT", "I-COMMITMENT", "I-COMMITMENT", "O"]
    spans = decode(text, offs, probs_for(tags, 0.9), ID2)
    assert [(text[s.start:s.end], s.label) for s in spans] == [("supports it and", "POSITION"), ("will act soon", "COMMITMENT")]
