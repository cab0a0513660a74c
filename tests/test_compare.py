import pytest
import numpy as np

from extractor.compare import align, claim_similarity, clauses, document_similarity, position_agreement
from extractor.framing_analysis import balance, coverage, differences
from extractor.segment import segment
from extractor.types import Claim, Document, PositionLink, Span


def test_align_is_one_to_one_above_threshold():
    sim = np.array([[0.9, 0.2, 0.1],
                    [0.3, 0.8, 0.7],
                    [0.1, 0.2, 0.3]])
    pairs = align(sim, threshold=0.5)
    assert [(p.a, p.b) for p in pairs] == [(0, 0), (1, 1)]
    assert pairs[0].similarity == 0.9


def test_second_match_lets_one_claim_cover_two_at_most():
    sim = np.array([[0.9, 0.75, 0.72],
                    [0.1, 0.2, 0.1]])
    pairs = align(sim, threshold=0.5, second_margin=0.2)
    assert [(p.a, p.b) for p in pairs] == [(0, 0), (0, 1)]  # (0, 2) would be a third partner
    assert align(np.zeros((0, 3)), 0.5) == []



def test_second_match_may_join_two_claims_that_each_have_one_partner():
    # a multi-point claim (a0) matches b0 best and also b1, which the assignment gave to a1
    sim = np.array([[0.9, 0.7],
                    [0.1, 0.8]])
    assert [(p.a, p.b) for p in align(sim, 0.5, second_margin=0.15)] == [(0, 0), (0, 1), (1, 1)]
    assert [(p.a, p.b) for p in align(sim, 0.5, second_margin=0.25)] == [(0, 0), (1, 1)]  # 0.7 < 0.75
    # the most similar extra pair goes first; a0 then has its two partners
    sim = np.array([[0.9, 0.72, 0.78],
                    [0.1, 0.8, 0.1],
                    [0.1, 0.1, 0.85]])
    assert [(p.a, p.b) for p in align(sim, 0.5, second_margin=0.1)] == [(0, 0), (0, 2), (1, 1), (2, 2)]

def test_claim_similarity_uses_the_best_clause():
    whole_a = np.array([[1.0, 0.0]]); whole_b = np.array([[0.0, 1.0]])
    parts_a = [np.array([[1.0, 0.0], [0.0, 1.0]])]; parts_b = [np.array([[0.0, 1.0]])]
    assert claim_similarity(whole_a, whole_b, parts_a, parts_b)[0, 0] == 0.5
    assert clauses("expand trade, deepen rail links and open new border gates") == [
        "deepen rail links", "open new border gates"]  # "expand trade" has two words only


def _doc(id_, side, text, specs):
    claims = []
    for phrase, label, holder, pos in specs:
        s = text.index(phrase)
        claims.append(Claim(Span(s, s + len(phrase), label), holder, None, tuple(PositionLink(p) for p in pos)))
    return segment(Document(id_, text, {"side": side, "meeting": "m", "outlet": f"{side} outlet", "date": "2030-01-01"},
                            claims=tuple(claims)))


VN = _doc("vn1", "vn",
          "The two sides agreed to expand rail links. Chinh said Vietnam firmly pursues the one-China policy. "
          "Chinh urged restraint at sea.",
          [("agreed to expand rail links", "COMMITMENT", "both", ["economic_cooperation"]),
           ("firmly pursues the one-China policy", "POSITION", "vn", ["one_china"]),
           ("urged restraint at sea", "CALL", "vn", ["maritime_differences"])])
CN = _doc("cn1", "cn",
          "Li said China will expand rail links. Chinh said Vietnam pursues the one-China policy.",
          [("will expand rail links", "COMMITMENT", "cn", ["economic_cooperation"]),
           ("pursues the one-China policy", "POSITION", "vn", ["one_china"])])


def test_differences_name_label_holder_and_intensifier_changes():
    d = differences(VN, VN.claims[0], CN, CN.claims[0])
    assert d["holder"] == {"a": "both", "b": "cn"} and d["label"] is None
    d = differences(VN, VN.claims[1], CN, CN.claims[1])
    assert d["intensifiers_only_a"] == ["firmly"] and d["holder"] is None
    assert d["prominence"]["a"] == {"rank": 1, "of": 3, "relative_offset": round(VN.claims[1].start / len(VN.text), 3)}


def test_coverage_and_balance():
    cov = coverage(VN, CN)
    assert cov["both"] == ["economic_cooperation", "one_china"] and cov["only_a"] == ["maritime_differences"]
    assert cov["matrix"]["economic_cooperation"] == {"a": ["both"], "b": ["cn"]}
    bal = balance(VN)
    assert bal["claims"] == {"both": 1, "vn": 2} and bal["sentence_share"] == {"both": 0.333, "vn": 0.667}


def test_position_agreement_rewards_shared_positions_and_penalises_disjoint_ones():
    bare = _doc("x", "cn", "Li said China will expand rail links.", [("will expand rail links", "COMMITMENT", "cn", [])])
    agree = position_agreement(VN.claims, CN.claims + bare.claims)
    assert agree.tolist() == [[1, -1, 0], [-1, 1, 0], [-1, -1, 0]]


def test_position_weight_shifts_the_encoder_similarity(monkeypatch):
    class Flat:  # an encoder that finds every text alike: only the positions tell claims apart
        name = "flat"

        def encode(self, texts):
            return np.ones((len(texts), 2)) / np.sqrt(2)

    base = {"position_weight": 0.0, "threshold": 0.5, "second_match_margin": None}
    assert np.allclose(document_similarity(VN, CN, Flat(), base), 1.0)
    sim = document_similarity(VN, CN, Flat(), base | {"position_weight": 0.1})
    # a shared position adds 0.1 (held at 1.0, the top of the cosine scale), different ones take it away
    assert np.allclose(sim, [[1.0, 0.9], [0.9, 1.0], [0.9, 0.9]])
    assert [(p.a, p.b) for p in align(sim, 0.5)] == [(0, 0), (1, 1)]


def test_confidence_is_a_logistic_of_the_similarity():
    from extractor.compare import confidence

    cal = {"slope": 6.0, "intercept": -3.0}
    assert confidence(0.5, cal) == pytest.approx(0.5)
    assert confidence(0.9, cal) > confidence(0.6, cal) > confidence(0.3, cal)
    assert 0 < confidence(-1.0, cal) < confidence(2.0, cal) < 1


def test_a_relayed_remark_aligns_with_the_speakers_own_account():
    """One side's leader quoted by the other side's outlet: the Vietnamese report relays what
    the Chinese leader said; the Chinese report has the same point in his own voice. Invented
    text, the packaged base encoder, the configured rule."""
    from extractor.compare import Embedder, align_documents, compare_settings
    from extractor.segment import segment
    from extractor.types import Claim, Document, Span

    def doc(i, side, text, phrases):
        claims = tuple(Claim(Span(text.index(p), text.index(p) + len(p), lab), holder) for p, lab, holder in phrases)
        return segment(Document(i, text, {"side": side})).with_(claims=claims)

    vn = doc("vn", "vn", "Xi told the Vietnamese guest that China stands ready to buy more farm produce from Vietnam. "
                         "Both sides agreed to open two more border gates.",
             [("stands ready to buy more farm produce from Vietnam", "COMMITMENT", "cn"),
              ("agreed to open two more border gates", "COMMITMENT", "both")])
    cn = doc("cn", "cn", "Xi said China is willing to import more agricultural products from Vietnam. "
                         "He called for joint efforts to keep peace at sea.",
             [("is willing to import more agricultural products from Vietnam", "COMMITMENT", "cn"),
              ("called for joint efforts to keep peace at sea", "CALL", "cn")])
    pairs = align_documents(vn, cn, Embedder(compare_settings()["base_encoder"]))
    assert [(p.a, p.b) for p in pairs] == [(0, 0)]
