"""Load articles into Documents: .txt files, folders (with an optional manifest.jsonl) and
.jsonl/.csv/.parquet corpora. Text is normalised here, once, before any offset exists."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
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


@dataclass(frozen=True)
class Failure:
    """A document that could not be loaded; the batch goes on without it."""
    source: str
    message: str


# A document is refused rather than guessed at when it is one of these; see the README's
# troubleshooting section for each decision.
_STOPWORDS = {"the", "of", "and", "to", "in", "a", "on", "with", "for", "is", "that", "as", "by", "at", "said", "will"}
LONG_WARNING_CHARS = 1_000_000


class _TextOnly(HTMLParser):
    """Visible text of an HTML page: scripts, styles and markup dropped, blocks on new lines."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template") and self.skip:
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def strip_html(text: str) -> str:
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or len(re.findall(r"</?(?:p|div|body|span|br)\b", head)) >= 3


def check_text(text: str, where: str) -> None:
    """Refuse what is not an English article: empty, whitespace, another language."""
    if not text.strip():
        raise InputError(f"{where}: no text (empty or whitespace only)")
    words = re.findall(r"[A-Za-z]+", text[:20000].lower())
    letters = sum(c.isalpha() for c in text[:20000])
    ascii_letters = sum(c.isascii() and c.isalpha() for c in text[:20000])
    if letters and ascii_letters / letters < 0.6 or (len(words) >= 20 and sum(w in _STOPWORDS for w in words) / len(words) < 0.04):
        raise InputError(f"{where}: does not look like English text; readout reads English-language reports only")


def decode_bytes(raw: bytes, where: str) -> tuple[str, list[str]]:
    """Bytes -> normalised text and warnings: UTF-8 (BOM dropped), else cp1252 with a warning;
    binary refused; HTML reduced to its visible text with a warning."""
    warnings = []
    if not raw:
        raise InputError(f"{where}: empty file")
    if b"\x00" in raw[:8192]:
        raise InputError(f"{where}: binary file (NUL bytes); expected UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{where}: neither UTF-8 nor cp1252 text (bad byte at {e.start}); convert it with iconv") from None
        warnings.append(f"{where}: not UTF-8; decoded as cp1252 (Windows Western)")
    text, more = clean_text(text, where)
    return text, warnings + more


def clean_text(text: str, where: str) -> tuple[str, list[str]]:
    """Normalise, strip HTML, refuse non-articles; the text every offset refers to."""
    warnings = []
    text = normalise(text)
    if looks_like_html(text):
        text = strip_html(text)
        warnings.append(f"{where}: HTML page; markup stripped, visible text kept")
    check_text(text, where)
    if len(text) > LONG_WARNING_CHARS:
        warnings.append(f"{where}: unusually long ({len(text):,} characters); processed whole, in windows")
    return text, warnings


def read_text_file(path: Path) -> tuple[str, list[str]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a .txt file") from None
    return decode_bytes(raw, str(path))


def _meta(row: dict, defaults: dict, where: str, require_side: bool = False) -> dict:
    side = row.get("source_side") or row.get("side") or defaults.get("side")
    if side is not None and side not in SIDES:
        raise InputError(f"{where}: side {side!r} is not one of {', '.join(SIDES)}")
    if side is None and require_side:
        raise InputError(f"{where}: no source_side in its manifest line (expected vn or cn; or pass --side)")
    meta = {k: row.get(k) for k in ("outlet", "date", "meeting", "genre") if row.get(k) is not None}
    meta["side"] = side
    if defaults.get("meeting"):
        meta["meeting"] = defaults["meeting"]
    return meta


def read_manifest(folder: Path) -> tuple[dict[str, dict], list[Failure]]:
    """Manifest rows by file name, and a Failure for each row that cannot be used."""
    path = folder / MANIFEST
    if not path.exists():
        return {}, []
    rows, failures = {}, []
    root = folder.resolve()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            failures.append(Failure(where, f"{where}: not valid JSON ({e.msg})"))
            continue
        name = row.get("file") if isinstance(row, dict) else None
        if not isinstance(name, str) or not name:
            failures.append(Failure(where, f"{where}: no `file` key (expected file, source_side, outlet, date, meeting, genre)"))
            continue
        target = (folder / name).resolve()
        if target.parent != root:
            failures.append(Failure(where, f"{where}: file {name!r} leaves the corpus folder; manifest files must sit beside it"))
            continue
        if not target.exists():
            failures.append(Failure(where, f"{where}: file {name!r} is listed but does not exist"))
            continue
        rows[name] = row
    return rows, failures


def _txt_document(path: Path, row: dict | None, defaults: dict) -> Document:
    text, warnings = read_text_file(path)
    meta = _meta(row or {}, defaults, str(path), require_side=row is not None)
    meta |= {"path": str(path), "sha256": text_sha256(text), "warnings": warnings}
    return Document(id=path.stem, text=text, meta=meta)


def _row_document(row: dict, n: int, path: Path, defaults: dict) -> Document:
    where = f"{path}:row {n}"
    if not isinstance(row.get("text"), str):
        raise InputError(f"{where}: `text` is {type(row.get('text')).__name__}, expected a string")
    if row.get("id") in (None, ""):
        raise InputError(f"{where}: no `id`")
    text, warnings = clean_text(row["text"], where)
    meta = _meta(row, defaults, where) | {"path": str(path), "row": n, "sha256": text_sha256(text), "warnings": warnings}
    return Document(id=str(row["id"]), text=text, meta=meta)


def _jsonl_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    """JSON lines read one by one, so that a malformed line costs only itself."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        checked = False
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise InputError(f"{path}:row {n}: expected a JSON object, found {type(row).__name__}")
            except json.JSONDecodeError as e:
                yield Failure(f"{path}:row {n}", f"{path}:row {n}: not valid JSON ({e.msg})")
                continue
            except InputError as e:
                yield Failure(f"{path}:row {n}", str(e))
                continue
            if not checked:
                missing = {"id", "text"} - set(row)
                if missing:
                    yield Failure(str(path), f"{path}: missing column(s) {', '.join(sorted(missing))}; found {', '.join(row)}")
                    return
                checked = True
            try:
                yield _row_document(row, n, path, defaults)
            except InputError as e:
                yield Failure(f"{path}:row {n}", str(e))


def _csv_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    """CSV rows read one by one (the csv module), so that a malformed row costs only itself."""
    import csv

    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh, restkey="__extra__")
        columns = reader.fieldnames or []
        missing = {"id", "text"} - set(columns)
        if missing:
            yield Failure(str(path), f"{path}: missing column(s) {', '.join(sorted(missing))}; found {', '.join(columns)}")
            return
        for n, row in enumerate(reader, 1):
            where = f"{path}:row {n}"
            if "__extra__" in row or None in row.values():
                yield Failure(where, f"{where}: malformed CSV row ({len(columns)} columns expected)")
                continue
            try:
                yield _row_document(row, n, path, defaults)
            except InputError as e:
                yield Failure(where, str(e))


def _table_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    from datasets import load_dataset  # heavy: only when a Parquet corpus is given

    try:
        ds = load_dataset(CORPUS_SUFFIXES[path.suffix], data_files=str(path), split="train", streaming=True)
        columns = ds.column_names if ds.column_names is not None else list(next(iter(ds)).keys())
    except Exception as e:  # datasets raises many kinds for a bad file
        yield Failure(str(path), f"{path}: cannot read as {path.suffix[1:]} ({type(e).__name__}: {str(e).splitlines()[0][:200]})")
        return
    missing = {"id", "text"} - set(columns)
    if missing:
        yield Failure(str(path), f"{path}: missing column(s) {', '.join(sorted(missing))}; found {', '.join(columns)}")
        return
    for n, row in enumerate(ds, 1):
        try:
            yield _row_document(row, n, path, defaults)
        except InputError as e:
            yield Failure(f"{path}:row {n}", str(e))


def _documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    if path.is_dir():
        manifest, failures = read_manifest(path)
        yield from failures
        files = sorted(p for p in path.iterdir() if p.suffix == ".txt")
        if not files:
            yield Failure(str(path), f"{path}: no .txt files in this folder")
        for f in files:
            try:
                yield _txt_document(f, manifest.get(f.name), defaults)
            except InputError as e:
                yield Failure(str(f), str(e))
    elif path.suffix in (".jsonl", ".json"):
        yield from _jsonl_documents(path, defaults)
    elif path.suffix == ".csv":
        yield from _csv_documents(path, defaults)
    elif path.suffix in CORPUS_SUFFIXES:
        yield from _table_documents(path, defaults)
    elif path.suffix == ".txt":
        manifest, _ = read_manifest(path.parent)
        try:
            yield _txt_document(path, manifest.get(path.name), defaults)
        except InputError as e:
            yield Failure(str(path), str(e))
    else:
        raise InputError(f"{path}: unsupported input; expected .txt, a folder of .txt, or {', '.join(CORPUS_SUFFIXES)}")


def iter_documents(inputs: list[Path], side: str | None = None, meeting: str | None = None) -> Iterator[Document | Failure]:
    """Stream Documents (or Failures for what cannot be read) from the inputs, in order.
    A missing input path or an unsupported kind is an error before anything is read; a
    document id seen before is a Failure (the first one wins)."""
    defaults = {"side": side, "meeting": meeting}
    if side is not None and side not in SIDES:
        raise InputError(f"--side {side!r}: expected one of {', '.join(SIDES)}")
    paths = list(map(Path, inputs))
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if not path.is_dir() and path.suffix not in CORPUS_SUFFIXES and path.suffix != ".txt":
            raise InputError(f"{path}: unsupported input; expected .txt, a folder of .txt, or {', '.join(CORPUS_SUFFIXES)}")
    seen: dict[str, str] = {}
    for path in paths:
        for item in _documents(path, defaults):
            if isinstance(item, Document):
                where = item.meta.get("path", "") + (f":row {item.meta['row']}" if "row" in item.meta else "")
                if item.id in seen:
                    item = Failure(where, f"{where}: duplicate document id {item.id!r} (first seen in {seen[item.id]}); skipped")
                else:
                    seen[item.id] = where
            yield item


def count_documents(inputs: list[Path]) -> int | None:
    """How many documents the inputs hold, without reading them; None when a corpus file
    would have to be parsed to know (a progress bar then shows no total)."""
    total = 0
    for path in map(Path, inputs):
        if path.is_dir():
            total += sum(1 for p in path.iterdir() if p.suffix == ".txt")
        elif path.suffix == ".txt":
            total += 1
        else:
            return None
    return total


def load_documents(inputs: list[Path], **kw) -> list[Document]:
    """All documents, failing on the first one that cannot be read (for training and eval)."""
    docs = []
    for item in iter_documents(inputs, **kw):
        if isinstance(item, Failure):
            raise InputError(item.message)
        docs.append(item)
    return docs
