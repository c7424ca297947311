#!/usr/bin/env python3
"""Run keyhound and its peers on the decoding/archive corpus and score them.

    python3 bench/decoding/score.py --corpus OUTDIR --out RESULTDIR \
        [--tools keyhound,kingfisher,betterleaks,gitleaks] [--keyhound PATH] [--peers DIR]

OUTDIR comes from make.py (truth.jsonl, decoys.jsonl, manifest.json beside the tree). Each tool
scans OUTDIR once; its report goes to RESULTDIR/<tool>.json (peers' reports hold the raw fake
secrets: do not commit them). Findings in truth.jsonl / decoys.jsonl / manifest.json are
ignored. Writes RESULTDIR/results.json and RESULTDIR/table.md and prints the table.

Matching (see README.md): a planted key is found when the tool reports a finding in the same
file (archive members: the tool's path starts with the outer file and names the member in any
notation) within +-1 line of the planted span (line..line_end for multi-line spans); for an
archive member a finding without a line is accepted as a "path-only" match. Each finding
matches at most one planted key: first findings whose rule names the key's provider, then any
other finding. keyhound's "exact" also needs the same path (with `!`), the same line and the
same decode chain (`decoded`) as truth.jsonl.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

TOOLS = ["keyhound", "kingfisher", "betterleaks", "gitleaks"]
META_FILES = {"truth.jsonl", "decoys.jsonl", "manifest.json"}
TIMEOUT = 90

# rule id/name substrings -> the rule_hint they name (first hit wins; anything else is "generic")
TYPES = [
    ("github-pat", ("github", "ghp")),
    ("aws", ("aws", "amazon")),
    ("slack", ("slack",)),
    ("stripe", ("stripe",)),
    ("openai", ("openai",)),
    ("anthropic", ("anthropic", "claude")),
    ("jwt", ("jwt", "json web token", "json-web-token")),
    ("private-key", ("private-key", "private_key", "privatekey", "private key", "rsa", "pem", "ssh")),
    ("password", ("password", "passwd", "kubernetes")),
]


def rule_type(rule):
    r = (rule or "").lower()
    for t, subs in TYPES:
        if any(s in r for s in subs):
            return t
    return None


# ----------------------------------------------------------------------------- running tools

def commands(tool, corpus, report, kh_path):
    if tool == "keyhound":
        return [kh_path, "scan", corpus, "--format", "json", "--min-confidence", "low", "-o", report, "--quiet"], {0, 1}
    if tool == "gitleaks":
        return ["gitleaks", "dir", corpus, "--report-format", "json", "--report-path", report, "--no-banner",
                "--exit-code", "0", "--max-decode-depth", "3", "--max-archive-depth", "2", "--log-level", "error"], {0}
    if tool == "betterleaks":
        return ["betterleaks", "fs", corpus, "-o", report, "--no-banner", "-s", "-l", "error", "--exit-code", "0",
                "--max-decode-depth", "3", "--max-archive-depth", "2"], {0}
    if tool == "kingfisher":
        # archives are extracted by default (--extraction-depth 2); base64 decoding is on by default;
        # --no-dedup: otherwise a secret seen twice is reported once (truth.jsonl holds every one)
        return ["kingfisher", "scan", corpus, "--no-validate", "--no-update-check", "-q", "-f", "json", "-o", report,
                "--no-dedup", "--confidence", "low"], {0, 200, 205}
    raise ValueError(tool)


def version(tool, exe):
    args = {"keyhound": [exe, "--version"], "gitleaks": [exe, "version"], "betterleaks": [exe, "version"],
            "kingfisher": [exe, "--version"]}[tool]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - best effort
        return "?"


def run_tool(tool, corpus, outdir, kh_path):
    report = os.path.join(outdir, tool + ".json")
    if os.path.exists(report):
        os.remove(report)
    cmd, ok = commands(tool, corpus, report, kh_path)
    exe = shutil.which(cmd[0])
    if exe is None and tool == "keyhound" and os.sep in cmd[0]:
        time.sleep(30)  # the binary may be missing for a moment while it is rebuilt
        exe = shutil.which(cmd[0])
    if exe is None:
        return {"tool": tool, "skipped": "not found: %s" % cmd[0]}
    cmd[0] = exe
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = None, "timeout after %ds" % TIMEOUT
    wall = time.monotonic() - t0
    res = {"tool": tool, "version": version(tool, exe), "cmd": " ".join(cmd), "rc": rc, "wall_s": round(wall, 2),
           "report": report}
    with open(os.path.join(outdir, tool + ".stderr"), "w") as f:
        f.write(err or "")
    if rc not in ok:
        res["warning"] = "exit code %s (stderr in %s.stderr)" % (rc, tool)
    if not os.path.exists(report):
        res["skipped"] = "no report written (exit code %s): %s" % (rc, (err or "").strip()[-300:])
    return res


# ----------------------------------------------------------------------------- reading reports

def rel(p, corpus):
    if not p:
        return None
    p = p.replace("\\", "/")
    root = corpus.rstrip("/") + "/"
    if p.startswith(root):
        p = p[len(root):]
    elif os.path.isabs(p):
        real = os.path.realpath(corpus).rstrip("/") + "/"
        if p.startswith(real):
            p = p[len(real):]
        else:
            return None
    while p.startswith("./"):
        p = p[2:]
    return p


def load_findings(tool, report, corpus):
    with open(report, encoding="utf-8", errors="replace") as f:
        txt = f.read().strip()
    if not txt:
        return []
    try:
        doc = json.loads(txt)
    except json.JSONDecodeError:
        doc = [json.loads(ln) for ln in txt.splitlines() if ln.strip()]
    out = []

    def add(path, line, rule, decoded=None, raw_rule=None):
        p = rel(path, corpus)
        if p is None or p.split("!")[0] in META_FILES:
            return
        try:
            line = int(line) if line not in (None, "") else None
        except (TypeError, ValueError):
            line = None
        out.append({"path": p, "line": line or None, "rule": rule, "type": rule_type(raw_rule or rule),
                    "decoded": decoded})

    if tool == "keyhound":
        for f in (doc.get("findings", []) if isinstance(doc, dict) else doc):
            add(f.get("path"), f.get("line"), f.get("rule"), f.get("decoded") or [],
                "%s %s" % (f.get("rule"), f.get("rule_name") or ""))
    elif tool == "gitleaks":
        for f in (doc if isinstance(doc, list) else doc.get("findings", [])):
            dec = [t.split(":", 1)[1] for t in f.get("Tags") or [] if t.startswith("decoded:")]
            add(f.get("File"), f.get("StartLine"), f.get("RuleID"), dec)
    elif tool == "betterleaks":
        for f in (doc.get("findings", []) if isinstance(doc, dict) else doc):
            loc = f.get("location") or {}
            add(loc.get("path") or f.get("File"), loc.get("start_line") or f.get("StartLine"),
                f.get("rule_id") or f.get("RuleID"), f.get("encodings") or [])
    elif tool == "kingfisher":
        for f in (doc.get("findings", []) if isinstance(doc, dict) else doc):
            fi = f.get("finding", f)
            r = f.get("rule") or {}
            enc = fi.get("encoding")
            add(fi.get("path"), fi.get("line"), r.get("id") or r.get("name"),
                [enc] if isinstance(enc, str) else (enc or []), "%s %s" % (r.get("id"), r.get("name")))
    return out


# ----------------------------------------------------------------------------- matching

COMPRESSED = (".gz", ".bz2", ".xz", ".zst")


def path_match(truth_path, tool_path):
    """'file' for a plain file, 'member' for an archive member, None when no match."""
    if "!" not in truth_path:
        return "file" if tool_path == truth_path else None
    parts = truth_path.split("!")
    outer, member = parts[0], parts[-1]
    if not tool_path.startswith(outer):
        return None
    rest = tool_path[len(outer):]
    if rest and rest[0].isalnum():
        return None  # a different file whose name starts like the outer one
    if member in rest:
        return "member"
    base = os.path.basename(outer)
    if rest == "" and any(base.endswith(s) and base[:-len(s)] == os.path.basename(member) for s in COMPRESSED):
        return "member"  # a lone .gz: the member is the file without its suffix
    return None


def loc_match(entry, f, slack=1):
    """(matches, path_only, distance) of finding f against a truth/decoy entry."""
    kind = path_match(entry["path"], f["path"])
    if kind is None:
        return False, False, None
    lo = entry.get("line")
    hi = entry.get("line_end") or lo
    if lo is None:
        return True, True, 0
    if f["line"] is None:
        return (kind == "member"), True, 0
    if lo - slack <= f["line"] <= hi + slack:
        return True, False, 0 if lo <= f["line"] <= hi else 1
    return False, False, None


def exact(entry, f):
    chains = [entry["encoding"]] + entry.get("alt_encodings", [])
    return f["path"] == entry["path"] and f["line"] == entry["line"] and (f.get("decoded") or []) in chains


def match_tool(truth, decoys, findings, tool):
    used = set()
    res = [None] * len(truth)
    for typed_pass in (True, False):
        for i, e in enumerate(truth):
            if res[i] is not None:
                continue
            best = None
            for j, f in enumerate(findings):
                if j in used or (typed_pass and f["type"] != e["rule_hint"]):
                    continue
                ok, path_only, dist = loc_match(e, f)
                if not ok:
                    continue
                key = (not (tool == "keyhound" and exact(e, f)), path_only, dist)
                if best is None or key < best[0]:
                    best = (key, j, path_only)
            if best is not None:
                _, j, path_only = best
                used.add(j)
                f = findings[j]
                res[i] = {"found": True, "path_only": path_only, "provider_rule": f["type"] == e["rule_hint"],
                          "tool_path": f["path"], "tool_line": f["line"], "rule": f["rule"], "decoded": f["decoded"]}
                if tool == "keyhound":
                    res[i]["exact"] = exact(e, f)
    res = [r or {"found": False} for r in res]
    decoy_hits = []
    on_decoys = set()
    for d in decoys:
        hits = [j for j, f in enumerate(findings) if j not in used and loc_match(d, f, slack=0)[0]]
        if hits:
            decoy_hits.append({"path": d["path"], "line": d.get("line"), "kind": d["rule_hint"],
                               "rules": sorted({findings[j]["rule"] for j in hits})})
            on_decoys.update(hits)
    on_planted, elsewhere = 0, []
    for j, f in enumerate(findings):
        if j in used or j in on_decoys:
            continue
        if any(loc_match(e, f)[0] for e in truth):
            on_planted += 1  # a second finding for a planted key (the other half of a pair, a duplicate)
        else:
            elsewhere.append({"path": f["path"], "line": f["line"], "rule": f["rule"]})
    return res, decoy_hits, on_planted, elsewhere


# ----------------------------------------------------------------------------- report

def pct(a, b):
    return "%.0f%%" % (100.0 * a / b) if b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--keyhound", default="keyhound", help="keyhound binary (default: keyhound on PATH)")
    ap.add_argument("--peers", default=os.path.expanduser("~/peers/bin"), help="directory put first on PATH")
    a = ap.parse_args()

    corpus = os.path.abspath(a.corpus)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    os.environ["PATH"] = a.peers + os.pathsep + os.environ.get("PATH", "")
    kh = a.keyhound
    if os.sep in kh or os.path.exists(kh):
        kh = os.path.abspath(kh)
    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    for t in tools:
        if t not in TOOLS:
            sys.exit("score.py: unknown tool %s (known: %s)" % (t, ", ".join(TOOLS)))

    def jl(name):
        with open(os.path.join(corpus, name)) as f:
            return [json.loads(ln) for ln in f if ln.strip()]
    truth, decoys = jl("truth.jsonl"), jl("decoys.jsonl")
    manifest = {}
    if os.path.exists(os.path.join(corpus, "manifest.json")):
        with open(os.path.join(corpus, "manifest.json")) as f:
            manifest = json.load(f)
    notes = []
    for s in manifest.get("skipped", []):
        notes.append("case %s skipped by make.py: %s" % (s["case"], s["reason"]))

    runs, per_tool = {}, {}
    for t in tools:
        r = run_tool(t, corpus, out, kh)
        runs[t] = r
        if "skipped" in r:
            notes.append("%s skipped: %s" % (t, r["skipped"]))
            print("score.py: %s skipped: %s" % (t, r["skipped"]), file=sys.stderr)
            continue
        if "warning" in r:
            notes.append("%s: %s" % (t, r["warning"]))
        findings = load_findings(t, r["report"], corpus)
        res, decoy_hits, on_planted, elsewhere = match_tool(truth, decoys, findings, t)
        per_tool[t] = {"findings": len(findings), "matches": res, "decoy_hits": decoy_hits,
                       "extra_on_planted": on_planted, "other": elsewhere}
    ran = [t for t in tools if t in per_tool]

    # ---- aggregate
    cases = []
    for e in truth:
        if e["case"] not in cases:
            cases.append(e["case"])
    req = [i for i, e in enumerate(truth) if not e.get("optional")]
    summary = {}
    for t in ran:
        m = per_tool[t]["matches"]
        s = {
            "found": sum(m[i]["found"] for i in req), "total": len(req),
            "provider_rule": sum(m[i]["found"] and m[i]["provider_rule"] for i in req),
            "path_only": sum(m[i]["found"] and m[i]["path_only"] for i in req),
            "optional_found": sum(m[i]["found"] for i in range(len(truth)) if truth[i].get("optional")),
            "optional_total": len(truth) - len(req),
            "decoys_hit": len(per_tool[t]["decoy_hits"]), "decoys": len(decoys),
            "other_findings": len(per_tool[t]["other"]), "extra_on_planted": per_tool[t]["extra_on_planted"],
            "findings": per_tool[t]["findings"], "wall_s": runs[t]["wall_s"],
            "by_case": {},
        }
        if t == "keyhound":
            s["exact"] = sum(m[i].get("exact", False) for i in req)
        for c in cases:
            idx = [i for i, e in enumerate(truth) if e["case"] == c]
            s["by_case"][c] = {"found": sum(m[i]["found"] for i in idx), "total": len(idx),
                               "path_only": sum(m[i]["found"] and m[i]["path_only"] for i in idx)}
            if t == "keyhound":
                s["by_case"][c]["exact"] = sum(m[i].get("exact", False) for i in idx)
        s["recall"] = round(s["found"] / s["total"], 4) if s["total"] else None
        summary[t] = s

    # ---- table
    kh_on = "keyhound" in ran
    head = ["case", "keys", "chain"] + ran + (["keyhound exact"] if kh_on else [])
    rows = []
    for c in cases:
        idx = [i for i, e in enumerate(truth) if e["case"] == c]
        chains = sorted({"+".join(truth[i]["encoding"]) or "plain" for i in idx})
        opt = " (optional)" if all(truth[i].get("optional") for i in idx) else ""
        row = [c + opt, str(len(idx)), ", ".join(chains)]
        for t in ran:
            bc = summary[t]["by_case"][c]
            cell = "%d/%d" % (bc["found"], bc["total"])
            if bc["path_only"]:
                cell += " (%d path-only)" % bc["path_only"]
            row.append(cell)
        if kh_on:
            row.append("%d/%d" % (summary["keyhound"]["by_case"][c]["exact"], len(idx)))
        rows.append(row)

    def total_row(label, fn, kh_cell=""):
        return [label, "", ""] + [fn(summary[t]) for t in ran] + ([kh_cell] if kh_on else [])
    n_req = len(req)
    rows.append(total_row("**recall** (required keys)", lambda s: "**%d/%d = %s**" % (s["found"], s["total"], pct(s["found"], s["total"])),
                          "%d/%d = %s" % (summary["keyhound"]["exact"], n_req, pct(summary["keyhound"]["exact"], n_req)) if kh_on else ""))
    rows.append(total_row("found by the provider's rule", lambda s: "%d/%d" % (s["provider_rule"], s["total"])))
    rows.append(total_row("path-only matches (no line)", lambda s: str(s["path_only"])))
    rows.append(total_row("optional (image) found", lambda s: "%d/%d" % (s["optional_found"], s["optional_total"])))
    rows.append(total_row("**decoys hit (FP)**", lambda s: "**%d/%d**" % (s["decoys_hit"], s["decoys"])))
    rows.append(total_row("other findings (no planted key, no decoy)", lambda s: str(s["other_findings"])))
    rows.append(total_row("wall seconds", lambda s: "%.2f" % s["wall_s"]))

    def md(rows):
        w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
        lines = ["| " + " | ".join(str(h).ljust(w[i]) for i, h in enumerate(head)) + " |",
                 "|" + "|".join("-" * (w[i] + 2) for i in range(len(head))) + "|"]
        for r in rows:
            lines.append("| " + " | ".join(str(x).ljust(w[i]) for i, x in enumerate(r)) + " |")
        return "\n".join(lines)

    table = md(rows)
    legend = [
        "",
        "Cells: planted keys found / planted (same file, or archive + member; line within +-1 of the encoded span;",
        "one finding per key). keyhound exact: same path (with `!`), same line and same decode chain as truth.jsonl.",
        "Recall counts the %d required keys; the %d container-image keys are optional." % (n_req, len(truth) - n_req),
        "",
    ]
    for t in ran:
        legend.append("- %s (%s): `%s`" % (t, runs[t]["version"], runs[t]["cmd"].replace(corpus, "CORPUS").replace(out, "OUT")))
    for n in notes:
        legend.append("- note: " + n)
    text = table + "\n" + "\n".join(legend) + "\n"
    print(text)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write("# Decoding and archive benchmark\n\n" + text)

    # ---- results.json (no secret values)
    entries = []
    for i, e in enumerate(truth):
        row = {k: v for k, v in e.items() if k not in ("secret", "secret_pair")}
        row["tools"] = {t: per_tool[t]["matches"][i] for t in ran}
        entries.append(row)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"corpus": corpus, "manifest": manifest, "runs": runs, "summary": summary, "notes": notes,
                   "entries": entries,
                   "decoy_hits": {t: per_tool[t]["decoy_hits"] for t in ran},
                   "other_findings": {t: per_tool[t]["other"] for t in ran}}, f, indent=1)
        f.write("\n")
    print("score.py: wrote %s and %s" % (os.path.join(out, "results.json"), os.path.join(out, "table.md")),
          file=sys.stderr)


if __name__ == "__main__":
    main()
