#!/usr/bin/env bash
# Builds the AFL target and fuzzes the generated dispatch for a bounded time.
#
#   FUZZ_SECONDS=600 fuzz/run.sh        # default 600 s, one core
#
# Needs only the stable toolchain: cargo-afl (afl.rs) is installed from
# crates.io and builds its own AFL++ on first use. Findings land in
# $FUZZ_OUT/default/{crashes,hangs}; replay one with
#   fuzz/target/release/dispatch < FILE
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-600}"
out="${FUZZ_OUT:-$here/out}"
# Its own target directory: AFL's instrumentation flags would otherwise
# rebuild the artifacts a shared one holds for ordinary builds.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$here/target}"

if ! cargo afl --version >/dev/null 2>&1; then
    cargo install --locked cargo-afl
fi
# AFL++ itself, built once per toolchain; `config --build` refuses to
# rebuild, so only call it while afl-fuzz is missing.
afl_help="$(cargo afl fuzz -h 2>&1 || true)"
case "$afl_help" in
*fuzzed_app*) ;;
*) cargo afl config --build ;;
esac

cargo afl build --release --bins
mkdir -p "$out"
"$CARGO_TARGET_DIR/release/seeds" "$out/seeds" "$out/ssm.dict"

# A new AFL++ would stop to ask about CPU governors and core dumps on a
# shared machine; these say "go on" without changing the machine.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
# A second run carries on from the first one's queue (and keeps its findings).
export AFL_AUTORESUME=1
cargo afl fuzz -i "$out/seeds" -o "$out" -V "$seconds" -t 2000 -x "$out/ssm.dict" \
    "$CARGO_TARGET_DIR/release/dispatch"

stats="$out/default/fuzzer_stats"
grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|saved_crashes|saved_hangs|run_time) ' "$stats"
crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$out/default/hangs" -type f -name 'id:*' | wc -l)
if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    echo "findings: $crashes crashes, $hangs hangs in $out/default" >&2
    exit 1
fi
