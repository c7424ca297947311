#!/usr/bin/env python3
"""Hand-labelling helper.

  label_tool.py cands OWNER/NAME          # (re)compute candidates -> /work/corpus/cands/owner__name.jsonl
  label_tool.py show OWNER/NAME [--all]   # print unlabelled candidates, numbered, with context
  label_tool.py apply OWNER/NAME FILE     # FILE: lines "IDX[-IDX] T|F category note..."

Candidates come from candidates.py over /work/corpus/tree/owner__name plus the
scanner reports in /work/corpus/scan/<tool>/owner__name.json; the listing does not
say which source proposed a line.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = "/work/corpus/tree"
SCAN = "/work/corpus/scan"
CANDS = "/work/corpus/cands"
CATS = {"password", "api-key", "token", "private-key", "connection-string", "http-auth",
        "cloud-credential", "jwt", "signing-secret", "password-hash", "other"}
SHORT = {"pw": "password", "ak": "api-key", "tk": "token", "pk": "private-key", "cs": "connection-string",
         "ha": "http-auth", "cc": "cloud-credential", "jwt": "jwt", "ss": "signing-secret",
         "ph": "password-hash", "o": "other"}


def slug(repo):
    return repo.replace("/", "__")


def commit_of(repo):
    with open(os.path.join(HERE, "repos.tsv")) as f:
        for ln in f:
            p = ln.rstrip("\n").split("\t")
            if p[0] == repo:
                return p[1]
    raise SystemExit(f"{repo} not in repos.tsv")


def labels_path(repo):
    return os.path.join(HERE, "labels", slug(repo) + ".jsonl")


def read_labels(repo):
    out = {}
    p = labels_path(repo)
    if os.path.exists(p):
        with open(p) as f:
            for ln in f:
                if ln.strip():
                    o = json.loads(ln)
                    out[(o["path"], o["line"])] = o
    return out


def cands(repo):
    os.makedirs(CANDS, exist_ok=True)
    s = slug(repo)
    args = [sys.executable, os.path.join(HERE, "candidates.py"), os.path.join(TREE, s)]
    for tool in ("keyhound", "gitleaks", "betterleaks", "kingfisher", "detect-secrets"):
        rp = os.path.join(SCAN, tool, s + ".json")
        if os.path.exists(rp):
            args += ["--findings", f"{tool}={rp}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    with open(os.path.join(CANDS, s + ".jsonl"), "w") as f:
        f.write(out)
    print(f"{len(out.splitlines())} candidates", file=sys.stderr)


def load_cands(repo):
    with open(os.path.join(CANDS, slug(repo) + ".jsonl")) as f:
        return [json.loads(ln) for ln in f if ln.strip()]


def pending(repo, show_all=False):
    lab = read_labels(repo)
    return [c for c in load_cands(repo) if show_all or (c["path"], c["line"]) not in lab]


def show(repo, show_all=False):
    tree = os.path.join(TREE, slug(repo))
    cache = {}
    for i, c in enumerate(pending(repo, show_all)):
        p = c["path"]
        if p not in cache:
            with open(os.path.join(tree, p), encoding="utf-8", errors="replace") as f:
                cache[p] = f.read().split("\n")
        lines = cache[p]
        n = c["line"]
        prev = lines[n - 2].strip()[:90] if n >= 2 else ""
        print(f"[{i}] {p}:{n}")
        if prev:
            print(f"      ^ {prev}")
        print(f"      > {lines[n - 1].strip()[:220]}")


def apply(repo, fn):
    commit = commit_of(repo)
    todo = pending(repo)
    lab = read_labels(repo)
    with open(fn) as f:
        for ln in f:
            ln = ln.strip()
            if not ln or ln.startswith("#"):
                continue
            idx, tf, cat, *note = ln.split(None, 3)
            cat = SHORT.get(cat, cat)
            if idx.startswith("+"):  # +path:line  an extra line (e.g. the value line after a name line)
                p, n = idx[1:].rsplit(":", 1)
                assert cat in CATS and tf in ("T", "F"), ln
                lab[(p, int(n))] = {"repo": repo, "commit": commit, "path": p, "line": int(n),
                                    "label": tf == "T", "category": cat, "note": " ".join(note)}
                continue
            assert cat in CATS, ln
            assert tf in ("T", "F"), ln
            if "-" in idx:
                a, b = idx.split("-")
                rng = range(int(a), int(b) + 1)
            else:
                rng = [int(i) for i in idx.split(",")]
            for i in rng:
                c = todo[i]
                lab[(c["path"], c["line"])] = {"repo": repo, "commit": commit, "path": c["path"],
                                               "line": c["line"], "label": tf == "T", "category": cat,
                                               "note": " ".join(note)}
    with open(labels_path(repo), "w") as f:
        for k in sorted(lab):
            f.write(json.dumps(lab[k]) + "\n")
    print(f"{len(lab)} labels in {labels_path(repo)}", file=sys.stderr)


if __name__ == "__main__":
    cmd, repo = sys.argv[1], sys.argv[2]
    if cmd == "cands":
        cands(repo)
    elif cmd == "show":
        show(repo, "--all" in sys.argv)
    elif cmd == "apply":
        apply(repo, sys.argv[3])
