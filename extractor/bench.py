"""Speed benchmark: readout extract against the naive path and against the machine's limit.

    readout bench [--corpus PATH ...] [--docs 200] [--model models/tagger]
    (or python eval/bench.py, the same)

The default corpus is the 51 real articles (../shared/seeds and ../shared/corpus), cycled.

On the same trained tagger and the same documents it measures
  1. `readout extract` end to end (load, segment, tag, attribute, link, write) in a child
     process: articles/s, tokens/s, words/s, peak RSS, for two corpus sizes;
  2. the naive path: transformers' token-classification pipeline, article by article, with
     a stride (and notes how much text is lost without one);
  3. the limit: a bare forward pass of the same model over exactly the inputs extraction
     fed it, sorted by length and batched, under inference_mode; and the float32 matmul
     rate, to show what share of the hardware the forward pass uses;
  4. the comparator: claims embedded per second, compare() on one meeting cold and warm;
  5. the int8 fast path: its speed-up over fp32 extraction and its ratio to the naive path,
     and its F1 difference from the fp32 tagger on the same folds (the latest
     cross-validation in eval/results that scored it, with the paired interval);
  6. `readout report` on the whole corpus given (every meeting, end to end).
Ratios are printed, measured in the same run; a JSON file goes to eval/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from .config import ROOT


def make_corpus(docs: list, n: int, out: Path) -> Path:
    """n documents (JSONL) cycling through the source articles, each with its own id."""
    with open(out, "w", encoding="utf-8") as fh:
        for i in range(n):
            d = docs[i % len(docs)]
            fh.write(json.dumps({"id": f"{d.id}-{i:05d}", "text": d.text, "side": d.meta.side,
                                 "meeting": d.meta.meeting}) + "\n")
    return out


def child_extract(corpus: Path, model: Path, int8: bool) -> dict:
    """Runs in a fresh process so that peak RSS is this run's alone."""
    import torch

    from .pipeline import LocalEngine
    from .runs import extract
    from .tagger import ClaimTagger

    t0 = time.perf_counter()
    tagger = ClaimTagger.load(model, quantize=int8)
    load_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        s = extract([corpus], Path(tmp) / "claims.jsonl", LocalEngine(tagger, 16))
        run_s = time.perf_counter() - t1
    return {"documents": s.documents, "claims": s.claims, "load_s": load_s, "extract_s": run_s,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": torch.get_num_threads()}


def run_child(corpus: Path, model: Path, int8: bool = False) -> dict:
    cmd = [sys.executable, "-m", "extractor.bench", "--child", str(corpus), "--model", str(model)] + (["--int8"] if int8 else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ | {"TOKENIZERS_PARALLELISM": "false"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus_tokens(tagger, texts: list[str]) -> tuple[list[list[int]], int, int]:
    """The inputs extraction feeds the model (sentences, long ones in windows), their token
    count, and the word count."""
    from .segment import split_sentences
    from .tagger import encode, window_inputs

    windows = [ids for text, enc in zip(texts, encode(tagger.tokenizer, texts))
               for _, ids in window_inputs(tagger.tokenizer, enc, split_sentences(text), tagger.max_length, tagger.stride)]
    return windows, sum(map(len, windows)), sum(len(t.split()) for t in texts)


def bare_forward(tagger, windows: list[list[int]], batch: int = 32) -> float:
    import torch

    from .tagger import pad_batch

    order = sorted(windows, key=len)
    t0 = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            tagger.model(**pad_batch(order[i:i + batch], tagger.tokenizer.pad_token_id))
    return time.perf_counter() - t0


def matmul_gflops(n: int = 2048, reps: int = 10) -> float:
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    return 2 * n ** 3 * reps / (time.perf_counter() - t0) / 1e9


def int8_matmul_gops(n: int = 2048, reps: int = 10) -> float:
    """The machine's int8 rate as the fast path uses it: a dynamically quantised Linear
    (fbgemm int8 kernels, activations quantised on the fly), n x n by n x n."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(n, n, bias=False)),
                                                       {torch.nn.Linear}, dtype=torch.qint8)
    x = torch.randn(n, n)
    with torch.inference_mode():
        layer(x)
        t0 = time.perf_counter()
        for _ in range(reps):
            layer(x)
    return 2 * n ** 3 * reps / (time.perf_counter() - t0) / 1e9


def forward_flops_per_token(model, seq: int) -> float:
    """Multiply-adds of one token through the encoder: its Linear layers plus attention."""
    cfg = model.config
    linear = sum(p.numel() for n, p in model.named_parameters() if n.endswith("weight") and p.dim() == 2
                 and "embeddings" not in n)
    attention = 2 * cfg.num_hidden_layers * seq * cfg.hidden_size
    return 2 * (linear + attention)


def naive_pipeline(model: Path, texts: list[str], stride: int) -> tuple[float, float]:
    """Seconds for the strided pipeline over all texts, and the share of characters a
    pipeline without a stride leaves untagged (it stops at 512 tokens)."""
    from transformers import pipeline

    nlp = pipeline("token-classification", model=str(model), aggregation_strategy="simple", device="cpu", stride=stride)
    t0 = time.perf_counter()
    for t in texts:
        nlp(t)
    secs = time.perf_counter() - t0
    tok = nlp.tokenizer
    lost = 0
    for t in set(texts):
        enc = tok(t, truncation=True, max_length=tok.model_max_length, return_offsets_mapping=True)
        covered = max(e for _, e in enc["offset_mapping"])
        lost += (len(t) - covered) * texts.count(t)
    return secs, lost / sum(map(len, texts))


def report_whole_corpus(sources: list[Path], model: Path) -> dict:
    """`readout report` over the given folders, end to end, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "extractor.cli", "report", *map(str, sources), "--out", f"{tmp}/reports",
                        "--model", str(model)], check=True, capture_output=True)
        seconds = time.perf_counter() - t0
        meetings = sum(1 for p in Path(tmp, "reports").iterdir() if p.is_dir())
    return {"seconds": round(seconds, 1), "meetings": meetings}


def comparator(seeds: Path, model: Path) -> dict:
    from .articles import load_documents
    from .compare import Embedder, align_documents, clauses
    from .pipeline import annotate
    from .tagger import ClaimTagger

    docs = annotate(load_documents([seeds]), ClaimTagger.load(model))
    texts = [d.slice(c) for d in docs for c in d.claims]
    emb = Embedder()
    pieces = texts + [p for t in texts for p in clauses(t)]
    t0 = time.perf_counter()
    emb.model.encode(pieces, batch_size=64)
    embed_s = time.perf_counter() - t0
    by_meeting: dict[str, list] = {}
    for d in docs:
        by_meeting.setdefault(d.meta.meeting, []).append(d)
    meeting, group = max(by_meeting.items(), key=lambda kv: len(kv[1]))
    a = next(d for d in group if d.side == "vn")
    b = next(d for d in group if d.side == "cn")
    t0 = time.perf_counter()
    align_documents(a, b, emb)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    align_documents(a, b, emb)
    warm = time.perf_counter() - t0
    return {"claims": len(texts), "texts_embedded": len(pieces), "texts_per_s": len(pieces) / embed_s,
            "compare_meeting": meeting, "compare_cold_s": cold, "compare_warm_s": warm}


def ray_throughput(corpus: Path, model: Path, workers: int) -> dict | None:
    """Articles/s of the Ray Data job on a local Ray (start-up included), or None without Ray."""
    try:
        import ray
    except ImportError:
        return None
    from .ray_engine import RayEngine
    from .runs import extract

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        s = extract([corpus], Path(tmp) / "claims.jsonl", RayEngine(model, workers, batch_docs=16))
        secs = time.perf_counter() - t0
    ray.shutdown()
    return {"workers": workers, "documents": s.documents, "seconds": secs, "articles_per_s": s.documents / secs}


def latest_cv() -> dict | None:
    runs = sorted((ROOT / "eval/results").glob("cv-*.json"), key=lambda p: p.stat().st_mtime)
    for p in reversed(runs):
        s = json.loads(p.read_text()).get("summary", {})
        if "int8_overlap_f1_label_holder_difference" in s:
            return {"file": p.name, **s}
    return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="readout bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, nargs="+", default=[ROOT.parent / "shared/seeds", ROOT.parent / "shared/corpus"],
                    help="folders of articles to cycle through (default: the 51 real articles)")
    ap.add_argument("--docs", type=int, default=200, help="documents in the small corpus (the large one has 4x)")
    ap.add_argument("--model", type=Path, default=ROOT / "models/tagger")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--int8", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child_extract(args.child, args.model, args.int8)))
        return

    import torch

    from .tagger import ClaimTagger

    from .articles import load_documents

    tmp = Path(tempfile.mkdtemp())
    sources = load_documents(list(args.corpus))
    small = make_corpus(sources, args.docs, tmp / "small.jsonl")
    large = make_corpus(sources, args.docs * 4, tmp / "large.jsonl")
    texts = [sources[i % len(sources)].text for i in range(args.docs)]
    tagger = ClaimTagger.load(args.model)
    windows, n_tokens, n_words = corpus_tokens(tagger, texts)

    print(f"corpus: {args.docs} documents from {args.corpus} ({n_tokens:,} tokens in {len(windows)} model inputs (sentences), {n_words:,} words); "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    ex_small = run_child(small, args.model)
    ex_large = run_child(large, args.model)
    ex_int8 = run_child(small, args.model, int8=True)
    fwd_s = bare_forward(tagger, windows)
    gflops = matmul_gflops()
    fwd8_s = bare_forward(tagger.quantized(), windows)
    gops8 = int8_matmul_gops()
    ex_int8_large = run_child(large, args.model, int8=True)
    naive_s, lost = naive_pipeline(args.model, texts, stride=tagger.stride)
    cmp = comparator(args.corpus[0], args.model)
    report = report_whole_corpus(args.corpus, args.model)
    rays = [ray_throughput(small, args.model, w) for w in (1, 2)]
    cv = latest_cv()

    aps = ex_small["documents"] / ex_small["extract_s"]
    fwd_rate = forward_flops_per_token(tagger.model, tagger.max_length) * n_tokens / fwd_s / 1e9
    summary = {
        "articles_per_s": round(aps, 3),
        "tokens_per_s": round(n_tokens / ex_small["extract_s"], 1),
        "words_per_s": round(n_words / ex_small["extract_s"], 1),
        "ratio_vs_naive": round(naive_s / ex_small["extract_s"], 3),
        "ratio_vs_forward": round(fwd_s / ex_small["extract_s"], 3),
        "forward_fraction_of_matmul": round(fwd_rate / gflops, 3),
        "peak_rss_mb_small": round(ex_small["peak_rss_mb"], 1),
        "peak_rss_mb_large": round(ex_large["peak_rss_mb"], 1),
        "fast_path_speedup": round(ex_small["extract_s"] / ex_int8["extract_s"], 3),
        # int8 minus fp32 on the same folds, as a drop (positive = int8 is worse)
        "fast_path_f1_drop": round(-cv["int8_overlap_f1_label_holder_difference"], 4) if cv else None,
        "fast_path_ratio_vs_naive": round(naive_s / ex_int8["extract_s"], 3),
        "fast_path_ratio_vs_forward": round(fwd8_s / ex_int8["extract_s"], 3),
        "fast_path_forward_fraction_of_int8_matmul": round(
            forward_flops_per_token(tagger.model, tagger.max_length) * n_tokens / fwd8_s / 1e9 / gops8, 3),
        "fast_path_peak_rss_mb_small": round(ex_int8["peak_rss_mb"], 1),
        "fast_path_peak_rss_mb_large": round(ex_int8_large["peak_rss_mb"], 1),
        "report_whole_corpus_s": report["seconds"],
    }
    result = {
        "summary": summary,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "torch": torch.__version__, "threads": torch.get_num_threads()},
        "model": tagger.name,
        "corpus": {"source": [str(p) for p in args.corpus], "documents": args.docs, "tokens": n_tokens, "model_inputs": len(windows), "words": n_words},
        "extract_small": ex_small, "extract_large": ex_large, "extract_int8": ex_int8, "extract_int8_large": ex_int8_large,
        "forward_int8": {"seconds": fwd8_s, "int8_matmul_gops": gops8},
        "articles_per_s_large": round(ex_large["documents"] / ex_large["extract_s"], 3),
        "forward": {"seconds": fwd_s, "tokens_per_s": n_tokens / fwd_s, "gflops": fwd_rate, "matmul_gflops": gflops},
        "naive": {"seconds": naive_s, "articles_per_s": len(texts) / naive_s, "stride": tagger.stride,
                  "share_of_text_lost_without_stride": round(lost, 4)},
        "comparator": cmp, "ray": rays, "report_whole_corpus": report,
        "cv_used_for_int8": cv and {k: cv.get(k) for k in ("file", "int8_overlap_f1_label_holder_difference",
                                                            "int8_overlap_f1_label_holder_difference_ci",
                                                            "int8_sentence_f1_label_holder_difference",
                                                            "int8_sentence_f1_label_holder_difference_ci")},
    }
    out = ROOT / "eval/results" / f"bench-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")

    rows = [
        ("readout extract (fp32)", f"{aps:.2f}", f"{n_tokens / ex_small['extract_s']:,.0f}", f"{ex_small['peak_rss_mb']:.0f}"),
        (f"readout extract, {4 * args.docs} docs", f"{result['articles_per_s_large']:.2f}", "", f"{ex_large['peak_rss_mb']:.0f}"),
        ("readout extract --int8", f"{ex_int8['documents'] / ex_int8['extract_s']:.2f}", f"{n_tokens / ex_int8['extract_s']:,.0f}", f"{ex_int8['peak_rss_mb']:.0f}"),
        ("naive pipeline (strided)", f"{len(texts) / naive_s:.2f}", f"{n_tokens / naive_s:,.0f}", ""),
        ("bare forward pass", f"{len(texts) / fwd_s:.2f}", f"{n_tokens / fwd_s:,.0f}", ""),
    ]
    for r in rays:
        if r:
            rows.append((f"Ray Data, {r['workers']} worker(s)", f"{r['articles_per_s']:.2f}", "", ""))
    print(f"{'path':30s} {'articles/s':>10s} {'tokens/s':>10s} {'peak RSS MB':>12s}")
    for r in rows:
        print(f"{r[0]:30s} {r[1]:>10s} {r[2]:>10s} {r[3]:>12s}")
    print(f"matmul {gflops:.0f} GFLOP/s; forward pass {fwd_rate:.0f} GFLOP/s ({summary['forward_fraction_of_matmul']:.0%})")
    print(f"int8: quantised matmul {gops8:.0f} GOP/s; int8 forward pass {len(texts) / fwd8_s:.2f} articles/s, "
          f"{summary['fast_path_forward_fraction_of_int8_matmul']:.0%} of the int8 rate; int8 extraction at "
          f"{summary['fast_path_ratio_vs_forward']:.2f} of its forward pass; peak RSS {ex_int8['peak_rss_mb']:.0f} MB "
          f"({args.docs} docs), {ex_int8_large['peak_rss_mb']:.0f} MB ({4 * args.docs} docs)")
    print(f"without a stride the pipeline leaves {lost:.0%} of the text untagged")
    print(f"comparator: {cmp['texts_per_s']:.0f} texts/s embedded; compare {cmp['compare_meeting']}: "
          f"cold {cmp['compare_cold_s']:.2f} s, warm {cmp['compare_warm_s']:.3f} s")
    print(f"readout report on the whole corpus: {report['meetings']} meetings in {report['seconds']:.0f} s")
    if cv:
        print(f"int8 against fp32 on the same folds ({cv['file']}): overlap F1 l+h {cv['int8_overlap_f1_label_holder_difference']:+.3f} "
              f"{cv['int8_overlap_f1_label_holder_difference_ci']}, sentence F1 l+h {cv['int8_sentence_f1_label_holder_difference']:+.3f} "
              f"{cv['int8_sentence_f1_label_holder_difference_ci']}")
    print(json.dumps(summary, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
