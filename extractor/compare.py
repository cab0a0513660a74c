"""Align the claims of two accounts of a meeting: the comparator's config, its encoder and
embedding cache, claim similarity and the assignment. How aligned claims differ, and what
each account covers, is framing_analysis.py's.

`Embedder.encode` is the only place that touches sentence-transformers; `align`,
`claim_similarity` and `position_agreement` are pure functions over arrays and Claims,
testable with hand-made vectors.
"""
from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .config import load_yaml
from .types import Claim, Document


@dataclass(frozen=True)
class Alignment:
    a: int            # index into the claims of account A
    b: int            # index into the claims of account B
    similarity: float


# compare.yaml's schema: each key's type (a dict for nested ones); every key is required,
# so the shipped file is the one source of defaults. None in a tuple: the key may be null.
COMPARE_SCHEMA: dict = {
    "encoder": str, "base_encoder": str,
    "training": {"pairs": str, "epochs": int, "batch_size": int, "lr": float, "warmup_ratio": float,
                 "weight_decay": float, "seed": int},
    "threshold": float, "position_weight": float, "second_match_margin": (float, None),
    "intensifiers": [str], "hedges": [str],
    "calibration": {"slope": float, "intercept": float},
}


def compare_settings() -> dict:
    """configs/compare.yaml, checked against COMPARE_SCHEMA at load."""
    from .config import CONFIG_DIR, check_schema

    cfg = dict(load_yaml("compare.yaml"))
    check_schema(cfg, COMPARE_SCHEMA, str(CONFIG_DIR / "compare.yaml"))
    return cfg


@lru_cache(maxsize=4)
def resolve_encoder(name: str | None = None) -> tuple[Path, str]:
    """(folder, id) of the comparator's encoder: the configured one (the fine-tuned folder
    `readout train` writes), else the base encoder with a warning, so that comparing still
    works before training but the report says which encoder it used."""
    from .config import repo_path
    from .encoder import PACKAGE_MODELS, encoder_path, weights_id

    settings = compare_settings()
    name = name or settings["encoder"]
    if name not in PACKAGE_MODELS and not (repo_path(name) / "config.json").exists() and name == settings["encoder"]:
        print(f"warning: {name}: no fine-tuned comparator encoder (run `readout train`); using the base encoder "
              f"{settings['base_encoder']}, which aligns less well (eval/README.md)", file=sys.stderr)
        name = settings["base_encoder"]
    path = encoder_path(name if name in PACKAGE_MODELS else str(repo_path(name)))
    return path, f"{name}@{weights_id(path) if (path / 'model.safetensors').exists() else '?'}"


class Embedder:
    """sentence-transformers over the comparator's encoder, with an in-memory cache by text."""

    def __init__(self, name: str | None = None):
        from sentence_transformers import SentenceTransformer

        from .encoder import quiet_transformers

        quiet_transformers()
        path, self.name = resolve_encoder(name)
        if not (path / "model.safetensors").exists():
            # never unpickle a pytorch_model.bin: a pickle can run code
            from .errors import ModelError
            raise ModelError(f"{path}: no model.safetensors; readout loads encoder weights only as safetensors")
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True,
                                         model_kwargs={"use_safetensors": True})
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in self.cache}.items())
        if todo:
            vecs = self.model.encode([t for _, t in todo], normalize_embeddings=True, convert_to_numpy=True, batch_size=64)
            self.cache.update({k: v for (k, _), v in zip(todo, vecs)})
        dim = self.model.get_embedding_dimension()
        return np.stack([self.cache[k] for k in keys]) if keys else np.zeros((0, dim), np.float32)


def confidence(similarity: float, calibration: dict) -> float:
    """How likely an alignment at this similarity is one a careful reader makes: a logistic of
    the similarity, fitted on the real pairs (eval/calibrate.py; `calibration` in
    configs/compare.yaml), so that it reads as a probability where the raw similarity does not."""
    z = calibration["slope"] * similarity + calibration["intercept"]
    return float(1.0 / (1.0 + np.exp(-z)))


def align(sim: np.ndarray, threshold: float, second_margin: float | None = None) -> list[Alignment]:
    """One-to-one assignment maximising total similarity (Hungarian), keeping pairs at or above
    the threshold; then, most similar first, further pairs at or above threshold +
    second_margin while both claims have fewer than two partners (the guidelines' cap: a
    claim listing several points may match two claims of the other account). Requiring one
    of the two to be still alone would keep an article compared with itself to its
    diagonal, but lost 2 of 31 true pairs on the real pairs (F1 0.596 to 0.574), so not."""
    from scipy.optimize import linear_sum_assignment

    if sim.size == 0:
        return []
    rows, cols = linear_sum_assignment(-sim)
    pairs = [Alignment(int(i), int(j), float(sim[i, j])) for i, j in zip(rows, cols) if sim[i, j] >= threshold]
    if second_margin is not None:
        partners_a = Counter(p.a for p in pairs)
        partners_b = Counter(p.b for p in pairs)
        taken = {(p.a, p.b) for p in pairs}
        bar = threshold + second_margin
        candidates = sorted(((float(sim[i, j]), int(i), int(j)) for i, j in zip(*np.nonzero(sim >= bar))
                             if (i, j) not in taken), key=lambda c: (-c[0], c[1], c[2]))
        for s, i, j in candidates:
            if partners_a[i] < 2 and partners_b[j] < 2:
                pairs.append(Alignment(i, j, s))
                partners_a[i] += 1
                partners_b[j] += 1
    return sorted(pairs, key=lambda p: (p.a, p.b))


def similarity_matrix(emb_a: np.ndarray, emb_b: np.ndarray) -> np.ndarray:
    """Cosine similarity of unit vectors."""
    return emb_a @ emb_b.T if len(emb_a) and len(emb_b) else np.zeros((len(emb_a), len(emb_b)), np.float32)


_CLAUSE_SPLIT = re.compile(r",|;| and | so as to | while | as well as ")


def clauses(text: str) -> list[str]:
    """A claim cut at commas and coordinators into parts of three words or more."""
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(text) if len(p.split()) >= 3]
    return parts or [text]


def claim_similarity(whole_a: np.ndarray, whole_b: np.ndarray,
                     parts_a: list[np.ndarray], parts_b: list[np.ndarray]) -> np.ndarray:
    """Mean of whole-claim similarity and best clause-to-clause similarity. Long claims list
    several points; the clause term lets one shared point count, the whole term keeps
    two claims that only share a stock phrase apart. Chosen on the development set
    (eval/alignment.py; eval/README.md)."""
    whole = similarity_matrix(whole_a, whole_b)
    best = np.zeros_like(whole)
    for i, pa in enumerate(parts_a):
        for j, pb in enumerate(parts_b):
            best[i, j] = float((pa @ pb.T).max())
    return (whole + best) / 2


def embed_claims(embedder: "Embedder", texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Whole-claim and per-clause embeddings, in one encoder call."""
    parts = [clauses(t) for t in texts]
    flat = embedder.encode(texts + [p for ps in parts for p in ps])
    whole, rest, out, k = flat[:len(texts)], flat[len(texts):], [], 0
    for ps in parts:
        out.append(rest[k:k + len(ps)])
        k += len(ps)
    return whole, out


def position_agreement(claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
    """+1 where two claims link a canonical position in common, -1 where both link positions
    but none in common, 0 where either links none: the linker's topic is independent evidence
    that the encoder, which hears friendship and cooperation everywhere, lacks."""
    out = np.zeros((len(claims_a), len(claims_b)), np.float32)
    for i, a in enumerate(claims_a):
        pa = set(a.position_ids)
        for j, b in enumerate(claims_b):
            pb = set(b.position_ids)
            if pa and pb:
                out[i, j] = 1.0 if pa & pb else -1.0
    return out


def document_similarity(doc_a: Document, doc_b: Document, embedder: "Embedder", settings: dict | None = None) -> np.ndarray:
    """Claim similarity (encoder) shifted by position_weight x position agreement."""
    settings = settings or compare_settings()
    wa, pa = embed_claims(embedder, [doc_a.slice(c) for c in doc_a.claims])
    wb, pb = embed_claims(embedder, [doc_b.slice(c) for c in doc_b.claims])
    sim = claim_similarity(wa, wb, pa, pb) + settings["position_weight"] * position_agreement(doc_a.claims, doc_b.claims)
    return np.clip(sim, -1.0, 1.0)     # a cosine scale: the position bonus never lifts it past 1


@lru_cache(maxsize=1)
def _default_embedder() -> Embedder:
    return Embedder()


def align_documents(doc_a: Document, doc_b: Document, embedder: Embedder | None = None,
                    settings: dict | None = None) -> list[Alignment]:
    settings = settings or compare_settings()
    sim = document_similarity(doc_a, doc_b, embedder or _default_embedder(), settings)
    return align(sim, settings["threshold"], settings["second_match_margin"])
