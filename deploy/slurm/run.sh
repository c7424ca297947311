#!/bin/bash
# Scans every repository of a list on a Slurm cluster: an array job of SHARDS tasks, then one
# merged report. Usage: REPOS=repos.txt OUT=/shared/keyhound [SHARDS=4] [CACHE=/shared/cache] run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${REPOS:?set REPOS}" "${OUT:?set OUT}"
SHARDS=${SHARDS:-4}
KEYHOUND=${KEYHOUND:-keyhound}
mkdir -p "$OUT"
rm -f "$OUT"/shard-*.json
export REPOS OUT CACHE KEYHOUND
sbatch --array=0-$((SHARDS - 1)) --wait --chdir="$OUT" "$here/keyhound-shard.sbatch"
rc=0
"$KEYHOUND" merge "$OUT"/shard-*.json -o "$OUT/org.json" --report "$OUT/evidence" || rc=$?
echo "keyhound: merged report $OUT/org.json, evidence in $OUT/evidence/ (exit $rc: 0 clean, 1 findings)"
exit "$rc"
