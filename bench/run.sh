#!/usr/bin/env bash
# keyhound benchmark: speed, memory and accuracy against peer secret scanners
# (gitleaks, betterleaks, Kingfisher) on a synthetic tree with planted fake secrets.
#
# Usage (from anywhere; paths are resolved from the repository root):
#
#   bash bench/run.sh [--skip-build] [-h|--help]
#
# Environment:
#   SIZE_MB  size of the synthetic corpus in MiB              (default 1024)
#   RUNS     measured rounds; each round runs every tool once (default 3)
#   CORPUS   corpus directory                 (default /tmp/keyhound-bench/synth-${SIZE_MB}m)
#   OUT      reports, logs, times, summary.json             (default /tmp/keyhound-bench/out)
#   TOOLS    space-separated subset of: keyhound keyhound-plain gitleaks betterleaks kingfisher
#            (keyhound-plain: keyhound with --no-decode --no-archives, the cost of decoding and archives)
#            (default: all four)
#   PEERS    where the peers are installed, binaries in $PEERS/bin (default ~/peers)
#   KEYHOUND_ARGS  extra arguments appended to keyhound's command line (default
#            --show-secrets, so that the scorer can tell apart several
#            secrets planted on one line (the peers' reports carry the raw values)
#
#   --skip-build   do not run `cargo build --release` (use the existing target/release/keyhound)
#
# Steps: build keyhound; install the peers with ../shared/bench/install-peers.sh
# (idempotent); generate the corpus with ../shared/bench/make-synthetic.py unless it is
# already there (cached, with its .truth.jsonl beside it); one unmeasured warm-up run of
# each tool (the page cache cannot be dropped, so every tool reads from a warm cache);
# RUNS interleaved rounds, each tool under `/usr/bin/time -f '%e %M'`; score each tool's
# last report with ../shared/bench/score-synth.py; print a table and write
# $OUT/summary.json (bench/summarize.py).
#
# The machines are shared and noisy: quote results as ratios measured in one run.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# ---------------------------------------------------------------- configuration
SKIP_BUILD=0
for arg in "$@"; do
  case $arg in
    --skip-build) SKIP_BUILD=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=$(cd "$REPO/../shared/bench" 2>/dev/null && pwd) \
  || { echo "run.sh: benchmark kit not found at $REPO/../shared/bench" >&2; exit 2; }
BENCH="$REPO/bench"

SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
CORPUS=${CORPUS:-/tmp/keyhound-bench/synth-${SIZE_MB}m}
OUT=${OUT:-/tmp/keyhound-bench/out}
# absolute paths: the reports' file paths are made relative to the corpus when scoring
CORPUS=$(realpath -m "$CORPUS")
OUT=$(realpath -m "$OUT")
TOOLS=${TOOLS:-keyhound gitleaks betterleaks kingfisher}
PEERS=${PEERS:-$HOME/peers}
export PEERS
read -r -a KEYHOUND_EXTRA <<<"${KEYHOUND_ARGS---show-secrets}"

KEYHOUND="$REPO/target/release/keyhound"
TIMES="$OUT/times.tsv"      # tool  run  wall_s  peak_rss_kib  exit_code  status

read -r -a TOOL_LIST <<<"$TOOLS"
[ ${#TOOL_LIST[@]} -gt 0 ] || { echo "run.sh: TOOLS is empty" >&2; exit 2; }
for t in "${TOOL_LIST[@]}"; do
  case $t in
    keyhound|keyhound-plain|gitleaks|betterleaks|kingfisher) ;;
    *) echo "run.sh: unknown tool in TOOLS: $t" >&2; exit 2 ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: RUNS must be a positive integer" >&2; exit 2; }

log() { printf '\n== %s\n' "$*" >&2; }
selected() { [[ " ${TOOL_LIST[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------- setup steps
build_keyhound() {
  selected keyhound || selected keyhound-plain || return 0
  if [ "$SKIP_BUILD" = 1 ]; then
    log "keyhound: --skip-build, using $KEYHOUND"
  else
    log "keyhound: cargo build --release"
    (cd "$REPO" && cargo build --release)
  fi
  [ -x "$KEYHOUND" ] || { echo "run.sh: $KEYHOUND not found (build it, or drop keyhound from TOOLS)" >&2; exit 1; }
}

install_peers() {
  local peers=()
  for t in gitleaks betterleaks kingfisher; do selected "$t" && peers+=("$t"); done
  [ ${#peers[@]} -gt 0 ] || return 0
  log "peers: install-peers.sh ${peers[*]} (PEERS=$PEERS)"
  bash "$KIT/install-peers.sh" "${peers[@]}" >&2
}

ensure_time() {
  [ -x /usr/bin/time ] && return 0
  log "installing GNU time (Debian package 'time')"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -q time >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q time >&2; }
}

# Generate the corpus once; make-synthetic.py writes the manifest last, so a corpus
# without truth or manifest is a partial one and is regenerated.
build_corpus() {
  if [ -d "$CORPUS" ] && [ -s "$CORPUS.truth.jsonl" ] && [ -s "$CORPUS.manifest.json" ]; then
    log "corpus: $CORPUS (cached)"
    return 0
  fi
  local force=()
  [ -e "$CORPUS" ] && force=(--force)
  log "corpus: generating $CORPUS (${SIZE_MB} MiB)"
  mkdir -p "$(dirname "$CORPUS")"
  python3 "$KIT/make-synthetic.py" --out "$CORPUS" --size-mb "$SIZE_MB" "${force[@]}" >&2
}

# ---------------------------------------------------------------- the tools
# tool_cmd TOOL REPORT: fill CMD with the tool's command line (peers: the "directory"
# column of ../shared/bench/README.md; validation and update checks off).
tool_cmd() {
  local tool=$1 report=$2
  case $tool in
    keyhound)    CMD=("$KEYHOUND" scan "$CORPUS" --format json --output "$report" --quiet "${KEYHOUND_EXTRA[@]}") ;;
    keyhound-plain) CMD=("$KEYHOUND" scan "$CORPUS" --format json --output "$report" --quiet --no-decode --no-archives "${KEYHOUND_EXTRA[@]}") ;;
    gitleaks)    CMD=("$PEERS/bin/gitleaks" dir "$CORPUS" -r "$report" -f json --no-banner --log-level error) ;;
    betterleaks) CMD=("$PEERS/bin/betterleaks" fs "$CORPUS" -o "$report" --no-banner -s -l error) ;;
    kingfisher)  CMD=("$PEERS/bin/kingfisher" scan "$CORPUS" --no-validate --no-update-check -q -f json -o "$report") ;;
  esac
}

# Exit code that means "findings were reported" (not an error).
findings_code() {
  case $1 in
    kingfisher) echo 200 ;;
    *) echo 1 ;;
  esac
}

tool_version() {
  case $1 in
    keyhound|keyhound-plain) "$KEYHOUND" --version 2>/dev/null | head -1 || true ;;
    gitleaks|betterleaks) "$PEERS/bin/$1" version 2>/dev/null | head -1 || true ;;
    kingfisher) "$PEERS/bin/kingfisher" --version 2>/dev/null | head -1 || true ;;
  esac
}

# run_tool TOOL RUN: run TOOL once on the corpus under /usr/bin/time. RUN is "warmup"
# or the round number; measured rounds append a line to $TIMES. Returns 0 unless the
# tool failed (an exit code other than 0 or its findings code).
run_tool() {
  local tool=$1 run=$2
  local report="$OUT/$tool.json" err="$OUT/$tool.stderr" tf="$OUT/.time.$tool"
  [ "$run" = warmup ] && report="$OUT/warmup/$tool.json" err="$OUT/warmup/$tool.stderr"
  rm -f "$report"
  tool_cmd "$tool" "$report"
  local rc=0
  /usr/bin/time -o "$tf" -f '%e %M' "${CMD[@]}" >/dev/null 2>"$err" || rc=$?
  # GNU time puts "Command exited with non-zero status N" before the format line.
  local wall rss
  read -r wall rss < <(tail -n 1 "$tf")
  rm -f "$tf"
  local status=ok
  if [ "$rc" != 0 ] && [ "$rc" != "$(findings_code "$tool")" ]; then
    status=fail
    printf '   %-12s run %-6s FAILED (exit %s); stderr tail:\n' "$tool" "$run" "$rc" >&2
    tail -n 5 "$err" | sed 's/^/      /' >&2
  else
    printf '   %-12s run %-6s %8s s %9s KiB  (exit %s)\n' "$tool" "$run" "$wall" "$rss" "$rc" >&2
  fi
  [ "$run" = warmup ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$rss" "$rc" "$status" >>"$TIMES"
  [ "$status" = ok ]
}

# ---------------------------------------------------------------- benchmark
measure() {
  mkdir -p "$OUT/warmup"
  for t in "${TOOL_LIST[@]}"; do
    rm -f "$OUT/$t.json" "$OUT/$t.stderr" "$OUT/$t.score.json"
  done
  : >"$TIMES"
  {
    printf 'corpus\t%s\nsize_mb\t%s\nruns\t%s\nnproc\t%s\ndate\t%s\n' \
      "$CORPUS" "$SIZE_MB" "$RUNS" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for t in "${TOOL_LIST[@]}"; do
      tool_cmd "$t" "$OUT/$t.json"
      printf 'version:%s\t%s\ncmd:%s\t%s\n' "$t" "$(tool_version "$t")" "$t" "${CMD[*]}"
    done
  } >"$OUT/meta.tsv"

  FAILED=()
  log "warm-up (unmeasured): ${TOOL_LIST[*]}"
  for t in "${TOOL_LIST[@]}"; do
    run_tool "$t" warmup || FAILED+=("$t")
  done
  local i
  for ((i = 1; i <= RUNS; i++)); do
    log "round $i/$RUNS"
    for t in "${TOOL_LIST[@]}"; do
      run_tool "$t" "$i" || FAILED+=("$t")
    done
  done
}

# Score each tool's last report against the planted secrets and decoys.
score() {
  log "scoring"
  for t in "${TOOL_LIST[@]}"; do
    [ -e "$OUT/$t.json" ] || { echo "   $t: no report $OUT/$t.json" >&2; continue; }
    local report="$OUT/$t.json" fmt="$t"
    if [ "$t" = keyhound ] || [ "$t" = keyhound-plain ]; then
      # keyhound reports an AWS key pair as one finding with `parts`; give the scorer the parts
      # in the shape it credits them from (see bench/parts_for_scorer.py)
      python3 "$BENCH/parts_for_scorer.py" "$OUT/$t.json" "$OUT/$t.scored.json"
      report="$OUT/$t.scored.json" fmt=betterleaks
    fi
    python3 "$KIT/score-synth.py" --truth "$CORPUS.truth.jsonl" --root "$CORPUS" \
      --format "$fmt" "$report" --json >"$OUT/$t.score.json" \
      || { echo "   $t: scoring failed" >&2; rm -f "$OUT/$t.score.json"; }
  done
}

main() {
  local t0=$SECONDS
  build_keyhound
  install_peers
  ensure_time
  build_corpus
  mkdir -p "$OUT"
  measure
  score
  python3 "$BENCH/summarize.py" --out "$OUT" --corpus "$CORPUS" --tools "${TOOL_LIST[*]}"
  echo "(benchmark took $((SECONDS - t0)) s; reports, logs and summary.json in $OUT)"
  if [ ${#FAILED[@]} -gt 0 ]; then
    echo "run.sh: failed runs: $(printf '%s\n' "${FAILED[@]}" | sort -u | tr '\n' ' ')" >&2
    exit 1
  fi
}

main
