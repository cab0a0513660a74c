"""The `readout` command line. Each command parses its arguments and calls one importable
function; heavy libraries (torch, transformers) are imported inside the commands so that
`readout --help` answers at once."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Claims, positions and framings in reports of Vietnam-China meetings.")

DEFAULT_MODEL = Path("models/tagger")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _model_dir(model: Optional[Path]) -> Path:
    from .config import repo_path

    if model is not None:
        return model
    local = DEFAULT_MODEL
    return local if local.exists() else repo_path(DEFAULT_MODEL)


@app.command()
def train(
    config: Annotated[Optional[Path], typer.Option(help="training config (default configs/tagger.yaml)")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="override a config key, e.g. --set lr=5.0e-5")] = [],
    out: Annotated[Optional[Path], typer.Option(help="model folder (default: the config's output_dir)")] = None,
):
    """Fine-tune the claim tagger on the hand-labelled set plus authored texts."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .config import load_tagger_config
    from .errors import ReadoutError
    from .train import train as run_train

    try:
        cfg = load_tagger_config(config, set_)
        with Progress(TextColumn("training"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
                      TextColumn("loss {task.fields[loss]:.3f}"), TimeElapsedColumn(), TimeRemainingColumn()) as bar:
            task = bar.add_task("train", total=None, loss=float("nan"))
            path = run_train(cfg, output_dir=out, progress=lambda s, t, l: bar.update(task, completed=s, total=t, loss=l))
    except ReadoutError as e:
        fail(str(e))
    import json
    secs = json.loads((path / "training.json").read_text())["train_seconds"]
    typer.echo(f"wrote {path} in {secs:.0f} s")


@app.command()
def extract(
    inputs: Annotated[list[Path], typer.Argument(help=".txt files, folders of .txt (with manifest.jsonl), or .jsonl/.csv/.parquet corpora")],
    out: Annotated[Path, typer.Option(help="claims file (JSONL, one claim per line)")] = Path("claims.jsonl"),
    side: Annotated[Optional[str], typer.Option(help="source side for inputs without one: vn or cn")] = None,
    meeting: Annotated[Optional[str], typer.Option(help="meeting id to record on every document")] = None,
    model: Annotated[Optional[Path], typer.Option(help="trained tagger folder (default models/tagger)")] = None,
):
    """Extract claims from articles into a JSONL file."""
    from .errors import ReadoutError

    for p in inputs:
        if not p.exists():
            fail(f"{p}: no such file or folder")
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Table

        from .articles import iter_documents
        from .pipeline import extract as run_extract
        from .tagger import ClaimTagger

        tagger = ClaimTagger.load(_model_dir(model))
        total = sum(1 for _ in iter_documents(inputs, side=side, meeting=meeting))
        console = Console(stderr=True)
        with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[doc]}"),
                      TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("extract", total=total, doc="")
            summary = run_extract(inputs, out, tagger, side, meeting, on_doc=lambda d: bar.update(task, advance=1, doc=d))
    except ReadoutError as e:
        fail(str(e))
    table = Table(title=f"{summary.claims} claims from {summary.documents} documents in {summary.seconds:.1f} s")
    table.add_column("document"); table.add_column("claims", justify="right")
    for doc_id, n in summary.per_doc.items():
        table.add_row(doc_id, str(n))
    console.print(table)
    lh = Table(title="claims by label and holder")
    lh.add_column("label"); lh.add_column("holder"); lh.add_column("claims", justify="right")
    for (label, holder), n in sorted(summary.per_label_holder.items(), key=lambda x: (x[0][0], str(x[0][1]))):
        lh.add_row(label, str(holder), str(n))
    console.print(lh)
    typer.echo(f"wrote {out}")
    if summary.failures:
        typer.echo(f"{len(summary.failures)} document(s) failed; see {out.with_name(out.stem + '.errors.jsonl')}", err=True)
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    config: Annotated[Optional[Path], typer.Option(help="training config used for every fold")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="override a config key")] = [],
    out: Annotated[Optional[Path], typer.Option(help="results JSON (default eval/results/cv-<date>.json)")] = None,
    model: Annotated[Optional[Path], typer.Option(help="model folder whose metrics.json and card get the figures")] = None,
):
    """Leave-one-article-out cross-validation of the tagger and the rule baseline."""
    from .config import load_tagger_config
    from .errors import ReadoutError
    from .evaluate import cross_validate, print_report

    try:
        cfg = load_tagger_config(config, set_)
        result, path = cross_validate(cfg, out, model_dir=model if model else _model_dir(None))
    except ReadoutError as e:
        fail(str(e))
    print_report(result)
    typer.echo(f"wrote {path}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
