"""Reading JSON Lines files readout or its annotators wrote: one reader, one error shape."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError, ReadoutError


def read_jsonl(path: Path, error: type[ReadoutError] = InputError) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; a line that is not a JSON object is a
    one-line `error` naming the file and the line."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise error(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(row, dict):
                raise error(f"{path}:{n}: expected a JSON object, found {type(row).__name__}")
            yield n, row


def iter_complete_lines(path: Path) -> Iterator[dict]:
    """The objects of a journal readout appends to: complete lines only (a line cut by a
    kill has no newline and is dropped); no file, no lines."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.endswith("\n"):
                yield json.loads(line)
