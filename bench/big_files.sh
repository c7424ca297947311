#!/usr/bin/env bash
# Wall time and peak RSS on one big file (a log with a key on its last lines), keyhound next to
# gitleaks and Kingfisher on the same file, in one run.
#
#   bash bench/big_files.sh                 # 600 MB and 5 GB files in a temporary directory
#   SIZES="600 5000" PEERS=~/peers/bin bash bench/big_files.sh
#
# Each file is made of log lines generated here with a fake OpenAI project key (made at run
# time, never stored) 200 bytes before its end, and, for the 5 GB size, also as one line without
# a line break (a minified bundle). Every tool runs with its size limit lifted (keyhound needs
# nothing: files of any size are read in windows; gitleaks has no default limit; Kingfisher's
# default is 256 MB, so `--max-file-size 0`). Prints seconds, peak RSS (GNU time) and whether
# the key was reported. Not a timed test: a check to run by hand on a quiet machine.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${KEYHOUND:-target/release/keyhound}
PEERS=${PEERS:-$HOME/peers/bin}
SIZES=${SIZES:-600 5000}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

make() { # make FILE MB one-line?
  python3 - "$@" <<'PY'
import random, string, sys
path, mb, one = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
rnd = random.Random(7)
u = string.ascii_letters + string.digits + "_-"
key = "sk-proj-" + "".join(rnd.choice(u) for _ in range(74)) + "T3BlbkFJ" + "".join(rnd.choice(u) for _ in range(74))
sep = " " if one else "\n"
block = "".join("2026-12-06T10:00:%02dZ INFO request %09d served in %d ms from cache node a%s" % (i % 60, i, i % 97, sep) for i in range(20000)).encode()
target = mb * 1000 * 1000
with open(path, "wb") as f:
    n = 0
    while n + len(block) < target - 400:
        f.write(block); n += len(block)
    tail = ("OPENAI_API_KEY=%s%s" % (key, sep)).encode()
    f.write(b"x" * (target - n - 200 - len(tail)) + sep.encode() + tail + b"y" * 199 + b"\n")
PY
}

run() { # run LABEL FILE FOUND-EXIT-CODE CMD... (the only secret in the file: reported = that exit code)
  local label=$1 file=$2 want=$3; shift 3
  local out="$DIR/out.$label" t="$DIR/time.$label"
  timeout 1800 "$TIME" -f "%e %M" -o "$t" "$@" > "$out" 2>&1
  local rc=$?
  local found=no
  [ "$rc" = "$want" ] && found=yes
  read -r secs kb < <(tail -1 "$t")
  printf "%-12s %-10s %8s s %8.0f MiB  exit %-3s found %s\n" "$label" "$(basename "$file")" "$secs" "$((kb / 1024))" "$rc" "$found"
}

for mb in $SIZES; do
  for one in 0 1; do
    [ "$one" = 1 ] && [ "$mb" -lt 5000 ] && continue
    f="$DIR/big-${mb}MB$([ "$one" = 1 ] && echo -oneline).log"
    make "$f" "$mb" "$one"
    sync
    cat "$f" > /dev/null # page cache warm for every tool alike
    run keyhound "$f" 1 "$BIN" scan "$f" --format json -q
    [ -x "$PEERS/gitleaks" ] && run gitleaks "$f" 1 "$PEERS/gitleaks" dir "$f" --no-banner --report-format json --report-path /dev/stdout
    [ -x "$PEERS/kingfisher" ] && run kingfisher "$f" 200 "$PEERS/kingfisher" scan "$f" --no-validate --max-file-size 0 --format json
    rm -f "$f"
  done
done
