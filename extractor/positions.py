"""The canonical positions catalogue (stable ids) and linking claims to it."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .config import load_yaml
from .types import Document, PositionLink


_KEYS = {"id": str, "name": str, "description": str, "aliases": list, "not_within": list}
_REQUIRED = ("id", "name", "description", "aliases")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict]:
    """The positions catalogue, checked: each entry's keys and their types, unique ids, and
    that every `not_within` compiles; a problem is one line naming the file and the entry."""
    from .config import CONFIG_DIR
    from .errors import ConfigError

    where = CONFIG_DIR / "positions.yaml"
    out: dict[str, dict] = {}
    for n, p in enumerate(load_yaml("positions.yaml").get("positions") or [], 1):
        name = p.get("id", f"entry {n}") if isinstance(p, dict) else f"entry {n}"
        if not isinstance(p, dict) or any(k not in p for k in _REQUIRED):
            raise ConfigError(f"{where}: {name}: needs {', '.join(_REQUIRED)}")
        for k, v in p.items():
            if k not in _KEYS:
                raise ConfigError(f"{where}: {name}: unknown key `{k}`; known: {', '.join(_KEYS)}")
            if not isinstance(v, _KEYS[k]) or (isinstance(v, list) and not all(isinstance(x, str) for x in v)):
                raise ConfigError(f"{where}: {name}: `{k}` must be {'a list of strings' if _KEYS[k] is list else 'a string'}")
        for pattern in p.get("not_within", []):
            try:
                re.compile(pattern)
            except re.error as e:
                raise ConfigError(f"{where}: {name}: not_within {pattern!r} is not a regular expression ({e})") from None
        if p["id"] in out:
            raise ConfigError(f"{where}: id {p['id']} appears twice")
        out[p["id"]] = p
    return out


def position_ids() -> tuple[str, ...]:
    return tuple(catalogue())


@lru_cache(maxsize=1)
def _alias_patterns() -> dict[str, re.Pattern]:
    return {
        pid: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in sorted(p["aliases"], key=len, reverse=True)) + r")(?![\w-])", re.I)
        for pid, p in catalogue().items()
    }


@lru_cache(maxsize=1)
def _exclusions() -> dict[str, re.Pattern]:
    return {pid: re.compile("|".join(f"(?:{x})" for x in p["not_within"]), re.I)
            for pid, p in catalogue().items() if p.get("not_within")}


def link_text(text: str) -> tuple[PositionLink, ...]:
    """Positions whose aliases occur in the text (outside the id's `not_within` phrases), with
    the number of distinct aliases found setting the score."""
    links = []
    exclusions = _exclusions()
    for pid, pat in _alias_patterns().items():
        spans = [m.span() for m in exclusions[pid].finditer(text)] if pid in exclusions else []
        hits = {m.group(0).lower() for m in pat.finditer(text)
                if not any(s <= m.start() and m.end() <= e for s, e in spans)}
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
