import re

from seqeval.metrics import f1_score, precision_score, recall_score

from extractor import scoring
from extractor.decode import spans_to_tags
from extractor.types import Claim, Span

TEXT = "Xi said China will open ports and he urged talks while Chinh firmly supports peace today"
OFFS = [(m.start(), m.end()) for m in re.finditer(r"\S+", TEXT)]


def c(start, end, label, holder="cn"):
    return Claim(Span(start, end, label), holder)


def spans(*words_label):
    """Claims from (first word, last word, label) word indices."""
    return [c(OFFS[a][0], OFFS[b][1], lab, h) for a, b, lab, h in words_label]


GOLD = spans((3, 5, "COMMITMENT", "cn"), (8, 9, "CALL", "cn"), (12, 14, "POSITION", "vn"))
PRED = spans((3, 5, "COMMITMENT", "cn"), (8, 10, "CALL", "vn"), (13, 14, "POSITION", "vn"), (0, 1, "POSITION", "cn"))


def test_strict_matches_seqeval_on_the_same_spans():
    ours = scoring.score([(GOLD, PRED)], "strict", holder=False).overall
    y_true = [spans_to_tags(OFFS, [g.span for g in GOLD])]
    y_pred = [spans_to_tags(OFFS, [p.span for p in PRED])]
    assert round(ours.precision, 6) == round(precision_score(y_true, y_pred), 6)
    assert round(ours.recall, 6) == round(recall_score(y_true, y_pred), 6)
    assert round(ours.f1, 6) == round(f1_score(y_true, y_pred), 6)


def test_overlap_and_holder_schemes():
    assert (scoring.score([(GOLD, PRED)], "strict", False).overall.tp) == 1
    ov = scoring.score([(GOLD, PRED)], "overlap", False).overall
    assert (ov.tp, ov.fp, ov.fn) == (3, 1, 0)
    ovh = scoring.score([(GOLD, PRED)], "overlap", True).overall
    assert (ovh.tp, ovh.fp, ovh.fn) == (2, 2, 1)  # the CALL's holder differs
    acc, n = scoring.holder_accuracy([(GOLD, PRED)])
    assert n == 3 and acc == 2 / 3


def test_matching_is_one_to_one_and_returns_indices():
    gold = [c(0, 10, "CALL")]
    pred = [c(0, 4, "CALL"), c(5, 10, "CALL")]
    assert scoring.match(gold, pred, "overlap") == [(0, 1)]  # the larger overlap wins
    s = scoring.score([(gold, pred)], "overlap", False).overall
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)


def test_position_counts_on_matched_claims():
    from extractor.types import PositionLink
    g = [Claim(Span(0, 5, "CALL"), positions=(PositionLink("unclos"), PositionLink("one_china")))]
    p = [Claim(Span(1, 5, "POSITION"), positions=(PositionLink("unclos"), PositionLink("four_goods")))]
    pc = scoring.position_counts([(g, p)])
    assert (pc.tp, pc.fp, pc.fn) == (1, 1, 1)


def test_claim_level_position_counts_charge_unmatched_claims():
    from extractor.types import PositionLink
    g = [Claim(Span(0, 5, "CALL"), positions=(PositionLink("unclos"),)),
         Claim(Span(10, 20, "POSITION"), positions=(PositionLink("one_china"), PositionLink("four_goods")))]
    p = [Claim(Span(1, 5, "CALL"), positions=(PositionLink("unclos"),)),
         Claim(Span(30, 40, "CALL"), positions=(PositionLink("multilateralism"),))]
    matched = scoring.position_counts([(g, p)])
    claim_level = scoring.position_counts([(g, p)], matched_only=False)
    assert (matched.tp, matched.fp, matched.fn) == (1, 0, 0)
    assert (claim_level.tp, claim_level.fp, claim_level.fn) == (1, 1, 2)   # the missed claim's two ids, the spurious one's id


def test_sentence_level_scores_count_sentence_label_holder_units(tiny_doc):
    # sentences: [0] "Xi said China is ready ...", [1] "Mr. Chinh arrived ...", [2] "He urged ..."
    text = tiny_doc.text

    def at(phrase, label, holder):
        s = text.index(phrase)
        return Claim(Span(s, s + len(phrase), label), holder)

    gold = [at("is ready to deepen trade", "COMMITMENT", "cn"), at("urged both sides", "CALL", "cn"),
            at("keep peace at sea", "CALL", "cn")]  # two CALL:cn claims in sentence 2: one unit
    pred = [at("ready to deepen", "COMMITMENT", "cn"), at("urged both sides to keep peace", "CALL", "vn"),
            at("arrived in Beijing", "POSITION", "vn")]
    assert scoring.sentence_units(tiny_doc, gold) == {(0, "COMMITMENT", "cn"), (2, "CALL", "cn")}
    counts = scoring.sentence_counts(tiny_doc, gold, pred)
    assert (counts["micro"].tp, counts["micro"].fp, counts["micro"].fn) == (1, 2, 1)
    assert (counts["CALL"].tp, counts["CALL"].fp, counts["CALL"].fn) == (0, 1, 1)
    # without the holder, the CALL in sentence 2 matches
    assert scoring.sentence_counts(tiny_doc, gold, pred, holder=False)["micro"].tp == 2


def test_bootstrap_interval_on_a_hand_made_case():
    # two articles: one perfect (tp 1), one wrong (fp 1, fn 1). Resamples give F1 1, 0.5 or 0,
    # with probabilities 1/4, 1/2, 1/4: the 95% percentile interval spans [0, 1]
    assert scoring.bootstrap_interval([[1, 0], [0, 1], [0, 1]]) == (0.0, 1.0)
    # identical articles: no spread, the interval is the point figure
    assert scoring.bootstrap_interval([[2, 2, 2], [1, 1, 1], [0, 0, 0]]) == (0.8, 0.8)
    # many articles: the interval holds the point figure and narrows as articles are added
    tp, fp, fn = [3, 1, 2, 4, 0, 2] * 5, [0, 1, 1, 0, 2, 1] * 5, [1, 0, 1, 1, 1, 0] * 5
    lo, hi = scoring.bootstrap_interval([tp, fp, fn])
    point = float(scoring.f1_statistic(tp, fp, fn))
    assert lo < point < hi and hi - lo < 0.2
    lo_few, hi_few = scoring.bootstrap_interval([tp[:6], fp[:6], fn[:6]])
    assert hi_few - lo_few > hi - lo
    # a ratio (holder accuracy: right over matched)
    assert scoring.bootstrap_interval([[1, 1], [2, 2]], scoring.ratio_statistic) == (0.5, 0.5)


def test_paired_difference_of_two_systems_on_the_same_articles():
    same = [scoring.Counts(2, 1, 0), scoring.Counts(1, 0, 1), scoring.Counts(3, 1, 1)]
    assert scoring.paired_difference(same, same) == (0.0, (0.0, 0.0))
    better = [scoring.Counts(c.tp + 1, c.fp, max(c.fn - 1, 0)) for c in same] * 4
    diff, (lo, hi) = scoring.paired_difference(better, same * 4)
    assert diff > 0 and 0 < lo <= diff <= hi


def test_reference_scores_agree_with_the_project_where_conventions_agree():
    g = [Claim(Span(0, 10, "CALL"), holder="vn"), Claim(Span(20, 30, "POSITION"), holder="cn")]
    p = [Claim(Span(0, 10, "CALL"), holder="vn"), Claim(Span(22, 30, "POSITION"), holder="cn"),
         Claim(Span(40, 45, "CALL"), holder="vn")]
    ref = scoring.reference_scores([(g, p)])
    overlap = scoring.score([(g, p)], "overlap", True).overall
    strict = scoring.score([(g, p)], "strict", True).overall
    assert ref["nervaluate_ent_type_f1"] == round(overlap.f1, 4) == 0.8           # 2 of 3 predicted, 2 of 2 gold
    assert ref["nervaluate_strict_f1"] == round(strict.f1, 4) == 0.4
    assert ref["nervaluate_partial_f1"] == 0.6                                      # the boundary miss earns half


def test_int8_summary_is_the_paired_difference_from_the_accurate_path(tiny_doc):
    from extractor.evaluate import int8_summary

    s = tiny_doc.text.index("urged both sides")
    claims = (Claim(Span(8, 51, "COMMITMENT"), holder="cn"), Claim(Span(s, len(tiny_doc.text) - 1, "CALL"), holder="vn"))
    gold = [tiny_doc.with_(claims=claims)]
    fp32 = {"tiny": tiny_doc.with_(claims=claims)}
    int8 = {"tiny": tiny_doc.with_(claims=claims[:1])}
    s = int8_summary(gold, fp32, int8)
    assert s["int8_overlap_f1_label_holder"] == round(2 / 3, 4)
    assert s["int8_overlap_f1_label_holder_difference"] == round(2 / 3 - 1, 4)
    assert s["int8_sentence_f1_label_holder_difference"] == round(2 / 3 - 1, 4)
    assert int8_summary(gold, fp32, {}) == {}
