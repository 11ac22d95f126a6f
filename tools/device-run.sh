#!/usr/bin/env bash
# Runs Kona on a machine without Java or Maven, from the bundle tools/device-bundle.sh made
# (.device/, carried with the working tree). Run from anywhere; paths are taken from the repo root.
#
#   tools/device-run.sh info            GPU, driver, CUDA libraries found, the Java runtime, `kona info`
#   tools/device-run.sh test [SEL...]   JUnit over the bundled tests; default selection: --select-package dev.kona.cuda
#                                       (SEL: console-launcher selectors, e.g. --select-class dev.kona.cuda.CudaOpsTest)
#   tools/device-run.sh cli ARGS...     the `kona` command: cli bench gpu, cli example mnist, cli info
#   tools/device-run.sh main CLASS ARGS  any main class on the bundle's classpath
#
# When $OUT is set, `test` writes the JUnit XML report and the launcher's full output under $OUT/junit/.
# KONA_JAVA_OPTS adds JVM options (e.g. -Xmx64g).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B="$ROOT/.device"

die() { echo "device-run: $*" >&2; exit 1; }
[[ -d "$B/lib" ]] || die "no bundle at $B: run tools/device-bundle.sh where Java is, and carry .device"

# The runtime ships as jdk.tar.xz (xz packs the image best). It is unpacked once, outside the
# bundle (unpacked, it is ~90 MB: carried again, it would burst the 64 MiB limit), and again
# whenever the archive changes.
[[ -f "$B/jdk.tar.xz" ]] || die "$B/jdk.tar.xz missing: re-run tools/device-bundle.sh"
JDK="${TMPDIR:-/tmp}/kona-device-jdk"
STAMP=$(stat -c '%s %Y' "$B/jdk.tar.xz")
if [[ ! -x "$JDK/bin/java" || "$(cat "$JDK/.stamp" 2>/dev/null)" != "$STAMP" ]]; then
    rm -rf "$JDK" "$JDK.part" && mkdir -p "$JDK.part"
    if command -v xz >/dev/null; then
        xz -dc "$B/jdk.tar.xz" | tar -C "$JDK.part" -xf -
    else
        python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$B/jdk.tar.xz" "$JDK.part"
    fi
    echo "$STAMP" > "$JDK.part/.stamp"
    mv "$JDK.part" "$JDK"
fi
JAVA="$JDK/bin/java"

# MNIST travels gzipped; Kona's loader reads the raw IDX files from <datasets>/mnist.
DATASETS="${KONA_DATASETS:-${TMPDIR:-/tmp}/kona-datasets}"
mkdir -p "$DATASETS/mnist"
for gz in "$B"/data/mnist/*.gz; do
    [[ -e "$gz" ]] || continue
    raw="$DATASETS/mnist/$(basename "$gz" .gz)"
    [[ -s "$raw" ]] && continue
    if command -v gzip >/dev/null; then gzip -dc "$gz" > "$raw.part"
    else python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$gz" "$raw.part"
    fi
    mv "$raw.part" "$raw"
done
export KONA_DATASETS="$DATASETS"

# The peers run as `python3`; on the GPU image that is PyTorch's virtual environment.
[[ -x /opt/torch/.venv/bin/python3 ]] && export PATH="/opt/torch/.venv/bin:$PATH"

read -r -a FLAGS < "$B/jvm.flags"
# shellcheck disable=SC2206
EXTRA=(${KONA_JAVA_OPTS:-})
JVM=("$JAVA" "${FLAGS[@]}" "-Dkona.home=$ROOT" "-Dkona.datasets=$DATASETS" ${EXTRA[@]+"${EXTRA[@]}"})

cmd_info() {
    echo "== GPU"
    if command -v nvidia-smi >/dev/null; then
        nvidia-smi -L || true
        nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
        nvidia-smi | grep -m1 -o 'CUDA Version: [0-9.]*' || true
    else
        echo "nvidia-smi not found"
    fi
    echo "== CUDA libraries on the loader path"
    ldconfig -p 2>/dev/null | grep -E 'libcuda|cublas|nvrtc' || echo "(none)"
    echo "== CUDA libraries on disk"
    find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
        \( -name 'libcuda.so*' -o -name 'libcublas.so*' -o -name 'libcublasLt.so*' -o -name 'libnvrtc.so*' \) -print \
        2>/dev/null | head -n 30 || true
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-} CUDA_HOME=${CUDA_HOME:-} CUDA_PATH=${CUDA_PATH:-}"
    echo "== Java"
    "$JAVA" -version 2>&1
    echo "== python3"
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 || true
    echo "== kona info"
    "${JVM[@]}" -cp "$B/lib/*" dev.kona.cli.Main info
}

cmd_test() {
    local reports="${OUT:+$OUT/junit}"
    reports="${reports:-${TMPDIR:-/tmp}/kona-junit}"
    rm -rf "$reports" && mkdir -p "$reports"
    local cp="" jar
    for jar in "$B"/lib/*.jar "$B"/test/kona-*-tests.jar; do cp="${cp:+$cp:}$jar"; done
    local select=("$@")
    (( ${#select[@]} )) || select=(--select-package dev.kona.cuda)
    local rc=0
    "${JVM[@]}" -jar "$B/test/junit-platform-console-standalone.jar" execute --disable-banner \
        --disable-ansi-colors --details=tree --class-path "$cp" --reports-dir "$reports" "${select[@]}" \
        > "$reports/console.txt" 2>&1 || rc=$?
    # Compact failures from the XML report, then the launcher's own summary.
    python3 - "$reports" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
bad = 0
for path in sorted(glob.glob(sys.argv[1] + "/TEST-*.xml")):
    for case in ET.parse(path).getroot().iter("testcase"):
        for kind in ("failure", "error"):
            for f in case.findall(kind):
                bad += 1
                if bad > 80:
                    continue
                msg = (f.get("message") or "").strip().replace("\n", " ")[:300]
                where = next((l.strip() for l in (f.text or "").splitlines() if "at dev.kona." in l), "")
                print(f"FAIL {case.get('classname')}.{case.get('name')}: {f.get('type', kind)}: {msg}  [{where}]")
if bad > 80:
    print(f"... and {bad - 80} more failures (see the report)")
PY
    sed -n '/Test run finished/,$p' "$reports/console.txt"
    if ! grep -q 'Test run finished' "$reports/console.txt"; then tail -n 40 "$reports/console.txt"; fi
    echo "device-run: full report in $reports (console.txt, TEST-*.xml); launcher exit code $rc"
    return $rc
}

case "${1:-}" in
    info) cmd_info ;;
    test) shift; cmd_test "$@" ;;
    cli) shift; exec "${JVM[@]}" -cp "$B/lib/*" dev.kona.cli.Main "$@" ;;
    main) shift; exec "${JVM[@]}" -cp "$B/lib/*" "$@" ;;
    *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
