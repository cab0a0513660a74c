"""Framing reports: plain data first (the JSON contract), then Markdown and HTML renderings.

JSON keys: a, b (document info), aligned ({a, b, similarity, confidence, differences} with full
claims, most confident first),
only_a, only_b (claims), positions ({both, only_a, only_b, matrix}), balance, provenance.
"""
from __future__ import annotations

import html
import os
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .compare import Alignment, compare_settings, confidence
from .framing_analysis import balance, coverage, differences
from .positions import catalogue
from .outputs import write_text_atomic
from .types import Document, claim_record

DOC_KEYS = ("side", "outlet", "date", "meeting", "genre")


def doc_info(doc: Document) -> dict:
    return {"doc_id": doc.id, **{k: doc.meta.get(k) for k in DOC_KEYS}}


def build_report(doc_a: Document, doc_b: Document, alignments: list[Alignment], model: str | None = None,
                 encoder: str | None = None) -> dict:
    settings = compare_settings()
    # most confident first: the reader checks the doubtful ones at the bottom
    alignments = sorted(alignments, key=lambda p: (-p.similarity, p.a, p.b))
    aligned_a, aligned_b = {p.a for p in alignments}, {p.b for p in alignments}
    return {
        "a": doc_info(doc_a),
        "b": doc_info(doc_b),
        "aligned": [
            {"a": claim_record(doc_a, doc_a.claims[p.a]), "b": claim_record(doc_b, doc_b.claims[p.b]),
             "similarity": round(p.similarity, 4),
             "confidence": round(confidence(p.similarity, settings["calibration"]), 3),
             "differences": differences(doc_a, doc_a.claims[p.a], doc_b, doc_b.claims[p.b], settings)}
            for p in alignments
        ],
        "only_a": [claim_record(doc_a, c) for i, c in enumerate(doc_a.claims) if i not in aligned_a],
        "only_b": [claim_record(doc_b, c) for i, c in enumerate(doc_b.claims) if i not in aligned_b],
        "positions": coverage(doc_a, doc_b),
        "balance": {"a": balance(doc_a), "b": balance(doc_b)},
        "provenance": {"readout_version": __version__, "claims_model": model, "encoder": encoder or settings["encoder"],
                       "threshold": settings["threshold"], "position_weight": settings["position_weight"],
                       "calibration": settings["calibration"],
                       "generated": datetime.now(timezone.utc).isoformat(timespec="seconds")},
    }


def headline(report: dict) -> dict:
    """The figures the index page shows for one comparison."""
    return {"aligned": len(report["aligned"]), "only_a": len(report["only_a"]), "only_b": len(report["only_b"]),
            "positions_both": len(report["positions"]["both"]),
            "positions_only_a": len(report["positions"]["only_a"]),
            "positions_only_b": len(report["positions"]["only_b"])}


def text_segments(doc: Document, prefix: str, pair_of: dict[int, list[str]]) -> list[dict]:
    """The article cut into plain pieces and claim pieces, for highlighting (escaped by the template)."""
    out, pos = [], 0
    for i, c in enumerate(sorted(doc.claims, key=lambda c: c.start)):
        if c.start < pos:
            continue
        out.append({"text": doc.text[pos:c.start]})
        idx = doc.claims.index(c)
        out.append({"text": doc.slice(c), "claim": f"{prefix}{idx}", "label": c.label, "holder": c.holder,
                    "pairs": " ".join(pair_of.get(idx, []))})
        pos = c.end
    out.append({"text": doc.text[pos:]})
    return out


def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("extractor", "templates"),
                       autoescape=select_autoescape(["html", "j2"], default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def position_names() -> dict[str, str]:
    """Each canonical id's readable name, as the reports print it."""
    return {k: v["name"] for k, v in catalogue().items()}


def md_escape(value) -> str:
    """Any value printed into report.md: HTML escaped (a CommonMark renderer passes raw HTML
    through, so metadata holding `<script>` would run) and Markdown's punctuation
    backslash-escaped (a `|` would break a table, `[x](y)` would make a link)."""
    if value is None:
        return ""
    text = html.escape(str(value), quote=False).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(meeting: str | None, comparisons: list[dict], notes: list[str] = ()) -> str:
    env = _env()
    env.autoescape = False
    env.finalize = md_escape
    return env.get_template("report.md.j2").render(meeting=meeting, comparisons=comparisons, notes=notes,
                                                     names=position_names())


def render_html(meeting: str | None, comparisons: list[dict], docs: list[tuple[Document, Document]], notes: list[str] = ()) -> str:
    views = []
    for i, (report, (da, db)) in enumerate(zip(comparisons, docs)):
        pair_a, pair_b = {}, {}
        for k, row in enumerate(report["aligned"]):
            ia = next(j for j, c in enumerate(da.claims) if c.start == row["a"]["start"] and c.end == row["a"]["end"])
            ib = next(j for j, c in enumerate(db.claims) if c.start == row["b"]["start"] and c.end == row["b"]["end"])
            pair_a.setdefault(ia, []).append(f"c{i}p{k}")
            pair_b.setdefault(ib, []).append(f"c{i}p{k}")
        views.append({"report": report, "seg_a": text_segments(da, f"c{i}a", pair_a), "seg_b": text_segments(db, f"c{i}b", pair_b)})
    return _env().get_template("report.html.j2").render(meeting=meeting, views=views, notes=notes,
                                                         names=position_names())


def render_index(rows: list[dict], view: dict | None = None) -> str:
    return _env().get_template("index.html.j2").render(rows=rows, view=view, names=position_names())





def compare_pair(doc_a: Document, doc_b: Document, embedder, model: str | None = None) -> dict:
    """Both documents must carry their claims already."""
    from .compare import align_documents

    return build_report(doc_a, doc_b, align_documents(doc_a, doc_b, embedder), model, getattr(embedder, "name", None))


def write_outputs(paths: dict[str, Path | None], meeting: str | None, comparisons: list[dict],
                  docs: list[tuple[Document, Document]], notes: list[str] = ()) -> None:
    import json

    if paths.get("json"):
        payload = comparisons[0] if len(comparisons) == 1 and meeting is None else {"meeting": meeting, "notes": list(notes), "comparisons": comparisons}
        write_text_atomic(paths["json"], json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    if paths.get("md"):
        write_text_atomic(paths["md"], render_markdown(meeting, comparisons, notes))
    if paths.get("html"):
        write_text_atomic(paths["html"], render_html(meeting, comparisons, docs, notes))


NO_MEETING = "(no meeting)"
VIEW_FIELDS = ("doc_id", "side", "meeting", "outlet", "date", "holder", "label", "positions")


def meeting_of(doc: Document) -> str:
    return doc.meta.get("meeting") or NO_MEETING


def meeting_reports(docs: Iterable[Document], out_dir: Path, embedder, model: str | None = None,
                    sizes: dict[str, int] | None = None) -> list[dict]:
    """reports/<meeting>/report.{html,md,json} for every meeting, and reports/index.html.
    Each Vietnamese-source account is compared with each Chinese-source one; a meeting with
    one side only gets a report that says so. `docs` (claimed documents) may stream: with
    `sizes` (articles per meeting), each meeting's report is written as soon as its last
    article arrives and its documents are let go, so memory follows the meetings still open,
    not the corpus. `out_dir` must be new, empty or a folder readout wrote: everything is
    written to a staging folder first, then moved in, replacing only what readout wrote
    there before (extractor/outputs.py)."""
    import shutil
    import tempfile

    from .outputs import check_output_folder, publish

    if sizes is None:
        docs = list(docs)
        sizes = Counter(meeting_of(d) for d in docs)
    out_dir = Path(out_dir).resolve()
    check_output_folder(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging.", dir=out_dir))
    os.chmod(staging, 0o777 & ~_umask())     # mkdtemp makes it 0700; reports are ordinary files
    try:
        rows = _write_meeting_reports(docs, sizes, staging, embedder, model)
        publish(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return rows


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_meeting_reports(docs: Iterable[Document], sizes: dict[str, int], out_dir: Path, embedder,
                           model: str | None) -> list[dict]:
    from .corpus_view import corpus_view

    used = {"index.html"}
    open_meetings: dict[str, list[Document]] = {}
    rows, view_claims = [], []
    for d in docs:
        meeting = meeting_of(d)
        group = open_meetings.setdefault(meeting, [])
        group.append(d)
        view_claims += [{k: r[k] for k in VIEW_FIELDS} for r in (claim_record(d, c) for c in d.claims)]
        if len(group) >= sizes.get(meeting, 0):
            rows.append(_write_meeting(meeting, open_meetings.pop(meeting), out_dir, embedder, model, used))
    for meeting, group in sorted(open_meetings.items()):    # fewer articles came than counted
        rows.append(_write_meeting(meeting, group, out_dir, embedder, model, used))
    rows.sort(key=lambda r: r["meeting"])
    view = corpus_view(view_claims, rows)
    write_text_atomic(out_dir / "index.html", render_index(rows, view))
    return rows


def _write_meeting(meeting: str, group: list[Document], out_dir: Path, embedder, model: str | None,
                   used: set[str]) -> dict:
    from .outputs import inside, safe_component

    vn = [d for d in group if d.meta.get("side") == "vn"]
    cn = [d for d in group if d.meta.get("side") == "cn"]
    pairs = [(a, b) for a in vn for b in cn]
    notes = []
    if any(d.meta.get("meeting_found") for d in group):
        notes.append(f"The corpus names no meeting for these articles; readout grouped them by date, the officials "
                     f"their leads name and the kind of contact (confidence {min(d.meta.get('meeting_confidence', 1.0) for d in group):.2f}; "
                     "`readout meetings`).")
    if not pairs:
        sides = sorted({d.meta.get("side") or "unknown" for d in group})
        notes.append(f"Only {' and '.join(sides)}-side accounts of this meeting are in the corpus "
                     f"({', '.join(d.id for d in group)}): nothing to compare.")
    comparisons = [compare_pair(a, b, embedder, model) for a, b in pairs]
    slug = safe_component(meeting, used)
    folder = out_dir / slug
    assert inside(folder, out_dir)
    write_outputs({"json": folder / "report.json", "md": folder / "report.md", "html": folder / "report.html"},
                  meeting, comparisons, pairs, notes)
    figures = [headline(c) for c in comparisons]
    return {"meeting": meeting, "href": f"{slug}/report.html", "vn": len(vn), "cn": len(cn),
            "comparisons": len(comparisons), "note": notes[0] if notes else "",
            **{k: sum(f[k] for f in figures) for k in ("aligned", "only_a", "only_b", "positions_both",
                                                        "positions_only_a", "positions_only_b")}}
