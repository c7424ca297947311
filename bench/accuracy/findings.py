"""Read scanner reports into (relative path, line) pairs.

load(tool, report_path, tree_root, cwd=None) -> list of (relpath, line[, extra])
tool: keyhound | gitleaks | betterleaks | kingfisher | detect-secrets
Paths in reports may be absolute, relative to the scanned directory, or relative
to the directory the scanner ran in (cwd); all are made relative to tree_root.
"""
import json
import os


def _rel(p, root, cwd=None):
    if not p:
        return None
    if p.startswith("./"):
        p = p[2:]
    if os.path.isabs(p):
        ap = os.path.normpath(p)
    else:
        cand = os.path.normpath(os.path.join(root, p))
        if os.path.exists(cand) or cwd is None:
            ap = cand
        else:
            ap = os.path.normpath(os.path.join(cwd, p))
    root = os.path.normpath(root)
    if ap == root or not ap.startswith(root + os.sep):
        return None
    return os.path.relpath(ap, root)


def _read_json(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        txt = f.read().strip()
    if not txt:
        return None
    try:
        return json.loads(txt)
    except json.JSONDecodeError:
        # JSON Lines
        return [json.loads(ln) for ln in txt.splitlines() if ln.strip()]


def load_detailed(tool, path, root, cwd=None):
    """Return a list of dicts: {path, line, rule}."""
    doc = _read_json(path)
    if doc is None:
        return []
    out = []

    def add(p, line, rule):
        rp = _rel(p, root, cwd)
        if rp is not None and line:
            out.append({"path": rp, "line": int(line), "rule": rule})

    if tool == "keyhound":
        items = doc.get("findings", []) if isinstance(doc, dict) else doc
        for f in items:
            add(f["path"], f.get("line"), f.get("rule"))
            for part in f.get("parts") or []:
                if part.get("line") and part.get("line") != f.get("line"):
                    add(f["path"], part["line"], f.get("rule"))
    elif tool in ("gitleaks", "betterleaks"):
        items = doc if isinstance(doc, list) else doc.get("findings", [])
        for f in items:
            loc = f.get("location") or {}
            add(f.get("File") or f.get("file") or loc.get("path"),
                f.get("StartLine") or f.get("startLine") or loc.get("start_line"),
                f.get("RuleID") or f.get("ruleId") or f.get("rule_id"))
    elif tool == "kingfisher":
        items = doc.get("findings", []) if isinstance(doc, dict) else doc
        for f in items:
            fi = f.get("finding", f)
            rule = (f.get("rule") or {}).get("id")
            add(fi.get("path"), fi.get("line"), rule)
    elif tool == "detect-secrets":
        for fn, lst in (doc.get("results") or {}).items():
            for r in lst:
                add(fn, r.get("line_number"), r.get("type"))
    else:
        raise ValueError(f"unknown tool {tool}")
    return out


def load(tool, path, root, cwd=None):
    return sorted({(d["path"], d["line"]) for d in load_detailed(tool, path, root, cwd)})


def pem_blocks(full_path):
    """[(begin_line, end_line)] of multi-line key blocks in a file: -----BEGIN ...----- / -----END ...-----
    (PEM) and PuTTY key files (PuTTY-User-Key-File-N: header / Private-MAC: line)."""
    blocks = []
    try:
        with open(full_path, encoding="utf-8", errors="replace") as f:
            begin = None
            end_mark = None
            for i, line in enumerate(f, 1):
                if begin is None:
                    if "-----BEGIN" in line and "-----END" not in line:
                        begin, end_mark = i, "-----END"
                    elif line.lstrip().startswith("PuTTY-User-Key-File-"):
                        begin, end_mark = i, "Private-MAC:"
                elif end_mark in line:
                    blocks.append((begin, i))
                    begin = None
    except OSError:
        pass
    return blocks


class PemMapper:
    """Maps a line inside a PEM block (or PuTTY key file) to the block's first line (cached per file)."""

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def __call__(self, rel, line):
        if rel not in self.cache:
            self.cache[rel] = pem_blocks(os.path.join(self.root, rel))
        for b, e in self.cache[rel]:
            if b < line <= e:
                return b
        return line
