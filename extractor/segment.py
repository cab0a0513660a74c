"""Sentence splitting that returns Sentence(start, end) in document character offsets."""
from __future__ import annotations

import re

from .types import Document, Sentence

# Abbreviations that end with a full stop but do not end a sentence in these reports.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "no", "nos", "st", "vs", "etc",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.n", "e.g", "i.e", "jr", "sr", "co", "corp", "inc", "ltd", "dept",
}
_PARA = re.compile(r"[^\n]+")
# A boundary: terminal punctuation, optional closing quotes/brackets, whitespace, then
# something that can open a sentence.
_BOUNDARY = re.compile(
    r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])"
    r"|(?<=[a-z]{3})\.(?=[A-Z][a-z])"  # a missing space after a full stop ("channels.The")
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, 0, dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    # single capital letters are initials ("Xi J. Ping"); known abbreviations never end a sentence
    return word in _ABBREV or (len(word) == 1 and text[m.start()].isupper())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences never cross a line break; whitespace is trimmed from both ends."""
    out: list[Sentence] = []
    for para in _PARA.finditer(text):
        start = para.start()
        for b in _BOUNDARY.finditer(text, para.start(), para.end()):
            if text[b.start()] == "." and _is_abbreviation(text, b.start()):
                continue
            out.append(Sentence(start, b.end()))
            start = b.end()
        out.append(Sentence(start, para.end()))
    trimmed = []
    for s in out:
        chunk = text[s.start:s.end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if s.end - trail > s.start + lead:
            trimmed.append(Sentence(s.start + lead, s.end - trail))
    return tuple(trimmed)


def segment(doc: Document) -> Document:
    return doc.with_(sentences=split_sentences(doc.text))
