"""Holder and speaker attribution: a claim span -> (holder side, speaker name).

Rules over configs/actors.yaml, evaluated like everything else (holder accuracy in eval/).
The nearest actor mentioned before the claim in its sentence speaks it; failing that, a
trailing attribution (", Xi added"); pronouns resolve to the last person named earlier.
"""
from __future__ import annotations

import re
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
def _patterns() -> list[tuple[re.Pattern, str, str | None, str | None]]:
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
    return [(re.compile(rf"(?<![\w-]){re.escape(a)}(?![\w-])"), kind, side, name) for a, kind, side, name in entries]


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Non-overlapping actor mentions in text[start:end], longest match first, in text order."""
    end = len(text) if end is None else end
    taken = [False] * (end - start)
    found = []
    for pat, kind, side, name in _patterns():
        for m in pat.finditer(text, start, end):
            if any(taken[m.start() - start:m.end() - start]):
                continue
            taken[m.start() - start:m.end() - start] = [True] * (m.end() - m.start())
            found.append(Mention(m.start(), m.end(), kind, side, name))
    return sorted(found, key=lambda m: m.start)


def _last_person(mentions: list[Mention], before: int) -> Mention | None:
    people = [m for m in mentions if m.kind == "person" and m.end <= before]
    return people[-1] if people else None


def attribute(doc: Document, claim: Claim, mentions: list[Mention] | None = None) -> tuple[str | None, str | None]:
    """(holder, speaker) for one claim of doc."""
    mentions = find_mentions(doc.text) if mentions is None else mentions
    sent = doc.sentence_of(claim.start)
    s_start, s_end = (sent.start, sent.end) if sent else (claim.start, claim.end)
    before = [m for m in mentions if s_start <= m.start and m.end <= claim.start and m.kind != "joint"]
    after = [m for m in mentions if claim.end <= m.start and m.end <= s_end and m.kind in ("person", "pronoun")]
    if claim.label == "CALL":
        # in a call, "both sides" are the addressees, not the speaker
        before = [m for m in before if m.side != "both"]
    person_before = [m for m in before if m.kind == "person"]
    for m in reversed(before):
        if m.side == "both" and person_before:
            # "Xi said the two sides will ...": the named person speaks for their side
            m = person_before[-1]
        if m.kind == "pronoun":
            m = _last_person(mentions, m.start) or m
        if m.side:
            return m.side, m.name
    for m in after:
        if m.kind == "pronoun":
            m = _last_person(mentions, claim.start) or m
        if m.side:
            return m.side, m.name
    person = _last_person(mentions, claim.start)
    if person is not None and doc.meta.get("genre") != "commentary":
        return person.side, person.name
    side = doc.meta.get("side")
    return side, (doc.meta.get("outlet") if doc.meta.get("genre") == "commentary" else GENERIC_NAMES.get(side))


def attribute_holders(doc: Document) -> Document:
    mentions = find_mentions(doc.text)
    claims = []
    for c in doc.claims:
        holder, speaker = attribute(doc, c, mentions)
        claims.append(replace(c, holder=holder, speaker=speaker))
    return doc.with_(claims=tuple(claims))
