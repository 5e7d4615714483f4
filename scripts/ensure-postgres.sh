#!/usr/bin/env bash
# The integration tests need a PostgreSQL server (TEST_POSTGRES_URL, default
# postgres://postgres@127.0.0.1:5432/postgres). Start the local cluster if it is down.
set -euo pipefail
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  echo "starting PostgreSQL $version" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
  sleep 1
done
echo "PostgreSQL is not reachable at 127.0.0.1:5432" >&2
exit 1
