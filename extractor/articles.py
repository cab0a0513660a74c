"""Load articles into Documents: .txt files, folders (with an optional manifest.jsonl) and
.jsonl/.csv/.parquet corpora. Text is normalised here, once, before any offset exists."""
from __future__ import annotations

import datetime
import errno
import hashlib
import json
import numbers
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .types import Document

CORPUS_SUFFIXES = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
SIDES = ("vn", "cn")
MANIFEST = "manifest.jsonl"
META_KEYS = ("source_side", "side", "outlet", "date", "meeting", "genre", "url")
NOT_META = ("file", "id", "text")     # the row's own fields, never metadata
# Python's csv refuses fields over 128 KB; articles run to MBs. Still bounded, so that a quote
# left open cannot swallow a whole corpus into one field.
CSV_FIELD_LIMIT = 64 * 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of a non-UTF-8 byte


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

    def __post_init__(self):
        # One line, and printable and writable as UTF-8 whatever the input held.
        for name in ("source", "message"):
            value = getattr(self, name)
            safe = " ".join(value.encode("utf-8", "backslashreplace").decode("utf-8").splitlines())
            if safe != value:
                object.__setattr__(self, name, safe)


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


def article_body(page: str, min_chars: int = 200) -> str | None:
    """The article of a news page without its navigation, related links and footer
    (trafilatura, a kept extractor), one paragraph per block; None when it finds no body
    of some length, so that the caller can fall back to all visible text."""
    try:
        import trafilatura
    except ImportError:      # an install without it still reads pages, less cleanly
        return None
    body = trafilatura.extract(page, include_comments=False, include_tables=False, include_images=False,
                               include_links=False, favor_precision=True)
    if not body or len(body) < min_chars:
        return None
    paragraphs = [" ".join(line.split()) for line in body.splitlines()]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


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
        warnings.append(_cp1252_warning(where))
    text, more = clean_text(text, where)
    return text, warnings + more


def clean_text(text: str, where: str) -> tuple[str, list[str]]:
    """Normalise, strip HTML, refuse non-articles; the text every offset refers to."""
    warnings = []
    text = normalise(text)
    if looks_like_html(text):
        body = article_body(text)
        if body is not None:
            text = body
            warnings.append(f"{where}: HTML page; its article body extracted (trafilatura), menus, related links "
                            "and footer dropped")
        else:
            text = strip_html(text)
            warnings.append(f"{where}: HTML page with no article body found; markup stripped, all visible text kept")
    check_text(text, where)
    if len(text) > LONG_WARNING_CHARS:
        warnings.append(f"{where}: unusually long ({len(text):,} characters); processed whole, in windows")
    return text, warnings


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file. Anything else (a FIFO, a device, a socket, a folder) is
    refused without being read, so that it cannot block the run; so are symbolic-link loops,
    dangling links and files readout may not read."""
    try:
        _refuse_irregular(path, os.stat(path).st_mode)  # before opening: opening a FIFO blocks
        # O_NONBLOCK: should the file have been swapped for a FIFO since, opening it still cannot block
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(f"{path}: broken symbolic link (its target does not exist)") from None
        raise InputError(f"{path}: file not found") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; readout may not read this file (check its permissions)") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError(f"{path}: symbolic link loop (the link leads back to itself)") from None
        raise InputError(f"{path}: cannot open ({e.strerror or e})") from None
    with os.fdopen(fd, "rb") as fh:
        _refuse_irregular(path, os.fstat(fh.fileno()).st_mode)
        try:
            return fh.read()
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def _refuse_irregular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a directory, expected a .txt file")
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    raise InputError(f"{path}: {kind}, not a regular file; skipped without reading it")


def read_text_file(path: Path) -> tuple[str, list[str]]:
    return decode_bytes(_read_regular(path), str(path))


def _check_unicode(value: str, what: str, where: str) -> None:
    """A lone surrogate (a JSON escape such as \\ud800 with no partner) is not text: no encoder
    can write it, so it is refused here rather than crash a run when the output is written."""
    m = _SURROGATE.search(value)
    if m:
        raise InputError(f"{where}: {what} holds a lone surrogate (\\u{ord(m.group()):04x} at character {m.start()}), "
                         f"which is not valid Unicode; fix or remove that escape")


def _redecode(line: str, where: str) -> tuple[str, bool]:
    """A line or field read with errors="surrogateescape": unchanged when its bytes were UTF-8,
    else those bytes decoded as cp1252 (True: warn), as decode_bytes does for a .txt file."""
    if not _ESCAPED_BYTE.search(line):
        return line, False
    raw = line.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("cp1252"), True
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: neither UTF-8 nor cp1252 text (bad byte {raw[e.start]:#04x}); convert it with iconv") from None


def _cp1252_warning(where: str) -> str:
    return f"{where}: not UTF-8; decoded as cp1252 (Windows Western)"


def _as_text(value, key: str, where: str) -> tuple[str | None, str | None]:
    """A metadata value as text (or None) and a warning when it was not text: numbers become
    their digits (with a warning), dates ISO dates; lists, objects and true/false are refused."""
    if value is None:
        return None, None
    if isinstance(value, str):
        _check_unicode(value, f"`{key}`", where)
        return value, None
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        if value != value:  # NaN: how pandas and Parquet say "missing"
            return None, None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return text, f"{where}: `{key}` is a number ({text}); read as the text {text!r}"
    if isinstance(value, (datetime.date, datetime.time)):  # typed date columns (Parquet): no warning
        if value != value:  # pandas NaT
            return None, None
        if isinstance(value, datetime.datetime) and value.tzinfo is None and value.time() == datetime.time():
            value = value.date()
        return value.isoformat(), None
    kind = {"list": "a list", "tuple": "a list", "dict": "an object", "bool": "true/false"}.get(type(value).__name__,
                                                                                            type(value).__name__)
    raise InputError(f"{where}: `{key}` is {kind}, expected text; fix that value")


def _as_id(value, where: str) -> str:
    text, _ = _as_text(value, "id", where)  # a numeric id is read as its digits, without a warning
    if text is None or text == "":
        raise InputError(f"{where}: no `id`")
    return text


def _clean_meta(row: dict, where: str) -> tuple[dict, list[str]]:
    """The metadata of a row or manifest line, every value text or None."""
    meta, warnings = {}, []
    for key in META_KEYS:
        text, warning = _as_text(row.get(key), key, where)
        if text is not None:
            meta[key] = text
        if warning:
            warnings.append(warning)
    extra = {}
    for key in sorted(set(row) - set(META_KEYS) - set(NOT_META), key=str):
        try:        # another key of the manifest or corpus (a title, a section): kept as text
            text, _ = _as_text(row[key], str(key), where)
        except InputError as e:    # not text-like: dropped, said once, the document still read
            warnings.append(f"{e}; this column is not kept")
            continue
        if text is not None:
            extra[str(key)] = text
    if extra:
        meta["extra"] = extra
    return meta, warnings


def _meta(row: dict, defaults: dict, where: str, require_side: bool = False) -> dict:
    side = row.get("source_side") or row.get("side") or defaults.get("side")
    if side is not None and side not in SIDES:
        raise InputError(f"{where}: side {side!r} is not one of {', '.join(SIDES)}")
    if side is None and require_side:
        raise InputError(f"{where}: no source_side in its manifest line (expected vn or cn; or pass --side)")
    meta = {k: row.get(k) for k in ("outlet", "date", "meeting", "genre", "url", "extra") if row.get(k) is not None}
    meta["side"] = side
    if defaults.get("meeting"):
        meta["meeting"] = defaults["meeting"]
    return meta


def _bad_file_name(name: str) -> str | None:
    if "\x00" in name:
        return "holds a NUL character"
    if _SURROGATE.search(name):
        return "holds a lone surrogate (not valid Unicode)"
    if len(name.encode("utf-8")) > 255:
        return f"is {len(name.encode('utf-8'))} bytes long; file names are at most 255 bytes"
    return None


def read_manifest(folder: Path) -> tuple[dict[str, tuple[dict, list[str]] | Failure], list[Failure]]:
    """By file name, the metadata (all text) and warnings of its manifest line, or the Failure
    that refuses its document; and a Failure for each line naming no usable file. Lines that
    are not UTF-8 are read as cp1252, with a warning."""
    path = folder / MANIFEST
    if not os.path.lexists(path):
        return {}, []
    try:
        raw = _read_regular(path)
    except InputError as e:
        return {}, [Failure(str(path), f"{e}; the folder is read without its manifest")]
    rows, failures = {}, []
    root = os.path.realpath(folder)
    for n, line in enumerate(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape").split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            line, legacy = _redecode(line, where)
            row = json.loads(line)
        except json.JSONDecodeError as e:
            failures.append(Failure(where, f"{where}: not valid JSON ({e.msg})"))
            continue
        except InputError as e:
            failures.append(Failure(where, str(e)))
            continue
        name = row.get("file") if isinstance(row, dict) else None
        if not isinstance(name, str) or not name:
            failures.append(Failure(where, f"{where}: no `file` key (expected file, source_side, outlet, date, meeting, genre)"))
            continue
        problem = _bad_file_name(name)
        if problem:
            failures.append(Failure(where, f"{where}: file name {name[:60]!r}{'...' if len(name) > 60 else ''} {problem}"))
            continue
        try:
            target = os.path.realpath(folder / name)  # not Path.resolve: it raises on a symlink loop
            if os.path.dirname(target) != root:
                failures.append(Failure(where, f"{where}: file {name!r} leaves the corpus folder; "
                                               "manifest files must sit beside it"))
                continue
            if not os.path.lexists(target):  # a link that loops or dangles is reported when the file is read
                failures.append(Failure(where, f"{where}: file {name!r} is listed but does not exist"))
                continue
        except (OSError, ValueError) as e:
            failures.append(Failure(where, f"{where}: file {name!r} cannot be looked up ({getattr(e, 'strerror', None) or e})"))
            continue
        try:
            meta, warnings = _clean_meta(row, f"{where} ({name})")
        except InputError as e:  # the document is refused, not read without its metadata
            rows[name] = Failure(str(folder / name), str(e))
            continue
        rows[name] = (meta, [_cp1252_warning(where)] * legacy + warnings)
    return rows, failures


def _txt_document(path: Path, entry: tuple[dict, list[str]] | Failure | None, defaults: dict) -> Document:
    if _SURROGATE.search(path.name):
        raise InputError(f"{path}: file name is not UTF-8; rename it")
    if isinstance(entry, Failure):
        raise InputError(entry.message)
    text, warnings = read_text_file(path)
    row, row_warnings = entry or ({}, [])
    meta = _meta(row, defaults, str(path), require_side=entry is not None)
    meta |= {"path": str(path), "sha256": text_sha256(text), "warnings": row_warnings + warnings}
    return Document(id=path.stem, text=text, meta=meta)


def _row_document(row: dict, n: int, path: Path, defaults: dict, warnings: list[str] | None = None) -> Document:
    where = f"{path}:row {n}"
    if not isinstance(row.get("text"), str):
        raise InputError(f"{where}: `text` is {type(row.get('text')).__name__}, expected a string")
    _check_unicode(row["text"], "`text`", where)
    doc_id = _as_id(row.get("id"), where)
    meta, meta_warnings = _clean_meta(row, where)
    text, more = clean_text(row["text"], where)
    meta = _meta(meta, defaults, where) | {"path": str(path), "row": n, "sha256": text_sha256(text),
                                           "warnings": (warnings or []) + meta_warnings + more}
    return Document(id=doc_id, text=text, meta=meta)


def _open_corpus(path: Path, **kw):
    """A corpus file opened as UTF-8 (a byte-order mark dropped; other bytes that are not UTF-8
    kept as surrogate escapes for _redecode), or an InputError naming it."""
    try:
        return open(path, encoding="utf-8-sig", errors="surrogateescape", **kw)
    except PermissionError:
        raise InputError(f"{path}: permission denied; readout may not read this file (check its permissions)") from None
    except OSError as e:
        raise InputError(f"{path}: cannot open ({e.strerror or e})") from None


def _jsonl_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    """JSON lines read one by one, so that a malformed line costs only itself."""
    try:
        fh = _open_corpus(path)
    except InputError as e:
        yield Failure(str(path), str(e))
        return
    with fh:
        checked = False
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:row {n}"
            try:
                line, legacy = _redecode(line, where)
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise InputError(f"{where}: expected a JSON object, found {type(row).__name__}")
            except json.JSONDecodeError as e:
                yield Failure(where, f"{where}: not valid JSON ({e.msg})")
                continue
            except InputError as e:
                yield Failure(where, str(e))
                continue
            if not checked:
                missing = {"id", "text"} - set(row)
                if missing:
                    yield Failure(str(path), f"{path}: missing column(s) {', '.join(sorted(missing))}; found {', '.join(row)}")
                    return
                checked = True
            try:
                yield _row_document(row, n, path, defaults, [_cp1252_warning(where)] * legacy)
            except InputError as e:
                yield Failure(where, str(e))


def _csv_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    """CSV rows read one by one (the csv module), so that a malformed row costs only itself."""
    import csv

    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        fh = _open_corpus(path, newline="")
    except InputError as e:
        yield Failure(str(path), str(e))
        return
    with fh:
        reader = csv.DictReader(fh, restkey="__extra__")
        n = 0
        try:
            columns = reader.fieldnames or []
            reader.fieldnames = columns = [_redecode(c, f"{path}:header")[0] for c in columns]
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
                    legacy = False
                    for key, value in row.items():
                        row[key], repaired = _redecode(value, where)
                        legacy |= repaired
                    yield _row_document(row, n, path, defaults, [_cp1252_warning(where)] * legacy)
                except InputError as e:
                    yield Failure(where, str(e))
        except csv.Error as e:  # the parser cannot go on: the rest of the file would be guesswork
            where = f"{path}:row {n + 1} (line {reader.reader.line_num})"  # DictReader's own count lags on errors
            hint = (f"a field over {CSV_FIELD_LIMIT:,} characters, most often a quote never closed; "
                    if "field limit" in str(e) else "")
            yield Failure(where, f"{where}: cannot parse CSV ({e}); {hint}the rest of the file is not read")
        except InputError as e:  # a header that is neither UTF-8 nor cp1252
            yield Failure(str(path), str(e))


def _table_documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    from datasets import load_dataset  # heavy: only when a Parquet corpus is given

    def cannot(e: Exception, what: str) -> str:
        return f"{path}: {what} ({type(e).__name__}: {(str(e).splitlines() or [''])[0][:200]})"

    try:
        ds = load_dataset(CORPUS_SUFFIXES[path.suffix], data_files=str(path), split="train", streaming=True)
        columns = ds.column_names if ds.column_names is not None else list(next(iter(ds)).keys())
    except Exception as e:  # datasets raises many kinds for a bad file
        yield Failure(str(path), cannot(e, f"cannot read as {path.suffix[1:]}"))
        return
    missing = {"id", "text"} - set(columns)
    if missing:
        yield Failure(str(path), f"{path}: missing column(s) {', '.join(sorted(missing))}; found {', '.join(columns)}")
        return
    rows = enumerate(ds, 1)
    n = 0
    while True:
        try:
            n, row = next(rows)
        except StopIteration:
            return
        except Exception as e:  # a damaged row group: the reader cannot go on past it
            yield Failure(f"{path}:row {n + 1}", cannot(e, f"cannot read on from row {n + 1}; the rest of the file is not read"))
            return
        try:
            yield _row_document(row, n, path, defaults)
        except InputError as e:
            yield Failure(f"{path}:row {n}", str(e))


def _documents(path: Path, defaults: dict) -> Iterator[Document | Failure]:
    if path.is_dir():
        manifest, failures = read_manifest(path)
        yield from failures
        try:
            files = sorted(p for p in path.iterdir() if p.suffix == ".txt")
        except OSError as e:
            yield Failure(str(path), f"{path}: cannot list this folder ({e.strerror or e})")
            return
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
        try:
            exists = path.exists()
        except OSError as e:  # a folder on the way that may not be searched, say
            raise InputError(f"{path}: cannot be looked up ({e.strerror or e})") from None
        if not exists:
            raise InputError(f"{path}: no such file or folder")
        if not path.is_dir() and path.suffix not in CORPUS_SUFFIXES and path.suffix != ".txt":
            raise InputError(f"{path}: unsupported input; expected .txt, a folder of .txt, or {', '.join(CORPUS_SUFFIXES)}")
    seen: dict[str, str] = {}
    for path in paths:
        for item in _documents(path, defaults):
            if isinstance(item, Document):
                where = (item.meta.path or "") + (f":row {item.meta.row}" if item.meta.row is not None else "")
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
            try:
                total += sum(1 for p in path.iterdir() if p.suffix == ".txt")
            except OSError:  # reported, as a Failure, when the folder is read
                return None
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
