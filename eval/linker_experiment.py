"""Experiment: a linker that reads what a claim means. Per position id, a logistic regression
over the claim's embedding (the comparator's encoder), the alias hits of the claim and of its
sentence; trained on the training folds' gold claims (annotations/folds.json) plus the
own-words texts, scored on the held-out meetings' gold spans against the alias linker.

    python eval/linker_experiment.py [SENTENCE_WEIGHT]

SENTENCE_WEIGHT (default 0) adds the embedding of the claim's sentence at that weight.
Prints claim-level micro P/R/F1 (a claim-id link is one item) with 95% bootstrap intervals over
articles and the paired difference from the alias linker.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from extractor.compare import Embedder
from extractor.config import load_tagger_config
from extractor.folds import FOLDS_FILE, load_folds
from extractor.positions import link_text, position_ids
from extractor.scoring import Counts, f1_interval, paired_difference
from extractor.standoff import load_authored, load_gold


THRESHOLDS = (0.5, 0.7, 0.85)
SENTENCE_WEIGHT = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
CS = (1.0, 3.0, 10.0)   # class-balanced training inflates probabilities


def rows(docs, emb):
    ids = position_ids()
    texts, sents, y, doc_of = [], [], [], []
    for d in docs:
        for c in d.claims:
            s = d.sentence_of(c.start)
            texts.append(d.slice(c)); sents.append(d.slice(s) if s else d.slice(c))
            y.append([pid in c.position_ids for pid in ids]); doc_of.append(d.id)
    alias = np.array([[pid in {p.position_id for p in link_text(t)} for pid in ids] for t in texts], np.float32)
    alias_s = np.array([[pid in {p.position_id for p in link_text(t)} for pid in ids] for t in sents], np.float32)
    X = np.concatenate([emb.encode(texts), emb.encode(sents) * SENTENCE_WEIGHT, alias * 3, alias_s], 1)
    return X, alias.astype(bool), np.array(y, bool), doc_of


def main():
    from sklearn.linear_model import LogisticRegression

    from extractor.segment import segment

    cfg = load_tagger_config()
    gold = load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))
    own = [segment(d) if not d.sentences else d for d in load_authored(ROOT / "annotations/authored")]
    folds = load_folds(ROOT / FOLDS_FILE)
    emb = Embedder()
    Xg, Ag, Yg, docs = rows(gold, emb)
    Xo, _, Yo, _ = rows(own, emb)
    meeting = {d.id: d.meta.meeting for d in gold}
    ids = position_ids()
    systems = {"alias": Ag.copy()}
    grid = [(C, t) for C in CS for t in THRESHOLDS]
    for C, t in grid:
        systems[f"logreg C={C} t={t}"] = np.zeros_like(Yg)
    for fold in folds:
        test = np.array([meeting[d] in fold for d in docs])
        Xtr, Ytr = np.concatenate([Xg[~test], Xo]), np.concatenate([Yg[~test], Yo])
        for k, pid in enumerate(ids):
            if Ytr[:, k].sum() < 3:
                for name in systems:
                    if name != "alias":
                        systems[name][test, k] = Ag[test, k]
                continue
            for C in CS:
                lr = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(Xtr, Ytr[:, k])
                p = lr.predict_proba(Xg[test])[:, 1]
                for t in THRESHOLDS:
                    systems[f"logreg C={C} t={t}"][test, k] = p >= t
    articles = sorted(set(docs))

    def per_article(P):
        out = []
        for a in articles:
            m = np.array([d == a for d in docs])
            g, p = Yg[m], P[m]
            out.append(Counts(int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())))
        return out

    base = per_article(systems["alias"])
    for name, P in systems.items():
        pa = per_article(P)
        tot = sum(pa, Counts())
        ci = f1_interval(pa)
        d = paired_difference(pa, base)
        print(f"{name:24s} P {tot.precision:.3f} R {tot.recall:.3f} F1 {tot.f1:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] diff {d[0]:+.3f} [{d[1][0]:+.3f}, {d[1][1]:+.3f}]")


if __name__ == "__main__":
    main()
