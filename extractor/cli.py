"""The `readout` command line. Each command parses its arguments and calls one importable
function; heavy libraries (torch, transformers) are imported inside the commands so that
`readout --help` answers at once."""
from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def errors_as_lines():
    """A ReadoutError (bad input, config, model or annotation) ends the command with its one
    line and exit status 2, never a traceback."""
    from .errors import ReadoutError

    try:
        yield
    except ReadoutError as e:
        fail(str(e))


PRECISION_HELP = ("the tagger in int8 (dynamic quantisation; the default: 3.5 times the fp32 speed on the real "
                  "articles, F1 at most 0.01 below fp32 on the same folds, eval/README.md) or in fp32")


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
    extra: Annotated[list[Path], typer.Option(help="extra folder of standoff files with their .txt (from `readout annotations import`)")] = [],
    only: Annotated[Optional[str], typer.Option(help="train only the `tagger` or only the comparator's `encoder`")] = None,
):
    """Fine-tune the claim tagger on the hand-labelled set plus authored texts, then the
    comparator's sentence encoder on claim pairs in our own words (configs/compare.yaml)."""
    import json

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    if only not in (None, "tagger", "encoder"):
        fail(f"--only {only!r}: expected tagger or encoder")

    def bar(what: str):
        return Progress(TextColumn(what), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
                        TextColumn("loss {task.fields[loss]:.3f}"), TimeElapsedColumn(), TimeRemainingColumn())

    with errors_as_lines():
        if only in (None, "tagger"):
            from .config import load_tagger_config
            from .train import train as run_train

            cfg = load_tagger_config(config, set_ + ([f"extra=[{','.join(str(p.resolve()) for p in extra)}]"] if extra else []))
            with bar("training the tagger") as progress:
                task = progress.add_task("train", total=None, loss=float("nan"))
                path = run_train(cfg, output_dir=out, progress=lambda s, t, l: progress.update(task, completed=s, total=t, loss=l))
            secs = json.loads((path / "training.json").read_text())["train_seconds"]
            typer.echo(f"wrote {path} in {secs:.0f} s")
        if only in (None, "encoder"):
            from .compare import compare_settings
            from .embed_train import train_encoder

            with bar("training the comparator's encoder") as progress:
                task = progress.add_task("train", total=None, loss=float("nan"))
                path = train_encoder(compare_settings(), progress=lambda s, t, l: progress.update(task, completed=s, total=t, loss=l))
            secs = json.loads((path / "readout_training.json").read_text())["train_seconds"]
            typer.echo(f"wrote {path} in {secs:.0f} s")


@app.command()
def extract(
    inputs: Annotated[list[Path], typer.Argument(help=".txt files, folders of .txt (with manifest.jsonl), or .jsonl/.csv/.parquet corpora")],
    out: Annotated[Path, typer.Option(help="claims file: .jsonl (one claim per line), .csv or .parquet")] = Path("claims.jsonl"),
    format_: Annotated[Optional[str], typer.Option("--format", help="jsonl, csv or parquet (default: from --out's extension)")] = None,
    overwrite: Annotated[bool, typer.Option(help="start afresh instead of resuming an unfinished run")] = False,
    batch: Annotated[int, typer.Option(help="documents per model call")] = 8,
    shard: Annotated[Optional[str], typer.Option(help="K/N: only the K-th of N disjoint, deterministic shards (for job arrays)")] = None,
    int8: Annotated[bool, typer.Option("--int8/--fp32", help=PRECISION_HELP)] = True,
    engine: Annotated[str, typer.Option(help="local (one process, resumable) or ray (a Ray Data job; pip install readout[ray])")] = "local",
    ray_address: Annotated[Optional[str], typer.Option(help="address of an existing Ray cluster (default: start a local one)")] = None,
    workers: Annotated[int, typer.Option(help="Ray actors, each with its own copy of the tagger")] = 1,
    side: Annotated[Optional[str], typer.Option(help="source side for inputs without one: vn or cn")] = None,
    meeting: Annotated[Optional[str], typer.Option(help="meeting id to record on every document")] = None,
    model: Annotated[Optional[Path], typer.Option(help="trained tagger folder (default models/tagger)")] = None,
):
    """Extract claims from articles into a JSONL file."""
    _require(inputs)
    if engine not in ("local", "ray"):
        fail(f"--engine {engine!r}: expected local or ray")
    with errors_as_lines():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Table

        from .articles import count_documents
        from .outputs import check_output_file
        from .runs import extract as run_extract
        from .runs import output_format, parse_shard

        shard_spec = parse_shard(shard)          # options first: a typo costs no model load
        output_format(out, format_)
        check_output_file(out)
        run_engine = _engine(engine, model, int8, batch, workers, ray_address)
        total = count_documents(inputs) if shard_spec is None else None
        console = Console(stderr=True)
        with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[doc]}"),
                      TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("extract", total=total, doc="")
            summary = run_extract(inputs, out, run_engine, side, meeting, overwrite=overwrite, fmt=format_,
                                  shard=shard_spec, on_doc=lambda d: bar.update(task, advance=1, doc=d))
    failed = (f"{len(summary.failures)} document(s) failed; see {out.with_name(out.name + '.errors.jsonl')}"
              if summary.failures else None)
    if summary.resumed == -1:
        typer.echo(f"{out} is already complete for these inputs and this model (no document changed); "
                   "--overwrite to redo it")
        if failed:
            fail(failed + " (they are tried again on every run)", 1)
        return
    if summary.previous:
        what = "an unfinished run" if summary.previous != "complete" else "a finished run"
        typer.echo(f"continued {what}: {summary.resumed} document(s) kept, {summary.changed} changed since and "
                   f"processed again, {summary.removed} no longer in the inputs (their claims dropped)", err=True)
    console.print(f"{summary.claims} claims from {summary.documents} documents in {summary.seconds:.1f} s"
                  + (f" ({engine}, {workers} worker(s))" if engine == "ray" else ""))
    table = Table(title="claims per document")
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
    if failed:
        fail(failed, 1)


def _engine(engine: str, model: Optional[Path], int8: bool, batch: int, workers: int, address: Optional[str]):
    """The engine a run annotates with: the pipeline in this process, or Ray."""
    if engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            fail("--engine ray needs Ray: pip install 'readout[ray]'")
        from .ray_engine import RayEngine
        from .tagger import require_model

        model_dir = require_model(_model_dir(model))  # fail here, once, rather than in every actor
        return RayEngine(model_dir, workers, address, int8, batch)
    from .pipeline import LocalEngine
    from .tagger import ClaimTagger

    return LocalEngine(ClaimTagger.load(_model_dir(model), quantize=int8), batch)


@app.command("eval")
def eval_(
    config: Annotated[Optional[Path], typer.Option(help="training config used for every fold")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="override a config key")] = [],
    out: Annotated[Optional[Path], typer.Option(help="results JSON (default eval/results/cv-<date>.json)")] = None,
    model: Annotated[Optional[Path], typer.Option(help="model folder whose metrics.json and card get the figures")] = None,
    rescore_file: Annotated[Optional[Path], typer.Option("--rescore", "--rescore-alignment", help="a saved results JSON: recompute its figures from the stored fold predictions after a change to the position linker or the comparator (no retraining)")] = None,
    ablation: Annotated[bool, typer.Option(help="also score the other training mixes (real only, real + own words, own words only) on the same folds")] = True,
    folds: Annotated[Optional[Path], typer.Option(help="folds file (default annotations/folds.json)")] = None,
):
    """Meeting-grouped cross-validation of the tagger and the rule baseline on the real labelled articles."""
    from .config import load_tagger_config
    from .evaluate import cross_validate, print_report
    from .evaluate import rescore

    with errors_as_lines():
        cfg = load_tagger_config(config, set_)
        if rescore_file is not None:
            if not rescore_file.exists():
                fail(f"{rescore_file}: no such results file")
            s = rescore(rescore_file, cfg, model if model else _model_dir(None))["summary"]
            if "nervaluate_ent_type_f1" in s:
                typer.echo(f"tagger: overlap F1 label+holder {s['overlap_f1_label_holder']:.3f}; nervaluate ent_type "
                           f"{s['nervaluate_ent_type_f1']:.3f}, partial {s['nervaluate_partial_f1']:.3f}, strict "
                           f"{s['nervaluate_strict_f1']:.3f}; project strict {s['strict_f1_label_holder']:.3f}")
            typer.echo(f"positions: alias linker on gold spans F1 {s['linker_on_gold_f1']:.3f} {s['linker_on_gold_f1_ci']} "
                       f"(substring baseline {s['baseline_linker_on_gold_f1']:.3f}); end to end, claim level, "
                       f"F1 {s['position_f1']:.3f} {s['position_f1_ci']}")
            typer.echo(f"real cross-side pairs: alignment F1 on gold claims {s['alignment_f1_gold']:.3f} "
                       f"{s['alignment_f1_gold_ci']}, end to end {s['alignment_f1_end_to_end']:.3f} "
                       f"{s['alignment_f1_end_to_end_ci']}; coverage accuracy {s['coverage_accuracy']:.3f}")
            typer.echo(f"wrote {rescore_file}")
            return
        result, path = cross_validate(cfg, out, model_dir=model if model else _model_dir(None), ablation=ablation,
                                      folds_file=folds)
    print_report(result)
    typer.echo(f"wrote {path}")


def _require(inputs: list[Path]) -> None:
    """Before any work: every input path is there."""
    for p in inputs:
        if not p.exists():
            fail(f"{p}: no such file or folder")


def _readable(inputs: list[Path], side=None, meeting=None, quiet: bool = False):
    """The documents of the inputs; each one that cannot be read is one line on stderr
    (`quiet`: already said by an earlier pass over the same inputs)."""
    from .articles import Failure, iter_documents

    for item in iter_documents(inputs, side=side, meeting=meeting):
        if not isinstance(item, Failure):
            yield item
        elif not quiet:
            typer.echo(f"error: {item.message}", err=True)


def _claimed_documents(inputs: list[Path], model: Optional[Path], side=None, meeting=None, tagger=None, int8: bool = True):
    """Load and extract every input document (reads them all: a report needs whole meetings)."""
    from .pipeline import annotate
    from .tagger import ClaimTagger

    tagger = tagger or ClaimTagger.load(_model_dir(model), quantize=int8)
    docs = list(_readable(inputs, side, meeting))
    return annotate(docs, tagger) if docs else [], tagger.name


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="account A: a .txt file, or a doc id of --corpus")],
    b: Annotated[str, typer.Argument(help="account B: a .txt file, or a doc id of --corpus")],
    corpus: Annotated[Optional[Path], typer.Option(help="corpus in which A and B are doc ids")] = None,
    json_: Annotated[Optional[Path], typer.Option("--json", help="write the comparison as JSON")] = None,
    html: Annotated[Optional[Path], typer.Option(help="write a self-contained HTML report")] = None,
    md: Annotated[Optional[Path], typer.Option(help="write a Markdown report")] = None,
    model: Annotated[Optional[Path], typer.Option(help="trained tagger folder")] = None,
    int8: Annotated[bool, typer.Option("--int8/--fp32", help=PRECISION_HELP)] = True,
):
    """Align the claims of two accounts and report what both, or only one, reported."""
    with errors_as_lines():
        from .compare import Embedder
        from .framing import compare_pair, write_outputs

        if corpus is None:
            for p in (a, b):
                if not Path(p).exists():
                    fail(f"{p}: no such file (give --corpus to name documents by id)")
            # each account read on its own: the same file twice (a sanity check) or two files
            # with the same name in different folders are two accounts, not a duplicate id
            from .tagger import ClaimTagger

            tagger = ClaimTagger.load(_model_dir(model), quantize=int8)
            docs, name = [], tagger.name
            for p in (a, b):
                docs += _claimed_documents([Path(p)], model, tagger=tagger)[0][:1]
            if len(docs) == 2 and docs[0].id == docs[1].id:
                docs = [docs[0].with_(id=f"{docs[0].id} (A)"), docs[1].with_(id=f"{docs[1].id} (B)")]
        else:
            everything, name = _claimed_documents([corpus], model, int8=int8)
            by_id = {d.id: d for d in everything}
            for key in (a, b):
                if key not in by_id:
                    fail(f"{corpus}: no document with id {key!r}; ids: {', '.join(sorted(by_id))}")
            docs = [by_id[a], by_id[b]]
        if len(docs) != 2:
            fail("both accounts must be readable documents")
        comparison = compare_pair(docs[0], docs[1], Embedder(), name)
        write_outputs({"json": json_, "html": html, "md": md}, None, [comparison])
    if not (json_ or html or md):
        _print_comparison(comparison)
    else:
        typer.echo(" ".join(f"{k}={v}" for k, v in comparison.headline().items()))


def _print_comparison(comparison) -> None:
    """The comparison (a framing.Comparison) on screen: its claims from the documents it holds,
    the figures (similarity, confidence, differences, positions) as its JSON record has them."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    record = comparison.to_json()
    da, db = comparison.doc_a, comparison.doc_b

    def said(doc, i):
        claim = doc.claims[i]
        return f"{claim.label}/{claim.holder}: {doc.slice(claim)}"

    console.print(f"[bold]A[/] {da.id} ({da.meta.side}, {da.meta.outlet})  [bold]B[/] {db.id} ({db.meta.side}, {db.meta.outlet})")
    t = Table(title="what both reported")
    for col in ("A", "B", "sim", "conf.", "differences"):
        t.add_column(col)
    for p, row in zip(comparison.alignments, record["aligned"]):
        d = row["differences"]
        diffs = [f"label {d['label']['a']}->{d['label']['b']}" if d["label"] else "",
                 f"holder {d['holder']['a']}->{d['holder']['b']}" if d["holder"] else "",
                 ("only A: " + ", ".join(d["positions_only_a"] + d["intensifiers_only_a"])) if d["positions_only_a"] or d["intensifiers_only_a"] else "",
                 ("only B: " + ", ".join(d["positions_only_b"] + d["intensifiers_only_b"])) if d["positions_only_b"] or d["intensifiers_only_b"] else ""]
        t.add_row(said(da, p.a), said(db, p.b), f"{row['similarity']:.2f}", f"{row['confidence']:.2f}",
                  "; ".join(x for x in diffs if x))
    console.print(t)
    for doc, indices, title in ((da, comparison.only_a, "only in A"), (db, comparison.only_b, "only in B")):
        t = Table(title=title)
        t.add_column("label"); t.add_column("holder"); t.add_column("claim")
        for i in indices:
            claim = doc.claims[i]
            t.add_row(claim.label, str(claim.holder), doc.slice(claim))
        console.print(t)
    p = record["positions"]
    console.print(f"positions in both: {', '.join(p['both']) or '-'}; only A: {', '.join(p['only_a']) or '-'}; only B: {', '.join(p['only_b']) or '-'}")


@app.command()
def report(
    inputs: Annotated[list[Path], typer.Argument(help="corpus: folders of .txt with manifest.jsonl, or corpus files")],
    out: Annotated[Path, typer.Option(help="folder for reports/<meeting>/report.{html,md,json} and index.html")] = Path("reports"),
    model: Annotated[Optional[Path], typer.Option(help="trained tagger folder")] = None,
    int8: Annotated[bool, typer.Option("--int8/--fp32", help=PRECISION_HELP)] = True,
):
    """Framing reports for every meeting with accounts from both sides."""
    _require(inputs)
    with errors_as_lines():
        from collections import Counter

        from .compare import Embedder
        from .framing import meeting_of, meeting_reports
        from .meetings import LEAD_CHARS, assign, find_meetings
        from .pipeline import annotate, batched
        from .tagger import ClaimTagger

        # pass 1 keeps only each article's lead and metadata: enough to group the articles
        # without a meeting value into meetings and to count each meeting's articles
        leads = [d.with_(text=d.text[:LEAD_CHARS], sentences=(), claims=()) for d in _readable(inputs)]
        found = find_meetings(leads)
        sizes = Counter(meeting_of(d) for d in assign(leads, found))
        del leads
        tagger = ClaimTagger.load(_model_dir(model), quantize=int8)

        def claimed():   # pass 2 streams: each meeting's report is written once its articles are in
            for batch in batched(_readable(inputs, quiet=True), 16):
                yield from annotate(assign(batch, found), tagger)

        rows = meeting_reports(claimed(), out, Embedder(), tagger.name, sizes=sizes)
    for r in rows:
        typer.echo(f"{r['meeting']}: {r['comparisons']} comparison(s), {r['aligned']} aligned, "
                   f"{r['only_a']} only VN, {r['only_b']} only CN{' - ' + r['note'] if r['note'] else ''}")
    typer.echo(f"wrote {out / 'index.html'}")


@app.command()
def text(
    inputs: Annotated[list[Path], typer.Argument(help="the inputs given to `readout extract`")],
    id_: Annotated[Optional[str], typer.Option("--id", help="print this document's text to stdout")] = None,
    out: Annotated[Optional[Path], typer.Option(help="write every document as a JSONL line {doc_id, text, sha256, ...}")] = None,
):
    """The texts claim offsets index: each article as readout read it (byte-order mark dropped,
    line ends unified to \\n, HTML reduced to its visible text), with the sha256 the claims'
    sidecar records. `text[start:end]` of a claim counts Python code points in this text."""
    import json

    from .outputs import atomic

    if (id_ is None) == (out is None):
        fail("give --id DOC to print one text, or --out FILE to write them all")

    with errors_as_lines():
        if id_ is not None:
            doc = next((d for d in _readable(inputs) if d.id == id_), None)
            if doc is None:
                fail(f"no document with id {id_!r} in {', '.join(map(str, inputs))}")
            sys.stdout.write(doc.text)
            return
        written = 0
        with atomic(out) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            for d in _readable(inputs):
                fh.write(json.dumps({"doc_id": d.id, "text": d.text, "sha256": d.meta.sha256,
                                     "source": d.meta.path, "characters": len(d.text),
                                     "utf16_units": len(d.text.encode("utf-16-le")) // 2}, ensure_ascii=False) + "\n")
                written += 1
    typer.echo(f"wrote {written} texts to {out}")


@app.command()
def meetings(
    inputs: Annotated[list[Path], typer.Argument(help="corpus: folders of .txt with manifest.jsonl, or corpus files")],
    out: Annotated[Path, typer.Option(help="one line per meeting: its id, articles, confidence and evidence")] = Path("meetings.jsonl"),
    window_days: Annotated[int, typer.Option(help="the most days apart two accounts of one meeting may be dated")] = 3,
):
    """Group the articles of a corpus into meetings where it names none (a given `meeting` wins)."""
    import json

    from .meetings import find_meetings
    from .outputs import write_text_atomic

    _require(inputs)
    with errors_as_lines():
        docs = list(_readable(inputs))
        found = find_meetings(docs, window_days=window_days)
    write_text_atomic(out, "".join(json.dumps(m.record(), ensure_ascii=False) + "\n" for m in found))
    grouped = [m for m in found if not m.given]
    typer.echo(f"{len(docs)} articles in {len(found)} meetings ({len(found) - len(grouped)} named by the corpus, "
               f"{len(grouped)} found); wrote {out}")


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help="which record: claim")] = "claim",
    validate: Annotated[Optional[Path], typer.Option(help="check a claims file (.jsonl, .csv, .parquet) against the schema")] = None,
):
    """Print the JSON Schema of a record readout writes, or check a file against it."""
    import json

    from .schema import load_schema, schema_errors

    with errors_as_lines():
        doc = load_schema(name)
        if validate is None:
            typer.echo(json.dumps(doc, indent=2))
            return
        from .exports import read_claims

        rows = read_claims(validate)
    errors = schema_errors(rows, name)
    for line in errors:
        typer.echo(f"{validate}: {line}", err=True)
    if errors:
        raise typer.Exit(1)
    typer.echo(f"{validate}: {len(rows)} {name} records, all valid")


@app.command()
def merge(
    shards: Annotated[list[Path], typer.Argument(help="outputs of `readout extract --shard K/N`, one per K")],
    out: Annotated[Path, typer.Option(help="merged claims file (.jsonl, .csv or .parquet)")] = Path("claims.jsonl"),
):
    """Join shard outputs, checking that no shard or document is missing or doubled."""
    from .runs import merge as run_merge

    with errors_as_lines():
        s = run_merge(shards, out)
    typer.echo(f"merged {s['shards']} shards: {s['documents']} documents, {s['claims']} claims into {out}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def bench(ctx: typer.Context):
    """Speed benchmark (extractor/bench.py; --help for its options): extraction vs the naive
    pipeline and the bare forward pass, on the real articles."""
    from .bench import main as run_bench

    run_bench(list(ctx.args))


annotations_app = typer.Typer(no_args_is_help=True, help="Move the hand-labelled set to and from annotation tools.")
export_app = typer.Typer(no_args_is_help=True, help="Write claims in the shapes other analysis tools read.")
app.add_typer(annotations_app, name="annotations")
app.add_typer(export_app, name="export")


@annotations_app.command("export")
def annotations_export(
    format_: Annotated[str, typer.Option("--format", help="label-studio or brat")],
    out: Annotated[Path, typer.Option(help="folder to write")],
    gold: Annotated[Path, typer.Option(help="standoff folder")] = Path("annotations/gold"),
    corpus: Annotated[Path, typer.Option(help="folder with the documents' text")] = Path("../shared/seeds"),
):
    """Export standoff annotations (with the documents' text) for Label Studio or brat."""
    from .interchange import export
    from .standoff import load_gold

    with errors_as_lines():
        written = export(load_gold(gold, corpus), format_, out)
    typer.echo(f"wrote {len(written)} file(s) to {out}")


@annotations_app.command("import")
def annotations_import(
    source: Annotated[Path, typer.Argument(help="Label Studio export (.json) or brat folder")],
    out: Annotated[Path, typer.Option(help="folder for standoff files and texts (give it to `readout train --extra`)")],
    annotator: Annotated[Optional[str], typer.Option(help="name recorded as the annotator")] = None,
):
    """Import Label Studio or brat annotations as validated standoff files."""
    from .interchange import import_annotations

    if not source.exists():
        fail(f"{source}: no such file or folder")
    with errors_as_lines():
        docs = import_annotations(source, out, annotator)
    typer.echo(f"imported {sum(len(d.claims) for d in docs)} claims on {len(docs)} document(s) into {out}")


def _export(claims: Path, out: Path, write) -> str:
    from .exports import read_claims

    with errors_as_lines():
        return write(read_claims(claims), out)


@export_app.command("dna")
def export_dna(
    claims: Annotated[Path, typer.Argument(help="claims file from `readout extract`")],
    out: Annotated[Path, typer.Option(help="statements.csv (a statements table) or corpus.dna (a DNA 3 database "
                                           "with the documents; needs --corpus)")] = Path("statements.csv"),
    corpus: Annotated[Optional[list[Path]], typer.Option(help="for a .dna database: the inputs the claims were "
                                                               "extracted from, as given to `readout extract` "
                                                               "(repeat --corpus for several)")] = None,
    overwrite: Annotated[bool, typer.Option(help="replace an existing --out")] = False,
    password: Annotated[str, typer.Option(help="for a .dna database: the password of its coder Admin")] = "readout",
):
    """Discourse Network Analyzer statements: person, organization, concept, agreement, as a
    CSV or as a database DNA 3 opens (documents and coded statements)."""
    from .exports import read_claims, write_dna
    from .outputs import check_output_file, refuse_inputs_as_output

    if out.suffix not in (".csv", ".dna"):
        fail(f"--out {out}: expected a .csv (statements table) or .dna (DNA 3 database) file")
    if out.suffix == ".dna" and not corpus:
        fail("a .dna database holds the documents: give --corpus with the inputs the claims were extracted from")
    _require(corpus or [])
    with errors_as_lines():
        rows = read_claims(claims)
        check_output_file(out)
        refuse_inputs_as_output(out, [claims, *(corpus or [])])
        if out.exists() and not overwrite:
            fail(f"--out {out}: already exists; pass --overwrite to replace it")
        if out.suffix == ".csv":
            typer.echo(f"wrote {write_dna(rows, out)} statements to {out}")
            return
        from .dna_db import write_dna_database

        counts, warnings = write_dna_database(rows, _readable(corpus), out, password=password, overwrite=True)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    typer.echo(f"wrote {counts['statements']} statements in {counts['documents']} documents to {out}; "
               f"open it in DNA 3 as coder Admin, password {password!r}")


@export_app.command("network")
def export_network(
    claims: Annotated[Path, typer.Argument(help="claims file from `readout extract`")],
    out: Annotated[Path, typer.Option(help="GraphML file (Gephi, igraph, networkx)")] = Path("network.graphml"),
):
    """The two-mode actor x position network, edges weighted by claims and split by outlet side."""
    from .exports import write_network

    nodes, edges = _export(claims, out, write_network)
    typer.echo(f"wrote {nodes} nodes and {edges} edges to {out}")


@export_app.command("table")
def export_table(
    claims: Annotated[Path, typer.Argument(help="claims file from `readout extract`")],
    out: Annotated[Path, typer.Option(help="counts file: .csv or .parquet")] = Path("counts.csv"),
    table: Annotated[str, typer.Option(help="positions (meeting x year x side x holder x position) or voices "
                                             "(outlet x side x year x holder x label)")] = "positions",
):
    """Tidy count tables behind the corpus view, ready for R or pandas."""
    from .exports import write_table

    typer.echo(f"wrote {_export(claims, out, lambda rows, path: write_table(rows, path, table))} rows to {out}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
