"""ClaimTagger: a token-classification model over BIO claim tags, applied sentence by
sentence (a sentence longer than the model's input in overlapping windows). Each
document's sentences are sorted by length and batched, never mixed with another document's
(see `token_probs`). Tokenisation, windowing and batching live here; the rules that turn
scores into spans live in decode.py."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import decode
from .encoder import quiet_transformers, weights_id
from .errors import ModelMissingError, model_missing
from .types import Claim, Document, Sentence


@dataclass
class Encoded:
    """A document's tokens (no special tokens) with their character offsets."""
    ids: list[int]
    offsets: list[tuple[int, int]]


def encode(tokenizer, texts: Sequence[str]) -> list[Encoded]:
    enc = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
    return [Encoded(ids, [tuple(o) for o in offs]) for ids, offs in zip(enc["input_ids"], enc["offset_mapping"])]


def window_inputs(tokenizer, encoded: Encoded, sentences: Sequence[Sentence], max_length: int,
                  stride: int) -> list[tuple[int, list[int]]]:
    """(start token, input ids with [CLS]/[SEP]) for each model input of a document: its
    sentences, long ones in strided windows. Short inputs batched by length waste neither
    padding nor overlap (extractor/bench.py measures the difference)."""
    body = max_length - 2
    return [
        (s, [tokenizer.cls_token_id, *encoded.ids[s:e], tokenizer.sep_token_id])
        for s, e in decode.sentence_windows(encoded.offsets, [x.start for x in sentences], body, min(stride, body - 1))
    ]


# A batch of one document's inputs (sorted by length) ends where an input is longer than
# GROWTH x the batch's first + SLACK tokens: little padding, few calls (the 51 real
# articles twice over, int8: 29.7 articles/s against 23.6 for fixed batches of 32 and 23.1
# for the earlier cross-document batches, measured in one process).
GROWTH, SLACK = 1.5, 8


def length_batches(items: Sequence[tuple[int, list[int]]], batch_size: int) -> list[list[tuple[int, list[int]]]]:
    """Inputs sorted by length cut into batches of at most `batch_size` that grow little in length."""
    batches: list[list] = []
    for item in items:
        if not batches or len(batches[-1]) >= batch_size or len(item[1]) > GROWTH * len(batches[-1][0][1]) + SLACK:
            batches.append([])
        batches[-1].append(item)
    return batches


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int, labels: Sequence[Sequence[int]] | None = None) -> dict:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = 1
    batch = {"input_ids": ids, "attention_mask": mask}
    if labels is not None:
        lab = torch.full((len(rows), width), -100, dtype=torch.long)
        for i, l in enumerate(labels):
            lab[i, :len(l)] = torch.tensor(l)
        batch["labels"] = lab
    return batch


def require_model(path: str | Path) -> Path:
    """The folder of a trained tagger, or a clear error; only safetensors weights count."""
    path = Path(path)
    if not (path / "config.json").exists() or not (path / "model.safetensors").exists():
        raise ModelMissingError(model_missing(path))
    return path


def check_label_map(path: Path, id2label: dict) -> None:
    """A model folder whose label map is not the registry's (renamed or shifted tags) would
    yield wrong labels without a word: refuse it."""
    from .errors import ModelError
    from .labels import ID2LABEL

    found = {int(k): v for k, v in id2label.items()}
    if found != ID2LABEL:
        diff = sorted(i for i in set(found) | set(ID2LABEL) if found.get(i) != ID2LABEL.get(i))
        raise ModelError(f"{path / 'config.json'}: its label map differs from configs/labels.yaml at id(s) "
                         f"{', '.join(map(str, diff))} (model {[found.get(i) for i in diff]}, registry "
                         f"{[ID2LABEL.get(i) for i in diff]}); retrain with `readout train`")


def _training_config(path: Path) -> dict:
    return json.loads((path / "training_config.json").read_text()) if (path / "training_config.json").exists() else {}


def model_identity(path: Path, int8: bool = False) -> tuple[str, str | None]:
    """A tagger folder's name as claim lines and sidecars give it (folder@hash of the
    weights, +int8 for the quantised model) and the hash of its training config, without
    loading the model."""
    meta = _training_config(path)
    cfg_hash = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:12] if meta else None
    return f"{path.name}@{weights_id(path)}" + ("+int8" if int8 else ""), cfg_hash


class ClaimTagger:
    def __init__(self, model, tokenizer, max_length: int = 256, stride: int = 64, name: str = "claim-tagger",
                 path: Path | None = None, config_hash: str | None = None, rules: decode.DecodeRules | None = None):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.stride = stride
        self.name = name
        self.path = path
        self.config_hash = config_hash
        self.rules = rules or decode.DecodeRules.default()
        self.id2label = {int(k): v for k, v in model.config.id2label.items()}

    def quantized(self) -> "ClaimTagger":
        """The fast path: int8 dynamic quantisation of the Linear layers (weights int8,
        activations quantised on the fly). Same tokenisation, windows and decoding."""
        import copy
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao.quantization warns that it is deprecated
            model = torch.ao.quantization.quantize_dynamic(copy.deepcopy(self.model), {torch.nn.Linear}, dtype=torch.qint8)
        return ClaimTagger(model, self.tokenizer, self.max_length, self.stride, self.name + "+int8", self.path, self.config_hash, self.rules)

    @classmethod
    def load(cls, path: str | Path, quantize: bool = False) -> "ClaimTagger":
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        quiet_transformers()

        path = require_model(path)
        meta = _training_config(path)
        model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True, use_safetensors=True)
        check_label_map(path, model.config.id2label)
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        name, cfg_hash = model_identity(path)
        # the decoding rules the model was trained with; a folder from before they were
        # saved decodes with the packaged ones (the same values)
        rules = decode.DecodeRules(**meta["decoding"]) if "decoding" in meta else None
        tagger = cls(model, tokenizer, meta.get("max_length", 256), meta.get("stride", 64),
                     name=name, path=path, config_hash=cfg_hash, rules=rules)
        return tagger.quantized() if quantize else tagger

    @torch.inference_mode()
    def token_probs(self, docs: Sequence[Document], batch_size: int = 32) -> list[tuple[Encoded, np.ndarray]]:
        """Per-token tag probabilities for each (segmented) document: its sentences sorted by
        length and batched, then merged back. A batch never mixes documents: int8 dynamic
        quantisation scales activations over the whole batch, so mixing them made a
        document's claims depend on which others shared its batch (a rerun or a corpus of
        another size changed them). This way a document's claims depend on it and the model
        alone; `length_batches` keeps the padding small."""
        encoded = encode(self.tokenizer, [d.text for d in docs])
        n_tags = len(self.id2label)
        out = []
        for doc, enc in zip(docs, encoded):
            items = sorted(window_inputs(self.tokenizer, enc, doc.sentences, self.max_length, self.stride),
                           key=lambda item: len(item[1]))
            parts = []
            for chunk in length_batches(items, batch_size):
                batch = pad_batch([ids for _, ids in chunk], self.tokenizer.pad_token_id)
                probs = self.model(**batch).logits.softmax(-1).numpy()
                parts += [(start, row[1:len(ids) - 1]) for row, (start, ids) in zip(probs, chunk)]  # drop [CLS]/[SEP]
            out.append((enc, decode.merge_windows(len(enc.ids), n_tags, parts) if enc.ids
                        else np.zeros((0, n_tags), np.float32)))
        return out

    def tag(self, docs: Sequence[Document], min_score: float = 0.0) -> list[Document]:
        """Documents (already segmented) with their claim spans filled in."""
        out = []
        for doc, (enc, probs) in zip(docs, self.token_probs(docs)):
            spans = decode.decode(doc.text, enc.offsets, probs, self.id2label, doc.sentences, min_score, self.rules)
            out.append(doc.with_(claims=tuple(Claim(span=s, source=f"model:{self.name}") for s in spans)))
        return out
