#!/usr/bin/env bash
# Scaling: keyhound next to gitleaks and Kingfisher on synthetic trees of 10 MiB, 100 MiB and
# 1 GiB (bench/run.sh once per size, same rounds and tools), then one table of wall time,
# MB/s, peak RSS and keyhound's paired time ratio to each peer, per size. Time and memory
# should grow linearly with the tree (MB/s flat); keyhound's peak RSS for 1 GiB stays under
# 500 MiB. The long-history counterpart is `python3 bench/git_bench.py history`.
#
#   bash bench/scaling.sh                  # sizes 10 100 1024, RUNS=2
#   SIZES="10 100" RUNS=3 bash bench/scaling.sh
#   TOOLS="keyhound kingfisher" bash bench/scaling.sh
#
# Uses target/release/keyhound as built (run `cargo build --release` first); corpora are
# generated once under /tmp/keyhound-bench/ and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-10 100 1024}
export RUNS=${RUNS:-2}
export TOOLS=${TOOLS:-keyhound gitleaks kingfisher}
[ -x target/release/keyhound ] || { echo "scaling.sh: build first: cargo build --release" >&2; exit 2; }
outs=()
for size in $SIZES; do
  out=/tmp/keyhound-bench/out-scaling-${size}m
  echo "== ${size} MiB" >&2
  SIZE_MB=$size OUT=$out bash bench/run.sh --skip-build >/dev/null
  outs+=("$out/summary.json")
done
python3 - "${outs[@]}" <<'PY'
import json, sys
print("%-8s %-12s %9s %9s %9s %12s %12s" % ("size", "tool", "wall s", "MB/s", "RSS MiB", "kh/gitleaks", "kh/kingfisher"))
for path in sys.argv[1:]:
    s = json.load(open(path))
    size = "%d MiB" % round(s["corpus"]["bytes"] / 2**20)
    for name, t in s["tools"].items():
        paired = t.get("wall_ratio_paired", {})
        r = lambda peer: ("%.3f" % paired[peer]["median"]) if name == "keyhound" and peer in paired else ""
        print("%-8s %-12s %9.2f %9.1f %9.0f %12s %12s" % (size, name, t["median_wall_s"] or 0, t["mb_per_s"] or 0,
              t["median_peak_rss_mib"] or 0, r("gitleaks"), r("kingfisher")))
PY
