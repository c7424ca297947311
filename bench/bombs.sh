#!/usr/bin/env bash
# Archive bombs: peak RSS and wall time of `keyhound scan` on each (GNU time), and on the same
# files for the peers that are installed (gitleaks, betterleaks with archives on; Kingfisher).
# Usage: bash bench/bombs.sh [KEYHOUND] [WORKDIR]
set -euo pipefail
KH=${1:-target/release/keyhound}
W=${2:-/tmp/keyhound-bombs}
PATH="$HOME/peers/bin:$PATH"
mkdir -p "$W"
python3 - "$W" <<'PY'
import gzip, io, os, sys, tarfile, zipfile, zlib
w = sys.argv[1]
def write(name, data):
    open(os.path.join(w, name), 'wb').write(data)
# 1. a gzip stream of 4 GiB of zeros (about 4 MB): a tar.gz whose one member never ends
if not os.path.exists(os.path.join(w, 'zeros.tar.gz')):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(tarfile.TarInfo('z').tobuf() if False else b'')]
    ti = tarfile.TarInfo('zeros.bin'); ti.size = 4 << 30
    out.append(c.compress(ti.tobuf(format=tarfile.GNU_FORMAT)))
    block = bytes(1 << 20)
    for _ in range(4 << 10):
        out.append(c.compress(block))
    out.append(c.flush())
    write('zeros.tar.gz', b''.join(out))
# 2. a zip with one 1 GiB member of zeros (about 1 MB)
if not os.path.exists(os.path.join(w, 'zeros.zip')):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open('zeros.txt', 'w', force_zip64=True) as f:
            block = bytes(1 << 20)
            for _ in range(1 << 10):
                f.write(block)
    write('zeros.zip', b.getvalue())
# 3. 42.zip-style nesting: 5 levels of 16 copies, 16 MiB of zeros at the bottom (16^5 * 16 MiB = 16 TiB)
if not os.path.exists(os.path.join(w, 'nested.zip')):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr('zeros.txt', bytes(16 << 20))
    data = b.getvalue()
    for level in range(5):
        b = io.BytesIO()
        with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
            for i in range(16):
                z.writestr(f'l{level}_{i}.zip', data)
        data = b.getvalue()
    write('nested.zip', data)
PY
ls -l "$W"
measure() { # name cmd...
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$W/time.txt" "$@" >/dev/null 2>"$W/err.txt" || true
    read -r secs kb < <(tail -n 1 "$W/time.txt")
    printf '%-12s %-14s %8s s %8s MiB\n' "$name" "$BOMB" "$secs" "$((kb / 1024))"
}
for BOMB in zeros.tar.gz zeros.zip nested.zip; do
    measure keyhound "$KH" scan "$W/$BOMB" --format json -q
    if command -v kingfisher >/dev/null; then measure kingfisher timeout 300 kingfisher scan "$W/$BOMB" --format json --no-validate; fi
    if command -v gitleaks >/dev/null; then measure gitleaks timeout 300 gitleaks dir "$W/$BOMB" --max-archive-depth 2 --no-banner --exit-code 0; fi
    if command -v betterleaks >/dev/null; then measure betterleaks timeout 300 betterleaks dir "$W/$BOMB" --max-archive-depth 2 --no-banner --exit-code 0; fi
done
