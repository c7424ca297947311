#!/usr/bin/env python3
"""Score keyhound and its peers on the hand-labelled real-file corpus.

    python3 bench/accuracy/score.py [--keyhound target/release/keyhound] [--min-confidence medium]
                                    [--corpus /work/corpus/labelled] [--out /tmp/keyhound-accuracy]
                                    [--tools keyhound,gitleaks,betterleaks,kingfisher,detect-secrets]

The corpus is the tree build.py writes (OUT/owner__name/<path>, only labelled files). Every
scanner runs once over the whole corpus in this run (timed). Each finding is mapped to
(repo, path, line); a finding inside a PEM block counts on the block's BEGIN line. Per
scanner, each labelled line counts once:
  TP  flagged and labelled true        FN  labelled true, not flagged
  FP  flagged and labelled false       U   flagged, not labelled ("unlabelled")
precision = TP/(TP+FP); strict precision = TP/(TP+FP+U); recall = TP/(TP+FN).
Writes OUT/results.json, OUT/keyhound-misses.tsv, OUT/keyhound-fp.tsv and
OUT/unlabelled-<tool>.tsv (lines to label next), plus each scanner's raw report.
"""
import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import findings as F  # noqa: E402

TOOLS = ["keyhound", "gitleaks", "betterleaks", "kingfisher", "detect-secrets"]
TEMPLATE_SUFFIXES = {"dist", "example", "sample", "tpl", "j2", "erb", "template", "tmpl", "in", "orig"}
NAMED_KINDS = {"dockerfile": "Dockerfile", "makefile": "Makefile", "jenkinsfile": "Jenkinsfile",
               "vagrantfile": "Vagrantfile", "gemfile": "Gemfile", "rakefile": "Rakefile",
               "procfile": "Procfile"}
EXT_ALIASES = {"yml": "yaml", "htm": "html", "jsx": "js", "tsx": "ts", "bash": "sh", "conf": "conf",
               "cnf": "ini", "cfg": "ini"}


def file_kind(path):
    base = os.path.basename(path)
    low = base.lower()
    if low.startswith(".env") or low.endswith(".env"):
        return ".env"
    for k, v in NAMED_KINDS.items():
        if low == k or low.startswith(k + ".") or low.startswith(k + "_") or low.endswith("." + k):
            return v
    parts = low.split(".")
    while len(parts) > 2 and parts[-1] in TEMPLATE_SUFFIXES:
        parts.pop()
    if len(parts) == 1 or (len(parts) == 2 and parts[0] == ""):
        return "dotfile" if low.startswith(".") else "no-ext"
    ext = parts[-1]
    if ext in TEMPLATE_SUFFIXES and len(parts) == 2:
        return ext
    return EXT_ALIASES.get(ext, ext)


def read_labels(labels_dir):
    labels = {}
    for fn in sorted(glob.glob(os.path.join(labels_dir, "*.jsonl"))):
        with open(fn) as f:
            for ln in f:
                if ln.strip():
                    o = json.loads(ln)
                    labels[(o["repo"], o["path"], int(o["line"]))] = o
    return labels


def find_tool(name, keyhound):
    if name == "keyhound":
        return keyhound if os.path.exists(keyhound) else shutil.which(keyhound)
    for d in [os.path.expanduser("~/peers/bin")] + os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def run_tool(name, exe, corpus, out, min_conf):
    report = os.path.join(out, f"{name}.json")
    if os.path.exists(report):
        os.remove(report)
    cwd = None
    stdout = subprocess.DEVNULL
    if name == "keyhound":
        cmd = [exe, "scan", corpus, "--format", "json", "--min-confidence", min_conf, "-q", "-o", report]
    elif name == "gitleaks":
        cmd = [exe, "dir", corpus, "-r", report, "-f", "json", "--no-banner", "--log-level", "error"]
    elif name == "betterleaks":
        cmd = [exe, "fs", corpus, "-o", report, "--no-banner", "-s", "-l", "error"]
    elif name == "kingfisher":
        # --no-dedup: line-level scoring needs every occurrence, not one per distinct secret
        cmd = [exe, "scan", corpus, "--no-validate", "--no-update-check", "-q", "-f", "json",
               "-o", report, "--no-dedup"]
    elif name == "detect-secrets":
        cmd = [exe, "scan", "--all-files", "."]
        cwd = corpus
        stdout = open(report, "w")
    else:
        raise ValueError(name)
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    dt = time.monotonic() - t0
    if stdout is not subprocess.DEVNULL:
        stdout.close()
    if not os.path.exists(report):
        print(f"warning: {name} wrote no report (exit {r.returncode}): "
              f"{r.stderr.decode(errors='replace')[:300]}", file=sys.stderr)
        return None, dt
    return report, dt


def flagged_keys(name, report, corpus):
    pem = F.PemMapper(corpus)
    keys = set()
    for d in F.load_detailed(name, report, corpus, cwd=corpus):
        parts = d["path"].split(os.sep, 1)
        if len(parts) != 2:
            continue
        slug, rel = parts
        repo = slug.replace("__", "/", 1)
        keys.add((repo, rel, pem(d["path"], d["line"])))
    return keys


def prf(tp, fp, fn, u=0):
    p = tp / (tp + fp) if tp + fp else 0.0
    ps = tp / (tp + fp + u) if tp + fp + u else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, ps, r, f1


def score(labels, flagged):
    trues = {k for k, v in labels.items() if v["label"]}
    falses = {k for k, v in labels.items() if not v["label"]}
    res = {}
    for tool, keys in flagged.items():
        tp, fp = keys & trues, keys & falses
        un = keys - trues - falses
        fn = trues - keys
        groups = {"overall": {}, "category": collections.defaultdict(dict), "kind": collections.defaultdict(dict)}

        def tally(sel, key):
            t = sum(1 for k in tp if sel(k))
            f = sum(1 for k in fp if sel(k))
            n = sum(1 for k in fn if sel(k))
            uu = sum(1 for k in un if sel(k)) if key != "category" else 0
            p, ps, r, f1 = prf(t, f, n, uu)
            return {"tp": t, "fp": f, "fn": n, "unlabelled": uu, "precision": p, "strict_precision": ps,
                    "recall": r, "f1": f1}
        groups["overall"] = tally(lambda k: True, "overall")
        for c in sorted({v["category"] for v in labels.values()}):
            groups["category"][c] = tally(lambda k, c=c: k in labels and labels[k]["category"] == c, "category")
        for kd in sorted({file_kind(k[1]) for k in list(labels) + list(un)}):
            groups["kind"][kd] = tally(lambda k, kd=kd: file_kind(k[1]) == kd, "kind")
        res[tool] = {"groups": groups, "tp": sorted(tp), "fp": sorted(fp), "fn": sorted(fn),
                     "unlabelled": sorted(un)}
    return res


def fmt_table(res, tools, labels, group, rows, with_counts=False):
    lines = []
    head = f"{'':22}" + "".join(f"| {t[:16]:^22}" for t in tools)
    sub = f"{group:22}" + "".join(f"| {'P':>6} {'R':>6} {'F1':>6} " for _ in tools)
    lines += [head, sub, "-" * len(sub)]
    for row in rows:
        cells = []
        n = None
        for t in tools:
            g = res[t]["groups"]["overall"] if group == "overall" else res[t]["groups"][group].get(row)
            if g is None:
                cells.append(f"| {'':22}")
                continue
            n = g["tp"] + g["fn"]
            cells.append(f"| {g['precision']:6.2f} {g['recall']:6.2f} {g['f1']:6.2f} ")
        label = row if group != "overall" else "overall"
        if group != "overall":
            total = sum(1 for k, v in labels.items() if (v["category"] if group == "category" else file_kind(k[1])) == row)
            label = f"{row} ({n}/{total})"
        lines.append(f"{label[:22]:22}" + "".join(cells))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keyhound", default="target/release/keyhound")
    ap.add_argument("--min-confidence", default="medium")
    ap.add_argument("--corpus", default="/work/corpus/labelled")
    ap.add_argument("--labels", default=os.path.join(HERE, "labels"))
    ap.add_argument("--out", default="/tmp/keyhound-accuracy")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--build", action="store_true", help="run build.py into --corpus first")
    ap.add_argument("--part", help="score only repositories of this part of repos.tsv (A or B)")
    ap.add_argument("--reuse", action="store_true", help="reuse reports already in --out (no scanning)")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    corpus = os.path.abspath(args.corpus)
    if args.build or not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(HERE, "build.py"), "--out", corpus], check=True)
    labels = read_labels(args.labels)
    if args.part:
        with open(os.path.join(HERE, "repos.tsv")) as f:
            keep = {p[0] for p in (ln.rstrip("\n").split("\t") for ln in f) if len(p) > 2 and p[2] == args.part}
        labels = {k: v for k, v in labels.items() if k[0] in keep}
    # only labels whose file exists in the corpus can be scored
    present = {k: v for k, v in labels.items()
               if os.path.exists(os.path.join(corpus, k[0].replace("/", "__"), k[1]))}
    if len(present) < len(labels):
        print(f"warning: {len(labels) - len(present)} labels skipped (file missing from corpus)", file=sys.stderr)
    labels = present

    flagged, timing, tools = {}, {}, []
    for name in args.tools.split(","):
        exe = find_tool(name, args.keyhound)
        report = os.path.join(args.out, f"{name}.json")
        if args.reuse and os.path.exists(report):
            dt = None
        else:
            if exe is None:
                print(f"note: {name} not installed, skipped", file=sys.stderr)
                continue
            report, dt = run_tool(name, exe, corpus, args.out, args.min_confidence)
            if report is None:
                continue
        flagged[name] = flagged_keys(name, report, corpus)
        timing[name] = dt
        tools.append(name)

    tpath = os.path.join(args.out, "timing.json")
    old = json.load(open(tpath)) if os.path.exists(tpath) else {}
    for t in tools:
        if timing[t] is None:
            timing[t] = old.get(t)
    with open(tpath, "w") as f:
        json.dump(timing, f)
    in_scope = {k[0] for k in labels}
    flagged = {t: {k for k in keys if k[0] in in_scope} for t, keys in flagged.items()}
    res = score(labels, flagged)
    n_true = sum(1 for v in labels.values() if v["label"])
    repos = {k[0] for k in labels}
    print(f"corpus: {len(repos)} repositories, {len(labels)} labelled lines "
          f"({n_true} true, {len(labels) - n_true} false), "
          f"{len({file_kind(k[1]) for k in labels})} file kinds; keyhound --min-confidence {args.min_confidence}\n")
    print(f"{'tool':16} {'TP':>5} {'FP':>5} {'FN':>5} {'unlab':>6} {'P':>6} {'P-strict':>9} {'R':>6} {'F1':>6} {'time s':>7}")
    for t in tools:
        g = res[t]["groups"]["overall"]
        tm = f"{timing[t]:7.2f}" if timing[t] is not None else "      -"
        print(f"{t:16} {g['tp']:5} {g['fp']:5} {g['fn']:5} {g['unlabelled']:6} {g['precision']:6.3f} "
              f"{g['strict_precision']:9.3f} {g['recall']:6.3f} {g['f1']:6.3f} {tm}")
    print()
    cats = sorted({v["category"] for v in labels.values()})
    print("Per category (n = labelled-true lines / all labelled lines of the category)")
    print(fmt_table(res, tools, labels, "category", cats))
    print()
    kinds = sorted({file_kind(k[1]) for k in labels}, key=lambda k: -sum(1 for x in labels if file_kind(x[1]) == k))
    print("Per file kind")
    print(fmt_table(res, tools, labels, "kind", kinds))

    # machine-readable output
    out = {"corpus": {"repos": len(repos), "lines": len(labels), "true": n_true,
                      "min_confidence": args.min_confidence},
           "timing_seconds": timing,
           "tools": {t: res[t]["groups"] for t in tools}}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(out, f, indent=1)
    if "keyhound" in res:
        with open(os.path.join(args.out, "keyhound-misses.tsv"), "w") as f:
            for k in res["keyhound"]["fn"]:
                v = labels[k]
                f.write(f"{k[0]}\t{k[1]}:{k[2]}\t{v['category']}\t{file_kind(k[1])}\t{v['note']}\n")
        with open(os.path.join(args.out, "keyhound-fp.tsv"), "w") as f:
            for k in res["keyhound"]["fp"]:
                v = labels[k]
                f.write(f"{k[0]}\t{k[1]}:{k[2]}\t{v['category']}\t{file_kind(k[1])}\t{v['note']}\n")
    for t in tools:
        with open(os.path.join(args.out, f"unlabelled-{t}.tsv"), "w") as f:
            for k in res[t]["unlabelled"]:
                f.write(f"{k[0]}\t{k[1]}\t{k[2]}\n")
    print(f"\nwrote {args.out}/results.json, keyhound-misses.tsv, keyhound-fp.tsv, unlabelled-<tool>.tsv",
          file=sys.stderr)


if __name__ == "__main__":
    main()
