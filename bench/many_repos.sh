#!/usr/bin/env bash
# Many-repository benchmark: N generated repositories (mixed sizes: most with tens of commits,
# some with hundreds, a few with thousands) served by `git daemon` on 127.0.0.1.
#
#   bash bench/many_repos.sh [N]          default 200
#
# Measures, for one process: wall time, repositories per minute, peak RSS and peak disk used by
# the temporary mirrors; the incremental second run with --cache after new commits in 10
# repositories; and, when run as root with slurm-wlm and munge installed, the same list as a
# 4-task Slurm array job on a single-node cluster started here (then keyhound merge).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
KH=$(realpath "${KEYHOUND:-target/release/keyhound}")
[ -x "$KH" ] || cargo build --release --locked -q
W=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  rm -rf "$W" 2>/dev/null || true
}
trap cleanup EXIT

echo "generating $N repositories in $W/org"
python3 - "$W/org" "$N" <<'PY'
import os, random, subprocess, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(11)
A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
def chars(k): return "".join(rnd.choice(A) for _ in range(k))
os.makedirs(root, exist_ok=True)
for i in range(n):
    commits = 3000 if i % 40 == 0 else 400 if i % 10 == 0 else rnd.randint(5, 60)
    path = os.path.join(root, f"repo{i}.git")
    subprocess.run(["git", "init", "-q", "--bare", path], check=True)
    out = []
    t = 1700000000
    files = {}
    for c in range(commits):
        f = f"src/module{c % 25}.py"
        body = files.get(f, "") + f"def f{c}():\n    return {c}\n"
        if c % 97 == 0:
            body += f'OPENAI_API_KEY = "sk-proj-{chars(74)}T3BlbkFJ{chars(74)}"\n'
        files[f] = body
        data = body.encode()
        msg = f"commit {c}\n".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"committer Bench <bench@example.org> {t + c} +0000\n".encode())
        out.append(b"data %d\n%s" % (len(msg), msg))
        out.append(f"M 100644 inline {f}\n".encode())
        out.append(b"data %d\n%s\n" % (len(data), data))
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"], input=b"".join(out), check=True)
PY
du -sh "$W/org" | awk '{print "repositories on disk: " $1}'

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$(git --exec-path)/git-daemon" --reuseaddr --listen=127.0.0.1 --port="$port" --export-all --base-path="$W/org" "$W/org" 2>/dev/null &
pids+=($!)
sleep 1
for i in $(seq 0 $((N - 1))); do echo "git://127.0.0.1:$port/repo$i.git"; done > "$W/repos.txt"

peak_disk() { # dir, pid: prints the largest size (KiB) of dir while pid runs
  local max=0 s
  while kill -0 "$2" 2>/dev/null; do
    s=$(du -sk "$1" 2>/dev/null | head -n 1 | cut -f1)
    [ "${s:-0}" -gt "$max" ] && max=$s
    sleep 0.2
  done
  echo "$max"
}

run() { # label, args...
  local label=$1; shift
  mkdir -p "$W/tmp"
  TMPDIR="$W/tmp" /usr/bin/time -f "%e %M" -o "$W/time" "$KH" scan --repos "$W/repos.txt" -q --format json -o "$W/out.json" "$@" &
  local pid=$!
  local disk
  disk=$(peak_disk "$W/tmp" "$pid")
  wait "$pid" || true
  read -r secs kib < <(tail -n 1 "$W/time")
  python3 - "$W/out.json" "$label" "$secs" "$kib" "$disk" "$N" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); label, secs, kib, disk, n = sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
cov = d["coverage"]["repositories"]
ok = sum(r["status"] == "scanned" for r in cov); commits = sum(r["commits"] for r in cov)
print(f"{label:<38} {secs:7.2f} s  {ok / secs * 60:7.0f} repos/min  {commits:6d} commits  {len(d['findings']):4d} findings  peak RSS {kib / 1024:6.1f} MiB  peak temp disk {disk / 1024:6.1f} MiB")
PY
}

run "one process (temporary mirrors)"
run "one process, --clone-jobs 4" --clone-jobs 4
run "with --cache, first run" --cache "$W/cache"
for i in $(seq 0 9); do
  git -C "$W/org/repo$((i * 7)).git" fast-import --quiet <<EOF
commit refs/heads/main
committer Bench <bench@example.org> 1800000000 +0000
data 4
new
from refs/heads/main^0
M 100644 inline NEW.md
data 6
hello

EOF
done
run "with --cache, after 10 new commits" --cache "$W/cache"
du -sk "$W/cache" | awk '{printf "cache on disk: %.1f MiB\n", $1 / 1024}'

if [ "$(id -u)" = 0 ] && command -v slurmctld >/dev/null && command -v munged >/dev/null; then
  S="$W/slurm"; mkdir -p "$S/state" "$S/spool" "$W/sout"
  mungekey -c -k "$S/munge.key" && chmod 400 "$S/munge.key"
  munged --foreground --force --key-file="$S/munge.key" --socket="$S/munge.sock" --pid-file="$S/munged.pid" --log-file="$S/munged.log" --seed-file="$S/seed" >/dev/null 2>&1 & pids+=($!)
  host=$(hostname -s); mem=$(awk '/MemTotal/ {print int($2 / 2048)}' /proc/meminfo)
  p1=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  p2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$S/slurm.conf" <<EOF
ClusterName=keyhound-bench
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldPort=$p1
SlurmdPort=$p2
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=bench Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$S/slurm.conf"
  sleep 1
  slurmctld -D -i >/dev/null 2>&1 & pids+=($!)
  slurmd -D >/dev/null 2>&1 & pids+=($!)
  for _ in $(seq 100); do [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break; sleep 0.3; done
  start=$(date +%s.%N)
  REPOS="$W/repos.txt" OUT="$W/sout" KEYHOUND="$KH" sbatch --array=0-3 --wait --quiet --cpus-per-task=1 --mem=1G \
    --chdir="$W/sout" deploy/slurm/keyhound-shard.sbatch
  "$KH" merge "$W"/sout/shard-*.json -o "$W/merged.json" -q || true
  end=$(date +%s.%N)
  python3 - "$W/merged.json" "$start" "$end" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); secs = float(sys.argv[3]) - float(sys.argv[2])
ok = sum(r["status"] == "scanned" for r in d["coverage"]["repositories"])
print(f"{'Slurm array of 4 tasks (1 CPU each) + merge':<38} {secs:7.2f} s  {ok / secs * 60:7.0f} repos/min  {len(d['findings']):4d} findings (merged)")
PY
else
  echo "Slurm: skipped (needs root, slurm-wlm and munge)"
fi
