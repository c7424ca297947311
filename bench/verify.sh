#!/usr/bin/env bash
# Verification benchmark: 1,000 distinct secrets (OpenAI, GitHub, Slack: three provider hosts)
# verified against a loopback mock of the providers (KEYHOUND_VERIFY_ENDPOINT_OVERRIDE), with
# the default limits (4 requests in flight per host, 8 in all). The mock answers at once, or
# after LATENCY_MS milliseconds to stand in for a real provider's round trip.
#
#   bash bench/verify.sh [LATENCY_MS...]      default: 0 50
#
# Prints wall time and peak RSS of `scan` without --verify and with it, and the requests sent.
# Nothing here reaches the network: the override accepts loopback addresses only.
set -euo pipefail
cd "$(dirname "$0")/.."
KH=${KEYHOUND:-target/release/keyhound}
[ -x "$KH" ] || cargo build --release --locked -q
work=$(mktemp -d)
mock_pid=
cleanup() { [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 - "$work/tree" <<'PY'
import os, random, sys, zlib
root = sys.argv[1]
rnd = random.Random(7)
A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def chars(n, a=A): return "".join(rnd.choice(a) for _ in range(n))
def ghp():
    body = chars(30); c = zlib.crc32(body.encode()); s = ""
    for _ in range(6): s = B62[c % 62] + s; c //= 62
    return "ghp_" + body + s
for i in range(1000):
    d = os.path.join(root, f"svc{i // 50}")
    os.makedirs(d, exist_ok=True)
    k = i % 3
    if k == 0: line = "OPENAI_API_KEY=sk-proj-" + chars(74, A + "_-") + "T3BlbkFJ" + chars(74, A + "_-")
    elif k == 1: line = "GITHUB_TOKEN=" + ghp()
    else: line = "SLACK_BOT_TOKEN=xoxb-%s-%s-%s" % (chars(11, "0123456789"), chars(12, "0123456789"), chars(24))
    open(os.path.join(d, f"app{i}.env"), "w").write(line + "\n")
PY

measure() { # label, args...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$KH" scan "$work/tree" -q --format json -o "$work/out.json" "$@" || true
  read -r secs kib < <(tail -n 1 "$work/time")
  local req
  req=$(python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["stats"].get("verification"); print(v["requests"] if v else 0)' "$work/out.json")
  printf '%-34s %8.2f s %8d KiB  %5s requests\n' "$label" "$secs" "$kib" "$req"
}

for latency in "${@:-0 50}"; do
  for l in $latency; do
    port_file="$work/port"
    rm -f "$port_file"
    python3 - "$port_file" "$l" <<'PY' &
import http.server, sys, time, json
port_file, latency = sys.argv[1], int(sys.argv[2]) / 1000
import socket
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        # one segment per answer: without this, Nagle and delayed ACKs add 40 ms per request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n: self.rfile.read(n)
        time.sleep(latency)
        host = self.headers.get("X-Keyhound-Original-Host", "")
        body, status = (b'{"ok":false,"error":"invalid_auth"}', 200) if host == "slack.com" else (b'{"message":"Bad credentials"}', 401)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(port_file, "w").write(str(s.server_address[1]))
s.serve_forever()
PY
    mock_pid=$!
    for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
    export KEYHOUND_VERIFY_ENDPOINT_OVERRIDE="http://127.0.0.1:$(cat "$port_file")"
    echo "mock latency ${l} ms"
    measure "scan (no --verify)"
    measure "scan --verify" --verify
    measure "scan --verify --verify-per-host 16" --verify --verify-per-host 16
    kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=
  done
done
