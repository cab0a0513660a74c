"""Pure functions between the model and the data model: character spans <-> token tags,
window merging, and per-token scores -> character Spans. No torch here: numpy arrays in,
dataclasses out, so every rule can be tested on hand-made arrays.
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .types import Sentence, Span

# Characters trimmed from both ends of a decoded span: claims end before the full stop,
# the closing quotation mark and separating punctuation (guidelines, section 2).
_TRIM = " \t\n,;:.—–-"


@dataclass(frozen=True)
class DecodeRules:
    """`decoding` in configs/tagger.yaml, saved with each model. Two same-label pieces of one
    sentence `merge_gap` characters apart or closer (", and ", "; ") are one claim whose
    middle the model left untagged; a claim has at least `min_words` words; a B-X tag of
    another label at `split_prob` or more opens a new claim inside a run of claim tokens."""
    merge_gap: int
    min_words: int
    split_prob: float

    @classmethod
    def default(cls) -> "DecodeRules":
        return _packaged_rules()


@lru_cache(maxsize=1)
def _packaged_rules() -> DecodeRules:
    from .config import load_tagger_config

    return DecodeRules(**load_tagger_config().decoding)

_CLOSERS = {"”": "“", "’": "‘", ")": "(", '"': '"'}
_OPENERS = "“‘(\""


def windows(n_tokens: int, max_tokens: int, stride: int) -> list[tuple[int, int]]:
    """[start, end) token ranges covering 0..n_tokens, consecutive ones sharing `stride` tokens."""
    if max_tokens <= stride:
        raise ValueError(f"window size {max_tokens} must exceed the stride {stride}")
    if n_tokens <= max_tokens:
        return [(0, n_tokens)]
    out, start = [], 0
    while True:
        end = min(start + max_tokens, n_tokens)
        out.append((start, end))
        if end == n_tokens:
            return out
        start = end - stride


def sentence_windows(offsets: Sequence[tuple[int, int]], sentence_starts: Sequence[int],
                     max_tokens: int, stride: int) -> list[tuple[int, int]]:
    """[start, end) token ranges for the model: one per sentence (no claim crosses a sentence,
    so a sentence needs no context from its neighbours), a sentence longer than max_tokens
    cut into overlapping windows. Tokens before the first sentence join it; the ranges
    cover every token once, except inside the overlap of a long sentence's windows."""
    n = len(offsets)
    if n == 0:
        return []
    starts = np.asarray(sorted(sentence_starts), dtype=np.int64)
    tok = np.asarray([s for s, _ in offsets], dtype=np.int64)
    unit = np.maximum(np.searchsorted(starts, tok, side="right") - 1, 0) if len(starts) else np.zeros(n, np.int64)
    cuts = [0, *(np.flatnonzero(np.diff(unit)) + 1).tolist(), n]
    return [(a + s, a + e) for a, b in zip(cuts, cuts[1:]) for s, e in windows(b - a, max_tokens, stride)]


def merge_windows(n_tokens: int, n_tags: int, parts: Sequence[tuple[int, np.ndarray]]) -> np.ndarray:
    """One row of probabilities per token from overlapping windows (start token, probs[len, n_tags]):
    each token takes the window in which it sits farthest from an edge, where it saw most context."""
    merged = np.zeros((n_tokens, n_tags), dtype=np.float32)
    best = np.full(n_tokens, -1, dtype=np.int64)
    for start, probs in parts:
        n = len(probs)
        centrality = np.minimum(np.arange(n), np.arange(n)[::-1])
        idx = np.arange(start, start + n)
        take = centrality > best[idx]
        merged[idx[take]] = probs[take]
        best[idx[take]] = centrality[take]
    if (best < 0).any():
        raise ValueError("windows leave some tokens uncovered")
    return merged


def spans_to_tags(offsets: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[str]:
    """BIO tag per token (tokens given by document character offsets)."""
    tags = ["O"] * len(offsets)
    for span in spans:
        inside = [i for i, (s, e) in enumerate(offsets) if e > s and span.start <= s < span.end]
        for k, i in enumerate(inside):
            tags[i] = ("B-" if k == 0 else "I-") + span.label
    return tags


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip edge punctuation; a closing quote or bracket stays when its opener is inside."""
    while True:
        s0, e0 = start, end
        while start < end and (text[start] in _TRIM or text[start] in _CLOSERS):
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        if end > start and text[end - 1] in _CLOSERS:
            inner = text[start:end - 1]
            opener = _CLOSERS[text[end - 1]]
            balanced = inner.count('"') % 2 == 1 if opener == '"' else opener in inner
            if not balanced:
                end -= 1
        if end > start and text[end - 1] in _OPENERS and text[end - 1] != '"':
            end -= 1
        if start < end and text[start] in _OPENERS:
            closer = {v: k for k, v in _CLOSERS.items()}[text[start]]
            inner = text[start + 1:end]
            if closer not in inner:
                start += 1
            elif inner.endswith(closer) and closer not in inner[:-1]:
                start, end = start + 1, end - 1  # a whole quotation: the claim is inside it
        if (start, end) == (s0, e0):
            return start, end


def _to_word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span cut inside a word (a subword tagged apart from its word) to the whole word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def _end_between(sorted_ends: Sequence[int], lo: int, hi: int) -> bool:
    """Whether a sentence ends at a character offset in [lo, hi] (binary search: decode runs per token)."""
    i = bisect.bisect_left(sorted_ends, lo)
    return i < len(sorted_ends) and sorted_ends[i] <= hi


def decode(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probs: np.ndarray,
    id2label: dict[int, str],
    sentences: Sequence[Sentence] = (),
    min_score: float = 0.0,
    rules: DecodeRules | None = None,
) -> list[Span]:
    """Per-token tag probabilities -> character Spans in document offsets.

    A claim region is a run of tokens whose best tag is not O; it ends at an O token or a
    sentence end, and splits where the model opens a claim of another label with
    confidence (B-X at `rules.split_prob` or more; `rules` default to the packaged
    config's). The region's label is the one with the most probability mass (B-X + I-X) over
    its tokens, so a stray low-confidence tag inside a claim does not cut it into pieces. Spans are widened to whole words, trimmed of edge
    punctuation, and close same-label pieces are joined. Score: mean mass of the label.
    """
    if len(offsets) != len(probs):
        raise ValueError(f"{len(offsets)} token offsets but {len(probs)} rows of scores")
    rules = rules or DecodeRules.default()
    tags = [id2label[i] for i in range(len(id2label))]
    names = sorted({t.split("-", 1)[1] for t in tags if t != "O"})
    mass = np.stack([probs[:, [i for i, t in enumerate(tags) if t != "O" and t.split("-", 1)[1] == n]].sum(1)
                     for n in names], 1) if len(probs) else np.zeros((0, len(names)))
    best = probs.argmax(-1) if len(probs) else np.zeros(0, dtype=int)
    sent_ends = sorted(s.end for s in sentences)
    regions: list[list[int]] = []
    open_region = False
    region_mass = None  # label mass summed over the open region, kept as it grows
    for i, ((s, e), tag_id) in enumerate(zip(offsets, best)):
        if e <= s:  # special or empty token
            continue
        tag = tags[int(tag_id)]
        if tag == "O":
            open_region = False
            continue
        if open_region:
            cur = regions[-1]
            crosses = _end_between(sent_ends, offsets[cur[-1]][1], s)
            label_so_far = names[int(region_mass.argmax())]
            switch = tag.startswith("B-") and tag[2:] != label_so_far and probs[i, tag_id] >= rules.split_prob
            if not crosses and not switch:
                cur.append(i)
                region_mass = region_mass + mass[i]
                continue
        regions.append([i])
        region_mass = mass[i].copy()
        open_region = True
    pieces: list[tuple[str, int, int, list[float]]] = []
    for idx in regions:
        k = int(mass[idx].sum(0).argmax())
        label, scores = names[k], [float(x) for x in mass[idx, k]]
        s, e = trim_span(text, *_to_word_bounds(text, offsets[idx[0]][0], offsets[idx[-1]][1]))
        if e <= s:
            continue
        prev = pieces[-1] if pieces else None
        if (prev and prev[0] == label and s - prev[2] <= rules.merge_gap
                and not _end_between(sent_ends, prev[2], s)):
            # coordinated predicates with one label form one claim (guidelines, section 2.5)
            pieces[-1] = (label, prev[1], e, prev[3] + scores)
        else:
            pieces.append((label, s, e, scores))
    spans = []
    for label, s, e, scores in pieces:
        score = float(np.mean(scores))
        if len(text[s:e].split()) >= rules.min_words and score >= min_score:
            spans.append(Span(s, e, label, score))
    return spans
