"""The extraction pipeline: Documents -> segmented -> claim spans -> holders -> positions,
and the engine that runs it in this process (extractor/runs.py streams a corpus through an
engine into a claims file)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .holders import attribute_holders
from .positions import link_positions
from .segment import segment
from .types import Document


def annotate(docs: Sequence[Document], tagger) -> list[Document]:
    """Claims for each document: the tagger's spans, then rule-based holders and position links."""
    tagged = tagger.tag([segment(d) for d in docs])
    return [link_positions(attribute_holders(d)) for d in tagged]


def batched(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


@dataclass
class LocalEngine:
    """The pipeline in this process, `batch_docs` documents per model call (runs.Engine)."""
    tagger: object
    batch_docs: int = 8

    @property
    def name(self) -> str:
        return self.tagger.name

    @property
    def path(self) -> Path | None:
        return getattr(self.tagger, "path", None)

    @property
    def config_hash(self) -> str | None:
        return getattr(self.tagger, "config_hash", None)

    def annotate(self, docs: Iterable[Document]) -> Iterator[Document]:
        for batch in batched(docs, self.batch_docs):
            yield from annotate(batch, self.tagger)
