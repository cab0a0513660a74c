"""Framing reports: one `Comparison` per pair of accounts (plain data first: its to_json() is
the JSON contract), then Markdown and HTML renderings of comparisons.

JSON keys: a, b (document info), aligned ({a, b, similarity, confidence, differences} with full
claims, most confident first),
only_a, only_b (claims), positions ({both, only_a, only_b, matrix}), balance, provenance.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .compare import Alignment, compare_settings, confidence
from .framing_analysis import balance, coverage, differences
from .positions import catalogue
from .outputs import write_text_atomic
from .records import claim_record
from .types import Document

DOC_KEYS = ("side", "outlet", "date", "meeting", "genre")


def doc_info(doc: Document) -> dict:
    return {"doc_id": doc.id, **{k: getattr(doc.meta, k) for k in DOC_KEYS}}


@dataclass(frozen=True)
class Comparison:
    """Two claimed accounts, the alignment of their claims (most confident first: the reader
    checks the doubtful ones at the bottom) and what made it: one record that to_json(),
    render_markdown(), render_html() and the CLI all print from. Build it with
    Comparison.build(); the constructor sorts `alignments` the same way."""
    doc_a: Document
    doc_b: Document
    alignments: tuple[Alignment, ...]
    model: str | None = None              # the claims tagger
    encoder: str | None = None            # the sentence encoder that aligned
    settings: dict = field(default_factory=dict, compare=False, hash=False)    # compare.yaml, as used
    generated: str = ""                   # ISO timestamp, UTC

    def __post_init__(self):
        object.__setattr__(self, "alignments", tuple(sorted(self.alignments, key=lambda p: (-p.similarity, p.a, p.b))))

    @classmethod
    def build(cls, doc_a: Document, doc_b: Document, alignments: Iterable[Alignment], model: str | None = None,
              encoder: str | None = None, settings: dict | None = None) -> "Comparison":
        settings = settings or compare_settings()
        return cls(doc_a, doc_b, tuple(alignments), model, encoder or settings["encoder"], settings,
                   datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def only_a(self) -> tuple[int, ...]:
        """Indices of A's claims that no alignment holds."""
        held = {p.a for p in self.alignments}
        return tuple(i for i in range(len(self.doc_a.claims)) if i not in held)

    @property
    def only_b(self) -> tuple[int, ...]:
        held = {p.b for p in self.alignments}
        return tuple(i for i in range(len(self.doc_b.claims)) if i not in held)

    def similarity(self, p: Alignment) -> float:
        return round(p.similarity, 4)

    def confidence(self, p: Alignment) -> float:
        return round(confidence(p.similarity, self.settings["calibration"]), 3)

    def to_json(self) -> dict:
        """The JSON contract (module docstring): a fresh dict each call."""
        da, db, settings = self.doc_a, self.doc_b, self.settings
        return {
            "a": doc_info(da),
            "b": doc_info(db),
            "aligned": [
                {"a": claim_record(da, da.claims[p.a]), "b": claim_record(db, db.claims[p.b]),
                 "similarity": self.similarity(p), "confidence": self.confidence(p),
                 "differences": differences(da, da.claims[p.a], db, db.claims[p.b], settings)}
                for p in self.alignments
            ],
            "only_a": [claim_record(da, da.claims[i]) for i in self.only_a],
            "only_b": [claim_record(db, db.claims[i]) for i in self.only_b],
            "positions": coverage(da, db),
            "balance": {"a": balance(da), "b": balance(db)},
            "provenance": {"readout_version": __version__, "claims_model": self.model, "encoder": self.encoder,
                           "threshold": settings["threshold"], "position_weight": settings["position_weight"],
                           "calibration": settings["calibration"], "generated": self.generated},
        }

    def headline(self) -> dict:
        """The figures the index page shows for one comparison."""
        positions = coverage(self.doc_a, self.doc_b)
        return {"aligned": len(self.alignments), "only_a": len(self.only_a), "only_b": len(self.only_b),
                "positions_both": len(positions["both"]),
                "positions_only_a": len(positions["only_a"]),
                "positions_only_b": len(positions["only_b"])}


def text_segments(doc: Document, prefix: str, pair_of: dict[int, list[str]]) -> list[dict]:
    """The article cut into plain pieces and claim pieces, for highlighting (escaped by the template)."""
    out, pos = [], 0
    for idx, c in sorted(enumerate(doc.claims), key=lambda ic: ic[1].start):
        if c.start < pos:
            continue
        out.append({"text": doc.text[pos:c.start]})
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


def render_markdown(meeting: str | None, comparisons: list[Comparison], notes: list[str] = (),
                    records: list[dict] | None = None) -> str:
    """`records`: the comparisons' to_json(), when the caller has them already."""
    env = _env()
    env.autoescape = False
    env.finalize = md_escape
    records = records if records is not None else [c.to_json() for c in comparisons]
    return env.get_template("report.md.j2").render(meeting=meeting, comparisons=records, notes=notes,
                                                     names=position_names())


def render_html(meeting: str | None, comparisons: list[Comparison], notes: list[str] = (),
                records: list[dict] | None = None) -> str:
    """Each claim of the two articles is marked with the pairs (c<comparison>p<row>) that hold
    it, by the alignments' claim indices: the rows of "What both reported" in the same order."""
    records = records if records is not None else [c.to_json() for c in comparisons]
    views = []
    for i, (c, record) in enumerate(zip(comparisons, records)):
        pair_a, pair_b = {}, {}
        for k, p in enumerate(c.alignments):
            pair_a.setdefault(p.a, []).append(f"c{i}p{k}")
            pair_b.setdefault(p.b, []).append(f"c{i}p{k}")
        views.append({"report": record, "seg_a": text_segments(c.doc_a, f"c{i}a", pair_a),
                      "seg_b": text_segments(c.doc_b, f"c{i}b", pair_b)})
    return _env().get_template("report.html.j2").render(meeting=meeting, views=views, notes=notes,
                                                         names=position_names())


def render_index(rows: list[dict], view: dict | None = None) -> str:
    return _env().get_template("index.html.j2").render(rows=rows, view=view, names=position_names())





def compare_pair(doc_a: Document, doc_b: Document, embedder, model: str | None = None) -> Comparison:
    """Both documents must carry their claims already."""
    from .compare import align_documents

    return Comparison.build(doc_a, doc_b, align_documents(doc_a, doc_b, embedder), model,
                            getattr(embedder, "name", None))


def write_outputs(paths: dict[str, Path | None], meeting: str | None, comparisons: list[Comparison],
                  notes: list[str] = ()) -> None:
    """The comparisons as JSON (one comparison without a meeting: its record alone; else
    {meeting, notes, comparisons}), Markdown and HTML, to whichever of the paths are given."""
    import json

    if not any(paths.get(k) for k in ("json", "md", "html")):
        return
    records = [c.to_json() for c in comparisons]
    if paths.get("json"):
        payload = records[0] if len(records) == 1 and meeting is None else {"meeting": meeting, "notes": list(notes), "comparisons": records}
        write_text_atomic(paths["json"], json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    if paths.get("md"):
        write_text_atomic(paths["md"], render_markdown(meeting, comparisons, notes, records))
    if paths.get("html"):
        write_text_atomic(paths["html"], render_html(meeting, comparisons, notes, records))


NO_MEETING = "(no meeting)"
VIEW_FIELDS = ("doc_id", "side", "meeting", "outlet", "date", "holder", "label", "positions")


def meeting_of(doc: Document) -> str:
    return doc.meta.meeting or NO_MEETING


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
    try:
        rows = _write_meeting_reports(docs, sizes, staging, embedder, model)
        publish(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return rows


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

    vn = [d for d in group if d.meta.side == "vn"]
    cn = [d for d in group if d.meta.side == "cn"]
    pairs = [(a, b) for a in vn for b in cn]
    notes = []
    if any(d.meta.meeting_found for d in group):
        notes.append(f"The corpus names no meeting for these articles; readout grouped them by date, the officials "
                     f"their leads name and the kind of contact (confidence {min(d.meta.meeting_confidence or 1.0 for d in group):.2f}; "
                     "`readout meetings`).")
    if not pairs:
        sides = sorted({d.meta.side or "unknown" for d in group})
        notes.append(f"Only {' and '.join(sides)}-side accounts of this meeting are in the corpus "
                     f"({', '.join(d.id for d in group)}): nothing to compare.")
    comparisons = [compare_pair(a, b, embedder, model) for a, b in pairs]
    slug = safe_component(meeting, used)
    folder = out_dir / slug
    assert inside(folder, out_dir)
    write_outputs({"json": folder / "report.json", "md": folder / "report.md", "html": folder / "report.html"},
                  meeting, comparisons, notes)
    figures = [c.headline() for c in comparisons]
    return {"meeting": meeting, "href": f"{slug}/report.html", "vn": len(vn), "cn": len(cn),
            "comparisons": len(comparisons), "note": notes[0] if notes else "",
            **{k: sum(f[k] for f in figures) for k in ("aligned", "only_a", "only_b", "positions_both",
                                                        "positions_only_a", "positions_only_b")}}
