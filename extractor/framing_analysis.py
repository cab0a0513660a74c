"""Framing analysis of two accounts of a meeting: for an aligned pair, how the same point is
framed (label, holder, positions, intensifiers, hedges, prominence); for the two accounts,
which canonical positions each covers (`coverage`) and whose voice each carries
(`balance`). Pure functions over Documents and Claims; the alignment itself is compare.py's."""
from __future__ import annotations

import re
from collections import Counter

from .compare import compare_settings
from .types import Claim, Document


def _terms(text: str, words: list[str]) -> set[str]:
    low = text.lower()
    return {w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", low)}


def prominence(doc: Document, claim: Claim) -> dict:
    """Where the claim sits: its rank among the document's claims and its relative offset."""
    rank = sorted((c.start for c in doc.claims)).index(claim.start) if claim in doc.claims else None
    return {"rank": rank, "of": len(doc.claims), "relative_offset": round(claim.start / max(1, len(doc.text)), 3)}


def differences(doc_a: Document, a: Claim, doc_b: Document, b: Claim, settings: dict | None = None) -> dict:
    """The framing differences a researcher looks for in one aligned pair."""
    settings = settings or compare_settings()
    ta, tb = doc_a.slice(a), doc_b.slice(b)
    ia, ib = _terms(ta, settings["intensifiers"]), _terms(tb, settings["intensifiers"])
    ha, hb = _terms(ta, settings["hedges"]), _terms(tb, settings["hedges"])
    pa, pb = set(a.position_ids), set(b.position_ids)
    out = {
        "label": {"a": a.label, "b": b.label} if a.label != b.label else None,
        "holder": {"a": a.holder, "b": b.holder} if a.holder != b.holder else None,
        "positions_only_a": sorted(pa - pb),
        "positions_only_b": sorted(pb - pa),
        "intensifiers_only_a": sorted(ia - ib),
        "intensifiers_only_b": sorted(ib - ia),
        "hedges_only_a": sorted(ha - hb),
        "hedges_only_b": sorted(hb - ha),
        "prominence": {"a": prominence(doc_a, a), "b": prominence(doc_b, b)},
    }
    return out


def coverage(doc_a: Document, doc_b: Document) -> dict:
    """Which canonical positions each account mentions, and by which holders."""
    def by_position(doc):
        out: dict[str, set[str]] = {}
        for c in doc.claims:
            for pid in c.position_ids:
                out.setdefault(pid, set()).add(c.holder or "?")
        return out
    pa, pb = by_position(doc_a), by_position(doc_b)
    return {
        "both": sorted(set(pa) & set(pb)),
        "only_a": sorted(set(pa) - set(pb)),
        "only_b": sorted(set(pb) - set(pa)),
        "matrix": {pid: {"a": sorted(pa.get(pid, ())), "b": sorted(pb.get(pid, ()))} for pid in sorted(set(pa) | set(pb))},
    }


def balance(doc: Document) -> dict:
    """Whose voice the account carries: claims per holder and the share of sentences with a
    claim of each holder."""
    claims = Counter(c.holder or "?" for c in doc.claims)
    n = max(1, len(doc.sentences))
    share = {}
    for holder in claims:
        sents = {doc.sentence_of(c.start) for c in doc.claims if (c.holder or "?") == holder}
        share[holder] = round(len(sents - {None}) / n, 3)
    return {"claims": dict(sorted(claims.items())), "sentence_share": dict(sorted(share.items())), "sentences": len(doc.sentences)}
