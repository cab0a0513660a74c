"""Calibrate the comparator's `confidence`: the probability that an alignment the shipped rule
makes at a given similarity is one the gold makes, fitted on the real pairs (the seed meeting
and the two-sided corpus meetings) as a logistic of the similarity.

    python eval/calibrate.py

Prints, by meeting fold (fitted on the other folds' alignments, scored on the held-out
meetings' ones), the Brier score and expected calibration error of the calibrated confidence
against the raw similarity read as a probability, then the slope and intercept fitted on all
real pairs: those go into `calibration` in configs/compare.yaml.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from extractor.alignment_eval import predicted_pairs, real_pairs
from extractor.compare import Embedder, compare_settings, confidence, document_similarity
from extractor.config import load_tagger_config
from extractor.folds import FOLDS_FILE, load_folds
from extractor.standoff import load_gold


def fit_calibration(similarity: np.ndarray, correct: np.ndarray) -> dict:
    """Slope and intercept of a logistic regression of correctness on similarity."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=10.0).fit(similarity.reshape(-1, 1), correct.astype(int))
    return {"slope": round(float(model.coef_[0, 0]), 3), "intercept": round(float(model.intercept_[0]), 3)}


def ece(prob: np.ndarray, correct: np.ndarray, bins: int = 5) -> float:
    """Expected calibration error over equal-width probability bins."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (prob >= lo) & (prob < hi if hi < 1 else prob <= hi)
        if inside.any():
            total += inside.sum() / len(prob) * abs(prob[inside].mean() - correct[inside].mean())
    return float(total)


def main() -> None:
    cfg = load_tagger_config()
    gold = {d.id: d for d in load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))}
    pairs = {k: v for k, v in real_pairs(ROOT, gold).items() if gold[k[0]].meta.side != gold[k[1]].meta.side}
    emb, settings = Embedder(), compare_settings()
    rows = []  # (meeting, similarity, correct) of every alignment the shipped rule makes on gold claims
    for (a, b), truth in pairs.items():
        da, db = gold[a], gold[b]
        sim = document_similarity(da, db, emb, settings)
        index_a = {(a, c.start, c.end): i for i, c in enumerate(da.claims)}
        index_b = {(b, c.start, c.end): j for j, c in enumerate(db.claims)}
        for x, y in predicted_pairs(da, db, emb, settings):
            rows.append((da.meta.meeting, float(sim[index_a[x], index_b[y]]), (x, y) in truth))
    meetings = np.array([r[0] for r in rows])
    sims, correct = np.array([r[1] for r in rows]), np.array([r[2] for r in rows], dtype=float)
    held_prob = np.zeros_like(sims)
    for fold in load_folds(ROOT / FOLDS_FILE):
        test = np.isin(meetings, fold)
        if test.any():
            held_prob[test] = [confidence(s, fit_calibration(sims[~test], correct[~test])) for s in sims[test]]
    raw = np.clip(sims, 0, 1)
    print(f"{len(rows)} alignments made by the shipped rule on gold claims of {len(pairs)} real pairs; {int(correct.sum())} correct")
    print(f"held-out by meeting fold: Brier {np.mean((held_prob - correct) ** 2):.3f} (raw similarity {np.mean((raw - correct) ** 2):.3f}), "
          f"ECE {ece(held_prob, correct):.3f} (raw similarity {ece(raw, correct):.3f})")
    print(f"fitted on all real pairs: calibration: {fit_calibration(sims, correct)}")


if __name__ == "__main__":
    main()
