# Sourced by the bench scripts: builds the release ssm-server and loadgen,
# says what was built and on which machine, and sets $target_dir.
target_dir="${CARGO_TARGET_DIR:-target}"
rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- server runtime generated schedule 2>/dev/null; then
    rev="$rev + uncommitted changes"
fi
cargo build --release -p ssm-server -p loadgen >&2
echo "ssm-server built from $rev" >&2
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(date -u +%Y-%m-%dT%H:%MZ)" >&2
