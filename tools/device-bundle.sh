#!/usr/bin/env bash
# Packs what a GPU machine without Java or Maven needs to run Kona into the ignored folder .device/:
#   jdk.tar.xz   a jlink-trimmed JDK 25 runtime (tools/device-run.sh unpacks it under /tmp on first use)
#   lib/         kona-cli.jar and every runtime jar (the `./kona` classpath)
#   test/        kona-core's test-jar, kona-cuda's test classes as a jar, the JUnit console launcher
#   data/mnist/  the four MNIST IDX files, gzipped
#   jvm.flags    pom.xml's kona.jvm.flags;  MANIFEST.txt  what was packed, from which commit
# Then run it there with tools/device-run.sh, carrying ".device". See docs/CUDA.md.
#
#   tools/device-bundle.sh              build (mvn -o -DskipTests install), then pack
#   tools/device-bundle.sh --no-build   pack what is already built
# The runtime (jlink + xz, about a minute) is kept from the last bundle when there is one;
# KONA_BUNDLE_RUNTIME=1 rebuilds it (needed when the jars start using another JDK module).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_DIR="$ROOT/.device"
LIMIT_MIB=55

die() { echo "device-bundle: $*" >&2; exit 1; }

java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}
find_jdk() {
    local cand v
    for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        [[ -n "$cand" && -x "$cand/bin/jlink" && -x "$cand/bin/jdeps" ]] || continue
        v=$(java_major "$cand")
        [[ "$v" == 25 ]] && { echo "$cand"; return; }
    done
    die "no JDK 25 with jlink found (JAVA_HOME or /usr/lib/jvm/*); the runtime must match the bytecode release 25"
}
JAVA_HOME=$(find_jdk)
export JAVA_HOME
echo "device-bundle: JDK $JAVA_HOME"

if [[ "${1:-}" != "--no-build" ]]; then
    echo "device-bundle: building (mvn -o -DskipTests install; test classes are compiled too)..."
    (cd "$ROOT" && mvn -B -q -o -DskipTests install) || die "build failed"
fi

CLI_JAR="$ROOT/kona-cli/target/kona-cli.jar"
[[ -f "$CLI_JAR" ]] || die "$CLI_JAR missing: build first (drop --no-build)"
CORE_TESTS=$(ls "$ROOT"/kona-core/target/kona-core-*-tests.jar 2>/dev/null | head -n1)
[[ -n "$CORE_TESTS" ]] || die "kona-core's test-jar missing in kona-core/target: build first"
JUNIT=$(ls "$HOME"/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.11.4/junit-platform-console-standalone-1.11.4.jar 2>/dev/null || true)
[[ -n "$JUNIT" ]] || die "junit-platform-console-standalone 1.11.4 not in ~/.m2"
DATASETS=${KONA_DATASETS:-$HOME/.kona/datasets}
MNIST_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
for f in "${MNIST_FILES[@]}"; do
    [[ -f "$DATASETS/mnist/$f" ]] || die "$DATASETS/mnist/$f missing: run ./kona example mnist once to fetch MNIST"
done

grep -qx '/.device/' "$ROOT/.gitignore" || die ".gitignore lacks /.device/ (the bundle must not be tracked)"
KEPT_RUNTIME=""
if [[ -f "$OUT_DIR/jdk.tar.xz" && "${KONA_BUNDLE_RUNTIME:-0}" != 1 ]]; then
    KEPT_RUNTIME=$(mktemp)
    cp -p "$OUT_DIR/jdk.tar.xz" "$KEPT_RUNTIME"
fi
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR/lib" "$OUT_DIR/test" "$OUT_DIR/data/mnist"

# Jars: the runtime classpath of `./kona`, then what the JUnit run adds.
cp "$CLI_JAR" "$ROOT"/kona-cli/target/lib/*.jar "$OUT_DIR/lib/"
cp "$CORE_TESTS" "$OUT_DIR/test/kona-core-tests.jar"
mkdir -p "$ROOT/kona-cuda/target/test-classes"
"$JAVA_HOME/bin/jar" --create --file "$OUT_DIR/test/kona-cuda-tests.jar" -C "$ROOT/kona-cuda/target/test-classes" .
cp "$JUNIT" "$OUT_DIR/test/junit-platform-console-standalone.jar"

if [[ -n "$KEPT_RUNTIME" ]]; then
    mv "$KEPT_RUNTIME" "$OUT_DIR/jdk.tar.xz"
    MODULES="(kept from the last bundle)"
    echo "device-bundle: runtime kept from the last bundle (KONA_BUNDLE_RUNTIME=1 rebuilds it)"
else
    # The runtime: the modules the jars use (jdeps), plus a floor for what jdeps cannot see, such as
    # jdk.zipfs (the JUnit launcher walks jars as zip file systems for --select-package) and
    # jdk.management (the tests' allocation counters), jdk.jfr (-XX:StartFlightRecording through
    # KONA_JAVA_OPTS, to profile the host side on the GPU machine). No debug info, man pages or headers; modules
    # stored uncompressed (zip-0) because xz over the whole image packs far better than jlink's own
    # zip (about 20 MB against 34).
    FLOOR=java.base,jdk.incubator.vector,jdk.unsupported,java.management,jdk.management,java.logging,java.sql,java.desktop,jdk.zipfs,jdk.jfr
    DEPS=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
            "$OUT_DIR"/lib/*.jar "$OUT_DIR"/test/*.jar 2>/dev/null | tail -n1 || true)
    [[ "$DEPS" =~ ^[a-z.,]+$ ]] || { echo "device-bundle: jdeps gave no module list ('$DEPS'); using the floor only"; DEPS=""; }
    MODULES=$(echo "$FLOOR,$DEPS" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
    echo "device-bundle: jlink modules $MODULES"
    STAGE=$(mktemp -d)
    trap 'rm -rf "$STAGE"' EXIT
    "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
        --compress=zip-0 --output "$STAGE/jdk" 2>&1 | { grep -v 'Using incubator modules' || true; }
    # The native libraries keep their symbol tables; dropping them saves ~6 MB (libjvm.so alone 30 -> 25 MB).
    if command -v strip >/dev/null; then
        find "$STAGE/jdk" -name '*.so' -exec strip --strip-unneeded {} \;
    fi
    "$STAGE/jdk/bin/java" -version >/dev/null 2>&1 || die "the jlinked runtime does not start"
    echo "device-bundle: compressing the runtime (xz -9, about a minute on 2 cores)..."
    tar -C "$STAGE/jdk" -cf - . | xz -9 -T0 > "$OUT_DIR/jdk.tar.xz"
fi

for f in "${MNIST_FILES[@]}"; do gzip -9 -c "$DATASETS/mnist/$f" > "$OUT_DIR/data/mnist/$f.gz"; done
sed -n 's:.*<kona.jvm.flags>\(.*\)</kona.jvm.flags>.*:\1:p' "$ROOT/pom.xml" > "$OUT_DIR/jvm.flags"
[[ -s "$OUT_DIR/jvm.flags" ]] || die "no kona.jvm.flags in pom.xml"

{
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')" \
         "with $(cd "$ROOT" && git status --porcelain 2>/dev/null | wc -l) uncommitted changes"
    echo "jdk $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1); modules $MODULES"
    echo "jvm flags $(cat "$OUT_DIR/jvm.flags")"
    (cd "$OUT_DIR" && find . -type f ! -name MANIFEST.txt -printf '%10s %p\n' | sort -k2)
} > "$OUT_DIR/MANIFEST.txt"

mib() { echo $(( ($1 + 1048575) / 1048576 )); }
bundle=$(du -sb "$OUT_DIR" | cut -f1)
tree=$(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null \
        | awk '{s += $1} END {print s + 0}')
echo "device-bundle: .device is $(mib "$bundle") MiB:"
(cd "$OUT_DIR" && du -sh jdk.tar.xz lib test data | sed 's/^/    /')
echo "device-bundle: with the working tree ($(mib "$tree") MiB) $(mib $((bundle + tree))) MiB travel (limit 64)"
(( bundle <= LIMIT_MIB * 1048576 )) || die "the bundle is over $LIMIT_MIB MiB"
echo "device-bundle: done. On the device: carry [\".device\"] and run tools/device-run.sh info|test|cli ..."
