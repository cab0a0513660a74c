"""Experiment: a cross-encoder re-scorer for the comparator. A pair classifier (the comparator's
fine-tuned MiniLM with a one-logit head) reads both claims together and says whether they
make the same point; its probability replaces (or is mixed with) the cosine similarity, and
the same assignment runs. Trained fold by fold on the own-words pairs (paraphrase triples,
paired reports, authored alignments) and the real alignments of the training meetings
(annotations/folds.json), scored on the held-out meetings' cross-side pairs.

    python eval/cross_encoder_experiment.py [--epochs 2] [--init models/embedder] [--no-real]

Prints P/R/F1 with a 95% bootstrap interval over meetings and the paired difference from the
shipped rule; writes eval/results/cross-encoder-experiment.json.
"""
from __future__ import annotations

import argparse
import json
import random

import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from extractor.alignment_eval import real_pairs
from extractor.compare import Embedder, align, compare_settings, document_similarity
from extractor.config import load_tagger_config
from extractor.folds import FOLDS_FILE, load_folds
from extractor.scoring import Counts, f1_interval, paired_difference
from extractor.standoff import load_gold


def candidates(docs, pairs, emb, settings, hard: int = 3):
    """(text a, text b, label) examples from gold alignments: every gold pair, and for each
    claim of a gold pair its `hard` most similar non-partners on the other side."""
    out = []
    for (ia, ib), gold in pairs.items():
        A, B = docs[ia], docs[ib]
        if not A.claims or not B.claims:
            continue
        sim = document_similarity(A, B, emb, settings)
        ka = {(A.id, c.start, c.end): i for i, c in enumerate(A.claims)}
        kb = {(B.id, c.start, c.end): j for j, c in enumerate(B.claims)}
        g = {(ka[x], kb[y]) for x, y in gold if x in ka and y in kb}
        neg = set()
        for i, j in g:
            neg |= {(i, int(k)) for k in np.argsort(-sim[i])[:hard + 2] if (i, int(k)) not in g}
            neg |= {(int(k), j) for k in np.argsort(-sim[:, j])[:hard + 2] if (int(k), j) not in g}
        # unaligned claims' nearest neighbours: the false alignments the rule makes
        for i in range(len(A.claims)):
            k = int(np.argmax(sim[i]))
            if (i, k) not in g:
                neg.add((i, k))
        out += [(A.slice(A.claims[i]), B.slice(B.claims[j]), 1.0) for i, j in g]
        out += [(A.slice(A.claims[i]), B.slice(B.claims[j]), 0.0) for i, j in neg]
    return out


def paraphrase_examples():
    out = []
    for p in sorted((ROOT / "annotations/paraphrase").glob("*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out += [(r["a"], r["b"], 1.0), (r["a"], r["negative"], 0.0), (r["b"], r["negative"], 0.0)]
    return out


class PairModel:
    def __init__(self, init: str, max_length: int = 192, seed: int = 0):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        torch.manual_seed(seed)
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(init)
        self.model = AutoModelForSequenceClassification.from_pretrained(init, num_labels=1)
        self.max_length = max_length

    def _batch(self, a, b):
        return self.tok(list(a), list(b), truncation=True, max_length=self.max_length, padding=True, return_tensors="pt")

    def fit(self, examples, epochs=2, lr=3e-5, batch=16, seed=0):
        torch = self.torch
        rng = random.Random(seed)
        ex = examples + [(b, a, y) for a, b, y in examples]          # both orders
        steps = epochs * ((len(ex) + batch - 1) // batch)
        opt = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
        lossf = torch.nn.BCEWithLogitsLoss()
        self.model.train()
        for _ in range(epochs):
            rng.shuffle(ex)
            # length buckets: batches of similar length, in random order
            chunks = [sorted(ex[k:k + batch * 20], key=lambda e: len(e[0]) + len(e[1])) for k in range(0, len(ex), batch * 20)]
            batches = [c[k:k + batch] for c in chunks for k in range(0, len(c), batch)]
            rng.shuffle(batches)
            for bt in batches:
                enc = self._batch([e[0] for e in bt], [e[1] for e in bt])
                logits = self.model(**enc).logits.squeeze(-1)
                loss = lossf(logits, torch.tensor([e[2] for e in bt]))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                opt.step(); sched.step(); opt.zero_grad()
        self.model.eval()

    def score(self, a_texts, b_texts) -> np.ndarray:
        """Symmetric probability matrix: the mean of both orders."""
        torch = self.torch
        pairs = [(i, j) for i in range(len(a_texts)) for j in range(len(b_texts))]
        out = np.zeros((len(a_texts), len(b_texts)), np.float32)
        with torch.inference_mode():
            for k in range(0, len(pairs), 64):
                chunk = pairs[k:k + 64]
                p1 = torch.sigmoid(self.model(**self._batch([a_texts[i] for i, _ in chunk], [b_texts[j] for _, j in chunk])).logits.squeeze(-1))
                p2 = torch.sigmoid(self.model(**self._batch([b_texts[j] for _, j in chunk], [a_texts[i] for i, _ in chunk])).logits.squeeze(-1))
                for (i, j), x in zip(chunk, ((p1 + p2) / 2).tolist()):
                    out[i, j] = x
        return out


def counts(sim, gold_idx, t, margin):
    pred = {(p.a, p.b) for p in align(sim, t, margin)}
    return Counts(len(pred & gold_idx), len(pred - gold_idx), len(gold_idx - pred))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--init", default=str(ROOT / "models/embedder"))
    ap.add_argument("--no-real", action="store_true", help="train on the own-words pairs only")
    ap.add_argument("--hard", type=int, default=3)
    args = ap.parse_args()
    from extractor.alignment_eval import dev_set

    cfg = load_tagger_config()
    gold = {d.id: d for d in load_gold(cfg.resolve("gold_dir"), cfg.resolve("corpus_dir"))}
    pairs = {k: v for k, v in real_pairs(ROOT, gold).items() if gold[k[0]].side != gold[k[1]].side}
    folds = load_folds(ROOT / FOLDS_FILE)
    settings = compare_settings()
    emb = Embedder()
    dev_pairs, dev_docs = dev_set()
    own = paraphrase_examples() + candidates(dev_docs, dev_pairs, emb, settings, args.hard)
    meeting = {k: gold[k[0]].meta.meeting for k in pairs}
    mats = {}
    t0 = time.time()
    for f, fold in enumerate(folds):
        test = [k for k in pairs if meeting[k] in fold]
        if not test:
            continue
        train = {k: v for k, v in pairs.items() if meeting[k] not in fold}
        ex = own + ([] if args.no_real else candidates(gold, train, emb, settings, args.hard))
        m = PairModel(args.init, seed=f)
        m.fit(ex, epochs=args.epochs)
        for k in test:
            A, B = gold[k[0]], gold[k[1]]
            mats[k] = {"ce": m.score([A.slice(c) for c in A.claims], [B.slice(c) for c in B.claims]),
                       "bi": document_similarity(A, B, emb, settings)}
        print(f"fold {f}: {len(ex)} examples, {len(test)} test pairs, {time.time() - t0:.0f} s", flush=True)
    gidx = {}
    for k, g in pairs.items():
        A, B = gold[k[0]], gold[k[1]]
        ka = {(A.id, c.start, c.end): i for i, c in enumerate(A.claims)}
        kb = {(B.id, c.start, c.end): j for j, c in enumerate(B.claims)}
        gidx[k] = {(ka[x], kb[y]) for x, y in g}
    meetings = sorted({meeting[k] for k in mats})

    def system(fn, t, margin):
        by = {m: Counts() for m in meetings}
        for k, mt in mats.items():
            by[meeting[k]].add(counts(fn(mt), gidx[k], t, margin))
        return by

    shipped = system(lambda mt: mt["bi"], settings["threshold"], settings["second_match_margin"])
    results = {}
    variants = [("shipped rule", lambda mt: mt["bi"], settings["threshold"], settings["second_match_margin"])]
    for t in (0.3, 0.4, 0.5, 0.6):
        for margin in (None, 0.1):
            variants.append((f"cross-encoder t={t} m={margin}", lambda mt: mt["ce"], t, margin))
    for w in (0.5,):
        for t in (0.4, 0.5, 0.6):
            variants.append((f"mix {w} ce + {1 - w} bi t={t} m=0.1", lambda mt, w=w: w * mt["ce"] + (1 - w) * mt["bi"], t, 0.1))
    for name, fn, t, margin in variants:
        by = system(fn, t, margin)
        tot = sum(by.values(), Counts())
        ci = f1_interval(list(by.values()))
        diff = paired_difference(list(by.values()), list(shipped.values()))
        results[name] = tot.as_dict() | {"f1_ci": list(ci), "difference_from_shipped": diff[0], "difference_ci": list(diff[1])}
        print(f"{name:40s} P {tot.precision:.3f} R {tot.recall:.3f} F1 {tot.f1:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] "
              f"diff {diff[0]:+.3f} [{diff[1][0]:+.3f}, {diff[1][1]:+.3f}]")
    out = ROOT / "eval/results/cross-encoder-experiment.json"
    out.write_text(json.dumps({"args": vars(args), "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
