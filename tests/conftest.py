"""Shared fixtures: a hand-written document, the standoff fixtures, and a tiny randomly
initialised BERT (2 layers, 32 hidden) written to a temp dir, so nothing is downloaded."""
from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

from extractor.config import load_tagger_config  # noqa: E402
from extractor.segment import segment  # noqa: E402
from extractor.types import Document  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
STANDOFF = FIXTURES / "standoff"

TINY_TEXT = (
    "Xi said China is ready to deepen trade with Vietnam. "
    "Mr. Chinh arrived in Beijing on Monday.\n\n"
    "He urged both sides to keep peace at sea."
)


def corpus_jsonl(tmp_path, n=60):
    """A JSONL corpus of n documents (the two fixture texts in turn), two per meeting."""
    import json

    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    rows = [{"id": f"d{i:03d}", "text": texts[i % 2], "side": "vn" if i % 2 == 0 else "cn", "meeting": f"m{i // 2}"}
            for i in range(n)]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def tiny_doc() -> Document:
    doc = segment(Document(id="tiny", text=TINY_TEXT, meta={"side": "cn", "genre": "news report"}))
    assert [doc.slice(s) for s in doc.sentences] == [
        "Xi said China is ready to deepen trade with Vietnam.",
        "Mr. Chinh arrived in Beijing on Monday.",
        "He urged both sides to keep peace at sea.",
    ]
    return doc


def _vocab() -> list[str]:
    words = set()
    for p in CORPUS.glob("*.txt"):
        words |= set(re.findall(r"[a-z0-9]+", p.read_text(encoding="utf-8").lower()))
    words |= set(re.findall(r"[a-z0-9]+", TINY_TEXT.lower()))
    chars = "abcdefghijklmnopqrstuvwxyz0123456789"
    punct = list(".,;:!?()[]'\"-–—“”‘’/&%")
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *punct, *chars, *("##" + c for c in chars), *sorted(words)]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A random 2-layer BERT with a vocabulary built from the fixture texts."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    out = tmp_path_factory.mktemp("tiny-bert")
    # transformers 5 takes the vocabulary as `vocab` (it ignores `vocab_file`, leaving only the
    # special tokens); the assert keeps the fixture honest
    tok = BertTokenizerFast(vocab={w: i for i, w in enumerate(dict.fromkeys(_vocab()))}, do_lower_case=True)
    assert tok.convert_tokens_to_ids("called") != tok.unk_token_id
    tok.save_pretrained(out)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=256)
    import torch
    torch.manual_seed(0)
    BertModel(cfg).save_pretrained(out)
    return out


def tiny_config(base: Path, out: Path, **over):
    sets = {"base_model": str(base), "gold_dir": str(STANDOFF), "corpus_dir": str(CORPUS), "authored": [],
            "output_dir": str(out), "max_length": 128, "stride": 32, "lr": 5.0e-3, "epochs": 100, "batch_size": 8,
            "warmup_ratio": 0.0, "seed": 7} | over
    return load_tagger_config(None, [f"{k}={v if not isinstance(v, list) else '[' + ','.join(v) + ']'}" for k, v in sets.items()])


@pytest.fixture(scope="session")
def _trained_tiny(tiny_base, tmp_path_factory) -> Path:
    from extractor.train import train

    out = tmp_path_factory.mktemp("tagger") / "tiny-tagger"
    return train(tiny_config(tiny_base, out))


@pytest.fixture
def trained_tiny(_trained_tiny, tmp_path) -> Path:
    """A copy of the session's tiny tagger folder, free to modify."""
    import shutil

    dst = tmp_path / "tagger"
    shutil.copytree(_trained_tiny, dst)
    return dst


@pytest.fixture
def gold_docs():
    from extractor.standoff import load_gold

    return copy.deepcopy(load_gold(STANDOFF, CORPUS))
