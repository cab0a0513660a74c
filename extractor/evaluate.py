"""Meeting-grouped cross-validation of the tagger over the real labelled articles, with the
rule baseline, the position linkers and an ablation of the training mix scored the same way."""
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
from .errors import AnnotationError
from .folds import FOLDS_FILE, load_folds, splits
from .standoff import load_gold
from .records import ClaimRecord
from .types import Document


def system_scores(pairs: list[tuple[tuple, tuple]], docs: list[Document] | None = None) -> dict:
    """Every figure for one system on (gold claims, predicted claims) pairs, one pair per
    article; with the articles (`docs`, same order), sentence-level figures and 95% bootstrap
    intervals over articles too."""
    out = {}
    for mode in ("strict", "overlap"):
        for holder in (False, True):
            out[f"{mode}_label" + ("_holder" if holder else "")] = scoring.score(pairs, mode, holder).as_dict()
    acc, n = scoring.holder_accuracy(pairs)
    out["holder_accuracy"] = {"accuracy": round(acc, 4), "matched": n}
    out["positions_end_to_end"] = scoring.position_counts(pairs).as_dict()
    out["positions_claim_level"] = scoring.position_counts(pairs, matched_only=False).as_dict()
    out["reference"] = scoring.reference_scores(pairs)
    if docs is None:
        return out
    per_doc = [scoring.sentence_counts(d, g, p) for d, (g, p) in zip(docs, pairs)]
    sent: dict[str, scoring.Counts] = {}
    for counts in per_doc:
        for k, c in counts.items():
            sent.setdefault(k, scoring.Counts()).add(c)
    out["sentence_label_holder"] = {"micro": sent["micro"].as_dict(),
                                    "per_label": {k: v.as_dict() for k, v in sorted(sent.items()) if k != "micro"}}
    ci = {}
    for key, mode, holder in (("overlap_f1_label_holder", "overlap", True), ("strict_f1_label_holder", "strict", True),
                              ("overlap_f1_label", "overlap", False)):
        rows = [scoring.score([pair], mode, holder).overall for pair in pairs]
        ci[key] = scoring.f1_interval(rows)
    ci["sentence_f1_label_holder"] = scoring.bootstrap_interval(
        [[c["micro"].tp for c in per_doc], [c["micro"].fp for c in per_doc], [c["micro"].fn for c in per_doc]])
    ci["position_f1"] = scoring.f1_interval([scoring.position_counts([pair], matched_only=False) for pair in pairs])
    hold = [scoring.holder_accuracy([pair]) for pair in pairs]
    ci["holder_accuracy"] = scoring.bootstrap_interval([[a * m for a, m in hold], [m for _, m in hold]],
                                                       scoring.ratio_statistic)
    out["intervals"] = {k: list(v) for k, v in ci.items()}
    return out


def headline(s: dict) -> dict:
    """The summary figures of one system's scores (the keys the bars read), with intervals."""
    out = {
        "overlap_f1_label_holder": s["overlap_label_holder"]["micro"]["f1"],
        "strict_f1_label_holder": s["strict_label_holder"]["micro"]["f1"],
        "overlap_f1_label": s["overlap_label"]["micro"]["f1"],
        "strict_f1_label": s["strict_label"]["micro"]["f1"],
        "sentence_f1_label_holder": s["sentence_label_holder"]["micro"]["f1"],
        "holder_accuracy": s["holder_accuracy"]["accuracy"],
        "position_precision": s["positions_end_to_end"]["precision"],
        "position_recall": s["positions_end_to_end"]["recall"],
        # claim level, end to end: unmatched claims' links count as missed or spurious
        "position_f1": s["positions_claim_level"]["f1"],
        **s.get("reference", {}),
    }
    out.update({f"{k}_ci": v for k, v in s["intervals"].items()})
    return out


def linker_scores(gold: list[Document], linker) -> dict:
    """Position linking alone: the linker run on the gold spans, claim level (one item per
    claim and id), with a 95% bootstrap interval over articles. The alias linkers learn
    nothing, so no fold is needed: each article's figure is already held out."""
    rows = [scoring.position_counts([(d.claims, link_positions(d, linker).claims)]) for d in gold]
    total = sum(rows, scoring.Counts())
    return total.as_dict() | {"f1_ci": list(scoring.f1_interval(rows))}


def linker_summary(gold: list[Document]) -> tuple[dict, dict]:
    """The alias linker and the substring baseline on gold spans, and their summary keys."""
    linker, base = linker_scores(gold, link_text), linker_scores(gold, link_substring)
    return {"alias_linker": linker, "substring_baseline": base}, {
        "linker_on_gold_f1": linker["f1"], "linker_on_gold_f1_ci": linker["f1_ci"],
        "linker_on_gold_precision": linker["precision"],
        "baseline_linker_on_gold_f1": base["f1"], "baseline_linker_on_gold_f1_ci": base["f1_ci"]}


def holder_scores(gold: list[Document]) -> dict:
    """Holder attribution alone: the rules run on the gold spans."""
    pairs = [(d.claims, attribute_holders(d).claims) for d in gold]
    acc, n = scoring.holder_accuracy(pairs)
    return {"accuracy": round(acc, 4), "claims": n}


def add_alignment(result: dict, gold: list[Document], preds: dict[str, Document], folds: list[list[str]] | None = None) -> None:
    """The comparator on the real pairs (the seed meeting and the two-sided corpus meetings),
    on gold claims and end to end on the folds' predictions, by meeting folds, into the result
    and its summary. The configured threshold is used as shipped: it was chosen on texts in
    our own words, so no real meeting has tuned it (eval/alignment_real.py also tunes it per fold)."""
    from .alignment_eval import grouped_alignment, real_pairs
    from .compare import Embedder

    docs = {d.id: d for d in gold}
    pairs = real_pairs(ROOT, docs)
    if not pairs:
        return
    folds = folds if folds is not None else load_folds(ROOT / FOLDS_FILE)
    al = grouped_alignment(pairs, docs, preds, Embedder(), folds, tune=False)
    result["alignment"] = al
    cross = al["cross_side"]
    result["summary"]["alignment_f1_gold"] = cross["on_gold"]["f1"]
    result["summary"]["alignment_f1_gold_ci"] = cross["on_gold"]["f1_ci"]
    result["summary"]["alignment_f1_end_to_end"] = cross["end_to_end"]["f1"]
    result["summary"]["alignment_f1_end_to_end_ci"] = cross["end_to_end"]["f1_ci"]
    result["summary"]["coverage_accuracy"] = cross.get("coverage_accuracy")
    result["summary"].pop("position_coverage_accuracy", None)


def stored_predictions(result: dict, gold: list[Document]) -> dict[str, Document]:
    """The held-out predictions a cross-validation result stored, as the gold documents
    carrying them (what each fold's model predicted for its held-out articles)."""
    stored = {f["doc_id"]: f["predictions"] for f in result.get("documents") or result["folds"]}
    return {d.id: segment(replace(d, claims=tuple(ClaimRecord.from_dict(p | {"doc_id": d.id}).to_claim()
                                                   for p in stored[d.id]))) for d in gold}


def rescore(path: Path, config: TaggerConfig, model_dir: Path | None = None) -> dict:
    """A saved cross-validation's figures recomputed from its stored fold predictions after a
    change to what follows the tagger (the position linker, the comparator): the stored spans
    and holders are kept, positions are linked again with the current linker, no fold is
    retrained."""
    result = json.loads(Path(path).read_text(encoding="utf-8"))
    gold = load_gold(config.resolve("gold_dir"), config.resolve("corpus_dir"))
    preds = {k: link_positions(d) for k, d in stored_predictions(result, gold).items()}
    result["summary"].update(headline(system_scores([(d.claims, preds[d.id].claims) for d in gold], gold)))
    linking, linking_summary = linker_summary(gold)
    result["summary"].update(linking_summary)
    result["linking_on_gold_spans"] = linking
    add_alignment(result, gold, preds)
    result["rescored"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_json(Path(path), result)
    _write_metrics(result, model_dir)
    return result


# Training mixes of the ablation: real articles of the training folds, our own-words texts, or both.
MIXES = ("real+own", "real", "own")


def _mix_config(config: TaggerConfig, mix: str) -> TaggerConfig:
    if mix == "real":
        return replace(config, authored=[])
    if not config.authored:
        raise ValueError(f"mix {mix!r} needs own-words texts, but the config's `authored` is empty")
    return config


def _shipped_mix(config: TaggerConfig) -> str:
    return "real+own" if config.authored else "real"


def _predict(config: TaggerConfig, mix: str, train_ids: set[str], docs: list[Document], int8: bool,
             progress: Callable[[int, int, float], None] | None = None) -> tuple[list[Document], list[Document]]:
    """Train one fold's model on `train_ids` (the real articles, per the mix) and tag `docs`."""
    from .pipeline import annotate
    from .tagger import ClaimTagger
    from .train import train

    with tempfile.TemporaryDirectory() as tmp:
        path = train(_mix_config(config, mix), gold_ids=set() if mix == "own" else train_ids,
                     output_dir=Path(tmp) / "fold", progress=progress)
        tagger = ClaimTagger.load(path)
        bare = [replace(d, claims=()) for d in docs]
        preds = annotate(bare, tagger)
        preds_int8 = annotate(bare, tagger.quantized()) if int8 else []
    return preds, preds_int8


PREDICTION_FIELDS = ("start", "end", "label", "holder", "speaker", "positions", "score")


def _prediction_rows(doc: Document) -> list[dict]:
    """A fold's predictions as stored in the result: claim records cut to what scoring needs."""
    return [ClaimRecord.of(doc, c).to_dict(only=PREDICTION_FIELDS) for c in doc.claims]


def cross_validate(config: TaggerConfig, out: Path | None = None, model_dir: Path | None = None,
                   progress: Callable[[str], None] | None = print, ablation: bool = True,
                   folds_file: Path | None = None) -> tuple[dict, Path]:
    """Meeting-grouped cross-validation over the real labelled articles (annotations/folds.json):
    each fold's model is trained on the other folds' articles (plus own-words texts, per the
    mix) and scored on the held-out meetings, micro-averaged over all held-out articles. With
    `ablation`, the other training mixes are scored on the same folds."""
    gold = load_gold(config.resolve("gold_dir"), config.resolve("corpus_dir"))
    folds_path = Path(folds_file) if folds_file else ROOT / FOLDS_FILE
    missing = [d.id for d in gold if not d.meta.meeting]
    if missing:
        raise AnnotationError(f"{', '.join(missing)}: no `meeting` in the manifest; the folds group articles by meeting")
    folds = load_folds(folds_path)
    split = splits({d.id: d.meta.meeting for d in gold}, folds)
    fold_no = {doc_id: i for i, (_, test) in enumerate(split) for doc_id in test}
    shipped = _shipped_mix(config)
    mixes = [shipped, *(m for m in MIXES if m != shipped)] if ablation else [shipped]
    preds: dict[str, dict[str, Document]] = {m: {} for m in mixes}
    int8: dict[str, Document] = {}
    for mix in mixes:
        if mix == "own":  # no real article in training: one model serves every fold
            if progress:
                progress(f"[{mix}] training once on own-words texts only, scoring all {len(gold)} articles")
            p, _ = _predict(config, mix, set(), gold, int8=False)
            preds[mix].update({d.id: d for d in p})
            continue
        for i, (train_ids, test_ids) in enumerate(split):
            held = [d for d in gold if d.id in test_ids]
            if progress:
                progress(f"[{mix}] fold {i + 1}/{len(split)}: training on {len(train_ids)} articles"
                         f"{' + own-words texts' if mix == 'real+own' else ''}, scoring {len(held)} held-out articles "
                         f"of {len(folds[i])} meetings")
            p, p8 = _predict(config, mix, train_ids, held, int8=mix == shipped)
            preds[mix].update({d.id: d for d in p})
            int8.update({d.id: d for d in p8})
            if progress:
                c = scoring.score([(d.claims, preds[mix][d.id].claims) for d in held], "overlap", True).overall
                progress(f"  fold {i + 1}: overlap F1 label+holder {c.f1:.3f} ({c.tp + c.fp} predicted, {c.tp + c.fn} gold)")
    base = {d.id: link_positions(attribute_holders(baseline_claims(segment(replace(d, claims=())))), link_substring)
            for d in gold}

    def scores(system: dict[str, Document], docs: list[Document] = gold) -> dict:
        return system_scores([(d.claims, system[d.id].claims) for d in docs], docs)

    tagger_s, base_s = scores(preds[shipped]), scores(base)
    linking, linking_summary = linker_summary(gold)
    summary = headline(tagger_s)
    summary.update({
        "baseline_overlap_f1_label_holder": base_s["overlap_label_holder"]["micro"]["f1"],
        "baseline_overlap_f1_label_holder_ci": base_s["intervals"]["overlap_f1_label_holder"],
        "baseline_overlap_f1_label": base_s["overlap_label"]["micro"]["f1"],
        "baseline_sentence_f1_label_holder": base_s["sentence_label_holder"]["micro"]["f1"],
        **int8_summary(gold, preds[shipped], int8),
        **linking_summary,
        "articles": len(gold),
        "meetings": len({d.meta.meeting for d in gold}),
        "training_mix": shipped,
    })
    by_side = {side: {"articles": len(docs), "tagger": headline(scores(preds[shipped], docs)),
                      "baseline_overlap_f1_label_holder": scores(base, docs)["overlap_label_holder"]["micro"]["f1"]}
               for side in ("vn", "cn") if (docs := [d for d in gold if d.meta.side == side])}
    result = {
        "summary": summary,
        "protocol": (f"meeting-grouped {len(folds)}-fold cross-validation over {len(gold)} real articles "
                     f"({FOLDS_FILE}); training mix {shipped!r}; figures micro-averaged over all held-out "
                     "articles, 95% percentile bootstrap intervals over articles (2000 resamples)"),
        "command": "readout eval",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": config.to_dict(),
        "gold": {"documents": len(gold), "claims": sum(len(d.claims) for d in gold),
                 "meetings": summary["meetings"]},
        "tagger": tagger_s,
        "baseline": base_s,
        "by_side": by_side,
        "ablation": {mix: headline(scores(preds[mix])) for mix in mixes},
        "holders_on_gold_spans": holder_scores(gold),
        "linking_on_gold_spans": linking,
        "folds": [{"fold": i, "meetings": folds[i], "documents": sorted(test)} for i, (_, test) in enumerate(split)],
        "documents": [{"doc_id": d.id, "fold": fold_no[d.id], "meeting": d.meta.meeting, "side": d.meta.side,
                       "gold": len(d.claims), "predicted": len(preds[shipped][d.id].claims),
                       "overlap_label_holder": scoring.score([(d.claims, preds[shipped][d.id].claims)],
                                                             "overlap", True).overall.as_dict(),
                       "predictions": _prediction_rows(preds[shipped][d.id]),
                       "int8_predictions": _prediction_rows(int8[d.id]) if d.id in int8 else None,
                       "ablation_predictions": {m: _prediction_rows(preds[m][d.id]) for m in mixes if m != shipped}}
                      for d in gold],
    }
    add_alignment(result, gold, preds[shipped], folds)
    if out is None:
        out = ROOT / "eval/results" / f"cv-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(out, result)
    _write_metrics(result, model_dir)
    return result, out


def int8_summary(gold: list[Document], fp32: dict[str, Document], int8: dict[str, Document]) -> dict:
    """The fast path against the accurate one on the same folds: its figures and the paired
    difference (int8 minus fp32) with a 95% bootstrap interval over articles."""
    if not all(d.id in int8 for d in gold):
        return {}
    out = {}
    for key, counts in (("overlap_f1_label_holder", lambda d, p: scoring.score([(d.claims, p.claims)], "overlap", True).overall),
                        ("sentence_f1_label_holder", lambda d, p: scoring.sentence_counts(d, d.claims, p.claims)["micro"])):
        fast = [counts(d, int8[d.id]) for d in gold]
        accurate = [counts(d, fp32[d.id]) for d in gold]
        diff, ci = scoring.paired_difference(fast, accurate)
        out[f"int8_{key}"] = round(sum(fast, scoring.Counts()).f1, 4)
        out[f"int8_{key}_difference"] = diff
        out[f"int8_{key}_difference_ci"] = list(ci)
    return out


def _write_metrics(result: dict, model_dir: Path | None) -> None:
    """The summary into the model folder's metrics.json, and its card re-rendered."""
    if model_dir is not None and (Path(model_dir) / "training.json").exists():
        keep = ("summary", "protocol", "command", "date", "gold", "ablation", "ablation_run", "by_side")
        metrics = {k: result[k] for k in keep if k in result}
        path = Path(model_dir) / "metrics.json"
        if len(metrics.get("ablation", {})) <= 1 and path.exists():
            # a run without the ablation (or a rescore) keeps the ablation the card reports, and its source
            before = json.loads(path.read_text(encoding="utf-8"))
            metrics |= {k: before[k] for k in ("ablation", "ablation_run") if k in before}
        write_json(path, metrics)
        render_card(Path(model_dir))


def _ci(s: dict, key: str) -> str:
    lo_hi = s.get(f"{key}_ci")
    return f"{s[key]:.3f} [{lo_hi[0]:.3f}, {lo_hi[1]:.3f}]" if lo_hi else f"{s[key]:.3f}"


def print_report(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    g = result["gold"]
    table = Table(title=f"cross-validation on {g['documents']} articles of {g.get('meetings', '?')} meetings, "
                        f"{g['claims']} gold claims (held-out folds, micro)")
    table.add_column("scheme", no_wrap=True)
    for name in ("tagger", "baseline"):
        for m in ("P", "R", "F1"):
            table.add_column(f"{name} {m}", justify="right")
    schemes = ["strict_label", "overlap_label", "strict_label_holder", "overlap_label_holder"]
    if "sentence_label_holder" in result["tagger"]:
        schemes.append("sentence_label_holder")
    for scheme in schemes:
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
    console.print("headline, with 95% bootstrap intervals over articles:")
    for key in ("overlap_f1_label_holder", "sentence_f1_label_holder", "strict_f1_label_holder", "holder_accuracy"):
        if key in s:
            console.print(f"  {key:28s} {_ci(s, key)}")
    if "baseline_overlap_f1_label_holder_ci" in s:
        console.print(f"  {'baseline overlap F1 l+h':28s} {_ci(s, 'baseline_overlap_f1_label_holder')}")
    if "int8_overlap_f1_label_holder_difference" in s:
        console.print(f"  int8 fast path: overlap F1 l+h {s['int8_overlap_f1_label_holder']:.3f} (difference "
                      f"{s['int8_overlap_f1_label_holder_difference']:+.3f} {s['int8_overlap_f1_label_holder_difference_ci']}), "
                      f"sentence F1 l+h {s['int8_sentence_f1_label_holder']:.3f} (difference "
                      f"{s['int8_sentence_f1_label_holder_difference']:+.3f} {s['int8_sentence_f1_label_holder_difference_ci']})")
    if "nervaluate_ent_type_f1" in s:
        console.print(f"  nervaluate, label+holder as type: ent_type F1 {s['nervaluate_ent_type_f1']:.3f} (the overlap "
                      f"convention), partial {s['nervaluate_partial_f1']:.3f}, strict {s['nervaluate_strict_f1']:.3f}")
    console.print(f"holder accuracy on matched claims: {s['holder_accuracy']:.3f}  "
                  f"(rules on gold spans: {result['holders_on_gold_spans']['accuracy']:.3f})")
    console.print(f"position links end to end, claim level: F1 {s['position_f1']:.3f} {s.get('position_f1_ci')} "
                  f"(on matched claims P {s['position_precision']:.3f} R {s['position_recall']:.3f}); on gold spans: "
                  f"alias linker F1 {s['linker_on_gold_f1']:.3f} {s.get('linker_on_gold_f1_ci')}, "
                  f"substring baseline F1 {s['baseline_linker_on_gold_f1']:.3f}")
    if result.get("by_side"):
        for side, v in result["by_side"].items():
            t = v["tagger"]
            console.print(f"source side {side} ({v['articles']} articles): overlap F1 l+h {_ci(t, 'overlap_f1_label_holder')}, "
                          f"sentence F1 l+h {_ci(t, 'sentence_f1_label_holder')}, baseline {v['baseline_overlap_f1_label_holder']:.3f}")
    if len(result.get("ablation", {})) > 1:
        abl = Table(title="training mix (same held-out folds)")
        for col in ("mix", "overlap F1 l+h", "sentence F1 l+h", "strict F1 l+h", "holder acc."):
            abl.add_column(col, justify="right" if col != "mix" else "left")
        for mix, h in result["ablation"].items():
            abl.add_row(mix + (" (shipped)" if mix == s.get("training_mix") else ""), _ci(h, "overlap_f1_label_holder"),
                        _ci(h, "sentence_f1_label_holder"), _ci(h, "strict_f1_label_holder"), _ci(h, "holder_accuracy"))
        console.print(abl)
    console.print(json.dumps(s, indent=1))
