"""Fine-tune the comparator's sentence encoder on claim pairs written in the project's own
words: the same point worded as each side's media would word it, with a hard negative
(same topic words, another point). Off the shelf, all-MiniLM-L6-v2 scores every pair of
friendship-and-cooperation claims alike; these pairs teach it which differences matter.

The loop is plain torch around sentence-transformers' own loss, so no Trainer (and no
accelerate) is needed; it is short enough to run inside `readout train`.
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import repo_path
from .errors import InputError
from .jsonl import read_jsonl


@dataclass(frozen=True)
class Triple:
    anchor: str
    positive: str
    negative: str


def load_pairs(folder: Path) -> list[Triple]:
    """Every *.jsonl in the folder: lines {"id", "topic", "a", "b", "negative"}."""
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise InputError(f"{folder}: no *.jsonl claim pairs to train the comparator on")
    out = []
    for path in files:
        for n, row in read_jsonl(path):
            try:
                out.append(Triple(row["a"], row["b"], row["negative"]))
            except KeyError as e:
                raise InputError(f"{path}:{n}: expected a JSON object with a, b and negative ({e})") from None
    return out


def fit_encoder(model, triples: list[Triple], epochs: int, batch_size: int, lr: float, seed: int,
                progress: Callable[[int, int, float], None] | None = None, *, warmup_ratio: float,
                weight_decay: float) -> int:
    """Multiple-negatives ranking loss in both directions (alignment is symmetric): each
    claim must pick its partner among the batch's partners and the hard negatives."""
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import get_linear_schedule_with_warmup

    from .train import optimiser_step

    rng = random.Random(seed)
    torch.manual_seed(seed)
    loss_fn = MultipleNegativesRankingLoss(model, directions=("query_to_doc", "doc_to_query"))
    steps = epochs * ((len(triples) + batch_size - 1) // batch_size)
    optim = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = get_linear_schedule_with_warmup(optim, int(warmup_ratio * steps), steps)
    model.train()
    step = 0
    for _ in range(epochs):
        order = triples[:]
        rng.shuffle(order)
        for b in range(0, len(order), batch_size):
            chunk = order[b:b + batch_size]
            cols = [[t.anchor for t in chunk], [t.positive for t in chunk], [t.negative for t in chunk]]
            value = optimiser_step(loss_fn([model.preprocess(c) for c in cols], None), model, optim, sched)
            step += 1
            if progress:
                progress(step, steps, value)
    model.eval()
    return step


def train_encoder(settings: dict, output_dir: Path | None = None,
                  progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Train from the base encoder on the configured pairs; write a sentence-transformers
    folder with a card (data hash, hyperparameters, time)."""
    import hashlib

    from sentence_transformers import SentenceTransformer

    from .artifacts import render_encoder_card, versions, write_json
    from .encoder import encoder_path, quiet_transformers

    quiet_transformers()
    cfg = settings["training"]
    t0 = time.perf_counter()
    triples = load_pairs(repo_path(cfg["pairs"]))
    model = SentenceTransformer(str(encoder_path(settings["base_encoder"])), device="cpu", local_files_only=True)
    steps = fit_encoder(model, triples, cfg["epochs"], cfg["batch_size"], float(cfg["lr"]), cfg["seed"], progress,
                        warmup_ratio=cfg["warmup_ratio"], weight_decay=cfg["weight_decay"])
    out = Path(output_dir) if output_dir else repo_path(settings["encoder"])
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out), safe_serialization=True)
    data_hash = hashlib.sha256(json.dumps([t.__dict__ for t in triples]).encode()).hexdigest()[:12]
    meta = {"base_encoder": settings["base_encoder"], "training": cfg, "triples": len(triples), "data_hash": data_hash,
            "steps": steps, "train_seconds": round(time.perf_counter() - t0, 1), "versions": versions()}
    write_json(out / "readout_training.json", meta)
    write_json(out / "comparator_config.json", settings)   # the resolved settings these weights were trained for
    render_encoder_card(out)
    return out
