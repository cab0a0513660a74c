"""The hand-labelled set to and from the annotation tools researchers label with:
Label Studio (JSON tasks with a labelling config) and brat (standoff .txt/.ann with an
annotation.conf). Export then import gives back exactly the same claims."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

from . import labels
from .errors import AnnotationError
from .positions import position_ids
from .types import Document

FORMATS = ("label-studio", "brat")


# ---------------------------------------------------------------- Label Studio

def label_studio_config() -> str:
    """The labelling interface: claim labels on text spans; holder, speaker and positions per region."""
    lab = "".join(f'<Label value={quoteattr(l)}/>' for l in labels.LABELS)
    hold = "".join(f'<Choice value={quoteattr(h)}/>' for h in labels.HOLDERS)
    pos = "".join(f'<Choice value={quoteattr(p)}/>' for p in position_ids())
    return ("<View>\n"
            f'  <Labels name="label" toName="text">{lab}</Labels>\n'
            '  <Text name="text" value="$text"/>\n'
            '  <View visibleWhen="region-selected">\n'
            f'    <Choices name="holder" toName="text" perRegion="true" choice="single" required="true">{hold}</Choices>\n'
            '    <TextArea name="speaker" toName="text" perRegion="true" maxSubmissions="1"/>\n'
            f'    <Choices name="positions" toName="text" perRegion="true" choice="multiple">{pos}</Choices>\n'
            "  </View>\n</View>\n")


def utf16_offset(text: str, i: int) -> int:
    """A Python (code point) offset as Label Studio counts it: JavaScript's UTF-16 units,
    where a character beyond the Basic Multilingual Plane (an emoji) counts two."""
    return len(text[:i].encode("utf-16-le")) // 2


def from_utf16_offset(text: str, j: int) -> int:
    """The code point offset of a UTF-16 offset (the inverse of `utf16_offset`)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= j:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def to_label_studio(docs: list[Document], annotator: str = "readout") -> list[dict]:
    tasks = []
    for n, doc in enumerate(docs, 1):
        results = []
        for i, c in enumerate(doc.claims):
            # Label Studio's offsets are JavaScript string offsets (UTF-16 units)
            region = {"start": utf16_offset(doc.text, c.start), "end": utf16_offset(doc.text, c.end), "text": doc.slice(c)}
            rid = f"{doc.id}-{i}"
            results.append({"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                            "value": region | {"labels": [c.label]}})
            results.append({"id": rid, "from_name": "holder", "to_name": "text", "type": "choices",
                            "value": region | {"choices": [c.holder]}})
            if c.speaker:
                results.append({"id": rid, "from_name": "speaker", "to_name": "text", "type": "textarea",
                                "value": region | {"text": [c.speaker]}})
            if c.positions:
                results.append({"id": rid, "from_name": "positions", "to_name": "text", "type": "choices",
                                "value": region | {"choices": list(c.position_ids)}})
        data = {"text": doc.text, "doc_id": doc.id, "file": Path(doc.meta.path or doc.id + ".txt").name,
                **{k: getattr(doc.meta, k) for k in ("side", "outlet", "date", "meeting", "genre")}}
        # Label Studio takes `completed_by` only as one of its own user ids, so the annotators
        # travel in the task's data and come back from there on import
        data["readout_annotators"] = annotator
        tasks.append({"id": n, "data": data, "annotations": [{"result": results, "was_cancelled": False}]})
    return tasks


def _annotator(annotation: dict, data: dict) -> str:
    """Who made an annotation: readout's own name for it, else Label Studio's user (an id, or
    a dict with an email)."""
    if data.get("readout_annotators"):
        return str(data["readout_annotators"])
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return f"label-studio:{who}" if who not in (None, "") else "label-studio"


def submitted_annotation(task: dict, where: str) -> dict | None:
    """The annotation a task's claims come from: submitted ones only (not skipped, not a
    bare prediction), the most recently updated when there are several (said on stderr)."""
    usable = [a for a in task.get("annotations") or [] if not a.get("was_cancelled") and a.get("result") is not None]
    if not usable:
        return None
    usable.sort(key=lambda a: str(a.get("updated_at") or a.get("created_at") or ""))
    chosen = usable[-1]
    if len(usable) > 1:
        print(f"warning: {where}: task {task.get('id')} has {len(usable)} submitted annotations; taking "
              f"annotation {chosen.get('id', len(usable) - 1)} (the most recently updated)", file=sys.stderr)
    return chosen


def from_label_studio(tasks: list[dict], where: str) -> list[tuple[Document, dict]]:
    """(document, standoff dict) per task with a submitted annotation; a task with none
    (skipped, or holding only predictions) is left out with a warning, never imported as a
    document without claims."""
    if not isinstance(tasks, list):
        raise AnnotationError(f"{where}: expected a list of Label Studio tasks")
    out = []
    for t in tasks:
        data = t.get("data", {})
        if "text" not in data:
            raise AnnotationError(f"{where}: task {t.get('id')} has no data.text")
        doc = Document(id=str(data.get("doc_id") or t.get("id")), text=data["text"],
                       meta={k: data.get(k) for k in ("side", "outlet", "date", "meeting", "genre")} | {"path": data.get("file") or ""})
        annotation = submitted_annotation(t, where)
        if annotation is None:
            print(f"warning: {where}: task {t.get('id')} ({doc.id}) has no submitted annotation (skipped or only "
                  "predictions); not imported", file=sys.stderr)
            continue
        regions: dict[str, dict] = {}
        for r in annotation.get("result") or []:
            v = r.get("value", {})
            if r["id"] not in regions:     # a region's results share its offsets: converted once
                start, end = (None if v.get(k) is None else from_utf16_offset(doc.text, int(v[k])) for k in ("start", "end"))
                regions[r["id"]] = {"start": start, "end": end, "positions": []}
            reg = regions[r["id"]]
            if r.get("from_name") == "label":
                reg["label"] = (v.get("labels") or [None])[0]
            elif r.get("from_name") == "holder":
                reg["holder"] = (v.get("choices") or [None])[0]
            elif r.get("from_name") == "speaker":
                reg["speaker"] = (v.get("text") or [None])[0]
            elif r.get("from_name") == "positions":
                reg["positions"] = list(v.get("choices") or [])
        out.append((doc, {"annotators": [_annotator(annotation, data)], "claims": list(regions.values())}))
    return out


# ---------------------------------------------------------------- brat

def brat_conf() -> str:
    attrs = [f"Holder\tArg:<ENTITY>, Value:{'|'.join(labels.HOLDERS)}"] + [f"Position_{p}\tArg:<ENTITY>" for p in position_ids()]
    return "[entities]\n" + "\n".join(labels.LABELS) + "\n\n[relations]\n\n[events]\n\n[attributes]\n" + "\n".join(attrs) + "\n"


def to_brat(doc: Document) -> str:
    lines, a = [], 0
    for i, c in enumerate(doc.claims, 1):
        lines.append(f"T{i}\t{c.label} {c.start} {c.end}\t{doc.slice(c)}")
        a += 1
        lines.append(f"A{a}\tHolder T{i} {c.holder}")
        for p in c.position_ids:
            a += 1
            lines.append(f"A{a}\tPosition_{p} T{i}")
        if c.speaker:
            lines.append(f"#{i}\tAnnotatorNotes T{i}\tspeaker: {c.speaker}")
    return "\n".join(lines) + ("\n" if lines else "")


def from_brat(text: str, ann: str, where: str) -> list[dict]:
    claims: dict[str, dict] = {}
    for n, line in enumerate(ann.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if line.startswith("T"):
            m = re.fullmatch(r"(\w+) (\d+) (\d+)", parts[1])
            if not m:
                raise AnnotationError(f"{where}:{n}: expected 'LABEL START END' (one fragment), found {parts[1]!r}")
            claims[parts[0]] = {"label": m[1], "start": int(m[2]), "end": int(m[3]), "positions": []}
        elif line.startswith("A"):
            bits = parts[1].split()
            target = claims.get(bits[1])
            if target is None:
                raise AnnotationError(f"{where}:{n}: attribute on unknown annotation {bits[1]}")
            if bits[0] == "Holder":
                target["holder"] = bits[2]
            elif bits[0].startswith("Position_"):
                target["positions"].append(bits[0].removeprefix("Position_"))
        elif line.startswith("#") and len(parts) >= 3 and parts[2].startswith("speaker: "):
            claims[parts[1].split()[1]]["speaker"] = parts[2].removeprefix("speaker: ")
    return list(claims.values())


# ---------------------------------------------------------------- folders

def export(docs: list[Document], fmt: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "label-studio":
        (out / "label_config.xml").write_text(label_studio_config(), encoding="utf-8")
        path = out / "tasks.json"
        path.write_text(json.dumps(to_label_studio(docs), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return [out / "label_config.xml", path]
    if fmt == "brat":
        (out / "annotation.conf").write_text(brat_conf(), encoding="utf-8")
        written = [out / "annotation.conf"]
        for doc in docs:
            (out / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
            (out / f"{doc.id}.ann").write_text(to_brat(doc), encoding="utf-8")
            written += [out / f"{doc.id}.txt", out / f"{doc.id}.ann"]
        return written
    raise AnnotationError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")


def import_annotations(source: Path, out: Path, annotator: str | None = None) -> list[Document]:
    """Label Studio tasks.json or a brat folder -> standoff files plus the texts, in `out`
    (a folder `readout train --extra` accepts). Every claim is validated."""
    from .standoff import attach, write_gold

    if source.is_file() and source.suffix == ".json":
        pairs = from_label_studio(json.loads(source.read_text(encoding="utf-8")), str(source))
    elif source.is_dir() and list(source.glob("*.ann")):
        pairs = []
        for ann in sorted(source.glob("*.ann")):
            txt = ann.with_suffix(".txt")
            if not txt.exists():
                raise AnnotationError(f"{ann}: no {txt.name} beside it")
            text = txt.read_text(encoding="utf-8")
            pairs.append((Document(ann.stem, text, {"path": txt.name}),
                          {"annotators": [annotator or "brat"], "claims": from_brat(text, ann.read_text(encoding="utf-8"), str(ann))}))
    else:
        raise AnnotationError(f"{source}: expected a Label Studio export (.json) or a brat folder (*.ann + *.txt)")
    from .outputs import inside, safe_component

    out.mkdir(parents=True, exist_ok=True)
    docs, used = [], set()
    for doc, data in pairs:
        # a document id becomes a file name: made safe, so a crafted id ("../victim/x")
        # cannot write outside `out`, and two ids can never share a file
        stem = safe_component(doc.id, used)
        if stem != doc.id:
            print(f"warning: {source}: document id {doc.id!r} is not a safe file name; imported as {stem!r}",
                  file=sys.stderr)
        name = f"{stem}.txt"
        assert inside(out / name, out)
        existing = out / f"{stem}.json"
        if not data["claims"] and existing.exists() and json.loads(existing.read_text(encoding="utf-8")).get("claims"):
            print(f"warning: {source}: {doc.id} comes with no claims; the labelled {existing} is kept", file=sys.stderr)
            continue
        (out / name).write_text(doc.text, encoding="utf-8")
        doc = doc.with_(id=stem, meta=doc.meta | {"path": str(out / name)})
        claimed = attach(doc, {"claims": data["claims"], "annotators": data["annotators"]}, f"{source}:{doc.id}")
        write_gold(claimed, out / f"{stem}.json", annotator and [annotator] or data["annotators"])
        docs.append(claimed)
    return docs
