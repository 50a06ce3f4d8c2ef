#!/usr/bin/env bash
# The PostgreSQL tests, on a throwaway cluster this script starts and stops:
#   1. the multi-replica tests (tests/pg, feature `postgres-tests`): three
#      ssm-server binaries per test on one database;
#   2. the SDK end-to-end suite (tests/sdk) with every in-memory server on
#      PostgreSQL instead (SSM_TEST_DB).
# Installs Debian's `postgresql` package first if no PostgreSQL is found.
# Extra arguments go to both `cargo test` runs (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null; then
    echo "installing PostgreSQL (Debian package postgresql)" >&2
    if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq postgresql >/dev/null
fi

scratch=$(mktemp -d /tmp/ssm-pg.XXXXXX)
# The cluster runs as `postgres` when this runs as root: it must reach it.
chmod 755 "$scratch"
cluster=server/tests/pg/cluster.sh
stop() {
    "$cluster" stop "$scratch/cluster" || true
    rm -rf "$scratch"
}
trap stop EXIT
url=$("$cluster" start "$scratch/cluster")
echo "PostgreSQL for the tests: $url" >&2

SSM_TEST_PG="$url" cargo test -p ssm-server --features postgres-tests --test pg "$@"
SSM_TEST_DB="$url" cargo test -p ssm-server --test sdk "$@"
