"""Meetings found, not typed: the real articles (seeds and ../shared/corpus) grouped with
their meeting ids removed, scored pairwise against the manifests' meetings.

    python eval/meetings.py

Prints pairwise precision and recall of "same meeting" and the groups that differ; writes
eval/results/meetings.json.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.articles import load_documents
from extractor.config import load_tagger_config
from extractor.meetings import find_meetings, pairwise_scores


def main() -> None:
    cfg = load_tagger_config()
    docs = load_documents(cfg.resolve("corpus_dir"))
    truth = {d.id: d.meta.meeting for d in docs}
    blind = [d.with_(meta=d.meta | {"meeting": None}) for d in docs]
    meetings = find_meetings(blind)
    found = {a["doc_id"]: m.id for m in meetings for a in m.articles}
    scores = pairwise_scores(truth, found)
    print(f"{len(docs)} articles, {len(set(truth.values()))} meetings in the manifests, {len(meetings)} found")
    print(f"pairwise same-meeting: precision {scores['precision']:.3f}, recall {scores['recall']:.3f} "
          f"({scores['tp']} of {scores['pairs_same_meeting']} same-meeting pairs found, {scores['fp']} wrong)")
    for m in meetings:
        real = sorted({truth[a["doc_id"]] for a in m.articles})
        if len(real) > 1 or any(sum(truth[x] == t for x in truth) != len(m.articles) for t in real):
            print(f"  {m.id} (confidence {m.confidence:.2f}): {', '.join(real)}")
    out = ROOT / "eval/results/meetings.json"
    # ids, sides and dates only: the manifests' outlet descriptions stay in ../shared
    found_rows = [m.record() | {"articles": [{k: a[k] for k in ("doc_id", "side", "date")} for a in m.articles]}
                  for m in meetings]
    out.write_text(json.dumps({"scores": scores, "found": found_rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
