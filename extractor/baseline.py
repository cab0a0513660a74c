"""A rule-based claim extractor (reporting-verb and modal patterns, no model): the baseline
the tagger is evaluated against. The span runs from the cue to the end of the sentence."""
from __future__ import annotations

import re

from .decode import trim_span
from .holders import find_mentions
from .types import Claim, Document, Span

_CUES = [
    ("CALL", r"called (?:on|for|upon)|urged|suggested|proposed|(?:expressed (?:the |his |her |their )?)?hopes? that|"
             r"should|must|need(?:s)? to|the need to|asked"),
    ("COMMITMENT", r"will|agreed to|agree to|pledged|vowed|committed to|(?:is|are|stands?|stays?) (?:always )?(?:ready|willing) to|"
                   r"looks? forward to|expressed (?:their|his|her) desire to"),
    ("POSITION", r"(?:consistently |firmly |always )?(?:supports?|opposes?|pursues?|follows?|regards?|considers?|treasures?|"
                 r"attach(?:es)? (?:great )?importance|places? (?:great )?importance|values?|adheres? to|held that|"
                 r"is (?:a|an|the) (?:top )?priority)"),
]
CUE_PATTERN = re.compile(r"\b(?:" + "|".join(f"(?P<{lab}>{pat})" for lab, pat in _CUES) + r")\b")


def baseline_claims(doc: Document) -> Document:
    """Documents must be segmented; one claim per sentence at most, at its first cue after an actor."""
    mentions = find_mentions(doc.text)
    claims = []
    for s in doc.sentences:
        if not any(s.start <= m.start < s.end and m.kind != "joint" for m in mentions):
            continue
        m = CUE_PATTERN.search(doc.text, s.start, s.end)
        if not m:
            continue
        start, end = trim_span(doc.text, m.start(), s.end)
        if end > start:
            claims.append(Claim(Span(start, end, m.lastgroup), source="baseline:rules"))
    return doc.with_(claims=tuple(claims))
