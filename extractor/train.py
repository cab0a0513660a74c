"""train(config) -> a model folder. Importable, no CLI parsing.

A plain PyTorch loop (AdamW, linear warm-up and decay) rather than transformers' Trainer:
the Trainer pulls in accelerate and checkpoint machinery that a 22M-parameter tagger on a
CPU does not need, and the loop stays deterministic for a seed.
"""
from __future__ import annotations

import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from . import labels
from .artifacts import save_metadata
from .config import TaggerConfig, repo_path
from .decode import spans_to_tags
from .encoder import encoder_path, quiet_transformers
from .segment import segment
from .standoff import load_authored, load_gold
from .tagger import encode, pad_batch, window_inputs
from .types import Document


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def docs_hash(docs: Sequence[Document]) -> str:
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.id):
        h.update(d.id.encode())
        h.update(d.text.encode())
        h.update(json.dumps([(c.start, c.end, c.label) for c in d.claims]).encode())
    return h.hexdigest()[:12]


def training_documents(config: TaggerConfig, gold_ids: set[str] | None = None) -> tuple[list[Document], list[Document]]:
    """(gold, authored) documents; gold_ids keeps only those gold documents (cross-validation)."""
    gold = load_gold(config.resolve("gold_dir"), config.resolve("corpus_dir"))
    if gold_ids is not None:
        gold = [d for d in gold if d.id in gold_ids]
    for folder in config.extra:  # researchers' own labelled folders: standoff files beside their texts
        gold += load_gold(repo_path(folder), repo_path(folder))
    authored = [d for folder in config.authored for d in load_authored(repo_path(folder))]
    return gold, authored


def build_examples(tokenizer, docs: Sequence[Document], max_length: int, stride: int) -> list[tuple[list[int], list[int]]]:
    """(input ids, label ids) per model input, cut as at inference (sentences); [CLS]/[SEP]
    get -100 so the loss ignores them."""
    examples = []
    docs = [segment(d) for d in docs]
    for doc, enc in zip(docs, encode(tokenizer, [d.text for d in docs])):
        tags = [labels.LABEL2ID[t] for t in spans_to_tags(enc.offsets, [c.span for c in doc.claims])]
        for start, ids in window_inputs(tokenizer, enc, doc.sentences, max_length, stride):
            examples.append((ids, [-100, *tags[start:start + len(ids) - 2], -100]))
    return examples


def optimiser_step(loss, model, optim, sched) -> float:
    """Backward, clip gradients to norm 1, step the optimiser and the schedule; the loss value."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optim.step(); sched.step(); optim.zero_grad()
    return float(loss.detach())


def length_batches(lengths: Sequence[int], batch_size: int, gen: torch.Generator, pool: int = 32) -> list[list[int]]:
    """One epoch's batches: a random order, cut into pools of `pool` batches, each pool
    sorted by length before it is cut into batches, and the batches shuffled. Examples of
    like length share a batch, so little compute goes to padding (most sentences are short,
    a few fill the window), while every epoch still sees a new random order."""
    order = torch.randperm(len(lengths), generator=gen).tolist()
    batches = []
    for p in range(0, len(order), batch_size * pool):
        part = sorted(order[p:p + batch_size * pool], key=lambda i: lengths[i])
        batches += [part[b:b + batch_size] for b in range(0, len(part), batch_size)]
    return [batches[i] for i in torch.randperm(len(batches), generator=gen).tolist()]


def fit(model, tokenizer, examples, config: TaggerConfig, progress: Callable[[int, int, float], None] | None = None):
    """Fine-tune in place; returns the number of optimisation steps taken."""
    from transformers import get_linear_schedule_with_warmup

    seed_everything(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    steps_per_epoch = (len(examples) + config.batch_size - 1) // config.batch_size
    total = steps_per_epoch * config.epochs
    if config.max_steps > 0:
        total = min(total, config.max_steps)
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.lr, weight_decay=config.weight_decay)
    sched = get_linear_schedule_with_warmup(optim, int(config.warmup_ratio * total), total)
    model.train()
    step = 0
    while step < total:
        for batch_ids in length_batches([len(x) for x, _ in examples], config.batch_size, gen):
            chunk = [examples[i] for i in batch_ids]
            batch = pad_batch([x for x, _ in chunk], tokenizer.pad_token_id, [y for _, y in chunk])
            value = optimiser_step(model(**batch).loss, model, optim, sched)
            step += 1
            if progress:
                progress(step, total, value)
            if step >= total:
                break
    model.eval()
    return step


def new_model(config: TaggerConfig):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    quiet_transformers()

    base = encoder_path(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    seed_everything(config.seed)
    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(labels.TAGS), id2label=labels.ID2LABEL, label2id=labels.LABEL2ID,
        local_files_only=True, use_safetensors=True, attn_implementation="eager",
    )
    if config.freeze_embeddings:
        # half of MiniLM's weights are the word embeddings: on a few hundred labelled
        # sentences, updating them costs time and generalises worse
        model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
    return model, tokenizer


def train(config: TaggerConfig, gold_ids: set[str] | None = None, output_dir: Path | None = None,
          progress: Callable[[int, int, float], None] | None = None, extra_docs: Sequence[Document] = ()) -> Path:
    """Train on the gold set (or the gold_ids subset) plus authored texts; write the model folder."""
    if config.labels != labels.VERSION:
        raise ValueError(f"config asks for labels {config.labels!r} but configs/labels.yaml is {labels.VERSION!r}")
    if config.real_repeat < 1:
        raise ValueError(f"real_repeat must be 1 or more, found {config.real_repeat}")
    t0 = time.perf_counter()
    gold, authored = training_documents(config, gold_ids)
    docs = [*gold * config.real_repeat, *authored, *extra_docs]
    model, tokenizer = new_model(config)
    examples = build_examples(tokenizer, docs, config.max_length, config.stride)
    fit(model, tokenizer, examples, config, progress)
    out = Path(output_dir) if output_dir else config.resolve("output_dir")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    data = {
        "gold": {"documents": len(gold), "claims": sum(len(d.claims) for d in gold), "hash": docs_hash(gold),
                 "files": {d.id: d.meta.sha256 for d in gold}},
        "authored": {"documents": len(authored), "claims": sum(len(d.claims) for d in authored), "hash": docs_hash(authored)},
        "extra": {"documents": len(extra_docs), "hash": docs_hash(extra_docs)},
        "windows": len(examples),
        "label_counts": dict(Counter(c.label for d in docs for c in d.claims)),
    }
    save_metadata(out, config.to_dict(), data, time.perf_counter() - t0)
    return out
