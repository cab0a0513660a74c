"""Review pass over the gold set: lists (1) sentences that look like claims (a reporting or
modal verb and an actor) but carry no annotation, and (2) annotations whose label differs
from the usual reading of their first cue (e.g. "will" read as COMMITMENT). Each listed
case is then settled in annotations/REVIEW.md.

    python eval/review.py            # prints the list (article text shown, never stored)
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.config import load_tagger_config

from extractor.baseline import CUE_PATTERN
from extractor.holders import find_mentions
from extractor.standoff import load_gold

REPORTING = re.compile(r"\b(said|stressed|noted|affirmed|added|pointed out|held that|underlined|emphasi[sz]ed|expressed|agreed|pledged|consented)\b")


def review(gold_dir: Path, corpus: list[Path]) -> list[tuple[str, str, str]]:
    rows = []
    for doc in load_gold(gold_dir, corpus):
        mentions = find_mentions(doc.text)
        for s in doc.sentences:
            text = doc.slice(s)
            has_claim = any(s.start <= c.start < s.end for c in doc.claims)
            cue = CUE_PATTERN.search(text) or REPORTING.search(text)
            actor = any(s.start <= m.start < s.end for m in mentions)
            if not has_claim and cue and actor:
                rows.append((doc.id, f"unannotated@{s.start}", text))
        for c in doc.claims:
            m = CUE_PATTERN.search(doc.slice(c))
            if m and m.lastgroup != c.label and m.start() < 40:
                rows.append((doc.id, f"label@{c.start}: {c.label} but cue '{m.group(0)}' reads {m.lastgroup}", doc.slice(c)))
    return rows


if __name__ == "__main__":
    for doc_id, kind, text in review(ROOT / "annotations/gold", load_tagger_config().resolve("corpus_dir")):
        print(f"{doc_id}\t{kind}\t{text[:160]}")
