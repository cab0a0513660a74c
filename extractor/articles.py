"""Load articles into Documents: .txt files, folders (with an optional manifest.jsonl) and
.jsonl/.csv/.parquet corpora. Text is normalised here, once, before any offset exists."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .types import Document

CORPUS_SUFFIXES = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
SIDES = ("vn", "cn")
MANIFEST = "manifest.jsonl"


def normalise(text: str) -> str:
    """The only change ever made to an article's text: drop a byte-order mark and unify line ends."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a .txt file") from None
    try:
        return normalise(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}); convert it with iconv") from None


@dataclass(frozen=True)
class Failure:
    """A document that could not be loaded; the batch goes on without it."""
    source: str
    message: str


def _meta(row: dict, defaults: dict, where: str) -> dict:
    side = row.get("source_side") or row.get("side") or defaults.get("side")
    if side is not None and side not in SIDES:
        raise InputError(f"{where}: side {side!r} is not one of {', '.join(SIDES)}")
    meta = {k: row.get(k) for k in ("outlet", "date", "meeting", "genre") if row.get(k) is not None}
    meta["side"] = side
    if defaults.get("meeting"):
        meta["meeting"] = defaults["meeting"]
    return meta


def read_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    rows = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not valid JSON ({e.msg})") from None
        if "file" not in row:
            raise InputError(f"{path}:{n}: no `file` key (expected file, source_side, outlet, date, meeting, genre)")
        rows[row["file"]] = row
    return rows


def _txt_document(path: Path, row: dict, defaults: dict) -> Document:
    text = read_text_file(path)
    meta = _meta(row, defaults, str(path)) | {"path": str(path), "sha256": text_sha256(text)}
    return Document(id=path.stem, text=text, meta=meta)


def _corpus_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    from datasets import load_dataset  # heavy: only when a corpus file is given

    try:
        ds = load_dataset(CORPUS_SUFFIXES[path.suffix], data_files=str(path), split="train", streaming=True)
        columns = ds.column_names if ds.column_names is not None else list(next(iter(ds)).keys())
    except Exception as e:  # datasets raises many kinds for a bad file
        raise InputError(f"{path}: cannot read as {path.suffix[1:]} ({type(e).__name__}: {str(e).splitlines()[0][:200]})") from None
    missing = {"id", "text"} - set(columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}; found {', '.join(columns)}")
    for n, row in enumerate(ds, 1):
        where = f"{path}:row {n}"
        try:
            if not isinstance(row["text"], str):
                raise InputError(f"{where}: `text` is {type(row['text']).__name__}, expected a string")
            text = normalise(row["text"])
            meta = _meta(row, defaults, where) | {"path": str(path), "row": n, "sha256": text_sha256(text)}
            yield Document(id=str(row["id"]), text=text, meta=meta)
        except InputError as e:
            yield Failure(where, str(e))


def iter_documents(inputs: list[Path], side: str | None = None, meeting: str | None = None) -> Iterator[Document | Failure]:
    """Stream Documents (or Failures for the ones that cannot be read) from the inputs, in order."""
    defaults = {"side": side, "meeting": meeting}
    if side is not None and side not in SIDES:
        raise InputError(f"--side {side!r}: expected one of {', '.join(SIDES)}")
    for path in map(Path, inputs):
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            manifest = read_manifest(path)
            files = sorted(p for p in path.iterdir() if p.suffix == ".txt")
            if not files:
                raise InputError(f"{path}: no .txt files in this folder")
            for f in files:
                try:
                    yield _txt_document(f, manifest.get(f.name, {}), defaults)
                except InputError as e:
                    yield Failure(str(f), str(e))
        elif path.suffix in CORPUS_SUFFIXES:
            yield from _corpus_documents(path, defaults)
        elif path.suffix == ".txt":
            manifest = read_manifest(path.parent)
            try:
                yield _txt_document(path, manifest.get(path.name, {}), defaults)
            except InputError as e:
                yield Failure(str(path), str(e))
        else:
            raise InputError(f"{path}: unsupported input; expected .txt, a folder of .txt, or {', '.join(CORPUS_SUFFIXES)}")


def load_documents(inputs: list[Path], **kw) -> list[Document]:
    """All documents, failing on the first one that cannot be read (for training and eval)."""
    docs = []
    for item in iter_documents(inputs, **kw):
        if isinstance(item, Failure):
            raise InputError(item.message)
        docs.append(item)
    return docs
