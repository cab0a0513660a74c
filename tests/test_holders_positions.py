import re

import pytest

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


def _ids(text: str) -> set[str]:
    return {p.position_id for p in link_text(text)}


def test_linker_keeps_the_guidelines_exclusions():
    # "the two Parties and countries" names the partners; party-to-party exchanges are the id
    assert "party_channel" not in _ids("ties between the two Parties and countries keep growing")
    assert "party_channel" not in _ids("friendship between the two parties, and states, is precious")
    assert "party_channel" in _ids("they will deepen exchanges between the two parties on governance")
    # the sea convention's name holds "United Nations" but is not multilateralism
    sea = _ids("settle disputes under the 1982 United Nations Convention on the Law of the Sea")
    assert "unclos" in sea and "multilateralism" not in sea
    assert "multilateralism" in _ids("coordinate closely at the United Nations and ASEAN")


def test_a_malformed_positions_catalogue_is_one_line_naming_the_entry(tmp_path, monkeypatch):
    import shutil

    from extractor import config, positions
    from extractor.errors import ConfigError

    for bad, message in [("    not_within: ['(unclosed']\n", "not_within '(unclosed' is not a regular expression"),
                         ("    alias: [x]\n", "unknown key `alias`")]:
        folder = tmp_path / bad[4:9]
        shutil.copytree(config.PACKAGED_CONFIGS, folder)
        text = (folder / "positions.yaml").read_text().replace("  - id: unclos\n", "  - id: unclos\n" + bad, 1)
        (folder / "positions.yaml").write_text(text)
        monkeypatch.setattr(config, "CONFIG_DIR", folder)
        config.load_yaml.cache_clear(); positions.catalogue.cache_clear()
        try:
            with pytest.raises(ConfigError, match=f"positions.yaml: unclos: {re.escape(message)}"):
                positions.catalogue()
        finally:
            config.load_yaml.cache_clear(); positions.catalogue.cache_clear()


def holder_of(doc: Document, phrase: str, label: str) -> str | None:
    return attribute(doc, claim_for(doc, phrase, label))[0]


def test_accented_names_match_and_offsets_hold():
    d = doc_of("Thủ tướng Phạm Minh Chính met Wang Yi in Hà Nội. PM Chính said Việt Nam is ready to deepen trade.")
    (m,) = [m for m in find_mentions(d.text) if m.name == "Pham Minh Chinh" and m.start > 40]
    assert d.text[m.start:m.end] == "Chính"
    assert holder_of(d, "is ready to deepen trade", "COMMITMENT") == "vn"


def test_an_official_described_by_side_and_office_and_a_later_pronoun():
    d = doc_of("The Vietnamese Prime Minister welcomed the envoy. The Chinese diplomat, for his part, said he "
               "will work for closer ties. He hoped for support in his term.")
    assert holder_of(d, "will work for closer ties", "COMMITMENT") == "cn"
    assert holder_of(d, "hoped for support in his term", "CALL") == "cn"


def test_short_name_of_a_listed_person_after_the_full_name():
    d = doc_of("Li Keqiang met Nguyen Xuan Phuc. Li said relations have gathered pace.", side="cn")
    assert attribute(d, claim_for(d, "relations have gathered pace", "POSITION")) == ("cn", "Li Keqiang")


def test_both_sides_inside_a_reported_clause_belong_to_the_speaker():
    d = doc_of("Wang Yi said that the two sides have kept close contact. The two ministers agreed to meet yearly.")
    assert holder_of(d, "have kept close contact", "POSITION") == "cn"
    assert holder_of(d, "agreed to meet yearly", "COMMITMENT") == "both"


def test_joint_subject_without_a_speaker_is_both_but_a_commentary_speaks_for_its_outlet():
    d = doc_of("Vietnam and China have agreed to keep the border calm.")
    assert holder_of(d, "have agreed to keep the border calm", "COMMITMENT") == "both"
    c = doc_of("The two countries are well placed to deepen trust. The two sides agreed to open a hotline.",
               side="cn", genre="commentary", outlet="Daily")
    assert attribute(c, claim_for(c, "are well placed to deepen trust", "POSITION")) == ("cn", "Daily")
    assert holder_of(c, "agreed to open a hotline", "COMMITMENT") == "both"


def test_the_two_with_a_verb_capital_pairs_and_prepositional_objects():
    d = doc_of("Minh met Yang in Hanoi. The two agreed to widen rail links. The two officials said that Hanoi and "
               "Beijing would keep the sea calm. Vietnam values trade with China, pledging to open markets.")
    assert holder_of(d, "agreed to widen rail links", "COMMITMENT") == "both"
    assert holder_of(d, "would keep the sea calm", "COMMITMENT") == "both"
    # "with China," names a partner, not the one who pledges
    assert holder_of(d, "pledging to open markets", "COMMITMENT") == "vn"
