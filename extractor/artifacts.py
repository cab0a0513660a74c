"""The model folder explains itself: weights, tokenizer, the resolved config, the data
snapshot, metrics, and a model card rendered from those files."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path

import yaml

from . import __version__, labels


def write_json(path: Path, data) -> None:
    from .outputs import write_text_atomic

    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def versions() -> dict[str, str]:
    import tokenizers
    import torch
    import transformers

    return {"readout": __version__, "python": platform.python_version(), "torch": torch.__version__,
            "transformers": transformers.__version__, "tokenizers": tokenizers.__version__}


def save_metadata(out: Path, config: dict, data: dict, train_seconds: float) -> None:
    (out / "training_config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    write_json(out / "training_config.json", config)
    write_json(out / "data.json", data)
    write_json(out / "training.json", {
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(train_seconds, 1), "versions": versions(), "labels": labels.VERSION,
        "tags": list(labels.TAGS),
    })
    render_card(out)


def render_card(out: Path) -> str:
    """README.md of a model folder, from its recorded files (metrics.json is written by eval/)."""
    cfg = json.loads((out / "training_config.json").read_text())
    data = json.loads((out / "data.json").read_text())
    run = json.loads((out / "training.json").read_text())
    metrics = json.loads((out / "metrics.json").read_text()) if (out / "metrics.json").exists() else None
    lines = [
        f"# {out.name}: readout claim tagger", "",
        "Token classification (BIO over COMMITMENT / POSITION / CALL, label set "
        f"`{run['labels']}`) fine-tuned from `{cfg['base_model']}` (all-MiniLM-L6-v2, 6 layers, 384 hidden).",
        "", "## Intended use",
        "Extracting the commitments, positions and calls that Vietnamese and Chinese officials make in",
        "English-language state-media reports of bilateral meetings, for research. Holder, speaker and",
        "position links are assigned by rules downstream (`extractor/holders.py`, `extractor/positions.py`).",
        "", "## Training data",
        f"- gold documents: {data['gold']['documents']} ({data['gold']['claims']} claims), hash `{data['gold']['hash']}`",
        f"- authored texts (project's own words): {data['authored']['documents']} ({data['authored']['claims']} claims), hash `{data['authored']['hash']}`",
        f"- windows: {data['windows']}; label counts: {json.dumps(data['label_counts'])}",
        "", "## Hyperparameters", "", *kv_table(cfg, "key"),
        "", "## Evaluation",
    ]
    if metrics:
        s = metrics.get("summary", {})
        lines += metrics_section(metrics, "cross-validation on the gold set", "readout eval")
        if len(metrics.get("ablation", {})) > 1:
            source = f" (`{metrics['ablation_run']}`)" if metrics.get("ablation_run") else ""
            lines += ["", f"Training mix, scored on the same held-out folds{source} (overlap F1 label+holder, sentence-level F1",
                      "label+holder, each with its 95% interval); the shipped model uses the mix marked:", "",
                      "| mix | overlap F1 l+h | sentence F1 l+h |", "|---|---|---|"]
            for mix, h in metrics["ablation"].items():
                ci, sci = h.get("overlap_f1_label_holder_ci", ["", ""]), h.get("sentence_f1_label_holder_ci", ["", ""])
                mark = " (shipped)" if mix == s.get("training_mix") else ""
                lines.append(f"| {mix}{mark} | {h['overlap_f1_label_holder']} [{ci[0]}, {ci[1]}] | "
                             f"{h['sentence_f1_label_holder']} [{sci[0]}, {sci[1]}] |")
    else:
        lines += ["Not evaluated yet: run `readout eval`."]
    lines += [
        "", "## Limits",
        f"- Trained on {data['gold']['documents']} real articles (English editions of Vietnamese and Chinese state",
        "  media, 2010-2025, mostly the first ~2,000 characters of each page) plus authored text: expect lower",
        "  scores on other outlets, genres and eras; read the figures against the inter-annotator agreement",
        "  in `annotations/AGREEMENT.md`.",
        "- English only; spans never cross sentence boundaries.",
        "", "## Provenance",
        f"- trained {run['trained_at']} in {run['train_seconds']} s",
        f"- versions: {json.dumps(run['versions'])}",
    ]
    return write_card(out, lines)


def kv_table(d: dict, key: str = "key") -> list[str]:
    return [f"| {key} | value |", "|---|---|", *[f"| {k} | {v} |" for k, v in d.items()]]


def metrics_section(metrics: dict, protocol: str, command: str) -> list[str]:
    """The evaluation a model folder's metrics.json records, as the card shows it."""
    return [f"{metrics.get('protocol', protocol)} (`{metrics.get('command', command)}`):", "",
            *kv_table(metrics.get("summary", {}), "metric")]


def write_card(out: Path, lines: list[str]) -> str:
    from .outputs import write_text_atomic

    text = "\n".join(lines) + "\n"
    write_text_atomic(out / "README.md", text)
    return text


def render_encoder_card(out: Path) -> str:
    """README.md of the comparator's encoder folder, from readout_training.json, the resolved
    comparator config it was trained for (comparator_config.json) and metrics.json (written by
    eval/alignment_real.py), as the tagger's card is rendered from its files."""
    meta = json.loads((out / "readout_training.json").read_text())
    settings = json.loads((out / "comparator_config.json").read_text()) if (out / "comparator_config.json").exists() else {}
    metrics = json.loads((out / "metrics.json").read_text()) if (out / "metrics.json").exists() else None
    cfg = meta["training"]
    lines = [
        f"# {out.name}: readout comparator encoder", "",
        f"`{meta['base_encoder']}` (all-MiniLM-L6-v2) fine-tuned with a multiple-negatives ranking loss on",
        f"{meta['triples']} claim triples written in the project's own words (`{cfg['pairs']}`, hash `{meta['data_hash']}`):",
        "the same point worded as Vietnamese and as Chinese state media word it, plus a hard negative.",
        "No real article text is in its training data.", "",
        "## Training", "", *kv_table(cfg), "",
        f"Trained in {meta['train_seconds']} s ({meta['steps']} steps).", "",
        "## Comparator settings it ships with (`comparator_config.json`)", "",
        *kv_table({k: v for k, v in settings.items() if k not in ("training", "intensifiers", "hedges")}), "",
        "## Evaluation", "",
        *(metrics_section(metrics, "the comparator on real pairs", "python eval/alignment_real.py") if metrics
          else ["Not evaluated yet: run `python eval/alignment_real.py`."]),
        "", "## Provenance", f"- versions: {json.dumps(meta.get('versions', {}))}",
    ]
    return write_card(out, lines)
