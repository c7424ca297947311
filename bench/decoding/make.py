#!/usr/bin/env python3
"""Generate the decoding/archive benchmark corpus.

    python3 bench/decoding/make.py OUTDIR [--seed N]

Writes a tree of files with planted *fake* keys that are encoded (base64, hex, percent,
escapes, HTML entities, ...) or packed (zip, jar, tar.*, gz, nested archives, a `docker save`
image), and beside it:

- OUTDIR/truth.jsonl   one object per planted key: case, path, line, rule_hint, encoding, secret
                       (+ line_end for multi-line spans, optional, layer_index/member for the image)
- OUTDIR/decoys.jsonl  the same shape, for strings that are NOT secrets (false positives if reported)
- OUTDIR/manifest.json seed, counts per case, skipped cases

Paths are relative to OUTDIR; `!` separates an archive from a member inside it
(`archives/nested.tar.gz!inner/plugin.zip!plugin/.env`). `line` is the 1-based line of the
encoded span in the outer text file, or the line inside the member file for archive members.
`encoding` is the decode chain, outermost first (`[]`: written as is).

Every key is generated at run time from Python's `random` seeded with --seed, except the PEM
private keys, which come from `openssl genrsa` (their content differs between runs; the layout
and every line number in truth.jsonl are computed from the written content). Standard library
only; `openssl` is required, `zstd` (CLI) is optional (the .tar.zst case is skipped without it).
"""
import argparse
import base64
import gzip
import hashlib
import hmac
import io
import json
import os
import shutil
import string
import struct
import subprocess
import sys
import tarfile
import uuid
import zipfile
import zlib

import random

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
AWS_ID = string.ascii_uppercase + "234567"
ZIP_DATE = (2024, 5, 1, 12, 0, 0)
MTIME = 1714564800  # 2024-05-01T12:00:00Z


# ----------------------------------------------------------------------------- fake keys

class Keys:
    """Generators of realistic fake keys, all from one seeded Random."""

    def __init__(self, rng):
        self.rng = rng
        self.pem_count = 0

    def _s(self, alphabet, n):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def github_pat(self):
        # GitHub classic PAT: ghp_ + 30 random base62 + 6-char base62 CRC32 of those 30
        # (left-padded with 0), the layout GitHub documents for its token formats.
        body = self._s(ALNUM, 30)
        crc = zlib.crc32(body.encode())
        cs = ""
        for _ in range(6):
            cs = B62[crc % 62] + cs
            crc //= 62
        return "ghp_" + body + cs

    def aws(self):
        while True:
            kid = "AKIA" + self._s(AWS_ID, 16)
            if "EXAMPLE" not in kid:
                break
        secret = self._s(ALNUM, 38)
        secret = secret[:10] + self.rng.choice("+/") + secret[10:30] + self.rng.choice("+/") + secret[30:]
        return kid, secret

    def slack_bot(self):
        def num(n):
            return self.rng.choice("123456789") + self._s(string.digits, n - 1)
        return "xoxb-%s-%s-%s" % (num(self.rng.randint(10, 13)), num(self.rng.randint(10, 13)),
                                  self._s(ALNUM, 24))

    def stripe(self):
        return "sk_live_" + self._s(ALNUM, 24)

    def _urlsafe_alnum_ends(self, n):
        return self.rng.choice(ALNUM) + self._s(URLSAFE, n - 2) + self.rng.choice(ALNUM)

    def openai(self):
        return "sk-proj-" + self._urlsafe_alnum_ends(74) + "T3BlbkFJ" + self._urlsafe_alnum_ends(74)

    def anthropic(self):
        return "sk-ant-api03-" + self.rng.choice(ALNUM) + self._s(URLSAFE, 92) + "AA"

    def jwt(self):
        def b64u(b):
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        header = b64u(b'{"alg":"HS256","typ":"JWT"}')
        payload = b64u(json.dumps({"sub": "user-%d" % self.rng.randint(1000, 99999),
                                   "name": self.rng.choice(["alice", "bob", "carol", "dave"]),
                                   "iat": 1700000000 + self.rng.randint(0, 10 ** 7)},
                                  separators=(",", ":")).encode())
        key = bytes(self.rng.getrandbits(8) for _ in range(32))
        sig = b64u(hmac.new(key, (header + "." + payload).encode(), hashlib.sha256).digest())
        assert len(sig) == 43
        return header + "." + payload + "." + sig

    def password(self):
        while True:
            pw = self._s(ALNUM + "!@#%^*", self.rng.randint(10, 14))
            if (any(c.isupper() for c in pw) and any(c.islower() for c in pw)
                    and any(c.isdigit() for c in pw) and any(not c.isalnum() for c in pw)):
                return pw

    def pem(self):
        # openssl is not seeded: the key differs between runs, its place does not.
        self.pem_count += 1
        out = None
        for args in (["openssl", "genrsa", "-traditional", "2048"], ["openssl", "genrsa", "2048"]):
            try:
                out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
                break
            except (OSError, subprocess.CalledProcessError):
                continue
        if not out or "PRIVATE KEY-----" not in out:
            sys.exit("make.py: `openssl genrsa 2048` failed; openssl is required for the PEM keys")
        return out.strip("\n") + "\n"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def b64url_nopad(s):
    return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")


def wrap(s, width):
    return [s[i:i + width] for i in range(0, len(s), width)]


def pct_all(s):
    return "".join("%%%02X" % b for b in s.encode())


def esc_x(s):
    return "".join("\\x%02x" % b for b in s.encode())


def esc_u(s):
    return "".join("\\u%04x" % ord(c) for c in s)


def html_dec(s):
    return "".join("&#%d;" % ord(c) for c in s)


def html_hex(s):
    return "".join("&#x%x;" % ord(c) for c in s)


# ----------------------------------------------------------------------------- documents

class Doc:
    """A text file being written: content plus the planted spans to locate in it."""

    def __init__(self):
        self.parts = []
        self.plants = []  # (span, nlines, entry)

    def add(self, text):
        self.parts.append(text)
        return self

    def plant(self, span, entry, nlines=1):
        """Record `entry` at the line where `span` (unique in the final text) starts."""
        self.plants.append((span, nlines, entry))
        return self

    def render(self):
        text = "".join(self.parts)
        out = []
        for span, nlines, entry in self.plants:
            n = text.count(span)
            assert n == 1, "span occurs %d times: %r" % (n, span[:60])
            line = text[:text.index(span)].count("\n") + 1
            e = dict(entry)
            e["line"] = line
            if nlines > 1:
                e["line_end"] = line + nlines - 1
            out.append(e)
        return text, out


class Corpus:
    def __init__(self, root):
        self.root = root
        self.truth = []
        self.decoys = []
        self.skipped = []

    def _write(self, rel, data):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (MTIME, MTIME))

    def _record(self, rel, entries):
        for e in entries:
            e = dict(e)
            e["path"] = rel
            (self.decoys if e.get("decoy") else self.truth).append(e)

    def text(self, rel, doc):
        text, entries = doc.render()
        self._write(rel, text.encode())
        self._record(rel, entries)

    def binary(self, rel, data, entries):
        """An archive: `entries` have member paths (`a!b`) and lines relative to the member."""
        self._write(rel, data)
        for e in entries:
            e = dict(e)
            e["path"] = rel + "!" + e["path"]
            (self.decoys if e.get("decoy") else self.truth).append(e)


def T(case, rule_hint, encoding, secret, **extra):
    e = {"case": case, "rule_hint": rule_hint, "encoding": list(encoding), "secret": secret}
    e.update(extra)
    return e


def D(kind, value, **extra):
    e = {"case": "decoy", "rule_hint": kind, "encoding": [], "secret": value, "decoy": True}
    e.update(extra)
    return e


def member(name, doc):
    """(member name, bytes, entries with member-relative paths) of a Doc."""
    text, entries = doc.render()
    for e in entries:
        e["path"] = name
    return name, text.encode(), entries


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return buf.getvalue()


def tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = MTIME
            ti.mode = 0o644
            ti.uname = ti.gname = "root"
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def gz(data, name=""):
    buf = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buf, mtime=MTIME) as g:
        g.write(data)
    return buf.getvalue()


def have_zstd():
    return shutil.which("zstd") is not None


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c", "-19"], input=data, check=True, capture_output=True).stdout


def png_noise(rng, w=24, h=24):
    """A small random-noise PNG (the kind of image a notebook output holds)."""
    raw = b"".join(b"\x00" + bytes(rng.getrandbits(8) for _ in range(w * 3)) for _ in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# ----------------------------------------------------------------------------- cases

def build(c, rng):
    k = Keys(rng)

    def pick_b64(gen, want, enc=b64, tries=200):
        """A key from gen() whose encoding contains one of the characters in `want`."""
        for _ in range(tries):
            v = gen()
            if any(ch in enc(v) for ch in want):
                return v
        return v

    # --- plain (control) ---------------------------------------------------------------
    case = "plain"
    gh, st = k.github_pat(), k.stripe()
    d = Doc().add('"""Service settings."""\nimport os\n\nDEBUG = False\n')
    d.add('GITHUB_TOKEN = "%s"\n' % gh).plant(gh, T(case, "github-pat", [], gh))
    d.add('STRIPE_KEY = "%s"\n' % st).plant(st, T(case, "stripe", [], st))
    pem = k.pem()
    d.add('\nDEPLOY_KEY = """%s"""\n' % pem).plant(pem.splitlines()[0] + "\n" + pem.splitlines()[1],
                                                 T(case, "private-key", [], pem), nlines=len(pem.splitlines()))
    c.text("plain/settings.py", d)
    (kid, ks), sl = k.aws(), k.slack_bot()
    d = Doc().add("# production\nAWS_REGION=eu-west-1\n")
    d.add("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n" % (kid, ks)).plant(kid, T(case, "aws", [], kid, secret_pair=ks))
    d.add("SLACK_BOT_TOKEN=%s\n" % sl).plant(sl, T(case, "slack", [], sl))
    c.text("plain/.env", d)
    oa = k.openai()
    d = Doc().add("import OpenAI from 'openai';\n\n")
    d.add("const client = new OpenAI({ apiKey: '%s' });\n" % oa).plant(oa, T(case, "openai", [], oa))
    d.add("export default client;\n")
    c.text("plain/client.js", d)
    an, jw = k.anthropic(), k.jwt()
    d = Doc().add("llm:\n  provider: anthropic\n")
    d.add("  anthropic_api_key: %s\n" % an).plant(an, T(case, "anthropic", [], an))
    c.text("plain/app.yml", d)
    d = Doc().add("curl example from the runbook:\n\n")
    d.add("  curl -H 'Authorization: Bearer %s' https://api.example.com/v1/me\n" % jw).plant(jw, T(case, "jwt", [], jw))
    c.text("plain/notes.txt", d)

    # --- base64 (standard alphabet, padded) ---------------------------------------------
    case = "base64"
    gh = pick_b64(k.github_pat, "+/")
    e = b64(gh)
    d = Doc().add('{\n  "name": "deployer",\n').add('  "github_token_b64": "%s",\n' % e).add('  "enabled": true\n}\n')
    d.plant(e, T(case, "github-pat", ["base64"], gh))
    c.text("base64/settings.json", d)
    sl = pick_b64(k.slack_bot, "+/")
    e = b64(sl)
    d = Doc().add("notify:\n  channel: '#deploys'\n").add("  slack_token: %s\n" % e).plant(e, T(case, "slack", ["base64"], sl))
    c.text("base64/notify.yml", d)
    kid, ks = k.aws()
    ini = "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, ks)
    e = b64(ini)
    d = Doc().add("import base64\n\n").add('AWS_CREDENTIALS = "%s"\n' % e).plant(e, T(case, "aws", ["base64"], kid, secret_pair=ks))
    c.text("base64/aws_creds.py", d)
    st = pick_b64(k.stripe, "+/")
    pem = k.pem()
    e1, e2 = b64(st), b64(pem)
    d = Doc().add("# secrets, base64 so they survive the CI variable UI\n")
    d.add("STRIPE_KEY_B64=%s\n" % e1).plant(e1, T(case, "stripe", ["base64"], st))
    d.add("SERVICE_KEY_B64=%s\n" % e2).plant(e2, T(case, "private-key", ["base64"], pem))
    c.text("base64/.env", d)

    # --- base64 URL-safe, unpadded --------------------------------------------------------
    case = "base64url"
    oa = pick_b64(k.openai, "-_", b64url_nopad)
    e = b64url_nopad(oa)
    d = Doc().add("// generated\n").add('export const CONFIG = "%s";\n' % e).plant(e, T(case, "openai", ["base64"], oa))
    c.text("base64url/config.js", d)
    an = pick_b64(k.anthropic, "-_", b64url_nopad)
    e = b64url_nopad(an)
    d = Doc().add("<!doctype html>\n<html><head>\n").add('<meta name="api-config" content="%s">\n' % e)
    d.add("</head><body></body></html>\n").plant(e, T(case, "anthropic", ["base64"], an))
    c.text("base64url/index.html", d)
    gh = pick_b64(k.github_pat, "-_", b64url_nopad)
    e = b64url_nopad("token=" + gh)
    d = Doc().add("import os\n\n").add("STATE = '%s'\n" % e).plant(e, T(case, "github-pat", ["base64"], gh))
    c.text("base64url/state.py", d)

    # --- base64 wrapped in a YAML block scalar -------------------------------------------
    case = "base64_wrapped"
    oa, pem = k.openai(), k.pem()
    lines1 = wrap(b64(oa), 64)
    lines2 = wrap(b64(pem), 76)
    d = Doc().add("# helm values\nsecrets:\n  openaiKey: |\n")
    d.add("".join("    %s\n" % ln for ln in lines1))
    d.add("  tlsKey: |\n").add("".join("    %s\n" % ln for ln in lines2))
    d.plant("    " + lines1[0] + "\n", T(case, "openai", ["base64"], oa), nlines=len(lines1))
    d.plant("    " + lines2[0] + "\n", T(case, "private-key", ["base64"], pem), nlines=len(lines2))
    c.text("base64_wrapped/values.yml", d)
    an = k.anthropic()
    lines = wrap(b64("ANTHROPIC_API_KEY=%s\n" % an), 76)
    d = Doc().add("jobs:\n  test:\n    env:\n      ENV_BLOB: |\n").add("".join("        %s\n" % ln for ln in lines))
    d.add("    steps:\n      - run: make test\n")
    d.plant("        " + lines[0] + "\n", T(case, "anthropic", ["base64"], an), nlines=len(lines))
    c.text("base64_wrapped/ci.yml", d)

    # --- hex -----------------------------------------------------------------------------
    case = "hex"
    st, sl, gh = k.stripe(), k.slack_bot(), k.github_pat()
    e = st.encode().hex()
    d = Doc().add("import binascii\n\n").add('STRIPE_HEX = "%s"\n' % e).plant(e, T(case, "stripe", ["hex"], st))
    c.text("hex/payments.py", d)
    e = sl.encode().hex().upper()
    d = Doc().add('{\n  "service": "bot",\n').add('  "token_hex": "%s"\n}\n' % e).plant(e, T(case, "slack", ["hex"], sl))
    c.text("hex/bot.json", d)
    e = gh.encode().hex()
    d = Doc().add("dump of the deploy token (hex):\n").add("%s\n" % e).plant(e, T(case, "github-pat", ["hex"], gh))
    c.text("hex/dump.txt", d)

    # --- percent-encoding in a URL query -------------------------------------------------
    case = "percent"
    sl, gh, an = k.slack_bot(), k.github_pat(), k.anthropic()
    e = pct_all(sl)
    d = Doc().add("<html><body>\n").add('<a href="https://hooks.example.com/notify?token=%s&amp;channel=ops">notify</a>\n' % e)
    d.add("</body></html>\n").plant(e, T(case, "slack", ["percent"], sl))
    c.text("percent/links.html", d)
    e = pct_all(gh)
    d = Doc().add('10.0.0.7 - - [01/May/2024:12:00:00 +0000] "GET /health HTTP/1.1" 200 2\n')
    d.add('10.0.0.7 - - [01/May/2024:12:00:01 +0000] "GET /oauth/callback?access_token=%s&state=xyz HTTP/1.1" 302 0\n' % e)
    d.plant(e, T(case, "github-pat", ["percent"], gh))
    c.text("percent/access.txt", d)
    e = pct_all(an)
    d = Doc().add("async function ask(q) {\n").add('  return fetch("https://proxy.example.com/v1/messages?q=" + q + "&key=%s");\n' % e)
    d.add("}\n").plant(e, T(case, "anthropic", ["percent"], an))
    c.text("percent/ask.js", d)

    # --- \xHH escapes --------------------------------------------------------------------
    case = "escape_x"
    gh, oa, (kid, ks) = k.github_pat(), k.openai(), k.aws()
    e = esc_x(gh)
    d = Doc().add("// obfuscated\n").add('const t = "%s";\n' % e).plant(e, T(case, "github-pat", ["escape"], gh))
    c.text("escape_x/token.js", d)
    e = esc_x(oa)
    d = Doc().add("var cfg = {\n").add("  key: '%s',\n" % e).add("};\n").plant(e, T(case, "openai", ["escape"], oa))
    c.text("escape_x/cfg.js", d)
    e = esc_x(kid)
    d = Doc().add("import boto3\n\n").add('ACCESS_KEY = "%s"\n' % e).add('SECRET_KEY = "%s"\n' % esc_x(ks))
    d.plant(e, T(case, "aws", ["escape"], kid, secret_pair=ks))
    c.text("escape_x/aws.py", d)

    # --- \uXXXX escapes in JSON --------------------------------------------------------
    case = "escape_u"
    st, an, sl = k.stripe(), k.anthropic(), k.slack_bot()
    e1, e2, e3 = esc_u(st), esc_u(an), esc_u(sl)
    d = Doc().add('{\n  "payments": {\n').add('    "apiKey": "%s"\n  },\n' % e1)
    d.add('  "llm": {"anthropicKey": "%s"},\n' % e2).add('  "chat": {"botToken": "%s"}\n}\n' % e3)
    d.plant(e1, T(case, "stripe", ["escape"], st)).plant(e2, T(case, "anthropic", ["escape"], an))
    d.plant(e3, T(case, "slack", ["escape"], sl))
    c.text("escape_u/settings.json", d)

    # --- HTML numeric entities -----------------------------------------------------------
    case = "html_entities"
    gh, oa, jw = k.github_pat(), k.openai(), k.jwt()
    e1, e2, e3 = html_dec(gh), html_hex(oa), html_dec(jw)
    d = Doc().add("<!doctype html>\n<html><body>\n<form>\n")
    d.add('  <input type="hidden" name="token" value="%s">\n' % e1)
    d.add('  <input type="hidden" name="key" value="%s">\n' % e2)
    d.add("</form>\n<p>session: <code>%s</code></p>\n</body></html>\n" % e3)
    d.plant(e1, T(case, "github-pat", ["html"], gh)).plant(e2, T(case, "openai", ["html"], oa))
    d.plant(e3, T(case, "jwt", ["html"], jw))
    c.text("html_entities/form.html", d)

    # --- JSON escaped inside a JSON string -----------------------------------------------
    # The key itself is written as is; only the quotes around it are escaped. A scanner that
    # does not unescape still sees a provider-prefixed key, but not `"name":"value"` pairs
    # (the AWS secret is keyword-gated). Plain detection is accepted as exact (alt_encodings).
    case = "json_in_json"
    (kid, ks), st, gh = k.aws(), k.stripe(), k.github_pat()
    inner1 = json.dumps({"aws_access_key_id": kid, "aws_secret_access_key": ks}, separators=(",", ":"))
    inner2 = json.dumps({"token": gh, "user": "ci"}, separators=(",", ":"))
    inner3 = json.dumps({"stripe": {"secret_key": st}}, separators=(",", ":"))
    d = Doc().add("[\n")
    for i, inner in enumerate((inner1, inner2, inner3)):
        d.add('  {"id": %d, "payload": %s}%s\n' % (i + 1, json.dumps(inner), "," if i < 2 else ""))
    d.add("]\n")
    alt = {"alt_encodings": [[]]}
    d.plant(json.dumps(inner1)[1:40], T(case, "aws", ["escape"], kid, secret_pair=ks, **alt))
    d.plant(json.dumps(inner2)[1:40], T(case, "github-pat", ["escape"], gh, **alt))
    d.plant(json.dumps(inner3)[1:40], T(case, "stripe", ["escape"], st, **alt))
    c.text("json_in_json/events.json", d)

    # --- double base64 -------------------------------------------------------------------
    case = "double_base64"
    gh, st, sl = k.github_pat(), k.stripe(), k.slack_bot()
    e1, e2, e3 = b64(b64(gh)), b64(b64(st)), b64(b64(sl))
    d = Doc().add("TOKEN_B64B64=%s\n" % e1).plant(e1, T(case, "github-pat", ["base64", "base64"], gh))
    c.text("double_base64/.env", d)
    d = Doc().add("billing:\n  key: %s\n" % e2).plant(e2, T(case, "stripe", ["base64", "base64"], st))
    c.text("double_base64/billing.yml", d)
    d = Doc().add("bot token (double encoded by the old CI plugin):\n%s\n" % e3)
    d.plant(e3, T(case, "slack", ["base64", "base64"], sl))
    c.text("double_base64/readme.txt", d)

    # --- base64 of a .env file -----------------------------------------------------------
    case = "env_b64"
    (kid, ks), sl, oa = k.aws(), k.slack_bot(), k.openai()
    env = ("# production\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\nSLACK_BOT_TOKEN=%s\nOPENAI_API_KEY=%s\n"
           % (kid, ks, sl, oa))
    e = b64(env)
    d = Doc().add('{\n  "app": "api",\n').add('  "env_file": "%s"\n}\n' % e)
    d.plant(e, T(case, "aws", ["base64"], kid, secret_pair=ks))
    d.plant(e, T(case, "slack", ["base64"], sl)).plant(e, T(case, "openai", ["base64"], oa))
    c.text("env_b64/deploy.json", d)
    st, gh = k.stripe(), k.github_pat()
    e = b64("STRIPE_SECRET_KEY=%s\nGH_TOKEN=%s\n" % (st, gh))
    d = Doc().add("variables:\n").add("  ENV_FILE_B64: %s\n" % e)
    d.plant(e, T(case, "stripe", ["base64"], st)).plant(e, T(case, "github-pat", ["base64"], gh))
    c.text("env_b64/ci.yml", d)

    # --- Kubernetes Secret manifests -----------------------------------------------------
    case = "k8s_secret"
    pw1, gh, st, pem, pw2 = k.password(), k.github_pat(), k.stripe(), k.pem(), k.password()
    e_pw1, e_gh, e_st, e_pem, e_pw2 = b64(pw1), b64(gh), b64(st), b64(pem), b64(pw2)
    d = Doc()
    d.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\ndata:\n")
    d.add("  username: %s\n  password: %s\n" % (b64("admin"), e_pw1))
    d.add("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: info\n")
    d.add("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api-keys\ntype: Opaque\ndata:\n")
    d.add("  GITHUB_TOKEN: %s\n  STRIPE_SECRET_KEY: %s\n" % (e_gh, e_st))
    d.add("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: deploy-key\ntype: kubernetes.io/ssh-auth\ndata:\n")
    d.add("  ssh-privatekey: %s\n" % e_pem)
    d.plant("password: " + e_pw1, T(case, "password", ["base64"], pw1))
    d.plant(e_gh, T(case, "github-pat", ["base64"], gh)).plant(e_st, T(case, "stripe", ["base64"], st))
    d.plant(e_pem, T(case, "private-key", ["base64"], pem))
    c.text("k8s_secret/secrets.yaml", d)
    d = Doc()
    d.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: redis\nspec:\n  replicas: 1\n")
    d.add("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: redis\ndata:\n")
    d.add("  redis-password: %s\n" % e_pw2).plant(e_pw2, T(case, "password", ["base64"], pw2))
    c.text("k8s_secret/redis.yml", d)

    # --- Docker config.json ----------------------------------------------------------------
    case = "docker_config"
    toks = [k.github_pat() for _ in range(3)]
    regs = ["registry.example.com", "ghcr.io", "docker.pkg.github.com"]
    users = ["ci-bot", "octocat", "deployer"]
    auths = {r: {"auth": b64("%s:%s" % (u, t))} for r, u, t in zip(regs, users, toks)}
    d = Doc().add(json.dumps({"auths": auths, "credsStore": ""}, indent=2) + "\n")
    for r, u, t in zip(regs, users, toks):
        d.plant(auths[r]["auth"], T(case, "github-pat", ["base64"], t, user=u))
    c.text("docker_config/.docker/config.json", d)

    # --- Jupyter notebook --------------------------------------------------------------
    case = "notebook"
    oa, gh, an = k.openai(), k.github_pat(), k.anthropic()
    png = base64.b64encode(png_noise(rng)).decode()
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Churn analysis\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
             "source": ["import os\n", "from openai import OpenAI\n", "client = OpenAI(api_key='%s')\n" % oa]},
            {"cell_type": "code", "execution_count": 2, "metadata": {},
             "outputs": [
                 {"name": "stdout", "output_type": "stream",
                  "text": ["fetching repos...\n", "using token %s\n" % gh, "done: 42 repos\n"]},
                 {"output_type": "display_data", "metadata": {},
                  "data": {"image/png": png, "text/plain": ["<Figure size 640x480 with 1 Axes>"]}}],
             "source": ["repos = fetch_repos(os.environ['GH_TOKEN'])\n", "plot(repos)\n"]},
            {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [],
             "source": ["ANTHROPIC_API_KEY = '%s'\n" % an]},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    d = Doc().add(json.dumps(nb, indent=1) + "\n")
    d.plant(oa, T(case, "openai", [], oa, where="code cell source"))
    d.plant(gh, T(case, "github-pat", [], gh, where="stream output text"))
    d.plant(an, T(case, "anthropic", [], an, where="code cell source"))
    d.plant(png[:80], D("notebook-png-base64", png[:80] + "..."))
    c.text("notebook/analysis.ipynb", d)

    # --- archives --------------------------------------------------------------------------
    def env_doc(case, enc=None):
        """A .env member with an AWS pair, a Slack token and a Stripe key."""
        (kid, ks), sl, st = k.aws(), k.slack_bot(), k.stripe()
        d = Doc().add("APP_ENV=production\n")
        d.add("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n" % (kid, ks)).plant(kid, T(case, "aws", [], kid, secret_pair=ks))
        d.add("SLACK_BOT_TOKEN=%s\n" % sl).plant(sl, T(case, "slack", [], sl))
        d.add("STRIPE_SECRET_KEY=%s\n" % st).plant(st, T(case, "stripe", [], st))
        return d

    readme = ("README.md", b"# app\n\nBuild with `make`.\n")

    case = "zip"
    name, data, ents = member("config/.env", env_doc(case))
    c.binary("archives/dist/app.zip", zip_bytes([readme, (name, data)]), ents)

    case = "jar"
    gh, oa, an = k.github_pat(), k.openai(), k.anthropic()
    d = Doc().add("spring.application.name=billing\nserver.port=8080\n")
    d.add("github.token=%s\n" % gh).plant(gh, T(case, "github-pat", [], gh))
    d.add("openai.api-key=%s\n" % oa).plant(oa, T(case, "openai", [], oa))
    d.add("anthropic.api-key=%s\n" % an).plant(an, T(case, "anthropic", [], an))
    name, data, ents = member("application.properties", d)
    mf = ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\nMain-Class: com.example.App\r\n\r\n")
    cls = ("com/example/App.class", bytes([0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52]) + bytes(rng.getrandbits(8) for _ in range(200)))
    c.binary("archives/lib/service.jar", zip_bytes([mf, cls, (name, data)]), ents)

    case = "tar.gz"
    sl, gh, jw, pem = k.slack_bot(), k.github_pat(), k.jwt(), k.pem()
    d = Doc().add("app:\n  name: backup-agent\n")
    d.add("  slack_token: %s\n" % sl).plant(sl, T(case, "slack", [], sl))
    d.add("  github_token: %s\n" % gh).plant(gh, T(case, "github-pat", [], gh))
    d.add("  session_jwt: %s\n" % jw).plant(jw, T(case, "jwt", [], jw))
    m1 = member("backup/etc/app/config.yml", d)
    d = Doc().add(pem).plant(pem.splitlines()[0] + "\n" + pem.splitlines()[1], T(case, "private-key", [], pem),
                             nlines=len(pem.splitlines()))
    m2 = member("backup/home/deploy/.ssh/id_rsa", d)
    c.binary("archives/backup.tar.gz", gz(tar_bytes([m1[:2], m2[:2]])), m1[2] + m2[2])

    case = "tgz"
    st, an, gh = k.stripe(), k.anthropic(), k.github_pat()
    d = Doc().add('{\n  "name": "pkg",\n')
    d.add('  "stripeKey": "%s",\n' % st).add('  "anthropicKey": "%s",\n' % an).add('  "githubToken": "%s"\n}\n' % gh)
    d.plant(st, T(case, "stripe", [], st)).plant(an, T(case, "anthropic", [], an)).plant(gh, T(case, "github-pat", [], gh))
    m = member("package/config.json", d)
    c.binary("archives/release.tgz", gz(tar_bytes([("package/package.json", b'{"name":"pkg","version":"1.0.0"}\n'), m[:2]])), m[2])

    case = "tar.bz2"
    oa, sl, (kid, ks) = k.openai(), k.slack_bot(), k.aws()
    d = Doc().add("<!doctype html>\n<html><head><script>\n")
    d.add('  const OPENAI_KEY = "%s";\n' % oa).plant(oa, T(case, "openai", [], oa))
    d.add('  const SLACK = "%s";\n' % sl).plant(sl, T(case, "slack", [], sl))
    d.add('  const aws = { accessKeyId: "%s",\n    secretAccessKey: "%s" };\n' % (kid, ks))
    d.plant(kid, T(case, "aws", [], kid, secret_pair=ks))
    d.add("</script></head><body></body></html>\n")
    m = member("site/index.html", d)
    import bz2
    c.binary("archives/site.tar.bz2", bz2.compress(tar_bytes([m[:2]]), 9), m[2])

    case = "tar.xz"
    gh, st, jw = k.github_pat(), k.stripe(), k.jwt()
    d = Doc().add("# settings\n")
    d.add('GITHUB_TOKEN = "%s"\n' % gh).plant(gh, T(case, "github-pat", [], gh))
    d.add('STRIPE_API_KEY = "%s"\n' % st).plant(st, T(case, "stripe", [], st))
    d.add('SERVICE_JWT = "%s"\n' % jw).plant(jw, T(case, "jwt", [], jw))
    m = member("data/settings.py", d)
    import lzma
    c.binary("archives/data.tar.xz", lzma.compress(tar_bytes([m[:2]])), m[2])

    case = "tar.zst"
    an, sl, gh = k.anthropic(), k.slack_bot(), k.github_pat()  # drawn even when skipped: same keys after
    if have_zstd():
        d = Doc().add("ANTHROPIC_API_KEY=%s\n" % an).plant(an, T(case, "anthropic", [], an))
        d.add("SLACK_BOT_TOKEN=%s\n" % sl).plant(sl, T(case, "slack", [], sl))
        d.add("GH_TOKEN=%s\n" % gh).plant(gh, T(case, "github-pat", [], gh))
        m = member("bundle/.env", d)
        c.binary("archives/bundle.tar.zst", zstd(tar_bytes([m[:2]])), m[2])
    else:
        c.skipped.append({"case": case, "reason": "no zstd CLI (and the standard library has no zstandard)"})

    case = "gz"
    jw, sl, gh = k.jwt(), k.slack_bot(), k.github_pat()
    d = Doc().add("2024-05-01T12:00:00Z INFO starting api\n")
    d.add("2024-05-01T12:00:01Z DEBUG request headers: Authorization: Bearer %s\n" % jw).plant(jw, T(case, "jwt", [], jw))
    d.add("2024-05-01T12:00:02Z DEBUG posting to slack with token=%s\n" % sl).plant(sl, T(case, "slack", [], sl))
    d.add("2024-05-01T12:00:03Z WARN retrying clone with https://x-access-token:%s@github.com/acme/api.git\n" % gh)
    d.plant(gh, T(case, "github-pat", [], gh))
    m = member("app.log", d)
    c.binary("archives/logs/app.log.gz", gz(m[1], "app.log"), m[2])

    case = "nested"
    oa, st, gh = k.openai(), k.stripe(), k.github_pat()
    d = Doc().add("OPENAI_API_KEY=%s\n" % oa).plant(oa, T(case, "openai", [], oa))
    d.add("STRIPE_SECRET_KEY=%s\n" % st).plant(st, T(case, "stripe", [], st))
    d.add("GITHUB_TOKEN=%s\n" % gh).plant(gh, T(case, "github-pat", [], gh))
    m = member("plugin/.env", d)
    inner = zip_bytes([m[:2]])
    for e in m[2]:
        e["path"] = "inner/plugin.zip!" + e["path"]
    c.binary("archives/nested.tar.gz", gz(tar_bytes([("inner/plugin.zip", inner)])), m[2])

    case = "zip_base64"
    gh, st, sl = k.github_pat(), k.stripe(), k.slack_bot()
    d = Doc().add("service:\n")
    for label, v, hint in (("github_token", gh, "github-pat"), ("stripe_key", st, "stripe"), ("slack_token", sl, "slack")):
        e = b64(v)
        d.add("  %s: %s\n" % (label, e)).plant(e, T(case, hint, ["base64"], v))
    m = member("conf/settings.yml", d)
    c.binary("archives/encoded.zip", zip_bytes([m[:2]]), m[2])

    # --- container image (docker save, legacy layout) -------------------------------------
    case = "image"
    gh, oa, st = k.github_pat(), k.openai(), k.stripe()
    d = Doc().add("GITHUB_TOKEN=%s\n" % gh).plant(gh, T(case, "github-pat", [], gh))
    d.add("OPENAI_API_KEY=%s\n" % oa).plant(oa, T(case, "openai", [], oa))
    env_name, env_data, env_ents = member("app/.env", d)
    layer1 = tar_bytes([("app/main.py", b"print('hello')\n"), (env_name, env_data)])
    layer2 = tar_bytes([("app/.wh..env", b""), ("app/VERSION", b"1.0.0\n")])
    diff1, diff2 = hashlib.sha256(layer1).hexdigest(), hashlib.sha256(layer2).hexdigest()
    created_by_secret = "/bin/sh -c STRIPE_API_KEY=%s ./scripts/migrate.sh" % st
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "Cmd": ["python", "/app/main.py"], "WorkingDir": "/app"},
        "created": "2024-05-01T12:00:00Z",
        "history": [
            {"created": "2024-05-01T12:00:00Z", "created_by": "/bin/sh -c #(nop) COPY dir:1f2e3d in /app "},
            {"created": "2024-05-01T12:00:01Z", "created_by": created_by_secret, "empty_layer": True},
            {"created": "2024-05-01T12:00:02Z", "created_by": "/bin/sh -c rm /app/.env && echo 1.0.0 > /app/VERSION"},
        ],
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff1, "sha256:" + diff2]},
    }
    cd = Doc().add(json.dumps(config, indent=2) + "\n")
    cd.plant(st, T(case, "stripe", [], st, optional=True, where="config history[1].created_by"))
    cfg_text, cfg_ents = cd.render()
    cfg_name = hashlib.sha256(cfg_text.encode()).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["registry.example.com/acme/app:1.0"],
                 "Layers": [diff1 + "/layer.tar", diff2 + "/layer.tar"]}]
    members = [
        (diff1 + "/VERSION", b"1.0"), (diff1 + "/json", json.dumps({"id": diff1}).encode()), (diff1 + "/layer.tar", layer1),
        (diff2 + "/VERSION", b"1.0"), (diff2 + "/json", json.dumps({"id": diff2, "parent": diff1}).encode()),
        (diff2 + "/layer.tar", layer2),
        (cfg_name, cfg_text.encode()),
        ("manifest.json", json.dumps(manifest).encode()),
        ("repositories", json.dumps({"registry.example.com/acme/app": {"1.0": diff2}}).encode()),
    ]
    ents = []
    for e in env_ents:
        e.update(optional=True, layer_index=0, layer_diff_id="sha256:" + diff1, member="app/.env",
                 where="layer 0 adds /app/.env, layer 1 deletes it (whiteout app/.wh..env)")
        e["path"] = diff1 + "/layer.tar!" + e["path"]
        ents.append(e)
    for e in cfg_ents:
        e["path"] = cfg_name
        e["member"] = cfg_name
        ents.append(e)
    c.binary("image/image.tar", tar_bytes(members), ents)

    # --- decoys ------------------------------------------------------------------------------
    d = Doc().add("# cache checksums\nblobs:\n")
    for i in range(6):
        v = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(rng.randint(24, 96)))).decode()
        d.add("  blob_%d: %s\n" % (i, v)).plant(v, D("base64-random-bytes", v))
    c.text("decoys/random_base64.yml", d)
    d = Doc().add('{\n  "artifacts": [\n')
    for i in range(6):
        v = hashlib.sha256(bytes(rng.getrandbits(8) for _ in range(64))).hexdigest()
        d.add('    {"name": "build-%d.tar", "sha256": "%s"}%s\n' % (i, v, "," if i < 5 else "")).plant(v, D("sha256-hex", v))
    d.add("  ]\n}\n")
    c.text("decoys/digests.json", d)
    d = Doc().add("# ids from the tracing backend\n")
    for i in range(6):
        v = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        d.add("trace_id_%d = %s\n" % (i, v)).plant(v, D("uuid", v))
    c.text("decoys/trace_ids.txt", d)
    blob = bytes(rng.getrandbits(8) for _ in range(4096))
    c.binary("decoys/blobs.zip", zip_bytes([("data.bin", blob)]),
             [D("zip-random-binary", "data.bin (4096 random bytes)", path="data.bin", line=None)])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20240501)
    a = ap.parse_args()
    out = os.path.abspath(a.outdir)
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, "truth.jsonl")):
            sys.exit("make.py: %s exists, is not empty and holds no truth.jsonl; refusing to overwrite" % out)
        shutil.rmtree(out)
    os.makedirs(out)
    rng = random.Random(a.seed)
    c = Corpus(out)
    build(c, rng)
    for name, rows in (("truth.jsonl", c.truth), ("decoys.jsonl", c.decoys)):
        with open(os.path.join(out, name), "w") as f:
            for r in rows:
                first = ("case", "path", "line", "line_end", "rule_hint", "encoding", "secret")
                r = dict([(k, r[k]) for k in first if k in r]
                         + [(k, v) for k, v in r.items() if k not in first and k != "decoy"])
                f.write(json.dumps(r) + "\n")
    cases = {}
    for t in c.truth:
        cases[t["case"]] = cases.get(t["case"], 0) + 1
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"seed": a.seed, "cases": cases, "truth": len(c.truth), "decoys": len(c.decoys),
                   "skipped": c.skipped}, f, indent=2)
        f.write("\n")
    print("make.py: %d planted keys in %d cases, %d decoys -> %s" % (len(c.truth), len(cases), len(c.decoys), out))
    for s in c.skipped:
        print("make.py: skipped case %s: %s" % (s["case"], s["reason"]))


if __name__ == "__main__":
    main()
