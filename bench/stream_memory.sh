#!/usr/bin/env bash
# Peak memory of a scan with 1,000,000 findings: JSONL (streamed) against JSON (collected).
#
#   bash bench/stream_memory.sh                 # uses target/release/keyhound, else target/debug
#   KEYHOUND=/path/to/keyhound FILES=200 LINES=5000 bash bench/stream_memory.sh
#
# Generates FILES files of LINES fake `API_KEY=<random>` assignments each in a temporary
# directory (random values made here, never stored), scans it with `--format jsonl` and
# `--format json` to /dev/null, and prints wall time and peak RSS (GNU time) of each. Not a
# timed test: a check to run by hand. JSONL should stay flat as FILES grows; JSON grows with
# the number of findings.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KEYHOUND:-}
if [ -z "$BIN" ]; then
  if [ -x target/release/keyhound ]; then BIN=target/release/keyhound; else BIN=target/debug/keyhound; fi
fi
FILES=${FILES:-200}
LINES=${LINES:-5000}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$DIR" "$FILES" "$LINES" <<'PY'
import os, random, string, sys
d, files, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(1)
alnum = string.ascii_letters + string.digits
for i in range(files):
    with open(os.path.join(d, "f%04d.env" % i), "w") as f:
        for _ in range(lines):
            f.write("API_KEY=%s\n" % "".join(rnd.choice(alnum) for _ in range(40)))
PY
echo "binary: $BIN; $FILES files x $LINES findings = $((FILES * LINES)) findings"
for fmt in jsonl json; do
  $TIME -f "$fmt: %e s, peak RSS %M KiB" "$BIN" scan "$DIR" --format "$fmt" -q -o /dev/null || true
done
