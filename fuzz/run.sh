#!/usr/bin/env bash
# Builds the AFL targets and fuzzes one of them for a bounded time.
#
#   FUZZ_SECONDS=600 fuzz/run.sh                        # awsJson dispatch, 600 s, one core
#   FUZZ_TARGET=rest_json FUZZ_EXECS=1000000 fuzz/run.sh # restJson1 HTTP requests, 1M inputs
#
# FUZZ_TARGET: `dispatch` (default; the SSM service's awsJson dispatch) or
# `rest_json` (restJson1 requests through the Bookshelf example's dispatch).
# FUZZ_SECONDS bounds the time (default 600 s); FUZZ_EXECS, when set, also
# stops after about that many inputs (afl-fuzz -E), whichever comes first.
# Needs only the stable toolchain: cargo-afl (afl.rs) is installed from
# crates.io and builds its own AFL++ on first use. Findings land in
# $FUZZ_OUT/default/{crashes,hangs} (FUZZ_OUT defaults to fuzz/out for
# dispatch, fuzz/out/rest_json for rest_json); replay one with
#   fuzz/target/release/$FUZZ_TARGET < FILE
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
target="${FUZZ_TARGET:-dispatch}"
case "$target" in
dispatch) seeds_bin=seeds dict=ssm.dict default_out="$here/out" ;;
rest_json) seeds_bin=rest_json_seeds dict=rest_json.dict default_out="$here/out/rest_json" ;;
*)
    echo "FUZZ_TARGET must be dispatch or rest_json, not $target" >&2
    exit 2
    ;;
esac
seconds="${FUZZ_SECONDS:-600}"
out="${FUZZ_OUT:-$default_out}"
limits=(-V "$seconds")
if [ -n "${FUZZ_EXECS:-}" ]; then
    limits+=(-E "$FUZZ_EXECS")
fi
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

cargo afl build --release --bin "$target" --bin "$seeds_bin"
mkdir -p "$out"
"$CARGO_TARGET_DIR/release/$seeds_bin" "$out/seeds" "$out/$dict"

# A new AFL++ would stop to ask about CPU governors and core dumps on a
# shared machine; these say "go on" without changing the machine.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
# A second run carries on from the first one's queue (and keeps its findings).
export AFL_AUTORESUME=1
cargo afl fuzz -i "$out/seeds" -o "$out" "${limits[@]}" -t 2000 -x "$out/$dict" \
    "$CARGO_TARGET_DIR/release/$target"

stats="$out/default/fuzzer_stats"
grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|saved_crashes|saved_hangs|run_time|stability) ' "$stats"
crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$out/default/hangs" -type f -name 'id:*' | wc -l)
if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    echo "findings: $crashes crashes, $hangs hangs in $out/default" >&2
    exit 1
fi
