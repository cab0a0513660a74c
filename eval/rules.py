"""The rule components alone, on gold spans: holder attribution and position linking (alias
linker against the substring baseline), on the seed gold set and on the authored reports.

    python eval/rules.py
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.config import load_tagger_config

from extractor.evaluate import holder_scores, linker_scores
from extractor.positions import link_substring, link_text
from extractor.segment import segment
from extractor.standoff import load_authored, load_gold


def main() -> None:
    sets = {"real articles": load_gold(ROOT / "annotations/gold", load_tagger_config().resolve("corpus_dir")),
            "authored": load_authored(ROOT / "annotations/authored")}
    for name, docs in sets.items():
        docs = [segment(d) for d in docs]
        h = holder_scores(docs)
        alias, sub = linker_scores(docs, link_text), linker_scores(docs, link_substring)
        print(f"{name}: {len(docs)} documents, {h['claims']} claims; holder accuracy {h['accuracy']:.3f}; "
              f"position linking F1 {alias['f1']:.3f} (substring baseline {sub['f1']:.3f})")


if __name__ == "__main__":
    main()
