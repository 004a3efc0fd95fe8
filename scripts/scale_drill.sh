#!/usr/bin/env bash
# make scale-drill: a streaming replica, its failure, two app servers behind haproxy — on real
# PostgreSQL, Redis and haproxy, all on 127.0.0.1 (see perf/scale_drill.py and the README,
# "Scale-out drill").
#
# The drill creates its own PostgreSQL primary and standby (initdb, pg_basebackup -R), its own
# redis-server and haproxy on free loopback ports inside one temporary folder; the machine's
# PostgreSQL and Redis are not touched. Everything is stopped and removed on exit, also after a
# timeout or Ctrl+C (the trap below stops what the Python driver could not).
#
#   SCALE_DRILL_TIMEOUT  whole-run limit in seconds (default 900)
#   SCALE_DRILL_PG_BIN   PostgreSQL programs (default: the newest /usr/lib/postgresql/*/bin)
#   SCALE_DRILL_KEEP     set: leave the folder (logs of both clusters, gunicorn, haproxy)
#   extra arguments go to perf/scale_drill.py (--parts 1, --help)
set -euo pipefail
cd "$(dirname "$0")/.."
workdir=$(mktemp -d "${TMPDIR:-/tmp}/zwgk-drill-XXXXXX")

cleanup() {
  # Normally the driver has already cleaned up; this catches a driver killed by the timeout.
  for pidfile in "$workdir"/*.pid; do
    [ -f "$pidfile" ] && kill -KILL "$(head -n1 "$pidfile")" 2>/dev/null || true
  done
  for data in "$workdir"/pg/*/; do
    if [ -f "$data/postmaster.pid" ]; then
      pid=$(head -n1 "$data/postmaster.pid")
      kill -QUIT "$pid" 2>/dev/null || true
    fi
  done
  [ -n "${SCALE_DRILL_KEEP:-}" ] || rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0
timeout --kill-after=20 "${SCALE_DRILL_TIMEOUT:-900}" \
  .venv/bin/python -m perf.scale_drill --workdir "$workdir" ${SCALE_DRILL_KEEP:+--keep} "$@" || status=$?
exit $status
