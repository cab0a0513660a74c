"""`readout report` at growing corpus sizes: the real articles cycled with new ids and dates
(each copy shifted by a year, so that every copy is a new set of meetings) and no `meeting`
column, so the meetings are found, not typed. Time should grow linearly with the corpus and
peak memory should stay flat.

    python eval/report_scale.py [--copies 1 2 4]

Prints seconds, seconds per article and peak RSS per size; writes eval/results/report-scale.json.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from extractor.articles import load_documents
from extractor.config import ROOT, load_tagger_config


def cycled(copies: int, out: Path) -> int:
    docs = load_documents(load_tagger_config().resolve("corpus_dir"))
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for k in range(copies):
            for d in docs:
                day = date.fromisoformat(d.meta.date[:10])
                day = day.replace(year=day.year + 30 * k) if not (day.month == 2 and day.day == 29) else day
                fh.write(json.dumps({"id": f"{d.id}-c{k}", "text": d.text, "side": d.meta.side,
                                     "date": day.isoformat(), "outlet": d.meta.outlet}) + "\n")
                n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--model", type=Path, default=ROOT / "models/tagger")
    args = ap.parse_args()
    rows = []
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            n = cycled(copies, corpus)
            t0 = time.perf_counter()
            # a child per size, so that its peak RSS is its own
            code = ("import resource, sys; from extractor.cli import app\n"
                    "try:\n    app(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
                    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")
            r = subprocess.run([sys.executable, "-c", code, "report", str(corpus), "--out", f"{tmp}/reports",
                                "--model", str(args.model)], capture_output=True, text=True)
            seconds = time.perf_counter() - t0
            if r.returncode not in (0, None) and "PEAK" not in r.stderr:
                sys.exit(f"readout report failed: {r.stderr[-2000:]}")
            peak = int(next(line.split()[1] for line in r.stderr.splitlines() if line.startswith("PEAK"))) / 1024
            meetings = sum(1 for p in Path(tmp, "reports").iterdir() if p.is_dir())
        rows.append({"articles": n, "meetings": meetings, "seconds": round(seconds, 1),
                     "seconds_per_article": round(seconds / n, 3), "peak_rss_mb": round(peak, 1)})
        print(f"{n:5d} articles, {meetings:4d} meetings found: {seconds:7.1f} s ({seconds / n:.3f} s per article), "
              f"peak RSS {peak:.0f} MB", flush=True)
    out = ROOT / "eval/results/report-scale.json"
    out.write_text(json.dumps({"sizes": rows, "machine_cpus": __import__("os").cpu_count(),
                               "max_rss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
