#!/usr/bin/env python3
"""Which randomness score best separates random credentials from non-secret values?

For the generic detector (`rules/generic.toml`, `check = "generic"`): a value assigned to a
name such as `api_key`, `secret`, `token`, `password`. Compares, on a labelled set:

  1. shannon      Shannon entropy, bits per character (keyhound today: `entropy = 3.5`)
  2. h_norm_len   Shannon / log2(min(len, alphabet))          (alphabet: see alphabet_size)
     h_norm_exp   Shannon / E[Shannon of a uniform random string of that length and alphabet]
  3. bigram       character-bigram surprisal, bits/char, under a model of code identifiers and
                  words (lower-cased; a-z 0-9 _ - . ; any other character is a word boundary)
     llr / llr_u8 excess surprisal: (bits a code-text model -- a lower-cased bigram over the
                  characters keyhound's generic regex captures, plus a 5x2 letter-case table for
                  mixed-case values -- needs for the value) / length - log2(alphabet size);
                  llr_u8 is the same with the table quantised to u8 (1/8 bit)
  4. seg_greedy   pieces per character of a greedy longest-match segmentation into dictionary
                  words (digit runs are one piece, other non-letters are free separators)
     seg_min      the same with the fewest pieces (dynamic programming)
  5. logreg_all   logistic regression over 1-4, character-class count and digit ratio
     logreg_3     logistic regression over shannon, bigram, digit ratio
     logreg_llr   logistic regression over llr, shannon, digit ratio

Every score is oriented "higher = more random". The bigram models, the case table and the
dictionary are trained on one half of the code corpus on this machine (Python standard
library, crates in ~/.cargo/registry/src), split by package; harvested negatives come only from
the other half, so no negative was seen in training. The labelled set is split 50/50 (fixed
seed, stratified by kind); thresholds and regressions are fitted on the train half, and every
number reported is measured on the test half. Evaluated on all values, without the hash/id
negatives (which no value-only score can tell from hex/UUID credentials), behind keyhound's
current value checks, behind a "light gate" (only the structural checks), and on values the
generic regex can capture at all. REC is the recommended rule: light gate and llr >= 1.25.

    python3 bench/randomness/compare.py              # uses labelled.jsonl if present
    python3 bench/randomness/compare.py --rebuild    # re-harvest and regenerate labelled.jsonl

Writes labelled.jsonl (if missing or --rebuild), bigram_table.json and llr_model.json (the
trained tables, for an embedded implementation) and results.txt next to this script.
Deterministic; stdlib only; about a minute.
"""

import argparse
import base64
import glob
import json
import math
import os
import random
import re
import sys
import sysconfig
import uuid
import zlib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
LABELLED = os.path.join(HERE, "..", "..", "fixtures", "randomness", "labelled.jsonl")  # under fixtures/: it holds fake keys
DROPPED = os.path.join(HERE, "dropped_by_eye.txt")
BIGRAM_OUT = os.path.join(HERE, "bigram_table.json")
LLR_OUT = os.path.join(HERE, "llr_model.json")
RESULTS_OUT = os.path.join(HERE, "results.txt")

SEED = 20250101
MAX_FILE = 2_000_000  # bytes read per file

# kinds of negatives that are random by construction (hashes, ids): no value-only score can
# tell them from hex / UUID credentials; the assignment's *name* has to.
HASH_KINDS = {"git_sha", "sha256_id", "uuid_id", "hex_id"}

# The recommended rule ("REC"): light gate, then LLR >= REC_T bits per character.
REC_T = 1.25


# ----------------------------------------------------------------------------- corpus


def stdlib_dir():
    d = "/root/.pyenv/versions/3.11.7/lib/python3.11"
    return d if os.path.isdir(d) else sysconfig.get_paths()["stdlib"]


def crates_dirs():
    return sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*/*")))


def crate_family(dirname):
    name = re.sub(r"-\d[^-]*(?:\+.*)?$", "", os.path.basename(dirname))
    return re.split(r"[-_]", name)[0].lower()


def corpus_files():
    """(group, half, path, lang) for every corpus file; half 0 trains models, 1 is harvested."""
    out = []
    std = stdlib_dir()
    for root, dirs, files in os.walk(std):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            p = os.path.join(root, f)
            parts = os.path.relpath(p, std).split(os.sep)
            unit = parts[0] if parts[0] != "test" or len(parts) == 1 else "test/" + parts[1]
            unit = re.sub(r"\.py$", "", unit)
            out.append(("py:" + unit, p, "py"))
    exts = {".rs": "rs", ".toml": "toml", ".md": "md", ".c": "c", ".h": "c", ".json": "json", ".yml": "yml",
            ".py": "py"}
    for cd in crates_dirs():
        fam = "rs:" + crate_family(cd)
        for root, dirs, files in os.walk(cd):
            dirs.sort()
            for f in sorted(files):
                ext = os.path.splitext(f)[1]
                if ext in exts or f == "Cargo.lock" or f == ".cargo_vcs_info.json":
                    out.append((fam, os.path.join(root, f), exts.get(ext, "other")))
    return [(g, zlib.crc32(g.encode()) % 2, p, lang) for g, p, lang in out]


def read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_FILE).decode("utf-8", "replace")
    except OSError:
        return ""


# ----------------------------------------------------------------------------- scores

# Candidate 3 as specified: lower-cased a-z 0-9 _ - . ; anything else is a word boundary.
ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789_-."
# The LLR model: the characters keyhound's generic regex can capture, lower-cased.
ALPHA_KH = "abcdefghijklmnopqrstuvwxyz0123456789_-./+=~!@#^*"


def shannon(v):
    n = len(v)
    if n == 0:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(v).values())


def alphabet_size(v):
    """Size of the alphabet the value appears to be drawn from: per letter case 26 (6 when all
    its letters are a-f: hex), 10 for digits, and each distinct other character counts 1
    (`-` in a UUID, `+/=` in base64, the symbols of a password)."""
    a = 0
    for rx, hexrx in ((r"[a-z]", r"[g-z]"), (r"[A-Z]", r"[G-Z]")):
        if re.search(rx, v):
            a += 26 if re.search(hexrx, v) else 6
    a += 10 if re.search(r"[0-9]", v) else 0
    a += len(set(re.findall(r"[^A-Za-z0-9]", v)))
    return max(a, 2)


def h_norm_len(v):
    return shannon(v) / math.log2(max(2, min(len(v), alphabet_size(v))))


_EXP_CACHE = {}


def expected_plugin_entropy(n, a):
    """E[Shannon] of n characters drawn uniformly from a symbols (exact, via the binomial)."""
    key = (n, a)
    if key not in _EXP_CACHE:
        p = 1.0 / a
        e = 0.0
        for k in range(1, n + 1):
            pmf = math.comb(n, k) * p**k * (1 - p) ** (n - k)
            e += pmf * -(k / n) * math.log2(k / n)
        _EXP_CACHE[key] = a * e
    return _EXP_CACHE[key]


def h_norm_exp(v):
    return shannon(v) / expected_plugin_entropy(len(v), alphabet_size(v))


class Bigram:
    """Character bigram model over `alpha` plus a boundary symbol (index len(alpha))."""

    def __init__(self, alpha, k=0.5):
        self.alpha = alpha
        self.B = len(alpha)
        self.n = len(alpha) + 1
        self.idx = {c: i for i, c in enumerate(alpha)}
        self.counts = [[0] * self.n for _ in range(self.n)]
        self.k = k

    def seq(self, v):
        """Lower-cased symbol indices, framed by boundaries; other characters are boundaries."""
        B = self.B
        s = [B]
        for ch in v.lower():
            i = self.idx.get(ch)
            if i is None:
                if s[-1] != B:
                    s.append(B)
            else:
                s.append(i)
        if s[-1] != B:
            s.append(B)
        return s

    def add(self, token):
        s = self.seq(token)
        for a, b in zip(s, s[1:]):
            self.counts[a][b] += 1

    def finish(self):
        self.logp = [[0.0] * self.n for _ in range(self.n)]
        for a in range(self.n):
            tot = sum(self.counts[a]) + self.k * self.n
            for b in range(self.n):
                self.logp[a][b] = math.log2((self.counts[a][b] + self.k) / tot)
        return self

    def bits(self, v):
        """Total -log2 P of the value's symbol sequence, and the number of transitions."""
        s = self.seq(v)
        lp = self.logp
        return -sum(lp[a][b] for a, b in zip(s, s[1:])), len(s) - 1

    def surprisal(self, v):
        tot, n = self.bits(v)
        return tot / n if n >= 2 else 0.0

    def table(self):
        return {"alphabet": self.alpha, "boundary_index": self.B, "smoothing": f"add-{self.k}",
                "log2p_next_given_prev": [[round(x, 4) for x in row] for row in self.logp]}

    def quantized(self, step=8):
        """A copy whose log2 P are stored as u8 = round(-log2 P * step) (1/8-bit resolution)."""
        q = Bigram(self.alpha, self.k)
        q.logp = [[-min(255, round(-x * step)) / step for x in row] for row in self.logp]
        return q


def char_class(c):
    if "a" <= c <= "z":
        return 1
    if "A" <= c <= "Z":
        return 2
    if "0" <= c <= "9":
        return 3
    return 4


class CaseModel:
    """P(letter is upper case | class of the previous character): 5 x 2 table.

    Classes: 0 start, 1 lower, 2 upper, 3 digit, 4 other. The bigram model is case-blind, so
    this is what a code-text model pays for the case of each letter."""

    def __init__(self):
        self.c = [[0, 0] for _ in range(5)]

    def add(self, token):
        prev = 0
        for ch in token:
            k = char_class(ch)
            if k in (1, 2):
                self.c[prev][k == 2] += 1
            prev = k

    def finish(self):
        self.logp = [[math.log2((r[j] + 1) / (r[0] + r[1] + 2)) for j in (0, 1)] for r in self.c]
        return self

    def bits(self, v):
        prev, tot = 0, 0.0
        for ch in v:
            k = char_class(ch)
            if k in (1, 2):
                tot -= self.logp[prev][k == 2]
            prev = k
        return tot


class LLR:
    """Excess surprisal, bits/char: what a code-text model (bigram + case) needs to encode the
    value, minus what a uniform random string over the value's own alphabet needs. The case
    table is charged only for mixed-case values (a single-case value's case says nothing, and
    the uniform model does not pay for it either).
    > 0: the value is less predictable than random over its alphabet would be under the code
    model, i.e. it looks random; identifiers and words are well below 0."""

    def __init__(self, bigram, case):
        self.bigram, self.case = bigram, case

    def __call__(self, v):
        tot, _ = self.bigram.bits(v)
        if re.search(r"[a-z]", v) and re.search(r"[A-Z]", v):
            tot += self.case.bits(v)  # single-case values: case carries no information
        return tot / len(v) - math.log2(alphabet_size(v))


def split_words(token):
    """`getHTTPResponse_code2` -> get, http, response, code (digits dropped)."""
    out = []
    for part in re.split(r"[^A-Za-z]+", token):
        out += re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", part)
    return [w.lower() for w in out if w]


class Segmenter:
    def __init__(self, words, minlen, maxlen=24):
        self.words = set(w for w in words if len(w) >= minlen)
        self.maxlen = maxlen

    def _runs(self, v):
        """Letter runs (lower-cased) and the number of digit runs; separators are free."""
        return re.findall(r"[a-z]+", v.lower()), len(re.findall(r"[0-9]+", v))

    def greedy(self, v):
        runs, pieces = self._runs(v)
        for r in runs:
            i = 0
            while i < len(r):
                for ln in range(min(self.maxlen, len(r) - i), 0, -1):
                    if ln == 1 or r[i:i + ln] in self.words:
                        break
                pieces += 1
                i += ln
        return pieces / len(v)

    def fewest(self, v):
        runs, pieces = self._runs(v)
        for r in runs:
            n = len(r)
            best = [0] + [n + 1] * n
            for j in range(1, n + 1):
                b = best[j - 1] + 1
                for ln in range(2, min(self.maxlen, j) + 1):
                    if best[j - ln] + 1 < b and r[j - ln:j] in self.words:
                        b = best[j - ln] + 1
                best[j] = b
            pieces += best[n]
        return pieces / len(v)


def train_models(files):
    """Bigram models, the case table and a word dictionary from the model half of the corpus.

    Every distinct token counts once (types, not occurrences), at most 5,000 per package, so
    a huge generated crate (windows-sys) cannot become the model."""
    tok_re = re.compile(r"[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*")
    kh_re = re.compile(r"[A-Za-z0-9_./+=~!@#^*-]{2,64}")
    per_group = defaultdict(set)
    per_group_kh = defaultdict(set)
    word_freq = Counter()
    word_groups = defaultdict(set)
    for g, half, p, lang in files:
        if half != 0 or lang not in ("rs", "py", "c", "md"):
            continue
        text = read(p)
        for t in tok_re.findall(text):
            if len(t) > 64 or not re.search(r"[A-Za-z]", t):
                continue
            per_group[g].add(t.lower())
            for w in split_words(t):
                word_freq[w] += 1
                if len(word_groups[w]) < 3:
                    word_groups[w].add(g)
        for t in kh_re.findall(text):
            if re.search(r"[A-Za-z]", t):
                per_group_kh[g].add(t)
    rng = random.Random(SEED)
    bigram = Bigram(ALPHA)
    ntypes = 0
    for g in sorted(per_group):
        toks = sorted(per_group[g])
        if len(toks) > 5000:
            toks = rng.sample(toks, 5000)
        for t in toks:
            bigram.add(t)
        ntypes += len(toks)
    bigram_kh, case = Bigram(ALPHA_KH), CaseModel()
    for g in sorted(per_group_kh):
        toks = sorted(per_group_kh[g])
        if len(toks) > 5000:
            toks = rng.sample(toks, 5000)
        for t in toks:
            bigram_kh.add(t)
            case.add(t)
    # a word must appear in at least two packages: drops generated junk and one-off names
    words = [w for w, c in word_freq.items() if len(word_groups[w]) >= 2]
    words.sort(key=lambda w: (-word_freq[w], w))
    return bigram.finish(), bigram_kh.finish(), case.finish(), words, ntypes


# ----------------------------------------------------------------------------- keyhound today
# A port of src/matcher/filters.rs (is_placeholder) and src/matcher/checks.rs
# (generic_value_ok) as of this commit, to show what the current pipeline does.

PLACEHOLDER_WORDS = ["example", "placeholder", "your_", "your-", "yourkey", "yourtoken", "yoursecret", "changeme",
                     "change_me", "change-me", "replace", "dummy", "redacted", "fake", "xxxxx", "*****", "....",
                     "\u2026", "<", ">", "${", "{{", "$(", "process.env", "getenv", "environ", "-here", "_here",
                     "insert"]


def kh_is_placeholder(v):
    low = v.lower()
    if any(w in low for w in PLACEHOLDER_WORDS):
        return True
    if len(v) > 1 and v[0] == "$" and (v[1].isalpha() or v[1] == "_"):
        return True
    run = up = down = 1
    for a, b in zip(v, v[1:]):
        run = run + 1 if a == b else 1
        ok = a.isalnum() and b.isalnum()
        up = up + 1 if ok and ord(b) == ord(a) + 1 else 1
        down = down + 1 if ok and ord(b) + 1 == ord(a) else 1
        if run >= 6 or up >= 6 or down >= 6:
            return True
    return len(set(v)) < 4


def _is_ident(s):
    return bool(s) and not s[0].isdigit() and all(c.isalnum() or c in "_$" for c in s)


def kh_generic_value_ok(v):
    if not any(c.isascii() and c.isalpha() for c in v):
        return False
    if v.startswith(("/", "./", "../", "~/")):
        return False
    parts = v.split(".")
    if (len(parts) >= 2 and all(_is_ident(p) and not p.isdigit() for p in parts)
            and all(p[0].isalpha() or p[0] == "_" for p in parts[1:]) and all(len(p) < 40 for p in parts)):
        return False
    if "/" in v and "." in v:
        ext = v[v.rindex(".") + 1:]
        if 2 <= len(ext) <= 5 and all("a" <= c <= "z" for c in ext):
            return False
    has_digit = any(c.isdigit() for c in v)
    has_up = any("A" <= c <= "Z" for c in v)
    has_low = any("a" <= c <= "z" for c in v)
    wordy = all(c.isalpha() or c in "_-." for c in v)
    if wordy and not has_digit and shannon(v) < 4.5:
        return False
    if not has_digit and not (has_up and has_low):
        return False
    digits = sum(c.isdigit() for c in v)
    if (not has_up or not has_low) and digits * 5 < len(v):
        return False
    segs = v.split("_")
    if len(segs) >= 3:
        def seg_ok(s):
            letters = [c for c in s if c.isalpha()]
            m = re.search(r"\d", s)
            alpha_then_digits = m is None or s[m.start():].isdigit()
            return alpha_then_digits and (all(c.islower() for c in letters) or all(c.isupper() for c in letters))
        if all(seg_ok(s) for s in segs):
            return False
    return True


def light_gate(v):
    """Only the structural parts of keyhound's checks: placeholder filter, a letter, not a path
    (leading / ./ ../ ~/ or a file extension), not a dotted identifier. Drops the rules that are
    crude randomness tests (wordy + Shannon < 4.5, case/digit rules, snake identifiers)."""
    if kh_is_placeholder(v) or not any(c.isascii() and c.isalpha() for c in v):
        return False
    if v.startswith(("/", "./", "../", "~/")):
        return False
    parts = v.split(".")
    if (len(parts) >= 2 and all(_is_ident(p) and not p.isdigit() for p in parts)
            and all(p[0].isalpha() or p[0] == "_" for p in parts[1:]) and all(len(p) < 40 for p in parts)):
        return False
    if "/" in v and "." in v:
        ext = v[v.rindex(".") + 1:]
        if 2 <= len(ext) <= 5 and all("a" <= c <= "z" for c in ext):
            return False
    return True


def keyhound_today(v):
    return (not kh_is_placeholder(v)) and shannon(v) >= 3.5 and kh_generic_value_ok(v)


# ----------------------------------------------------------------------------- labelled set

KEYWORD = re.compile(r"key|secret|token|passw|auth", re.I)
NAME = r"[A-Za-z_$][A-Za-z0-9_.$-]{0,60}"
QVAL = r"""(?:[bruf]{0,2}(?P<q>["'`])(?P<qv>[^"'`\s\\]{12,128})(?P=q))"""
UVAL = r"""(?P<uv>[^\s,;(){}\[\]"'`<>|]{12,128})"""
ASSIGN_RES = [
    re.compile(r"""(?<![A-Za-z0-9_$.])(?P<name>""" + NAME + r""")["'`]?[ \t]{0,3}(?::=|=>|=(?!=)|:(?!:))[ \t]{0,3}"""
               + r"(?:" + QVAL + "|" + UVAL + ")"),
    re.compile(r"""\b(?:const|static|let)\s+(?:mut\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:[^=;\n]{1,60}=\s*"""
               + r"(?:" + QVAL + "|" + UVAL + ")"),
]


def cap(items, n, rng):
    items = sorted(set(items))
    return items if len(items) <= n else sorted(rng.sample(items, n))


def harvest(files, dropped):
    """Negatives from the harvest half (and hashes from crate metadata)."""
    rng = random.Random(SEED + 1)
    by_kind = defaultdict(lambda: defaultdict(set))  # kind -> group -> values
    env_re = re.compile(r"""(?:env::var(?:_os)?|env!|option_env!|getenv|environ(?:\.get)?|environ\[)\s*\(?\s*["']([A-Z][A-Z0-9_]{11,127})["']""")
    str_re = re.compile(r'''"([^"\s\\]{12,128})"|'([^'\s\\]{12,128})\'''')
    ident_re = re.compile(r"(?<![A-Za-z0-9_$])[A-Za-z_][A-Za-z0-9_]{11,127}(?![A-Za-z0-9_])")
    dotted_re = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?![A-Za-z0-9_(])")
    rpath_re = re.compile(r"(?<![A-Za-z0-9_:])[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+")
    comment_re = re.compile(r"(?:#|//+!?|/\*+|\*)\s*([A-Za-z][^\n]*)")
    words_re = re.compile(r"(?<![A-Za-z0-9_'-])[a-z]{2,}(?: [a-z]{2,}){1,5}(?![A-Za-z0-9_'-])")
    hexlit = re.compile(r"[0-9a-fA-F]{32,}")
    uuid_re = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
    for g, half, p, lang in files:
        base = os.path.basename(p)
        text = None
        if base == ".cargo_vcs_info.json":
            text = read(p)
            for m in re.findall(r'"sha1":\s*"([0-9a-f]{40})"', text):
                by_kind["git_sha"][g].add(m)
            continue
        if base == "Cargo.lock":
            text = read(p)
            for m in re.findall(r'checksum = "([0-9a-f]{64})"', text):
                by_kind["sha256_id"][g].add(m)
            continue
        if half != 1:
            continue
        text = read(p)
        code = lang in ("rs", "py", "c")
        for rx in ASSIGN_RES:
            for m in rx.finditer(text):
                if not KEYWORD.search(m.group("name")):
                    continue
                if m.group("qv"):
                    by_kind["assign_str"][g].add(m.group("qv"))
                else:
                    v = m.group("uv").rstrip(".:=")
                    if len(v) >= 12:
                        by_kind["assign_expr"][g].add(v)
        for m in env_re.finditer(text):
            by_kind["env_var"][g].add(m.group(1))
        for m in str_re.finditer(text):
            v = m.group(1) or m.group(2)
            if re.fullmatch(r"[0-9.eE+-]+[a-z0-9]{0,4}|[0-9]+(?:\.[0-9]+){3,}", v):
                by_kind["numeric"][g].add(v)
            elif uuid_re.search(v) and len(v) <= 40:
                by_kind["uuid_id"][g].add(v)
            elif hexlit.fullmatch(v):
                by_kind["hex_id"][g].add(v)
            elif re.match(r"[a-z][a-z0-9+.-]*://", v):
                if "@" not in v:
                    by_kind["url"][g].add(v)
            elif "/" in v or "\\" in v:
                by_kind["path"][g].add(v)
            elif re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", v):
                by_kind["ident_kebab"][g].add(v)
            elif re.fullmatch(r"v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?", v):
                by_kind["version"][g].add(v)
            elif not ident_re.fullmatch(v):
                by_kind["literal_other"][g].add(v)
        if lang == "toml":
            for m in re.finditer(r'(?m)^([a-z0-9]+(?:[-_][a-z0-9]+)+)\s*=', text):
                if len(m.group(1)) >= 12 and "-" in m.group(1):
                    by_kind["ident_kebab"][g].add(m.group(1))
            for m in re.finditer(r'version\s*=\s*"([^"\s]{12,128})"', text):
                by_kind["version"][g].add(m.group(1))
        if not code:
            continue
        for t in ident_re.findall(text):
            if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", t):
                k = "ident_upper"
            elif re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", t):
                k = "ident_snake"
            elif re.fullmatch(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+", t):
                k = "ident_camel"
            elif re.fullmatch(r"(?:[A-Z][a-z0-9]+)+[A-Z]?", t) and not t.isupper():
                k = "ident_pascal"
            else:
                continue
            by_kind[k][g].add(t)
        for t in dotted_re.findall(text):
            if 12 <= len(t) <= 128 and not re.search(r"\.(?:rs|py|c|h|md|toml|json|txt)$", t):
                by_kind["dotted"][g].add(t)
        if lang == "rs":
            for t in rpath_re.findall(text):
                if 12 <= len(t) <= 128:
                    by_kind["rust_path"][g].add(t)
        for m in comment_re.finditer(text):
            for w in words_re.findall(m.group(1).lower()):
                ws = w.split()
                if len(ws) >= 2:
                    by_kind["phrase_src"][g].add(" ".join(ws))

    rows = []
    caps = {"assign_str": 1500, "assign_expr": 1500, "numeric": 200}
    per_group_cap = {"assign_str": 200, "assign_expr": 100}
    n_dropped = Counter()
    for kind in sorted(by_kind):
        if kind == "phrase_src":
            continue
        vals = []
        for g in sorted(by_kind[kind]):
            vs = [v for v in by_kind[kind][g] if 12 <= len(v) <= 128 and " " not in v]
            vals += cap(vs, per_group_cap.get(kind, 40), rng)
        for v in cap(vals, caps.get(kind, 500), rng):
            if v in dropped:  # after capping, so the reviewed sample stays the sample
                n_dropped[kind] += 1
            else:
                rows.append({"value": v, "label": 0, "kind": kind})
    # English phrases from comments, joined the way names are
    phrases = []
    for g in sorted(by_kind["phrase_src"]):
        phrases += cap(by_kind["phrase_src"][g], 20, rng)
    phrases = sorted(set(phrases))
    rng.shuffle(phrases)
    out = set()
    for ph in phrases:
        ws = ph.split()
        style = rng.choice(["-", "_", "-", "_", "UPPER", "Title-"])
        if style == "UPPER":
            v = "_".join(ws).upper()
        elif style == "Title-":
            v = "-".join(w.capitalize() for w in ws)
        else:
            v = style.join(ws)
        if 12 <= len(v) <= 128:
            out.add(v)
        if len(out) >= 500:
            break
    rows += [{"value": v, "label": 0, "kind": "phrase"} for v in sorted(out)]
    return rows, n_dropped


def synthetic_negatives(rng):
    rows = []
    # version strings (few in the corpus are >= 12 characters)
    pre = ["alpha", "beta", "rc", "dev", "pre", "nightly", "snapshot", "post", "canary", "preview"]
    vs = set()
    while len(vs) < 300:
        core = f"{rng.randint(0, 30)}.{rng.randint(0, 40)}.{rng.randint(0, 200)}"
        r = rng.random()
        if r < 0.3:
            v = f"{core}-{rng.choice(pre)}.{rng.randint(1, 20)}"
        elif r < 0.5:
            v = f"{core}+build.{rng.randint(1, 9999)}"
        elif r < 0.65:
            v = f"{core}+git.{''.join(rng.choice('0123456789abcdef') for _ in range(7))}"
        elif r < 0.8:
            v = f"{core}-{rng.choice(pre)}.{rng.randint(1, 9)}+{rng.randint(2015, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        else:
            v = f"{rng.randint(2015, 2026)}.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d}-{rng.choice(pre)}"
        if rng.random() < 0.3:
            v = "v" + v
        if len(v) >= 12:
            vs.add(v)
    rows += [{"value": v, "label": 0, "kind": "version"} for v in sorted(vs)]
    # UUIDs used as identifiers
    us = sorted({str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(300)})
    rows += [{"value": v, "label": 0, "kind": "uuid_id"} for v in us]
    return rows


def positives(rng):
    up, low, dig = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789"
    alnum = up + low + dig
    sym = "!@#^*-_=+.~"  # symbols keyhound's generic regex captures (no $ % & ? : ,)

    def rs(alpha, n):
        return "".join(rng.choice(alpha) for _ in range(n))

    def b64(url):
        raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(15, 66)))
        if url:
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return base64.b64encode(raw).decode()

    def password():
        n = rng.randint(12, 24)
        while True:
            p = rs(alnum + sym, n)
            if all(any(c in cls for c in p) for cls in (up, low, dig, sym)):
                return p

    def prefixed():
        t = rng.randrange(8)
        if t == 0:
            return "sk_live_" + rs(alnum, 24)
        if t == 1:
            return "sk-" + rs(alnum, 48)
        if t == 2:
            return "ghp_" + rs(alnum, 36)
        if t == 3:
            return f"xoxb-{rs(dig, 11)}-{rs(dig, 13)}-{rs(alnum, 24)}"
        if t == 4:
            return "AKIA" + rs(up + "234567", 16)
        if t == 5:
            return "glpat-" + rs(alnum + "-_", 20)
        if t == 6:
            return "SG." + rs(alnum + "-_", 22) + "." + rs(alnum + "-_", 43)
        return "hf_" + rs(up + low, 34)

    gens = {
        "alnum_mixed": (600, lambda: rs(alnum, rng.randint(16, 64))),
        "alnum_lower": (600, lambda: rs(low + dig, rng.randint(16, 64))),
        "hex32": (300, lambda: rs("0123456789abcdef", 32)),
        "hex40": (300, lambda: rs("0123456789abcdef", 40)),
        "hex64": (300, lambda: rs("0123456789abcdef", 64) if rng.random() < 0.8 else rs("0123456789ABCDEF", 64)),
        "base64": (600, lambda: b64(False)),
        "base64url": (600, lambda: b64(True)),
        "password": (600, password),
        "uuid_key": (300, lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))),
        "prefixed": (600, prefixed),
    }
    rows = []
    for kind, (n, gen) in gens.items():
        seen = set()
        while len(seen) < n:
            v = gen()
            if 12 <= len(v) <= 128:
                seen.add(v)
        rows += [{"value": v, "label": 1, "kind": kind} for v in sorted(seen)]
    return rows


def build_labelled(files):
    dropped = set()
    if os.path.exists(DROPPED):
        with open(DROPPED) as fh:
            dropped = {ln.rstrip("\n") for ln in fh if ln.strip() and not ln.startswith("# ")}
    harvested, n_dropped = harvest(files, dropped)
    rng = random.Random(SEED + 2)
    neg = harvested + synthetic_negatives(rng)
    pos = positives(random.Random(SEED + 3))
    seen, rows = set(), []
    for r in pos + neg:
        if r["value"] in seen:
            continue
        seen.add(r["value"])
        rows.append(r)
    with open(LABELLED, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    return rows, n_dropped


# ----------------------------------------------------------------------------- evaluation


def auc(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    npos = sum(labels)
    nneg = len(labels) - npos
    rsum = sum(r for r, y in zip(ranks, labels) if y)
    return (rsum - npos * (npos + 1) / 2) / (npos * nneg)


def sweep(scores, labels):
    """(threshold, tp, fp) for every 'score >= threshold' cut, highest threshold first."""
    pairs = sorted(zip(scores, labels), key=lambda t: -t[0])
    out, tp, fp, i = [], 0, 0, 0
    while i < len(pairs):
        t = pairs[i][0]
        while i < len(pairs) and pairs[i][0] == t:
            tp += pairs[i][1]
            fp += 1 - pairs[i][1]
            i += 1
        out.append((t, tp, fp))
    return out


def best_f1_threshold(scores, labels):
    npos = sum(labels)
    best = (-1, None)
    for t, tp, fp in sweep(scores, labels):
        f1 = 2 * tp / (tp + fp + npos)
        if f1 > best[0]:
            best = (f1, t)
    return best[1]


def fpr_threshold(scores, labels, max_fpr=0.01):
    nneg = len(labels) - sum(labels)
    best = None
    for t, tp, fp in sweep(scores, labels):
        if fp / nneg <= max_fpr:
            best = t
        else:
            break
    return best


def at(scores, labels, t):
    tp = sum(1 for s, y in zip(scores, labels) if y and s >= t)
    fp = sum(1 for s, y in zip(scores, labels) if not y and s >= t)
    npos = sum(labels)
    nneg = len(labels) - npos
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / npos
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1, fp / nneg


def features(v, m):
    n = len(v)
    classes = sum(bool(re.search(rx, v)) for rx in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    return {
        "shannon": shannon(v),
        "h_norm_len": h_norm_len(v),
        "h_norm_exp": h_norm_exp(v),
        "bigram": m["bigram"].surprisal(v),
        "llr": m["llr"](v),
        "llr_u8": m["llr_u8"](v),
        "seg_greedy": m["seg"].greedy(v),
        "seg_min": m["seg"].fewest(v),
        "log2_len": math.log2(n),
        "classes": classes,
        "digit_ratio": sum(c.isdigit() for c in v) / n,
    }


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[piv] = m[piv], m[c]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


class LogReg:
    """L2-regularised logistic regression on standardised features, fitted by Newton's method."""

    def __init__(self, names, l2=1e-2):
        self.names, self.l2 = names, l2

    def fit(self, X, y):
        d = len(self.names)
        self.mu = [sum(x[j] for x in X) / len(X) for j in range(d)]
        self.sd = [max(1e-9, math.sqrt(sum((x[j] - self.mu[j]) ** 2 for x in X) / len(X))) for j in range(d)]
        Z = [[1.0] + [(x[j] - self.mu[j]) / self.sd[j] for j in range(d)] for x in X]
        w = [0.0] * (d + 1)
        for _ in range(25):
            g = [0.0] * (d + 1)
            h = [[0.0] * (d + 1) for _ in range(d + 1)]
            for z, t in zip(Z, y):
                s = sum(wi * zi for wi, zi in zip(w, z))
                p = 1 / (1 + math.exp(-max(-30, min(30, s))))
                e, q = p - t, p * (1 - p)
                for i in range(d + 1):
                    g[i] += e * z[i]
                    qi = q * z[i]
                    for j in range(i, d + 1):
                        h[i][j] += qi * z[j]
            for i in range(d + 1):
                for j in range(i):
                    h[i][j] = h[j][i]
                if i:
                    g[i] += self.l2 * len(Z) * w[i]
                    h[i][i] += self.l2 * len(Z)
            step = solve(h, g)
            w = [wi - si for wi, si in zip(w, step)]
            if max(abs(s) for s in step) < 1e-8:
                break
        self.w = w
        return self

    def raw_weights(self):
        return [self.w[j + 1] / self.sd[j] for j in range(len(self.names))]

    def raw_intercept(self):
        return self.w[0] - sum(self.w[j + 1] * self.mu[j] / self.sd[j] for j in range(len(self.names)))

    def score(self, x):
        return self.w[0] + sum(self.w[j + 1] * (x[j] - self.mu[j]) / self.sd[j] for j in range(len(self.names)))


def split(rows):
    rng = random.Random(SEED + 4)
    by_kind = defaultdict(list)
    for i, r in enumerate(rows):
        by_kind[(r["label"], r["kind"])].append(i)
    train = set()
    for key in sorted(by_kind):
        idx = by_kind[key][:]
        rng.shuffle(idx)
        train.update(idx[: len(idx) // 2])
    return train


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rebuild", action="store_true", help="re-harvest and rewrite labelled.jsonl")
    ap.add_argument("--dump-harvest", metavar="FILE", help="write harvested negatives (for review) and exit")
    args = ap.parse_args()

    files = corpus_files()
    log = []

    def say(s=""):
        print(s)
        log.append(s)

    if args.dump_harvest:
        rows, _ = harvest(files, set())
        with open(args.dump_harvest, "w") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
        return
    n_dropped = None
    if args.rebuild or not os.path.exists(LABELLED):
        rows, n_dropped = build_labelled(files)
    else:
        with open(LABELLED) as fh:
            rows = [json.loads(ln) for ln in fh]

    bigram, bigram_kh, case, words, ntypes = train_models(files)
    with open(BIGRAM_OUT, "w") as fh:
        json.dump({"note": "candidate 3: lower-cased a-z 0-9 _ - . ; any other character is a boundary",
                   **bigram.table()}, fh)
    with open(LLR_OUT, "w") as fh:
        json.dump({"note": "LLR score: lower-cased bigram over keyhound's generic charset (other characters "
                   "are boundaries) + P(letter is upper | previous class)",
                   **bigram_kh.table(),
                   "case_classes": ["start", "lower", "upper", "digit", "other"],
                   "log2p_upper_given_prev_class": [round(r[1], 4) for r in case.logp],
                   "log2p_lower_given_prev_class": [round(r[0], 4) for r in case.logp]}, fh)
    llr = LLR(bigram_kh, case)

    train = split(rows)
    y = [r["label"] for r in rows]
    kinds = [r["kind"] for r in rows]
    npos, nneg = sum(y), len(y) - sum(y)
    ngroups = len({f[0] for f in files})
    say(f"corpus: {len(files)} files in {ngroups} packages; model half: {ntypes} distinct tokens, "
        f"{len(words)} dictionary words")
    say(f"labelled: {len(rows)} values, {npos} positive, {nneg} negative "
        f"({sum(1 for k, t in zip(kinds, y) if not t and k in HASH_KINDS)} of them hashes/ids)")
    if n_dropped is not None:
        say(f"dropped by eye from harvested negatives: {sum(n_dropped.values())} {dict(sorted(n_dropped.items()))}")

    # choose the segmentation dictionary on the train half only
    tr_idx = sorted(train)
    best_seg, seg_grid = None, []
    for size in (5000, 20000, 50000):
        for minlen in (2, 3):
            sg = Segmenter(words[:size], minlen)
            a = auc([sg.greedy(rows[i]["value"]) for i in tr_idx], [y[i] for i in tr_idx])
            seg_grid.append((size, minlen, a))
            if best_seg is None or a > best_seg[0]:
                best_seg = (a, size, minlen, sg)
    _, seg_size, seg_minlen, seg = best_seg
    say(f"segmentation dictionary (chosen by train-half AUC): top {seg_size} words of >= {seg_minlen} letters "
        "(" + ", ".join(f"{s}/{m}: {a:.4f}" for s, m, a in seg_grid) + ")")

    models = {"bigram": bigram, "llr": llr, "llr_u8": LLR(bigram_kh.quantized(), case), "seg": seg}
    feats = [features(r["value"], models) for r in rows]
    single = ["shannon", "h_norm_len", "h_norm_exp", "bigram", "llr", "llr_u8", "seg_greedy", "seg_min"]
    regressions = {
        "logreg_all": ["shannon", "h_norm_exp", "bigram", "llr", "seg_min", "classes", "digit_ratio"],
        "logreg_3": ["shannon", "bigram", "digit_ratio"],
        "logreg_llr": ["llr", "shannon", "digit_ratio"],
    }
    kh_ok = [(not kh_is_placeholder(r["value"])) and kh_generic_value_ok(r["value"]) for r in rows]
    light_ok = [light_gate(r["value"]) for r in rows]
    hdr = (f"{'score':<20} {'AUC':>6} | {'thr(F1)':>8} {'prec':>6} {'recall':>6} {'F1':>6} {'FPR':>6} | "
           f"{'thr(1%)':>8} {'recall':>6} {'FPR':>6}")

    def evaluate(subset_name, keep, gate=None, only=None):
        """gate: only values the gate passes can be called random (keyhound's other checks)."""
        tr = [i for i in range(len(rows)) if i in train and keep(i)]
        te = [i for i in range(len(rows)) if i not in train and keep(i)]
        ytr, yte = [y[i] for i in tr], [y[i] for i in te]
        scores = {s: [feats[i][s] for i in range(len(rows))] for s in single}
        fitted = {}
        for name, fn in regressions.items():
            m = LogReg(fn).fit([[feats[i][f] for f in fn] for i in tr], ytr)
            fitted[name] = m
            scores[name] = [m.score([feats[i][f] for f in fn]) for i in range(len(rows))]
        if gate is not None:
            scores = {k: [v if gate[i] else -1e9 for i, v in enumerate(sc)] for k, sc in scores.items()}
        say()
        say(f"== {subset_name}: train {len(tr)} ({sum(ytr)} pos), test {len(te)} ({sum(yte)} pos)")
        say(hdr)
        say("-" * len(hdr))
        thr = {}
        for s in single + list(regressions):
            if only and s not in only:
                continue
            sc = scores[s]
            str_, ste = [sc[i] for i in tr], [sc[i] for i in te]
            a = auc(ste, yte)
            t1 = best_f1_threshold(str_, ytr)
            p, r, f1, fpr = at(ste, yte, t1)
            t2 = fpr_threshold(str_, ytr)
            _, r2, _, fpr2 = at(ste, yte, t2)
            thr[s] = (t1, t2)
            say(f"{s:<20} {a:6.4f} | {t1:8.3f} {p:6.3f} {r:6.3f} {f1:6.3f} {fpr:6.3f} | {t2:8.3f} {r2:6.3f} {fpr2:6.3f}")
        refs = [("shannon>=3.5", lambda i: shannon(rows[i]["value"]) >= 3.5)]
        if gate is None:
            refs.append(("keyhound now", lambda i: keyhound_today(rows[i]["value"])))
        else:
            refs.append(("gate+shannon3.5", lambda i: gate[i] and shannon(rows[i]["value"]) >= 3.5))
            refs.append(("keyhound now", lambda i: keyhound_today(rows[i]["value"])))
        refs.append((f"REC light+llr>={REC_T}", lambda i: light_ok[i] and feats[i]["llr"] >= REC_T))
        for label, pred in refs:
            p, r, f1, fpr = at([1.0 if pred(i) else 0.0 for i in te], yte, 0.5)
            say(f"{label:<20} {'-':>6} | {'fixed':>8} {p:6.3f} {r:6.3f} {f1:6.3f} {fpr:6.3f} |")
        for name, m in fitted.items():
            if only and name not in only:
                continue
            say(f"  {name}: intercept {m.w[0]:+.2f}; standardised weights "
                + ", ".join(f"{n} {w:+.2f}" for n, w in zip(m.names, m.w[1:])))
            say("  " + " " * len(name) + "  raw: score = " + f"{m.raw_intercept():+.3f} "
                + " ".join(f"{w:+.3f}*{n}" for n, w in zip(m.names, m.raw_weights())))
        return scores, thr, te

    say("\nAll scores: higher = more random. Thresholds and regressions are fitted on the train half; "
        "every number below is measured on the test half.")
    evaluate("ALL values", lambda i: True)
    nh = lambda i: not (y[i] == 0 and kinds[i] in HASH_KINDS)
    nh_scores, nh_thr, te_nh = evaluate("WITHOUT hash/id negatives (git SHAs, sha256, UUID/hex ids)", nh)
    g_scores, g_thr, _ = evaluate("WITHOUT hash/id negatives, behind keyhound's placeholder + generic_value_ok "
                                  "checks (the score replaces only `entropy = 3.5`)", nh, gate=kh_ok)
    l_scores, l_thr, _ = evaluate("WITHOUT hash/id negatives, behind the light gate (placeholder filter + "
                                  "structural checks only)", nh, gate=light_ok)

    # what keyhound's generic regex can actually capture: 16-128 characters of its charset
    capt = lambda i: nh(i) and re.fullmatch(r"[A-Za-z0-9+/_.=~!@#^*-]{16,128}", rows[i]["value"]) is not None
    for gname, gate in (("no gate", None), ("keyhound's checks", kh_ok), ("the light gate", light_ok)):
        evaluate(f"CAPTURABLE by the generic regex (16-128 chars of [A-Za-z0-9+/_.=~!@#^*-]), without hash/id "
                 f"negatives, behind {gname}", capt, gate=gate, only={"shannon", "bigram", "llr", "seg_min", "logreg_llr"})

    # per-kind view on the test half: share of each kind called "random"
    say()
    say("== per kind, test half: share called random (positives: recall; negatives: false-positive rate)")
    say("   thresholds fitted on the train half without hash/id negatives; @F1 = best-F1 cut, @1% = FPR <= 1% cut;")
    say("   'kh+' = behind keyhound's placeholder + generic_value_ok checks; 'light+' = behind the light gate")
    cols = [("shannon", "F1", None), ("shannon", "1%", None), ("bigram", "1%", None), ("seg_min", "1%", None),
            ("llr", "F1", None), ("llr", "1%", None), ("shannon", "1%", "kh"), ("llr", "1%", "kh"),
            ("llr", "1%", "light"), ("logreg_llr", "1%", "light")]
    gates = {None: (nh_thr, nh_scores), "kh": (g_thr, g_scores), "light": (l_thr, l_scores)}
    heads = [((g + "+" if g else "") + s.replace("logreg_", "lr_")[:9] + "@" + w) for s, w, g in cols]
    heads.append(f"REC>={REC_T}")
    say(f"{'kind':<14} {'lab':>3} {'n':>4} " + " ".join(f"{h:>12}" for h in heads) + f" {'sh>=3.5':>8} {'kh now':>7}")
    for lab in (1, 0):
        for k in sorted({kinds[i] for i in range(len(rows)) if y[i] == lab}):
            idx = [i for i in range(len(rows)) if i not in train and kinds[i] == k and y[i] == lab]
            cells = []
            for s, which, g in cols:
                tab, sc = gates[g]
                t = tab[s][0 if which == "F1" else 1]
                cells.append(sum(sc[s][i] >= t for i in idx) / len(idx))
            cells.append(sum(light_ok[i] and feats[i]["llr"] >= REC_T for i in idx) / len(idx))
            sh = sum(shannon(rows[i]["value"]) >= 3.5 for i in idx) / len(idx)
            kh = sum(keyhound_today(rows[i]["value"]) for i in idx) / len(idx)
            say(f"{k:<14} {lab:>3} {len(idx):>4} " + " ".join(f"{c:>12.3f}" for c in cells) + f" {sh:>8.3f} {kh:>7.3f}")
    say()
    say("== by length, test half without hash/id negatives, FPR <= 1% cuts (recall on positives / FPR on negatives)")
    buckets = [(12, 15), (16, 23), (24, 39), (40, 63), (64, 128)]
    lcols = [("shannon", None), ("llr", None), ("shannon", "kh"), ("llr", "kh"), ("llr", "light")]
    say(f"{'length':<8} {'pos':>4} {'neg':>4} " + " ".join(f"{(g + '+' if g else '') + s:>16}" for s, g in lcols)
        + f"{'REC':>17}")
    for lo, hi in buckets:
        idx = [i for i in te_nh if lo <= len(rows[i]["value"]) <= hi]
        ps = [i for i in idx if y[i]]
        ns = [i for i in idx if not y[i]]
        cells = []
        for s, g in lcols:
            tab, sc = gates[g]
            t = tab[s][1]
            r = sum(sc[s][i] >= t for i in ps) / max(1, len(ps))
            f = sum(sc[s][i] >= t for i in ns) / max(1, len(ns))
            cells.append(f"{r:.3f}/{f:.3f}")
        r = sum(light_ok[i] and feats[i]["llr"] >= REC_T for i in ps) / max(1, len(ps))
        f = sum(light_ok[i] and feats[i]["llr"] >= REC_T for i in ns) / max(1, len(ns))
        cells.append(f"{r:.3f}/{f:.3f}")
        say(f"{lo:>3}-{hi:<4} {len(ps):>4} {len(ns):>4} " + " ".join(f"{c:>16}" for c in cells))
    with open(RESULTS_OUT, "w") as fh:
        fh.write("\n".join(log) + "\n")


if __name__ == "__main__":
    main()
