from extractor.holders import attribute, find_mentions
from extractor.positions import link_text
from extractor.segment import segment
from extractor.types import Claim, Document, Span


def claim_for(doc: Document, phrase: str, label: str) -> Claim:
    s = doc.text.index(phrase)
    return Claim(Span(s, s + len(phrase), label))


def doc_of(text, side="vn", genre="news report", outlet="Outlet"):
    return segment(Document("d", text, {"side": side, "genre": genre, "outlet": outlet}))


def test_nearest_actor_before_the_claim_speaks_it():
    d = doc_of("Xi said China is ready to expand trade. Chinh said Vietnam firmly supports it.")
    assert attribute(d, claim_for(d, "is ready to expand trade", "COMMITMENT")) == ("cn", "the Chinese side")
    assert attribute(d, claim_for(d, "firmly supports it", "POSITION")) == ("vn", "the Vietnamese side")


def test_pronoun_resolves_to_the_last_person_and_trailing_attribution():
    d = doc_of("Prime Minister Pham Minh Chinh met Wang Yi. He called for calm at sea. "
               "Ties must grow, Wang Yi added.")
    assert attribute(d, claim_for(d, "called for calm at sea", "CALL")) == ("cn", "Wang Yi")
    assert attribute(d, claim_for(d, "Ties must grow", "CALL")) == ("cn", "Wang Yi")


def test_both_sides_agreeing_is_both_but_addressees_of_a_call_are_not():
    d = doc_of("The two sides agreed to open two border gates. Xi urged both sides to stay calm.")
    assert attribute(d, claim_for(d, "agreed to open two border gates", "COMMITMENT"))[0] == "both"
    assert attribute(d, claim_for(d, "to stay calm", "CALL")) == ("cn", "Xi Jinping")


def test_commentary_without_speaker_is_the_outlets_side():
    d = doc_of("Friendship between the peoples will keep growing.", side="cn", genre="commentary", outlet="Daily")
    assert attribute(d, claim_for(d, "will keep growing", "POSITION")) == ("cn", "Daily")


def test_longest_alias_wins():
    kinds = [(m.name, m.kind) for m in find_mentions("Xi Jinping and Nguyen Phu Trong met; China and Vietnam agreed.")]
    assert kinds == [("Xi Jinping", "person"), ("Nguyen Phu Trong", "person"), (None, "joint")]


def test_position_linking_by_alias_on_word_boundaries():
    ids = {p.position_id for p in link_text("firmly follows the one-China policy and respects UNCLOS")}
    assert ids == {"one_china", "unclos"}
    assert link_text("they exchanged greetings") == ()
    # the substring baseline matches inside words; the linker does not
    assert "party_channel" not in {p.position_id for p in link_text("third-party channels")}
