#!/usr/bin/env python3
"""Choose candidate lines of a repository tree for hand labelling.

Candidates are the union of
  1. a neutral, broad heuristic (below): a credential-like name near an
     assignment / header / flag form, URL userinfo, PEM private-key headers,
     long high-entropy tokens, Authorization headers; capped per file and
     sampled deterministically per repository;
  2. every line any scanner flagged (keyhound, gitleaks, betterleaks,
     kingfisher, detect-secrets reports passed with --findings TOOL=FILE);
  3. in credential files whose format says what a field holds (.netrc,
     .pgpass, .htpasswd, shadow, .msmtprc, master.key, PuTTY keys, ... see
     CRED_FILES), every line that can hold a credential field, whatever its
     name; anywhere, OTP URIs, password hashes, NATS nkey seeds and JWK
     private members.
The output does not say which source proposed a line (labelling is blind).

    python3 candidates.py TREE_DIR --repo owner/name [--findings gitleaks=g.json ...] > cands.jsonl

Each output line: {"path":..., "line":N, "text":...}.  A PEM block yields its
BEGIN line only.
"""
import argparse
import hashlib
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import findings as F  # noqa: E402

NAME = re.compile(r"(?i)(passw(or)?d|passwd|pwd|\bpass\b|_pass\b|\bpass_|secret|token|api[_.-]?key|apikey|"
                  r"(?:^|[^a-z])key(?:$|[^a-z])|auth(?!or)|credential|bearer|private[_ .-]?key)")
# the value after a credential-like name: an operator, then a literal
VALUE = re.compile(r"""(?ix)
    ^[\w.\-\[\]'"]{0,40}?            # rest of the name, quotes, brackets
    (?: \s*(?:=>|:=|=|:)\s*        # operator
      | >                             # <password>value</password>
      | \(\s* )                      # setPassword("x")
    (?P<val>"[^"]{3,}"|'[^']{3,}'|`[^`]{3,}`|[^\s,;<>()]{3,})
""")
FLAG = re.compile(r"(?i)(?:^|\s)--?(?:password|passwd|pass|token|secret|api-?key|auth|user)[ =]\S")
USERINFO = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"]+@")
URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>)]+")
PEM = re.compile(r"-----BEGIN[A-Z0-9 ]*(PRIVATE KEY( BLOCK)?|NKEY SEED)-----")
AUTHZ = re.compile(r"(?i)authorization\s*[\"']?\s*[:=,]\s*\S|\bbearer\s+[a-z0-9._~+/-]{8,}|\bbasic\s+[a-z0-9+/=]{8,}")
TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{32,}={0,2}")
NOT_LITERAL = re.compile(r"(?i)^(true|false|null|none|nil|undefined|\d+|yes|no)$|^(['\"`])(true|false|null|none|)\2$")
# name ... operator ... quoted literal later on the line (fallback defaults, comparisons, calls)
LATER = re.compile(r"""(?:=|:|=>|\?:|\|\||,)[^'"`\n]{0,60}?(['"`])(?P<lit>[^'"`\n]{3,})\1""")
# credential-file formats (issue 12, part C): the file's kind, not a name beside the value, says what a field holds
OTP = re.compile(r"(?i)otpauth(?:-migration)?://")
PWHASH = re.compile(r"\$(?:2[abxy]?|apr1|1|5|6|7|y|gy|argon2(?:id|i|d)|pbkdf2[-\w]*|scrypt|sha1)\$[./A-Za-z0-9$=,+-]{8,}"
                    r"|\{(?:SSHA|SHA|SHA256|SSHA256|SHA512|SSHA512|MD5|SMD5|CRYPT|PBKDF2[-\w]*)\}[A-Za-z0-9+/=.$]{8,}"
                    r"|#jbcrypt:|\bpbkdf2_sha\d+\$\d+\$|\bsha1\$[0-9a-zA-Z]+\$[0-9a-f]{40}", re.I)
NKEY_SEED = re.compile(r"\bS[UAONCXP][A-Z2-7]{54,}\b")
JWK_PRIV = re.compile(r"""["'](?:d|p|q|dp|dq|qi|k)["']\s*:\s*["'][A-Za-z0-9_-]{8,}""")
PPK = re.compile(r"PuTTY-User-Key-File-\d+:")
# `password VALUE` with a blank, not an operator (netrc, msmtprc, esmtprc, shell-less configs)
WS_PASSWORD = re.compile(r"(?i)(?:^|\s)(?:password|passwd|passphrase|passwordeval|account)\s+\S")
CRED_FILES = {".netrc": "netrc", "_netrc": "netrc", ".pgpass": "pgpass", "pgpass.conf": "pgpass", "_pgpass": "pgpass",
              ".msmtprc": "netrc", "msmtprc": "netrc", ".esmtprc": "netrc", "esmtprc": "netrc",
              ".htpasswd": "colon", "htpasswd": "colon", "shadow": "colon", "gshadow": "colon",
              "master.key": "whole", "credentials.yml.key": "whole", ".git-credentials": "whole"}
CRED_EXT = {".htpasswd": "colon", ".netrc": "netrc", ".pgpass": "pgpass", ".nk": "whole"}


def cred_file_kind(rel):
    base = os.path.basename(rel).lower()
    if base in CRED_FILES:
        return CRED_FILES[base]
    for ext, kind in CRED_EXT.items():
        if base.endswith(ext):
            return kind
    return None


def cred_line(line, kind):
    """A line of a credential file that can hold a credential field (comments and blank lines excluded)."""
    t = line.strip()
    if not t or t.startswith("#") or t.startswith("//"):
        return False
    if kind == "netrc":
        return bool(WS_PASSWORD.search(line))
    if kind == "pgpass":
        return len(re.findall(r"(?<!\\):", t)) >= 4
    if kind == "colon":
        return bool(re.match(r"^[^:\s]+:[^:\s]", t))
    if kind == "whole":
        return "-----" not in t
    return False


CODE_EXT = {".js", ".jsx", ".ts", ".tsx", ".py", ".java", ".go", ".rs", ".cs", ".php", ".rb", ".kt",
            ".scala", ".c", ".cc", ".cpp", ".h", ".swift", ".groovy", ".vue"}
VENDOR = ("node_modules/", "vendor/", "bower_components/", "wwwroot/lib/", "/static/vendor/", "third_party/")

SKIP_NAMES = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "composer.lock", "Gemfile.lock",
              "go.sum", "Cargo.lock", "poetry.lock", "Pipfile.lock", "npm-shrinkwrap.json"}
SKIP_EXT = (".min.js", ".min.css", ".map", ".svg", ".png", ".jpg", ".gif", ".ico", ".woff", ".woff2",
            ".ttf", ".eot", ".pdf", ".zip", ".gz", ".jar", ".war", ".class", ".so", ".exe")
MAX_FILE = 2 * 1024 * 1024
MAX_LINE = 1000


def entropy(s):
    n = len(s)
    counts = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def high_entropy_token(line):
    line = URL.sub(lambda m: m.group(0) if USERINFO.search(m.group(0)) else " ", line)
    for m in TOKEN.finditer(line):
        t = m.group(0)
        classes = sum(bool(re.search(p, t)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
        if classes >= 2 and t.count("-") <= 3 and entropy(t) >= 4.2:
            return True
    return False


def named_literal(line, code):
    for m in NAME.finditer(line):
        v = VALUE.match(line[m.end():])
        if not v:
            continue
        val = v.group("val")
        if NOT_LITERAL.match(val):
            continue
        quoted = val[0] in "'\"`"
        if code and not quoted:
            continue
        return True
    for m in NAME.finditer(line):
        v = LATER.search(line, m.end(), m.end() + 100)
        if v and not NOT_LITERAL.match(v.group("lit")):
            return True
    return False


def heuristic(line, code=False, cred_kind=None):
    if len(line) > MAX_LINE:
        return False
    if cred_kind and cred_line(line, cred_kind):
        return True
    if PEM.search(line) or USERINFO.search(line) or AUTHZ.search(line) or FLAG.search(line):
        return True
    if OTP.search(line) or PWHASH.search(line) or NKEY_SEED.search(line) or JWK_PRIV.search(line) or PPK.search(line):
        return True
    if named_literal(line, code):
        return True
    return high_entropy_token(line)


def is_text(path):
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return False
    return b"\0" not in head


def walk(tree):
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for fn in sorted(files):
            full = os.path.join(root, fn)
            rel = os.path.relpath(full, tree)
            yield rel, full


def stable(key):
    return hashlib.sha256(key.encode()).hexdigest()


def heuristic_candidates(tree, per_file=40):
    out = {}
    for rel, full in walk(tree):
        base = os.path.basename(rel)
        if base in SKIP_NAMES or rel.lower().endswith(SKIP_EXT):
            continue
        if any(v in "/" + rel for v in VENDOR) or ".min." in base:
            continue
        code = os.path.splitext(base)[1].lower() in CODE_EXT
        ckind = cred_file_kind(rel)
        if os.path.islink(full) or os.path.getsize(full) > MAX_FILE or not is_text(full):
            continue
        with open(full, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        hits = []
        in_pem = None  # the end marker of the key block we are in
        for i, line in enumerate(lines, 1):
            if in_pem:
                if in_pem in line:
                    in_pem = None
                continue
            if "-----BEGIN" in line and "-----END" not in line:
                in_pem = "-----END"
                if PEM.search(line):
                    hits.append(i)
                continue
            if line.lstrip().startswith("PuTTY-User-Key-File-"):
                in_pem = "Private-MAC:"  # a PuTTY key is labelled on its header line, like a PEM block
                hits.append(i)
                continue
            if heuristic(line, code, ckind):
                hits.append(i)
        if len(hits) > per_file:
            hits = sorted(sorted(hits, key=lambda n: stable(f"{rel}:{n}"))[:per_file])
        for n in hits:
            out[(rel, n)] = lines[n - 1]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree")
    ap.add_argument("--findings", action="append", default=[], help="TOOL=REPORT (repeatable)")
    ap.add_argument("--per-file", type=int, default=40)
    ap.add_argument("--per-repo", type=int, default=60, help="cap on heuristic-only candidates")
    args = ap.parse_args()

    tree = os.path.abspath(args.tree)
    heur = heuristic_candidates(tree, args.per_file)
    flagged = set()
    for spec in args.findings:
        tool, path = spec.split("=", 1)
        if not os.path.exists(path):
            continue
        for p, n in F.load(tool, path, tree):
            flagged.add((p, n))
    pem = F.PemMapper(tree)
    flagged = {(p, pem(p, n)) for p, n in flagged}
    only_heur = sorted((k for k in heur if k not in flagged), key=lambda k: stable(f"{k[0]}:{k[1]}"))
    keep = set(flagged) | set(only_heur[:args.per_repo])
    for rel, n in sorted(keep):
        text = heur.get((rel, n))
        if text is None:
            try:
                with open(os.path.join(tree, rel), encoding="utf-8", errors="replace") as f:
                    lines = f.read().split("\n")
                text = lines[n - 1] if 0 < n <= len(lines) else ""
            except OSError:
                continue
        print(json.dumps({"path": rel, "line": n, "text": text[:400]}))


if __name__ == "__main__":
    main()
