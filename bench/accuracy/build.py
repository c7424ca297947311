#!/usr/bin/env python3
"""Rebuild the labelled accuracy corpus from repos.tsv and labels/*.jsonl.

For every repository in repos.tsv, find its fetched bare git directory under
/work/.mirror/ (owner+name/...), and write only the labelled files, at the
labelled commit, into OUT/owner__name/<path>.  Snapshots may lack large blobs
(files of 4 MiB and more): these are skipped with a warning instead of aborting
the whole archive the way `git archive` would.

    python3 bench/accuracy/build.py [--out /work/corpus/labelled] [--all] [--mirror /work/.mirror]

--all extracts the complete tree of each repository's commit (used to choose
candidate lines), not only the labelled files.
"""
import argparse
import collections
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_repos(path):
    repos = []
    with open(path) as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln or ln.startswith("#"):
                continue
            parts = ln.split("\t")
            repos.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return repos


def read_labels(labels_dir):
    files = collections.defaultdict(set)  # repo -> {path}
    commits = {}
    for fn in sorted(glob.glob(os.path.join(labels_dir, "*.jsonl"))):
        with open(fn) as f:
            for ln in f:
                ln = ln.strip()
                if not ln:
                    continue
                o = json.loads(ln)
                files[o["repo"]].add(o["path"])
                commits[o["repo"]] = o["commit"]
    return files, commits


def find_gitdir(mirror, repo):
    owner, name = repo.split("/", 1)
    cands = [os.path.join(mirror, f"{owner}+{name}", "repo"), os.path.join(mirror, f"{owner}+{name}")]
    cands += glob.glob(os.path.join(mirror, f"{owner}+{name}", "*"))
    # case-insensitive fallback
    if os.path.isdir(mirror):
        for d in os.listdir(mirror):
            if d.lower() == f"{owner}+{name}".lower():
                cands.append(os.path.join(mirror, d, "repo"))
                cands.append(os.path.join(mirror, d))
    # a snapshot may also arrive as a work tree with its git dir inside (owner+name/repo/.git)
    cands += [os.path.join(c, ".git") for c in list(cands)]
    for c in cands:
        if os.path.isdir(c) and os.path.exists(os.path.join(c, "HEAD")) and os.path.isdir(os.path.join(c, "objects")):
            return c
    return None


def has_commit(gitdir, commit):
    r = subprocess.run(["git", "--git-dir", gitdir, "cat-file", "-e", commit + "^{commit}"],
                       capture_output=True)
    return r.returncode == 0


def ls_tree(gitdir, commit):
    out = subprocess.run(["git", "--git-dir", gitdir, "ls-tree", "-r", "-z", "--full-tree", commit],
                         capture_output=True, check=True).stdout
    entries = {}
    for rec in out.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, typ, sha = meta.split()
        if typ != b"blob" or mode == b"120000":
            continue
        entries[path.decode("utf-8", "surrogateescape")] = sha.decode()
    return entries


def extract(gitdir, commit, paths, dest):
    """Write blobs of `paths` (None = all) at `commit` under dest. Returns (written, missing)."""
    tree = ls_tree(gitdir, commit)
    want = sorted(tree) if paths is None else sorted(paths)
    written, missing = 0, []
    # batch read through cat-file --batch
    proc = subprocess.Popen(["git", "--git-dir", gitdir, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for p in want:
        sha = tree.get(p)
        if sha is None:
            missing.append((p, "not in tree"))
            continue
        proc.stdin.write((sha + "\n").encode())
        proc.stdin.flush()
        header = proc.stdout.readline().decode().split()
        if len(header) < 3 or header[1] == "missing":
            missing.append((p, "blob absent from snapshot"))
            continue
        size = int(header[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)
        out = os.path.join(dest, p)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(data)
        written += 1
    proc.stdin.close()
    proc.wait()
    return written, missing


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/work/corpus/labelled")
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--repos", default=os.path.join(HERE, "repos.tsv"))
    ap.add_argument("--labels", default=os.path.join(HERE, "labels"))
    ap.add_argument("--all", action="store_true", help="extract whole trees, not only labelled files")
    ap.add_argument("--only", action="append", help="only this owner/name (repeatable)")
    args = ap.parse_args()

    repos = read_repos(args.repos)
    files, commits = read_labels(args.labels)
    absent = []
    total = 0
    for repo, commit, _part in repos:
        if args.only and repo not in args.only:
            continue
        if not args.all and repo not in files:
            continue
        commit = commits.get(repo, commit)
        gitdir = find_gitdir(args.mirror, repo)
        if gitdir is None or not has_commit(gitdir, commit):
            absent.append((repo, commit))
            continue
        dest = os.path.join(args.out, repo.replace("/", "__"))
        n, missing = extract(gitdir, commit, None if args.all else files[repo], dest)
        total += n
        for p, why in missing:
            print(f"warning: {repo}: {p}: {why}", file=sys.stderr)
        print(f"{repo}: {n} files -> {dest}", file=sys.stderr)
    print(f"{total} files written under {args.out}", file=sys.stderr)
    if absent:
        print("\nThese repositories' snapshots are missing (labels for them are skipped):", file=sys.stderr)
        for repo, commit in absent:
            print(f"  {repo} @ {commit}", file=sys.stderr)
        print("Get them with the `fetch` tool (github:owner/name), or on a machine with network:\n"
              "  git clone --bare https://github.com/OWNER/NAME /work/.mirror/OWNER+NAME/repo\n"
              "  git --git-dir=/work/.mirror/OWNER+NAME/repo cat-file -e COMMIT  # must succeed\n"
              "then run build.py again.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
