"""Experiment: fine-tune the comparator's encoder on real aligned pairs of the training
meetings as well as the own-words triples, fold by fold, and score the held-out meetings.

    python eval/encoder_real_pairs_experiment.py [--repeat N]

For each meeting fold (annotations/folds.json) the encoder is trained from the base encoder
on the own-words triples plus one triple per gold alignment of the other folds' real pairs
(the aligned claim, its partner, and as hard negative the partner account's most similar
claim that is not a gold partner), each repeated N times; the threshold is the configured one. Prints F1 on gold
claims over held-out cross-side pairs with a 95% bootstrap interval over meetings, beside
the shipped encoder on the same folds.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from extractor.alignment_eval import grouped_alignment, real_pairs
from extractor.compare import Embedder, compare_settings, document_similarity
from extractor.config import load_tagger_config, repo_path
from extractor.embed_train import Triple, fit_encoder, load_pairs
from extractor.encoder import encoder_path
from extractor.folds import FOLDS_FILE, load_folds
from extractor.standoff import load_gold


def real_triples(pairs: dict, gold: dict, emb) -> list[Triple]:
    out = []
    settings = compare_settings()
    for (a, b), truth in pairs.items():
        da, db = gold[a], gold[b]
        sim = document_similarity(da, db, emb, settings)
        ia = {(a, c.start, c.end): i for i, c in enumerate(da.claims)}
        ib = {(b, c.start, c.end): j for j, c in enumerate(db.claims)}
        partners = {}
        for x, y in truth:
            partners.setdefault(ia[x], set()).add(ib[y])
        for x, y in truth:
            i, j = ia[x], ib[y]
            negatives = [k for k in sorted(range(len(db.claims)), key=lambda k: -sim[i, k]) if k not in partners[i]]
            if negatives:
                out.append(Triple(da.slice(da.claims[i]), db.slice(db.claims[j]), db.slice(db.claims[negatives[0]])))
    return out


def main() -> None:
    import argparse

    from sentence_transformers import SentenceTransformer

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="times each real triple is repeated")
    repeat = ap.parse_args().repeat

    cfg = load_tagger_config()
    gold = {d.id: d for d in load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))}
    pairs = real_pairs(ROOT, gold)
    cross = {k: v for k, v in pairs.items() if gold[k[0]].meta.side != gold[k[1]].meta.side}
    folds = load_folds(ROOT / FOLDS_FILE)
    settings = compare_settings()
    train_cfg = settings["training"]
    own = load_pairs(repo_path(train_cfg["pairs"]))
    shipped = Embedder()
    meeting = {k: gold[k[0]].meta.meeting for k in cross}
    results = {}
    for i, fold in enumerate(folds):
        test = {k: v for k, v in cross.items() if meeting[k] in fold}
        if not test:
            continue
        train = {k: v for k, v in cross.items() if meeting[k] not in fold}
        triples = own + real_triples(train, gold, shipped) * repeat
        model = SentenceTransformer(str(encoder_path(settings["base_encoder"])), device="cpu", local_files_only=True)
        fit_encoder(model, triples, train_cfg["epochs"], train_cfg["batch_size"], float(train_cfg["lr"]), train_cfg["seed"],
                    warmup_ratio=train_cfg["warmup_ratio"], weight_decay=train_cfg["weight_decay"])
        with tempfile.TemporaryDirectory() as tmp:
            model.save(tmp, safe_serialization=True)
            emb = Embedder(tmp)
            r = grouped_alignment(test, gold, None, emb, [fold], tune=False)
        results[i] = r["cross_side"]["on_gold"]
        print(f"fold {i + 1}: {len(triples) - len(own)} real triples; held-out F1 {results[i]['f1']:.3f} "
              f"(tp {results[i]['tp']}, fp {results[i]['fp']}, fn {results[i]['fn']})", flush=True)
    from extractor.scoring import Counts
    total = sum((Counts(v["tp"], v["fp"], v["fn"]) for v in results.values()), Counts())
    base = grouped_alignment(cross, gold, None, shipped, folds, tune=False)["cross_side"]["on_gold"]
    print(f"encoder + real pairs of the training folds: P {total.precision:.3f} R {total.recall:.3f} F1 {total.f1:.3f}")
    print(f"shipped encoder, same folds: P {base['precision']:.3f} R {base['recall']:.3f} F1 {base['f1']:.3f} {base['f1_ci']}")


if __name__ == "__main__":
    main()
