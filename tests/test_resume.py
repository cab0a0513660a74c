"""A run killed mid-way (kill -9) and started again ends with exactly the output of an
uninterrupted run; formats and provenance of the output."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from extractor.pipeline import LocalEngine
from tests.conftest import CORPUS, corpus_jsonl as _corpus


def _cmd(corpus, out, model, *extra):
    return [sys.executable, "-m", "extractor.cli", "extract", str(corpus), "--out", str(out), "--model", str(model),
            "--batch", "1", *extra]


def test_killed_run_resumes_to_the_same_output(trained_tiny, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    corpus = _corpus(tmp_path)
    whole = tmp_path / "whole" / "claims.jsonl"
    # the uninterrupted run and the resumes run in this process; only the run killed is a
    # process of its own (a kill -9 cannot be simulated)
    run = lambda target: CliRunner().invoke(app, _cmd(corpus, target, trained_tiny)[3:])  # noqa: E731
    assert run(whole).exit_code == 0

    out = tmp_path / "cut" / "claims.jsonl"
    proc = subprocess.Popen(_cmd(corpus, out, trained_tiny), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    index = out.with_name(out.name + ".done.jsonl")
    deadline = time.time() + 120
    while time.time() < deadline and (not index.exists() or index.read_text().count("\n") < 5):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = index.read_text().count("\n")
    assert 5 <= done_before < 60, "the run was not cut mid-way"
    assert not out.exists()

    r = run(out)
    assert r.exit_code == 0 and "continued an unfinished run" in r.output
    assert out.read_text() == whole.read_text()
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    assert meta["status"] == "complete" and meta["documents"] == 60 and meta["resumed_documents"] >= done_before
    assert not index.exists() and not out.with_name(out.name + ".partial.jsonl").exists()

    again = run(out)
    assert "already complete" in again.output and out.read_text() == whole.read_text()


def test_formats_and_provenance(trained_tiny, tmp_path):
    from extractor.runs import extract
    from extractor.tagger import ClaimTagger

    tagger = LocalEngine(ClaimTagger.load(trained_tiny))
    a = extract([CORPUS], tmp_path / "c.jsonl", tagger)
    b = extract([CORPUS], tmp_path / "c.csv", tagger)
    c = extract([CORPUS], tmp_path / "c.parquet", tagger)
    rows = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    csv_rows = pd.read_csv(tmp_path / "c.csv")
    pq_rows = pd.read_parquet(tmp_path / "c.parquet")
    assert a.claims == b.claims == c.claims == len(rows) == len(csv_rows) == len(pq_rows) > 0
    assert list(csv_rows["text"]) == [r["text"] for r in rows] == list(pq_rows["text"])
    assert json.loads(csv_rows["positions"][0]) == rows[0]["positions"]
    # every kind of output reads back to lines the shipped schema accepts, positions as id strings
    from extractor.exports import read_claims
    from extractor.schema import schema_errors

    for path in (tmp_path / "c.jsonl", tmp_path / "c.csv", tmp_path / "c.parquet"):
        back = read_claims(path)
        assert schema_errors(back) == [], path
        assert [r["positions"] for r in back] == [r["positions"] for r in rows]
        assert [r["position_scores"] for r in back] == [r["position_scores"] for r in rows]
    assert all(r["model"] == tagger.name for r in rows)
    meta = json.loads((tmp_path / "c.jsonl.meta.json").read_text())
    assert meta["model"] == tagger.name and meta["model_card"].endswith("README.md")
    assert {i["doc_id"] for i in meta["inputs"]} == {"alpha", "beta"} and all(len(i["sha256"]) == 64 for i in meta["inputs"])
    assert meta["readout_version"] and meta["started"] and meta["finished"]


def test_another_run_is_never_resumed(trained_tiny, tmp_path, capsys):
    from extractor.runs import extract
    from extractor.tagger import ClaimTagger

    tagger = LocalEngine(ClaimTagger.load(trained_tiny))
    extract([CORPUS / "alpha.txt"], tmp_path / "c.jsonl", tagger)
    s = extract([CORPUS / "beta.txt"], tmp_path / "c.jsonl", tagger)
    assert "written by another run" in capsys.readouterr().err
    assert s.documents == 1 and s.resumed == 0
    rows = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert {r["doc_id"] for r in rows} == {"beta"}
    again = extract([CORPUS / "beta.txt"], tmp_path / "c.jsonl", tagger, overwrite=True)
    assert again.documents == 1 and again.resumed == 0


class Cut(BaseException):
    """A kill: nothing after it runs (BaseException, so no handler in readout catches it)."""


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("step", ["after_finalising_sidecar", "inside_output_write", "after_output", "after_errors",
                                  "after_complete_sidecar"])
def test_a_cut_at_any_step_of_finalisation_is_finished_by_the_next_run(trained_tiny, tmp_path, monkeypatch, step, fmt):
    from pathlib import Path

    from extractor import runs
    from extractor.tagger import ClaimTagger

    tagger = LocalEngine(ClaimTagger.load(trained_tiny))
    corpus = _corpus(tmp_path, n=6)
    whole = tmp_path / "whole" / f"claims.{fmt}"
    runs.extract([corpus], whole, tagger)
    whole_jsonl = tmp_path / "whole" / "claims.jsonl"
    runs.extract([corpus], whole_jsonl, tagger)
    out = tmp_path / "cut" / f"claims.{fmt}"

    real_meta, real_finalise, real_unlink = runs._write_meta, runs._finalise, Path.unlink

    def meta(files, key, tagger, summary, inputs, started, status, shard=None):
        real_meta(files, key, tagger, summary, inputs, started, status, shard)
        if (status, step) in {("finalising", "after_finalising_sidecar"), ("complete", "after_complete_sidecar")}:
            raise Cut

    def finalise(files, fmt_, chunk=10_000):
        if step == "inside_output_write" and fmt_ == "csv":
            real_finalise(files, fmt_, chunk)      # the output is in place; the journal is put back as if not yet removed
            files.journal.write_text("".join(json.dumps(r) + "\n" for r in read_claims_of(whole_jsonl)))
            raise Cut
        real_finalise(files, fmt_, chunk)
        if step in ("after_output", "inside_output_write"):
            raise Cut

    def unlink(self, missing_ok=False):
        if step == "after_errors" and self.name.endswith(".errors.jsonl"):
            real_unlink(self, missing_ok=missing_ok)
            raise Cut
        real_unlink(self, missing_ok=missing_ok)

    with monkeypatch.context() as m:
        m.setattr(runs, "_write_meta", meta)
        m.setattr(runs, "_finalise", finalise)
        m.setattr(Path, "unlink", unlink)
        with pytest.raises(Cut):
            runs.extract([corpus], out, tagger)
    s = runs.extract([corpus], out, tagger)
    assert out.read_text() == whole.read_text()
    n_claims = len(read_claims_of(whole))
    # a cut after the "complete" sidecar needs nothing more; any earlier one is finished now
    assert s.resumed == -1 if step == "after_complete_sidecar" else s.claims == n_claims
    meta_after = json.loads(out.with_name(out.name + ".meta.json").read_text())
    assert meta_after["status"] == "complete" and meta_after["documents"] == 6 and meta_after["claims"] == n_claims
    assert not out.with_name(out.name + ".done.jsonl").exists() and not out.with_name(out.name + ".partial.jsonl").exists()
    again = runs.extract([corpus], out, tagger)
    assert again.resumed == -1 and out.read_text() == whole.read_text()


def read_claims_of(path):
    from extractor.exports import read_claims

    return read_claims(path)


def test_an_output_that_is_an_input_is_refused(trained_tiny, tmp_path):
    from extractor.errors import InputError
    from extractor.runs import extract, merge
    from extractor.tagger import ClaimTagger

    corpus = _corpus(tmp_path, n=2)
    before = corpus.read_text()
    with pytest.raises(InputError, match="that is one of the inputs"):
        extract([corpus], corpus, LocalEngine(ClaimTagger.load(trained_tiny)))
    assert corpus.read_text() == before
    shard = tmp_path / "s1.jsonl"
    shard.write_text("kept\n")
    with pytest.raises(InputError, match="that is one of the inputs"):
        merge([shard, tmp_path / "s2.jsonl"], shard)
    assert shard.read_text() == "kept\n"


def test_a_second_run_on_the_same_output_is_refused_while_the_first_runs(trained_tiny, tmp_path):
    from extractor.errors import InputError
    from extractor.outputs import run_lock
    from extractor.runs import extract
    from extractor.tagger import ClaimTagger

    corpus, out = _corpus(tmp_path, n=2), tmp_path / "claims.jsonl"
    # the first run holds the lock in another process, as a concurrent `readout extract` would
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from extractor.outputs import run_lock\n"
                               f"with run_lock(Path({str(out)!r})):\n    print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for _ in range(2):    # a refused run leaves the holder's lock file, so the next is refused too
            with pytest.raises(InputError, match="another readout run is writing it"):
                extract([corpus], out, LocalEngine(ClaimTagger.load(trained_tiny)))
            assert out.with_name(out.name + ".lock").exists()
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    # a killed holder leaves no stale lock behind
    with run_lock(out):
        pass
    assert extract([corpus], out, LocalEngine(ClaimTagger.load(trained_tiny))).documents == 2


def test_bad_options_fail_before_the_model_loads(tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    corpus = _corpus(tmp_path, n=2)
    (tmp_path / "folder").mkdir()
    missing_model = tmp_path / "no-model"          # a model load would fail with "no trained tagger"
    for args, message in ((["--shard", "9/3"], "--shard '9/3'"), (["--out", str(tmp_path / "folder")], "is a folder"),
                          (["--out", str(tmp_path / ("x" * 251 + ".jsonl"))], "too long"),
                          (["--out", str(tmp_path / "c.txt"), "--format", "xml"], "--format 'xml'")):
        r = CliRunner().invoke(app, ["extract", str(corpus), "--model", str(missing_model), *args])
        assert r.exit_code == 2 and message in r.output and "no trained tagger" not in r.output, (args, r.output)


def test_a_resumed_run_lists_each_failure_once(trained_tiny, tmp_path):
    from extractor import pipeline, runs
    from extractor.tagger import ClaimTagger

    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    (folder / "empty.txt").write_text("   ")
    out = tmp_path / "claims.jsonl"
    tagger = ClaimTagger.load(trained_tiny)

    _cut_after_first_batch(lambda: runs.extract([folder], out, pipeline.LocalEngine(tagger, 1)))
    s = runs.extract([folder], out, pipeline.LocalEngine(tagger, 1))
    assert len(s.failures) == 1 and "empty.txt" in s.failures[0]["source"]
    assert len(out.with_name(out.name + ".errors.jsonl").read_text().splitlines()) == 1


def _cut_after_first_batch(run) -> None:
    """`run` stopped by a Ctrl-C as the pipeline starts its second batch."""
    from extractor import pipeline

    real, calls = pipeline.annotate, []

    def cut(docs, tagger_):
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(docs, tagger_)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(pipeline, "annotate", cut)
        with pytest.raises(KeyboardInterrupt):
            run()


def _lines_by_doc(path):
    from extractor.exports import read_claims

    out = {}
    for r in read_claims(path):
        out.setdefault(r["doc_id"], []).append(r)
    return out


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_rerun_processes_changed_new_and_fixed_documents_and_drops_removed_ones(trained_tiny, tmp_path, fmt):
    """Resumption is keyed on each document's sha256, not on file paths: after a finished run,
    an edited article is extracted again, a new one is added, a removed one leaves the output,
    a failed one once fixed is processed; the result equals a fresh run on the folder as it is."""
    from extractor import runs
    from extractor.tagger import ClaimTagger

    engine = LocalEngine(ClaimTagger.load(trained_tiny), 1)
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    (folder / "gamma.txt").write_text("  ")                      # fails: empty
    out = tmp_path / f"claims.{fmt}"
    first = runs.extract([folder], out, engine)
    assert first.documents == 2 and len(first.failures) == 1
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    old_sha = {i["doc_id"]: i["sha256"] for i in meta["inputs"]}

    # nothing changed: nothing done, and the failure is still reported
    same = runs.extract([folder], out, engine)
    assert same.resumed == -1 and len(same.failures) == 1

    alpha = (folder / "alpha.txt").read_text(encoding="utf-8")
    (folder / "alpha.txt").write_text(alpha.replace("\n", "\nThe two sides agreed to expand trade.\n", 1), encoding="utf-8")
    (folder / "gamma.txt").write_text("Viet Nam and China agreed to deepen cooperation in trade.\n")   # fixed
    shutil.copy(folder / "beta.txt", folder / "delta.txt")                                    # new
    s = runs.extract([folder], out, engine)
    assert s.previous == "complete" and s.changed == 1 and s.resumed == 1 and s.removed == 0
    assert s.documents == 4 and not s.failures and not out.with_name(out.name + ".errors.jsonl").exists()
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    sha = {i["doc_id"]: i["sha256"] for i in meta["inputs"]}
    assert sha["alpha"] != old_sha["alpha"] and sha["beta"] == old_sha["beta"] and set(sha) == {"alpha", "beta", "gamma", "delta"}

    fresh = tmp_path / f"fresh.{fmt}"
    runs.extract([folder], fresh, engine)
    got, want = _lines_by_doc(out), _lines_by_doc(fresh)
    assert got == want
    new_alpha = (folder / "alpha.txt").read_text(encoding="utf-8")
    assert all(new_alpha[r["start"]:r["end"]] == r["text"] for r in got["alpha"])

    (folder / "delta.txt").unlink()                                                            # removed
    gone = runs.extract([folder], out, engine)
    assert gone.removed == 1 and gone.resumed == 3 and "delta" not in _lines_by_doc(out)
    assert runs.extract([folder], out, engine).resumed == -1


def test_an_edit_during_a_cut_run_is_not_mixed_into_the_resumed_one(trained_tiny, tmp_path):
    """Cut after some documents, one of the finished ones edited, then resumed: the edited
    one is extracted again from its new text, none of its old claims stay."""
    from extractor import runs
    from extractor.tagger import ClaimTagger

    tagger = ClaimTagger.load(trained_tiny)
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    out = tmp_path / "claims.jsonl"
    _cut_after_first_batch(lambda: runs.extract([folder], out, LocalEngine(tagger, 1)))
    (folder / "alpha.txt").write_text("China and Viet Nam agreed to build a railway.\n", encoding="utf-8")
    s = runs.extract([folder], out, LocalEngine(tagger, 1))
    assert s.previous == "running" and s.changed == 1 and s.resumed == 0 and s.documents == 2
    text = (folder / "alpha.txt").read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in _lines_by_doc(out).get("alpha", []))


def test_a_remaining_failure_keeps_the_exit_status_non_zero(trained_tiny, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    (folder / "gamma.txt").write_text("  ")
    args = ["extract", str(folder), "--out", str(tmp_path / "c.jsonl"), "--model", str(trained_tiny)]
    first, again = CliRunner().invoke(app, args), CliRunner().invoke(app, args)
    assert first.exit_code == 1 and again.exit_code == 1
    assert "already complete" in again.output and "1 document(s) failed" in again.output


def test_a_metadata_edit_is_a_change_too(trained_tiny, tmp_path):
    """The same text under another date or side: its claims carry both, so it is extracted
    again (holders depend on the side as well)."""
    from extractor import runs
    from extractor.tagger import ClaimTagger

    engine = LocalEngine(ClaimTagger.load(trained_tiny), 1)
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    out = tmp_path / "claims.jsonl"
    runs.extract([folder], out, engine)
    manifest = folder / "manifest.jsonl"
    rows = [json.loads(x) for x in manifest.read_text().splitlines()]
    rows[1] |= {"date": "2031-03-09", "source_side": "vn"}
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    s = runs.extract([folder], out, engine)
    assert s.changed == 1 and s.resumed == 1
    beta = _lines_by_doc(out)["beta"]
    assert beta and all(r["date"] == "2031-03-09" and r["side"] == "vn" for r in beta)


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_a_finished_output_that_is_gone_or_cut_is_rebuilt_not_trusted(trained_tiny, tmp_path, damage, capsys):
    from extractor import runs
    from extractor.tagger import ClaimTagger

    engine = LocalEngine(ClaimTagger.load(trained_tiny), 1)
    out = tmp_path / "claims.jsonl"
    first = runs.extract([CORPUS], out, engine)
    whole = out.read_text()
    if damage == "deleted":
        out.unlink()
    else:
        out.write_text("".join(whole.splitlines(keepends=True)[:1]))
    s = runs.extract([CORPUS], out, engine)
    assert "starting afresh" in capsys.readouterr().err
    assert s.resumed == 0 and s.claims == first.claims and out.read_text() == whole


@pytest.mark.parametrize("name, fmt", [("claims.csv", "jsonl"), ("claims.jsonl", "csv"), ("claims.out", "parquet")])
def test_a_rerun_reads_the_output_in_the_format_it_was_written_in(trained_tiny, tmp_path, name, fmt):
    """--format other than the extension says: the sidecar records the format and a rerun
    after an edit reads the old output with it."""
    from extractor import runs
    from extractor.exports import read_claims
    from extractor.tagger import ClaimTagger

    engine = LocalEngine(ClaimTagger.load(trained_tiny), 1)
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    out = tmp_path / name
    runs.extract([folder], out, engine, fmt=fmt)
    (folder / "alpha.txt").write_text((folder / "alpha.txt").read_text() + "\nChina called for calm.\n")
    s = runs.extract([folder], out, engine, fmt=fmt)
    assert s.changed == 1 and s.resumed == 1
    fresh = tmp_path / f"fresh.{fmt}"
    runs.extract([folder], fresh, engine)
    key = lambda rows: sorted(json.dumps(r, sort_keys=True) for r in rows)  # noqa: E731
    assert key(read_claims(out, fmt)) == key(read_claims(fresh))


def test_another_decoding_config_is_another_run(trained_tiny, tmp_path, capsys):
    from extractor import runs
    from extractor.tagger import ClaimTagger

    out = tmp_path / "claims.jsonl"
    runs.extract([CORPUS], out, LocalEngine(ClaimTagger.load(trained_tiny)))
    saved = json.loads((trained_tiny / "training_config.json").read_text())
    saved["decoding"]["min_words"] = 3
    (trained_tiny / "training_config.json").write_text(json.dumps(saved))
    s = runs.extract([CORPUS], out, LocalEngine(ClaimTagger.load(trained_tiny)))
    assert s.resumed != -1 and "written by another run" in capsys.readouterr().err
