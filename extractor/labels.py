"""The one label registry: claim labels, holders and the BIO tag maps derived from them.

Everything reads labels from here (and the trained model's config.json carries id2label).
"""
from __future__ import annotations

from .config import load_yaml

_REG = load_yaml("labels.yaml")
VERSION: str = _REG["version"]
LABELS: tuple[str, ...] = tuple(_REG["labels"])
HOLDERS: tuple[str, ...] = tuple(_REG["holders"])
TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{l}" for l in LABELS for p in ("B", "I"))
LABEL2ID: dict[str, int] = {t: i for i, t in enumerate(TAGS)}
ID2LABEL: dict[int, str] = {i: t for t, i in LABEL2ID.items()}
EVENT_CODES: dict[str, dict[str, str | None]] = _REG["event_codes"]

def _check_event_codes() -> None:
    from .config import CONFIG_DIR, check_schema

    where = str(CONFIG_DIR / "labels.yaml")
    check_schema(EVENT_CODES, {label: {"plover": (str, None), "cameo": (str, None)} for label in LABELS}, where, "event_codes")


_check_event_codes()
