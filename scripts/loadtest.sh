#!/usr/bin/env bash
# make loadtest: gunicorn (production settings, PostgreSQL) on 127.0.0.1, driven by wrk, then the
# fault runs (PostgreSQL restart, /healthz while it is down, a killed worker). See perf/loadtest.py.
#
#   LOADTEST_DATABASE_URL  PostgreSQL database (default postgres://postgres@127.0.0.1:5432/zwgk_bench,
#                          the benchmark's: built with `manage.py bench --build-only` when missing)
#   LOADTEST_ITEMS         items in the data set (default 1000000), LOADTEST_SECONDS per phase (20),
#   LOADTEST_PORT (a free one), LOADTEST_WORKERS (4); extra arguments go to perf/loadtest.py (--help).
#
# Loopback only; every phase is bounded; gunicorn is stopped at the end; PostgreSQL is started
# again on exit whatever happened (the fault runs stop and restart it: run this on a machine of
# your own, never next to a production database).
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=${LOADTEST_PG_CLUSTER:-"15 main"}

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || {
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
  else
    echo "loadtest: wrk is missing (apt-get install wrk)" >&2
    exit 2
  fi
fi

ensure_postgres() {
  if ! pg_isready -h 127.0.0.1 -q; then
    # shellcheck disable=SC2086
    pg_ctlcluster --skip-systemctl-redirect $cluster start || true
    for _ in $(seq 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
  fi
}
trap ensure_postgres EXIT
ensure_postgres

export LOADTEST_PG_CLUSTER="$cluster"
exec_status=0
timeout --kill-after=30 "${LOADTEST_TIMEOUT:-1800}" .venv/bin/python -m perf.loadtest "$@" || exec_status=$?
exit $exec_status
