"""Holder and speaker attribution: a claim span -> (holder side, speaker name).

Rules over configs/actors.yaml, evaluated like everything else (holder accuracy in eval/).
The nearest actor mentioned before the claim in its sentence speaks it; failing that, a
trailing attribution (", Xi added"); pronouns resolve to the last person named earlier.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from .config import load_yaml
from .types import Claim, Document

GENERIC_NAMES = {"cn": "the Chinese side", "vn": "the Vietnamese side", "both": "the two sides"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str            # person / generic / pronoun / joint
    side: str | None
    name: str | None


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern, str, str | None, str | None]]:
    cat = load_yaml("actors.yaml")
    entries = []
    for p in cat["people"]:
        for a in p["aliases"]:
            entries.append((a, "person", p["side"], p["name"]))
    for side, names in cat["generic"].items():
        entries += [(a, "generic", side, GENERIC_NAMES[side]) for a in names]
    entries += [(a, "joint", None, None) for a in cat["joint"]]
    entries += [(a, "pronoun", None, None) for a in cat["pronouns"]]
    # longest alias first, so "Xi Jinping" wins over "Xi" and "China and Vietnam" over "China"
    entries.sort(key=lambda e: -len(e[0]))
    return [(a, _word(a), kind, side, name) for a, kind, side, name in entries]


def _word(literal: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(literal)}(?![\w-])")


@lru_cache(maxsize=1)
def _name_patterns() -> dict[str, re.Pattern]:
    cat = load_yaml("actors.yaml").get("name_patterns", {})
    parts = {"vn": r"(?: [A-Z][a-z]+){1,3}", "cn": r" [A-Z][a-z]+"}
    return {side: re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, fams))}){parts[side]}(?![\w-])")
            for side, fams in cat.items()}


def _unlisted_people(text: str, start: int, end: int) -> list[tuple[str, re.Pattern, str, str | None, str | None]]:
    """Patterns for people the catalogue does not list: their full names, then the short
    form that refers back to them ("Zhou Mingliang" ... "Zhou said"); and the same short form
    for catalogue people named in full ("Li Keqiang" ... "Li said")."""
    out = []
    for p in load_yaml("actors.yaml")["people"]:
        parts = p["name"].split()
        short = parts[0] if p["side"] == "cn" else parts[-1]
        if len(parts) > 1 and short not in p["aliases"] and p["name"] in text:
            out.append((short, _word(short), "person", p["side"], p["name"]))
    for side, pat in _name_patterns().items():
        for m in pat.finditer(text, start, end):
            full = m.group(0)
            short = full.split()[0] if side == "cn" else full.split()[-1]
            out.append((full, _word(full), "person", side, full))
            out.append((short, _word(short), "person", side, full))
    return out


_FOLD = {"đ": "d", "Đ": "D"}


def fold_accents(text: str) -> str:
    """The text with Vietnamese diacritics dropped, character for character (same length, so
    offsets hold): Vietnamese outlets write "Phúc", "Việt Nam", "Hà Nội" as often as "Phuc"."""
    if text.isascii():
        return text
    return "".join(_FOLD.get(ch) or (unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch) for ch in text)


# Officials named by their side and office rather than by name ("the Vietnamese PM", "the
# Chinese diplomat", "China's top legislator"), and plural subjects that name both sides'
# officials at once ("the two Prime Ministers", "both leaders", "the Government leaders").
_TITLES = (r"(?:leader|official|diplomat|minister|Minister|PM|Prime Minister|President|president|Premier|premier|"
           r"ambassador|Ambassador|envoy|guest|host|legislator|lawmaker|top legislator|Party chief|party chief|"
           r"General Secretary|Vice President|Vice Premier|State Councillor|Defence Minister|Defense Minister|"
           r"Foreign Minister|Chairman|Chairwoman|chairman|chairwoman|side|delegation|government|Government)")
_DESCRIBED = re.compile(rf"(?<![\w-])(?:[Tt]he |[Bb]oth )?(?:visiting |top |)(?P<side>Vietnamese|Chinese|Vietnam's|China's)"
                        rf"(?: [A-Za-z]+){{0,2}}? {_TITLES}(?![\w-])")
_PLURAL = re.compile(r"(?<![\w-])(?:[Tt]he|[Bb]oth) (?:two |)(?:[A-Z][a-z]+ )?(?:leaders|sides|Prime Ministers|prime ministers|"
                     r"ministers|Ministers|officials|diplomats|armies|militaries|ministries|foreign ministries|presidents|"
                     r"Presidents|premiers|Premiers|heads|delegations|General Secretaries|party chiefs|Party chiefs|"
                     r"legislators|chairmen|chairpersons|Government leaders|government leaders)(?![\w-])")


_THE_TWO = re.compile(r"(?<![\w-])[Tt]he two(?= (?:also |have |had |then )?[a-z]+ed\b)")  # "The two agreed ..."


def _described(text: str, start: int, end: int) -> list[tuple[int, int, str, str | None]]:
    """A described official is a person (a later "he" may stand for them); plural subjects
    are the generic `both`."""
    out = [(m.start(), m.end(), "person", "vn" if m.group("side").startswith("Vietnam") else "cn")
           for m in _DESCRIBED.finditer(text, start, end)]
    return out + [(m.start(), m.end(), "generic", "both") for pat in (_PLURAL, _THE_TWO) for m in pat.finditer(text, start, end)]


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Non-overlapping actor mentions in text[start:end], longest match first, in text order:
    the catalogue's names first (matched on the accent-folded text), then officials described
    by side and office, then names of people it does not list."""
    end = len(text) if end is None else end
    text = fold_accents(text)
    taken = [False] * (end - start)
    found = []
    span = text[start:end]
    for s, e, kind, side in _described(text, start, end):
        if not any(taken[s - start:e - start]):
            taken[s - start:e - start] = [True] * (e - s)
            found.append(Mention(s, e, kind, side, GENERIC_NAMES[side]))
    for literal, pat, kind, side, name in [*_patterns(), *_unlisted_people(text, start, end)]:
        if literal not in span:  # a substring test is far cheaper than a regex scan, and most aliases are absent
            continue
        for m in pat.finditer(text, start, end):
            if any(taken[m.start() - start:m.end() - start]):
                continue
            taken[m.start() - start:m.end() - start] = [True] * (m.end() - m.start())
            found.append(Mention(m.start(), m.end(), kind, side, name))
    return sorted(found, key=lambda m: m.start)


_SPEECH = re.compile(
    r"[\s,]*(?:\w+ly\s+|for (?:his|her) part,?\s+|also\s+)?(?:said|says|stressed|noted|added|affirmed|pointed|expressed|"
    r"called|urged|suggested|welcomed|hailed|emphasi[sz]ed|underlined|told|thanked|held|proposed|hoped|believe[sd]?|asked|"
    r"reiterated|highlighted|spoke|conveyed|extended|congratulated)\b")
_PREPOSITION = re.compile(r"\b(?:between|of|with|to|for|among|on|in|from|by|toward|towards|against|and)\s+$", re.I)


def _last_person(mentions: list[Mention], before: int, text: str = "") -> Mention | None:
    """The person a pronoun stands for: the nearest earlier person who is said to speak
    ("Xi stressed ...", "Luong Cuong said ..."), else the nearest earlier person."""
    people = [m for m in mentions if m.kind == "person" and m.end <= before]
    if text:  # someone named after a preposition ("led by Mr A") is seldom the one a "he" stands for
        people = [m for m in people if _is_subject(text, m)] or people
    for m in reversed(people):
        if text and _SPEECH.match(text, m.end):
            return m
    return people[-1] if people else None


def _is_subject(text: str, m: Mention) -> bool:
    """A mention right after a preposition ("ties between the two parties", "relations with
    China") is not who speaks."""
    return not _PREPOSITION.search(text[max(0, m.start - 12):m.start])


def _resolve(m: Mention, mentions: list[Mention], text: str) -> Mention:
    return (_last_person(mentions, m.start, text) or m) if m.kind == "pronoun" else m


def _joint_subject(m: Mention, before: list[Mention], text: str) -> bool:
    """"Li and his Vietnamese counterpart Dung agreed ...": two people of different sides
    joined by "and" form the subject, so the claim is held by both."""
    others = [o for o in before if o.kind == "person" and o.end <= m.start and o.side and o.side != m.side]
    return bool(others) and " and " in text[others[-1].end:m.start] and not _SPEECH.search(text, others[-1].end, m.start)


# A claim that opens with a joint act ("agreed to", "pledged") reports what both sides did,
# even in a commentary.
_JOINT_ACT = re.compile(r"(?:also |have |has |had |jointly )?(?:agreed|agreeing|agree|pledged|pledging|vowed|vowing|consented|decided)\b")


def _reports(text: str, speaker: Mention, subject: Mention) -> bool:
    """"Li said (that) [the two sides] ...": the subject opens the clause that the speaker's
    verb reports, with nothing but the verb and "that" between them."""
    said = _SPEECH.match(text, speaker.end)
    return bool(said) and said.end() <= subject.start and re.fullmatch(r"[\s,]*(?:that\s*)?", text[said.end():subject.start]) is not None


def _speaker(m: Mention, before: list[Mention], mentions: list[Mention], text: str) -> tuple[str, str | None] | None:
    """(holder, speaker) a mention stands for, a pronoun resolved; two people of different
    sides joined by "and" hold it jointly; None when it has no side."""
    m = _resolve(m, mentions, text)
    if m.kind == "person" and _joint_subject(m, before, text):
        return "both", GENERIC_NAMES["both"]
    return (m.side, m.name) if m.side else None


def attribute(doc: Document, claim: Claim, mentions: list[Mention] | None = None) -> tuple[str | None, str | None]:
    """(holder, speaker) for one claim of doc, in this order:
    1. the claim's own subject, the mention right before it ("China [is ready to ...]");
    2. the last actor said to speak in its sentence ("Xi said ...", "Trong thanked ...");
    3. the nearest other actor before it in the sentence, not after a preposition;
    4. a trailing attribution (", Xi added", "he said");
    5. the last person named earlier; then, in a commentary, the outlet; else the document's side.
    In a CALL, "both sides" are the addressees, never the speaker."""
    mentions = find_mentions(doc.text) if mentions is None else mentions
    text = doc.text
    sent = doc.sentence_of(claim.start)
    s_start, s_end = (sent.start, sent.end) if sent else (claim.start, claim.end)
    in_sentence = [m for m in mentions if s_start <= m.start and m.end <= claim.start]
    speakers = [m for m in in_sentence if m.kind != "joint" and _SPEECH.match(text, m.end)]
    joint = [m for m in in_sentence if m.kind == "joint"]
    before = [m for m in in_sentence if m.kind != "joint"]
    if claim.label == "CALL":  # "both sides" are whom a call addresses, unless they are the ones speaking
        before = [m for m in before if m.side != "both" or m in speakers]
    after = [m for m in mentions if claim.end <= m.start and m.end <= s_end and m.kind in ("person", "pronoun")]
    if (joint and not text[joint[-1].end:claim.start].strip(" ,") and not after and doc.meta.genre != "commentary"
            and (not speakers or speakers[-1].side == "both")):
        return "both", GENERIC_NAMES["both"]  # "Vietnam and China [have agreed ...]", nobody reported as saying it
    if before and not text[before[-1].end:claim.start].strip(" ,\"“'‘") and _is_subject(text, before[-1]):
        m = before[-1]
        earlier = [x for x in speakers if _reports(text, x, m)]
        if m.side == "both" and m not in speakers and earlier:
            m = earlier[-1]  # "Li said [the two sides] should ...": a reported clause is its speaker's
        elif (m.side == "both" and m not in speakers and doc.meta.genre == "commentary"
              and not _JOINT_ACT.match(text, claim.start)):
            side = doc.meta.side  # a commentary's own assertion about both countries is the outlet's
            return side, doc.meta.outlet or GENERIC_NAMES.get(side)
        if found := _speaker(m, before, mentions, text):
            return found
    for m in reversed(speakers):
        if found := _speaker(m, before, mentions, text):
            return found
    for m in reversed(before):
        if _is_subject(text, m) and not text.startswith(("’s", "'s"), m.end):
            m = _resolve(m, mentions, text)
            if m.side:
                return m.side, m.name
    for m in after:
        m = _resolve(m, mentions, text)
        if m.side:
            return m.side, m.name
    person = _last_person(mentions, claim.start, text)
    if person is not None and doc.meta.genre != "commentary":
        return person.side, person.name
    side = doc.meta.side
    return side, (doc.meta.outlet if doc.meta.genre == "commentary" else GENERIC_NAMES.get(side))


def attribute_holders(doc: Document) -> Document:
    mentions = find_mentions(doc.text)
    claims = []
    for c in doc.claims:
        holder, speaker = attribute(doc, c, mentions)
        claims.append(replace(c, holder=holder, speaker=speaker))
    return doc.with_(claims=tuple(claims))
