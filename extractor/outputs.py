"""Where readout writes, and what it refuses: names from data made safe as path components,
output folders readout owns (a marker lists what it wrote, and only that is ever replaced),
one run at a time per output (a lock), and no output that is one of the inputs."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError

MARKER = ".readout-output.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@contextlib.contextmanager
def atomic(path: Path) -> Iterator[Path]:
    """The one way readout replaces a file: write to a temporary beside it, then rename it
    over the target. Readers never see a half-written file; a failure leaves the old file
    as it was and no temporary behind."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def safe_component(name: str, used: set[str] | None = None, max_len: int = 80) -> str:
    """A single path component made from an id in the data (a meeting, a document): no
    separators, no `.`/`..`, no leading dot, bounded length; when it had to be changed or
    collides with one already `used` (`a b` and `a/b`), a short hash of the original makes
    it unique. The result is added to `used`."""
    base = _UNSAFE.sub("-", str(name)).strip("-.")[:max_len] or "item"
    out = base
    if out != name or (used is not None and out.lower() in used):
        out = f"{base}-{hashlib.sha1(str(name).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    if used is not None:
        used.add(out.lower())      # case-insensitive file systems collide on case too
    return out


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` (resolved) lies within `folder`: the last check before writing a path
    built from data."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


def refuse_inputs_as_output(out: Path, inputs: Iterable[Path], what: str = "--out") -> None:
    """`extract X.jsonl --out X.jsonl` or `merge --out shard1.jsonl` would destroy an input."""
    target = os.path.realpath(out)
    for p in inputs:
        if os.path.realpath(p) == target:
            raise InputError(f"{what} {out}: that is one of the inputs; write the output somewhere else")


def check_output_file(out: Path) -> None:
    """A bad --out is one line before any work: a folder, a name too long, a place that
    cannot be written."""
    out = Path(out)
    if len(out.name.encode("utf-8", "surrogatepass")) > 230:    # room for the sidecars' suffixes
        raise InputError(f"--out {out}: the file name is too long")
    if out.is_dir():
        raise InputError(f"--out {out}: is a folder; give a file name (claims.jsonl, .csv or .parquet)")
    parent = out.parent if str(out.parent) else Path(".")
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is not None and (not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK)):
        raise InputError(f"--out {out}: cannot write in {existing}")


@contextlib.contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """One run at a time writes `out`: an advisory lock on `<out>.lock` (released by the
    system when the process dies, so a killed run never leaves a stale lock)."""
    try:
        import fcntl
    except ImportError:       # Windows: no advisory locks; runs are not guarded there
        yield
        return
    lock = out.with_name(out.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            # the lock file is the holder's: leave it in place
            raise InputError(f"{out}: another readout run is writing it ({holder}); wait for it to finish "
                             "or choose another --out") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                lock.unlink()


def owned_entries(folder: Path) -> list[str] | None:
    """What readout wrote into `folder` (from its marker); None if readout does not own it."""
    marker = folder / MARKER
    if not marker.exists():
        return None
    try:
        return [str(x) for x in json.loads(marker.read_text(encoding="utf-8"))["entries"]]
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{marker}: unreadable marker; delete the folder's readout outputs by hand") from None


def check_output_folder(folder: Path) -> None:
    """An output folder must be new, empty, or one readout wrote before."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder}: exists and is not a folder")
    if folder.exists() and any(folder.iterdir()) and owned_entries(folder) is None:
        raise InputError(f"--out {folder}: the folder is not empty and readout did not write it (no {MARKER}); "
                         "choose a new or empty folder")


def publish(staging: Path, folder: Path) -> None:
    """Move what was written in `staging` into `folder`, replacing only the entries readout
    wrote there before (listed in the marker) and leaving anything else alone; the marker
    is written first, listing old and new entries, so a cut leaves nothing unaccounted for.
    The caller has checked the folder (`check_output_folder`) before writing the staging."""
    folder.mkdir(parents=True, exist_ok=True)
    old = set(owned_entries(folder) or [])
    new = sorted(p.name for p in staging.iterdir())
    _write_marker(folder, sorted(old | set(new)))
    for name in sorted(old - set(new)):
        _remove(folder / name)
    for name in sorted(new, key=lambda n: n == "index.html"):   # the index last: it links the rest
        _remove(folder / name)
        (staging / name).rename(folder / name)
    _write_marker(folder, new)
    shutil.rmtree(staging, ignore_errors=True)


def _write_marker(folder: Path, entries: list[str]) -> None:
    write_text_atomic(folder / MARKER, json.dumps({"written_by": "readout", "entries": entries}, indent=1) + "\n")


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
