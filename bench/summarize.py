#!/usr/bin/env python3
"""Summarize a bench/run.sh run: print a table and write OUT/summary.json.

    summarize.py --out OUT --corpus CORPUS [--tools "keyhound gitleaks ..."]

Reads (all written by bench/run.sh):
    OUT/times.tsv          tool, run, wall_s, peak_rss_kib, exit_code, status (ok|fail)
    OUT/meta.tsv           key<TAB>value (corpus, runs, nproc, date, version:<tool>)
    OUT/<tool>.score.json  ../shared/bench/score-synth.py --json of the tool's last report
    CORPUS.manifest.json   make-synthetic.py's manifest ("bytes": corpus size)

Per tool: median wall seconds and peak RSS over the successful measured runs,
throughput (corpus bytes / 1e6 / median wall), wall ratio to gitleaks and to
kingfisher (ratio of the medians), recall, findings on decoys and on no planted
line ("other"). Because the machine is noisy, the ratios are also computed pair
by pair: tool run i / reference run i (same round), median over the rounds.
"""

import argparse
import json
import os
import statistics
import sys

REFS = ("gitleaks", "kingfisher")


def read_times(path):
    runs = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 6:
                continue
            tool, run, wall, rss, rc, status = parts[:6]
            try:
                runs.setdefault(tool, {})[int(run)] = {
                    "wall_s": float(wall), "peak_rss_kib": int(rss), "exit": int(rc), "ok": status == "ok"}
            except ValueError:  # e.g. time could not measure a run killed by a signal
                runs.setdefault(tool, {})[int(run)] = {"wall_s": None, "peak_rss_kib": None, "exit": rc, "ok": False}
    return runs


def read_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("\t")
                meta[k] = v
    return meta


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(x, spec, missing="-"):
    return missing if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tools", default="", help="space-separated, in display order (default: as in times.tsv)")
    args = ap.parse_args()

    runs = read_times(os.path.join(args.out, "times.tsv"))
    meta = read_meta(os.path.join(args.out, "meta.tsv"))
    tools = args.tools.split() or list(runs)
    with open(args.corpus.rstrip("/") + ".manifest.json") as f:
        manifest = json.load(f)
    nbytes = manifest["bytes"]

    rows = {}
    for t in tools:
        ok = {i: r for i, r in runs.get(t, {}).items() if r["ok"]}
        wall = median(r["wall_s"] for r in ok.values())
        rss = median(r["peak_rss_kib"] for r in ok.values())
        score_path = os.path.join(args.out, t + ".score.json")
        score = None
        if os.path.exists(score_path):
            with open(score_path) as f:
                score = json.load(f)
        rows[t] = {
            "version": meta.get("version:" + t) or None,
            "command": meta.get("cmd:" + t) or None,
            "runs": {str(i): r for i, r in sorted(runs.get(t, {}).items())},
            "ok_runs": len(ok),
            "failed_runs": len(runs.get(t, {})) - len(ok),
            "median_wall_s": wall,
            "mb_per_s": round(nbytes / 1e6 / wall, 1) if wall else None,
            "median_peak_rss_mib": round(rss / 1024, 1) if rss is not None else None,
            "recall_pct": round(100 * score["recall"], 2) if score and score.get("recall") is not None else None,
            "findings": score["findings"] if score else None,
            "findings_on_planted": score["findings_on_planted"] if score else None,
            "findings_on_decoys": score["findings_on_decoys"] if score else None,
            "findings_other": score["findings_other"] if score else None,
            "recall_by_provider": {k: v["recall"] for k, v in score["by_provider"].items()} if score else None,
        }

    # ratio of the medians, and the paired ratio: median over rounds of (t run i / ref run i)
    for t in tools:
        rows[t]["wall_ratio"] = {}
        rows[t]["wall_ratio_paired"] = {}
        for ref in tools:
            if ref == t:
                continue
            rows[t]["wall_ratio"][ref] = ratio(rows[t]["median_wall_s"], rows[ref]["median_wall_s"])
            per_run = []
            for i, r in runs.get(t, {}).items():
                q = runs.get(ref, {}).get(i)
                if r["ok"] and q and q["ok"]:
                    per_run.append(ratio(r["wall_s"], q["wall_s"]))
            rows[t]["wall_ratio_paired"][ref] = {
                "median": median(per_run), "per_run": [round(x, 4) if x is not None else None for x in per_run]}
        for d in (rows[t]["wall_ratio"],):
            for k in d:
                d[k] = round(d[k], 4) if d[k] is not None else None
        for v in rows[t]["wall_ratio_paired"].values():
            v["median"] = round(v["median"], 4) if v["median"] is not None else None

    # ---- table
    refs = [r for r in REFS if r in tools]
    print()
    print("corpus %s: %.1f MiB, %s files, %s planted secrets, %s decoys; %s round(s), %s cores" % (
        args.corpus, nbytes / 2**20, manifest.get("files"), manifest.get("secrets"), manifest.get("decoys"),
        meta.get("runs", "?"), meta.get("nproc", "?")))
    head = ["tool", "wall s", "MB/s", "RSS MiB"] + ["x " + r for r in refs] + ["recall %", "decoys", "other"]
    table = [head]
    for t in tools:
        r = rows[t]
        name = t + (" (%d failed)" % r["failed_runs"] if r["failed_runs"] else "")
        table.append([name, fmt(r["median_wall_s"], ".2f"), fmt(r["mb_per_s"], ".1f"), fmt(r["median_peak_rss_mib"], ".0f")]
                     + [fmt((1.0 if r["median_wall_s"] else None) if ref == t else r["wall_ratio"].get(ref), ".2f") for ref in refs]
                     + [fmt(r["recall_pct"], ".1f"), fmt(r["findings_on_decoys"], "d"), fmt(r["findings_other"], "d")])
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for n, row in enumerate(table):
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("(medians over the rounds; x = wall ratio of the medians; accuracy from each tool's last report)")

    if len(tools) > 1:
        print()
        print("paired wall ratios (median over rounds of row-tool run i / column-tool run i):")
        head = ["tool"] + ["/ " + r for r in tools]
        table = [head]
        for t in tools:
            table.append([t] + [("1.00" if rows[t]["median_wall_s"] else "-") if ref == t
                                 else fmt(rows[t]["wall_ratio_paired"][ref]["median"], ".2f") for ref in tools])
        widths = [max(len(row[i]) for row in table) for i in range(len(head))]
        for row in table:
            print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))

    summary = {
        "corpus": {"path": args.corpus, "bytes": nbytes, "files": manifest.get("files"),
                   "secrets": manifest.get("secrets"), "decoys": manifest.get("decoys"), "seed": manifest.get("seed")},
        "runs": int(meta["runs"]) if meta.get("runs", "").isdigit() else None,
        "nproc": int(meta["nproc"]) if meta.get("nproc", "").isdigit() else None,
        "date": meta.get("date"),
        "tools": rows,
        "note": "quote ratios measured in one run; absolute times do not carry across runs or machines",
    }
    path = os.path.join(args.out, "summary.json")
    with open(path, "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print()
    print("summary: %s" % path)


if __name__ == "__main__":
    sys.exit(main())
