"""The canonical positions catalogue (stable ids) and linking claims to it."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .config import load_yaml
from .types import Document, PositionLink


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict]:
    return {p["id"]: p for p in load_yaml("positions.yaml")["positions"]}


def position_ids() -> tuple[str, ...]:
    return tuple(catalogue())


@lru_cache(maxsize=1)
def _alias_patterns() -> dict[str, re.Pattern]:
    return {
        pid: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in sorted(p["aliases"], key=len, reverse=True)) + r")(?![\w-])", re.I)
        for pid, p in catalogue().items()
    }


def link_text(text: str) -> tuple[PositionLink, ...]:
    """Positions whose aliases occur in the text, with the share of distinct aliases found as score."""
    links = []
    for pid, pat in _alias_patterns().items():
        hits = {m.group(0).lower() for m in pat.finditer(text)}
        if hits:
            links.append(PositionLink(pid, round(min(1.0, 0.5 + 0.25 * len(hits)), 3)))
    return tuple(links)


def link_substring(text: str) -> tuple[PositionLink, ...]:
    """The plain baseline: any alias as a substring, no word boundaries."""
    low = text.lower()
    return tuple(PositionLink(pid) for pid, p in catalogue().items() if any(a.lower() in low for a in p["aliases"]))


def link_positions(doc: Document, linker=link_text) -> Document:
    claims = tuple(replace(c, positions=linker(doc.slice(c))) for c in doc.claims)
    return doc.with_(claims=claims)
