#!/usr/bin/env python3
"""Git benchmarks: full-history scan and pre-commit (staged) latency, keyhound vs peers.

    python3 bench/git_bench.py history --repo BARE_REPO [--runs 2] [--tools ...]
    python3 bench/git_bench.py staged [--files 10000] [--changed 10] [--runs 30]

history: scans the whole history of a bare repository (e.g. a bare clone of rust-lang/cargo)
with keyhound (changed regions, the default, and `--full-blobs`), gitleaks, betterleaks and
Kingfisher, interleaved round by round, next to the
physical limit `git cat-file --batch-all-objects --batch` (inflate every object once). Prints
median wall time, peak RSS (the largest process) and the ratios, round by round.

staged: builds a repository of N small text files in a temp dir, commits it, changes M files
(one gets a fake key) and stages them, then times `keyhound scan --staged` against
`gitleaks git --pre-commit --staged` (the same job gitleaks' pre-commit hook runs), including
process start-up and rule loading, over many interleaved runs.

Peers come from ../shared/bench/install-peers.sh ($PEERS/bin, default ~/peers/bin). Quote the
ratios: the machines are shared and noisy, absolute times differ from run to run.
"""

import argparse
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYHOUND = os.path.join(REPO_ROOT, "target", "release", "keyhound")
PEERS = os.path.join(os.environ.get("PEERS", os.path.expanduser("~/peers")), "bin")


def timed(cmd, cwd=None, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (wall seconds, peak RSS MiB of the process tree's largest process, exit code)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    return wall, ru.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def history(args):
    repo = os.path.abspath(args.repo)
    out = tempfile.mkdtemp(prefix="kh-hist-")
    cmds = {
        "cat-file": ["sh", "-c", "exec git -C '%s' cat-file --batch-all-objects --batch >/dev/null" % repo],
        "keyhound": [KEYHOUND, "scan", "--git", repo, "--format", "json", "-o", os.path.join(out, "kh.json"), "--quiet"],
        "keyhound-full": [KEYHOUND, "scan", "--git", repo, "--full-blobs", "--format", "json", "-o",
                          os.path.join(out, "khf.json"), "--quiet"],
        "gitleaks": [os.path.join(PEERS, "gitleaks"), "git", repo, "-r", os.path.join(out, "gl.json"), "-f", "json",
                     "--no-banner", "--log-level", "error"],
        "betterleaks": [os.path.join(PEERS, "betterleaks"), "git", repo, "-o", os.path.join(out, "bl.json"), "--no-banner",
                        "-s", "-l", "error"],
        "kingfisher": [os.path.join(PEERS, "kingfisher"), "scan", repo, "--no-validate", "--no-update-check", "-q", "-f",
                       "json", "-o", os.path.join(out, "kf.json")],
    }
    tools = args.tools.split()
    res = {t: [] for t in tools}
    for i in range(args.runs):
        for t in tools:
            w, rss, code = timed(cmds[t])
            res[t].append((w, rss))
            print("round %d  %-12s %8.2f s  %7.0f MiB  exit %d" % (i + 1, t, w, rss, code), flush=True)
    report(res, tools, ["cat-file", "keyhound-full", "gitleaks", "kingfisher"])
    same_findings(out)
    shutil.rmtree(out, ignore_errors=True)


def same_findings(out):
    """Incremental (changed regions) against --full-blobs: the same findings, and the bytes matched."""
    import json
    reports = {}
    for name in ("kh", "khf"):
        path = os.path.join(out, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                reports[name] = json.load(f)
    if "kh" not in reports:
        return
    s = reports["kh"]["stats"]
    unchanged = s.get("bytes_unchanged", 0)
    print("\nkeyhound: %d blob bytes, %d matched (%.1f %%), %d versions matched by their changed lines only"
          % (s["bytes_scanned"], s["bytes_scanned"] - unchanged, 100.0 * (s["bytes_scanned"] - unchanged)
             / max(1, s["bytes_scanned"]), s.get("versions_incremental", 0)))
    if "khf" in reports:
        key = lambda f: (f["rule"], f["path"], f["line"], f["column"], f["end_line"], f["end_column"],
                         f["fingerprint"], (f.get("commit") or {}).get("id"))
        a = set(map(key, reports["kh"]["findings"]))
        b = set(map(key, reports["khf"]["findings"]))
        print("findings: %d incremental, %d whole blobs; only incremental %d, only whole %d"
              % (len(a), len(b), len(a - b), len(b - a)))


def report(res, tools, bases):
    print("\n%-12s %9s %9s" % ("tool", "wall s", "RSS MiB") + "".join(" %12s" % ("x " + b) for b in bases if b in res))
    for t in tools:
        walls = [w for w, _ in res[t]]
        line = "%-12s %9.3f %9.0f" % (t, statistics.median(walls), statistics.median(r for _, r in res[t]))
        for b in bases:
            if b in res:
                pair = [a[0] / c[0] for a, c in zip(res[t], res[b])]
                line += " %12.3f" % statistics.median(pair)
        print(line)
    print("(medians; x = median over rounds of this tool's time / the other's in the same round)")


def staged(args):
    d = tempfile.mkdtemp(prefix="kh-staged-")
    r = random.Random(7)
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.org", GIT_COMMITTER_NAME="b",
               GIT_COMMITTER_EMAIL="b@example.org")
    git = lambda *a: subprocess.run(["git", *a], cwd=d, env=env, check=True, stdout=subprocess.DEVNULL)
    git("init", "-q", "-b", "main")
    words = "alpha beta gamma delta config value handler request user account service".split()
    for i in range(args.files):
        sub = os.path.join(d, "src", "m%03d" % (i % 200))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "f%05d.py" % i), "w") as f:
            for _ in range(40):
                f.write("%s_%d = %s(%d)  # %s\n" % (r.choice(words), r.randint(0, 99), r.choice(words), r.randint(0, 999), r.choice(words)))
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    key = "".join(r.choice(string.ascii_letters + string.digits) for _ in range(40))
    for i in range(args.changed):
        p = os.path.join(d, "src", "m%03d" % (i % 200), "f%05d.py" % i)
        with open(p, "a") as f:
            f.write("api_key = \"%s\"\n" % key if i == 0 else "extra_%d = 1\n" % i)
    git("add", "-A")
    cmds = {
        "keyhound": [KEYHOUND, "scan", "--staged", "--quiet"],
        "gitleaks": [os.path.join(PEERS, "gitleaks"), "git", "--pre-commit", "--staged", "--no-banner", "--log-level", "error", "."],
    }
    tools = [t for t in args.tools.split() if t in cmds]
    for t in tools:  # warm-up, and check both find the key
        _, _, code = timed(cmds[t], cwd=d)
        print("warm-up %-10s exit %d (1 = the staged key was found)" % (t, code))
    res = {t: [] for t in tools}
    for _ in range(args.runs):
        for t in tools:
            w, rss, _ = timed(cmds[t], cwd=d)
            res[t].append((w, rss))
    print("\nstaged scan: %d files in the repository, %d changed and staged, %d runs each" % (args.files, args.changed, args.runs))
    report(res, tools, ["gitleaks"])
    for t in tools:
        ms = sorted(w * 1000 for w, _ in res[t])
        print("%-10s median %.1f ms, min %.1f ms, max %.1f ms" % (t, statistics.median(ms), ms[0], ms[-1]))
    shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("history")
    h.add_argument("--repo", required=True, help="a bare clone, e.g. of rust-lang/cargo")
    h.add_argument("--runs", type=int, default=2)
    h.add_argument("--tools", default="cat-file keyhound keyhound-full gitleaks betterleaks kingfisher")
    s = sub.add_parser("staged")
    s.add_argument("--files", type=int, default=10000)
    s.add_argument("--changed", type=int, default=10)
    s.add_argument("--runs", type=int, default=30)
    s.add_argument("--tools", default="keyhound gitleaks")
    a = ap.parse_args()
    if not os.path.exists(KEYHOUND):
        sys.exit("build keyhound first: cargo build --release")
    history(a) if a.cmd == "history" else staged(a)


if __name__ == "__main__":
    main()
