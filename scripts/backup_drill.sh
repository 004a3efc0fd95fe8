#!/usr/bin/env bash
# Backup and restore drill (SECURITY.md, Reliability): proves that tonight's backup restores.
#
#   DATABASE_URL=postgres://user@host:5432/zwgk scripts/backup_drill.sh
#
# 1. pg_dump (custom format) of DATABASE_URL and a tar of the media folder (DJANGO_MEDIA_ROOT,
#    default ./media) into BACKUP_DIR (default /tmp/zwgk-backup-<time>; kept: it IS the backup);
# 2. restores the dump into a scratch database <name>_drill on the same server and the tar into
#    BACKUP_DIR/media-restored;
# 3. compares the row count of every table, a SHA-256 over all its rows, a separate SHA-256 over
#    its published records (tables with a status column: the rows whose status is 'published'),
#    a SHA-256 over the stored content digests (content_digest columns, e.g. catalog items), and
#    a SHA-256 of every media file.
# Exits 0 when everything matches, 1 on any difference (printed), 2 on a usage/tool error.
# The scratch database is dropped at the end whatever happens (KEEP_SCRATCH=1 keeps it).
# DRILL_TAMPER_SQL, when set, is run against the scratch database after the restore: the test
# suite uses it to prove that the drill notices a difference.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup drill: DATABASE_URL must be PostgreSQL (SQLite: copy the file)" >&2; exit 2 ;;
esac
for tool in pg_dump pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "backup drill: $tool is missing" >&2; exit 2; }
done

# postgres://user@host:port/name?options → the server URL and the database name.
db_name=${DATABASE_URL##*/}
db_name=${db_name%%\?*}
server_url=${DATABASE_URL%/*}
scratch="${db_name}_drill"
scratch_url="$server_url/$scratch"
media_root=${DJANGO_MEDIA_ROOT:-$PWD/media}
backup_dir=${BACKUP_DIR:-/tmp/zwgk-backup-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$backup_dir"

export PGOPTIONS="-c client_min_messages=warning"
psql_admin() { psql "$server_url/postgres" -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
  if [ "${KEEP_SCRATCH:-0}" != 1 ]; then
    psql_admin -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

step() { printf '== %s\n' "$*"; }
started=$(date +%s)

step "dump $db_name → $backup_dir/db.dump"
pg_dump --format=custom --no-owner --no-privileges --file="$backup_dir/db.dump" "$DATABASE_URL"

step "media $media_root → $backup_dir/media.tar.gz"
if [ -d "$media_root" ]; then
  tar -czf "$backup_dir/media.tar.gz" -C "$media_root" .
else
  echo "   (no media folder yet: an empty archive)"
  tar -czf "$backup_dir/media.tar.gz" -T /dev/null
fi

step "restore into scratch database $scratch"
psql_admin -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null
psql_admin -c "CREATE DATABASE \"$scratch\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$backup_dir/db.dump"
rm -rf "$backup_dir/media-restored"
mkdir -p "$backup_dir/media-restored"
tar -xzf "$backup_dir/media.tar.gz" -C "$backup_dir/media-restored"

if [ -n "${DRILL_TAMPER_SQL:-}" ]; then
  psql "$scratch_url" -X -q -v ON_ERROR_STOP=1 -c "$DRILL_TAMPER_SQL" >/dev/null
fi

# One line per check: "<table> rows <n>", "<table> published sha256 <hex>", "<table> digests …".
# Counts are exact (count(*)), not the planner's estimates: the drill is about exactness.
manifest() {
  local url=$1
  psql "$url" -X -A -t -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE FUNCTION pg_temp.zwgk_manifest() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  t record;
  n bigint;
  h text;
BEGIN
  FOR t IN
    SELECT c.relname AS name,
           EXISTS (SELECT 1 FROM information_schema.columns k
                   WHERE k.table_schema = 'public' AND k.table_name = c.relname
                     AND k.column_name = 'status') AS has_status,
           EXISTS (SELECT 1 FROM information_schema.columns k
                   WHERE k.table_schema = 'public' AND k.table_name = c.relname
                     AND k.column_name = 'content_digest') AS has_digest,
           EXISTS (SELECT 1 FROM information_schema.columns k
                   WHERE k.table_schema = 'public' AND k.table_name = c.relname
                     AND k.column_name = 'id') AS has_id
    FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'public' AND c.relkind = 'r'
    ORDER BY c.relname
  LOOP
    EXECUTE format('SELECT count(*) FROM %I', t.name) INTO n;
    RETURN NEXT format('%s rows %s', t.name, n);
    IF t.has_id THEN
      -- Row by row, then over the row hashes: one string_agg of whole rows could pass 1 GB.
      EXECUTE format(
        'SELECT encode(sha256(convert_to(coalesce(string_agg(encode(sha256(convert_to(r::text, ''UTF8'')), ''hex''), '''' ORDER BY r.id), ''''), ''UTF8'')), ''hex'') '
        'FROM %I r', t.name) INTO h;
      RETURN NEXT format('%s all-rows sha256 %s', t.name, h);
    END IF;
    IF t.has_status AND t.has_id THEN
      EXECUTE format(
        'SELECT encode(sha256(convert_to(coalesce(string_agg(encode(sha256(convert_to(r::text, ''UTF8'')), ''hex''), '''' ORDER BY r.id), ''''), ''UTF8'')), ''hex'') '
        'FROM %I r WHERE r.status = ''published''', t.name) INTO h;
      RETURN NEXT format('%s published sha256 %s', t.name, h);
    END IF;
    IF t.has_digest AND t.has_id THEN
      EXECUTE format(
        'SELECT encode(sha256(convert_to(coalesce(string_agg(r.id::text || '':'' || coalesce(r.content_digest, ''''), E''\n'' ORDER BY r.id), ''''), ''UTF8'')), ''hex'') '
        'FROM %I r', t.name) INTO h;
      RETURN NEXT format('%s content_digest sha256 %s', t.name, h);
    END IF;
  END LOOP;
END
$$;
SELECT * FROM pg_temp.zwgk_manifest();
SQL
}

media_manifest() {
  (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

step "compare"
manifest "$DATABASE_URL" >"$backup_dir/source.manifest"
manifest "$scratch_url" >"$backup_dir/restored.manifest"
if [ -d "$media_root" ]; then
  media_manifest "$media_root" >"$backup_dir/source.media"
else
  : >"$backup_dir/source.media"
fi
media_manifest "$backup_dir/media-restored" >"$backup_dir/restored.media"

tables=$(grep -c ' rows ' "$backup_dir/source.manifest" || true)
rows=$(awk '$2 == "rows" {s += $3} END {print s + 0}' "$backup_dir/source.manifest")
published=$(grep -c ' published sha256 ' "$backup_dir/source.manifest" || true)
files=$(wc -l <"$backup_dir/source.media")
status=0
if ! diff -u "$backup_dir/source.manifest" "$backup_dir/restored.manifest"; then
  echo "DIFFERENCE: the restored database does not match the source" >&2
  status=1
fi
if ! diff -u "$backup_dir/source.media" "$backup_dir/restored.media"; then
  echo "DIFFERENCE: the restored media files do not match the source" >&2
  status=1
fi
if [ "$tables" -eq 0 ]; then
  echo "DIFFERENCE: no tables found in $db_name (wrong database?)" >&2
  status=1
fi
elapsed=$(( $(date +%s) - started ))
size=$(du -sh "$backup_dir/db.dump" | cut -f1)
if [ $status -eq 0 ]; then
  echo "backup drill OK: $tables tables, $rows rows, $published published-record digests," \
       "$files media files identical after restore (dump $size, ${elapsed}s); backup kept in $backup_dir"
else
  echo "backup drill FAILED (${elapsed}s); backup and manifests in $backup_dir" >&2
fi
exit $status
