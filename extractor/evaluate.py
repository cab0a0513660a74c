"""Leave-one-article-out cross-validation of the tagger against the hand-labelled set, with
the rule baseline and the position linkers scored the same way."""
from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from . import scoring
from .artifacts import render_card, write_json
from .baseline import baseline_claims
from .config import ROOT, TaggerConfig
from .holders import attribute_holders
from .positions import link_positions, link_substring, link_text
from .segment import segment
from .standoff import load_gold
from .types import Claim, Document, PositionLink, Span


def system_scores(pairs: list[tuple[tuple, tuple]]) -> dict:
    """Every figure for one system on (gold claims, predicted claims) pairs."""
    out = {}
    for mode in ("strict", "overlap"):
        for holder in (False, True):
            out[f"{mode}_label" + ("_holder" if holder else "")] = scoring.score(pairs, mode, holder).as_dict()
    acc, n = scoring.holder_accuracy(pairs)
    out["holder_accuracy"] = {"accuracy": round(acc, 4), "matched": n}
    out["positions_end_to_end"] = scoring.position_counts(pairs).as_dict()
    return out


def linker_scores(gold: list[Document], linker) -> dict:
    """Position linking alone: the linker run on the gold spans."""
    pairs = [(d.claims, link_positions(d, linker).claims) for d in gold]
    return scoring.position_counts(pairs).as_dict()


def holder_scores(gold: list[Document]) -> dict:
    """Holder attribution alone: the rules run on the gold spans."""
    pairs = [(d.claims, attribute_holders(d).claims) for d in gold]
    acc, n = scoring.holder_accuracy(pairs)
    return {"accuracy": round(acc, 4), "claims": n}


def add_alignment(result: dict, gold: list[Document], preds: dict[str, Document]) -> None:
    """The comparator on the gold alignments (annotations/alignments.jsonl), on gold claims
    and end to end on the folds' predictions, into the result and its summary."""
    alignments = ROOT / "annotations" / "alignments.jsonl"
    if not alignments.exists():
        return
    from .alignment_eval import alignment_scores, load_alignments
    from .compare import Embedder

    al = alignment_scores(load_alignments(alignments), {d.id: d for d in gold}, preds, Embedder())
    result["alignment"] = al
    result["summary"]["alignment_f1_gold"] = al["on_gold_claims"]["f1"]
    result["summary"]["alignment_f1_end_to_end"] = al["end_to_end"]["f1"]
    result["summary"]["position_coverage_accuracy"] = al["position_coverage_accuracy"]


def rescore_alignment(path: Path, config: TaggerConfig, model_dir: Path | None = None) -> dict:
    """Alignment figures of a saved cross-validation recomputed from its stored fold
    predictions, after a change to the comparator only: no fold is retrained."""
    result = json.loads(Path(path).read_text(encoding="utf-8"))
    gold = load_gold(config.resolve("gold_dir"), config.resolve("corpus_dir"))
    stored = {f["doc_id"]: f["predictions"] for f in result["folds"]}
    preds = {d.id: segment(replace(d, claims=tuple(
        Claim(Span(p["start"], p["end"], p["label"], p["score"]), p["holder"], None,
              tuple(PositionLink(x) for x in p["positions"])) for p in stored[d.id]))) for d in gold}
    add_alignment(result, gold, preds)
    result["alignment"]["rescored"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_json(Path(path), result)
    _write_metrics(result, model_dir)
    return result


def cross_validate(config: TaggerConfig, out: Path | None = None, model_dir: Path | None = None,
                   progress: Callable[[str], None] | None = print) -> tuple[dict, Path]:
    from .pipeline import annotate
    from .tagger import ClaimTagger
    from .train import train

    gold = load_gold(config.resolve("gold_dir"), config.resolve("corpus_dir"))
    tagger_pairs, baseline_pairs, int8_pairs, folds, preds = [], [], [], [], {}
    for doc in gold:
        if progress:
            progress(f"fold {doc.id}: training on the other {len(gold) - 1} articles + authored texts")
        with tempfile.TemporaryDirectory() as tmp:
            path = train(config, gold_ids={d.id for d in gold if d.id != doc.id}, output_dir=Path(tmp) / "fold")
            tagger = ClaimTagger.load(path)
            bare = replace(doc, claims=())
            (pred,) = annotate([bare], tagger)
            (pred_int8,) = annotate([bare], tagger.quantized())
        base = link_positions(attribute_holders(baseline_claims(segment(bare))), link_substring)
        preds[doc.id] = pred
        tagger_pairs.append((doc.claims, pred.claims))
        int8_pairs.append((doc.claims, pred_int8.claims))
        baseline_pairs.append((doc.claims, base.claims))
        fold = scoring.score([(doc.claims, pred.claims)], "overlap", True).overall.as_dict()
        folds.append({"doc_id": doc.id, "gold": len(doc.claims), "predicted": len(pred.claims),
                      "overlap_label_holder": fold,
                      "predictions": [{"start": c.start, "end": c.end, "label": c.label, "holder": c.holder,
                                       "positions": list(c.position_ids), "score": round(c.score, 3)} for c in pred.claims]})
        if progress:
            progress(f"  {doc.id}: overlap F1 label+holder {fold['f1']:.3f} ({len(pred.claims)} predicted, {len(doc.claims)} gold)")
    tagger_s, base_s = system_scores(tagger_pairs), system_scores(baseline_pairs)
    linker, linker_base = linker_scores(gold, link_text), linker_scores(gold, link_substring)
    result = {
        "summary": {
            "overlap_f1_label_holder": tagger_s["overlap_label_holder"]["micro"]["f1"],
            "strict_f1_label_holder": tagger_s["strict_label_holder"]["micro"]["f1"],
            "overlap_f1_label": tagger_s["overlap_label"]["micro"]["f1"],
            "strict_f1_label": tagger_s["strict_label"]["micro"]["f1"],
            "holder_accuracy": tagger_s["holder_accuracy"]["accuracy"],
            "position_precision": tagger_s["positions_end_to_end"]["precision"],
            "position_recall": tagger_s["positions_end_to_end"]["recall"],
            "baseline_overlap_f1_label_holder": base_s["overlap_label_holder"]["micro"]["f1"],
            "int8_overlap_f1_label_holder": round(scoring.score(int8_pairs, "overlap", True).overall.f1, 4),
            "baseline_overlap_f1_label": base_s["overlap_label"]["micro"]["f1"],
            "linker_on_gold_f1": linker["f1"],
            "baseline_linker_on_gold_f1": linker_base["f1"],
        },
        "protocol": "leave-one-article-out over the gold set; authored texts join every fold's training",
        "command": "readout eval",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": config.to_dict(),
        "gold": {"documents": len(gold), "claims": sum(len(d.claims) for d in gold)},
        "tagger": tagger_s,
        "baseline": base_s,
        "holders_on_gold_spans": holder_scores(gold),
        "linking_on_gold_spans": {"alias_linker": linker, "substring_baseline": linker_base},
        "folds": folds,
    }
    add_alignment(result, gold, preds)
    if out is None:
        out = ROOT / "eval/results" / f"cv-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(out, result)
    _write_metrics(result, model_dir)
    return result, out


def _write_metrics(result: dict, model_dir: Path | None) -> None:
    """The summary into the model folder's metrics.json, and its card re-rendered."""
    if model_dir is not None and (Path(model_dir) / "training.json").exists():
        write_json(Path(model_dir) / "metrics.json", {k: result[k] for k in ("summary", "protocol", "command", "date", "gold")})
        render_card(Path(model_dir))


def print_report(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"cross-validation on {result['gold']['documents']} articles, {result['gold']['claims']} gold claims")
    table.add_column("scheme", no_wrap=True)
    for name in ("tagger", "baseline"):
        for m in ("P", "R", "F1"):
            table.add_column(f"{name} {m}", justify="right")
    for scheme in ("strict_label", "overlap_label", "strict_label_holder", "overlap_label_holder"):
        for lab in ["micro", *sorted(result["tagger"][scheme]["per_label"])]:
            row = [f"{scheme} {lab if lab != 'micro' else '(micro)'}"]
            for name in ("tagger", "baseline"):
                sc = result[name][scheme]
                c = sc["micro"] if lab == "micro" else sc["per_label"].get(lab, {"precision": 0, "recall": 0, "f1": 0})
                row += [f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}"]
            table.add_row(*row)
    console = Console(width=None if Console().is_terminal else 140)
    console.print(table)
    s = result["summary"]
    console.print(f"holder accuracy on matched claims: {s['holder_accuracy']:.3f}  "
                  f"(rules on gold spans: {result['holders_on_gold_spans']['accuracy']:.3f})")
    console.print(f"position links end to end: P {s['position_precision']:.3f} R {s['position_recall']:.3f}; "
                  f"on gold spans: alias linker F1 {s['linker_on_gold_f1']:.3f}, substring baseline F1 {s['baseline_linker_on_gold_f1']:.3f}")
    console.print(json.dumps(s, indent=1))
