/* The shell scripts of the backup CronJob and the restore Job, as data: the
 * manifests carry them, and tests/integration/backup.sh runs them from the
 * generated manifests against a real PostgreSQL and a real S3 server.
 *
 * A backup is the folder s3://BUCKET/PREFIX/STAMP/ (STAMP is UTC,
 * 20261127T020000Z): globals.sql (roles, without passwords), databases, one
 * pg_dump -Fc per database, filestore/ (the Odoo filestore, file by file),
 * and MANIFEST, uploaded last: "SHA-256 SIZE PATH" per file and a closing
 * "# end N files". A stamp without MANIFEST never completed. */
#include "convert/backup_scripts.h"

/* aws s3 against the configured endpoint (DigitalOcean Spaces, or any S3). */
#define AWS_S3_FUNCTION "aws_s3() { aws --endpoint-url \"$S3_ENDPOINT\" s3 \"$@\"; }\n"
/* The stamps under the prefix, newest first: names of that exact form only,
 * so nothing else in the bucket is ever taken for a backup or removed. */
#define STAMPS_FUNCTION                                                                                    \
	"stamps() {\n"                                                                                     \
	"  local listing\n"                                                                                \
	"  listing=$(aws_s3 ls \"s3://$S3_BUCKET/$S3_PREFIX/\") || return 1\n"                           \
	"  printf '%s\\n' \"$listing\" | awk '$1 == \"PRE\" { sub(/\\/$/, \"\", $2); print $2 }' |\n" \
	"    { grep -E '^[0-9]{8}T[0-9]{6}Z$' || true; } | sort -r\n"                                        \
	"}\n"

/* pg-dump (or archive-filestore): every database dumped and checked with
 * pg_restore --list, then the manifest of the dumps and of the filestore
 * read where it lies (nothing of the filestore is copied here). */
const char backup_dump_script[] =
	"set -euo pipefail\n"
	"shopt -s nullglob\n"
	"umask 077\n"
	"stamp=$(date -u +%Y%m%dT%H%M%SZ)\n"
	"out=$BACKUP_DIR/$stamp\n"
	"mkdir -p \"$out\"\n"
	"# checksum PATH...: \"SHA-256 SIZE PATH\" for every file, sorted by path.\n"
	"checksum() {\n"
	"  find \"$@\" -type f -printf '%s %p\\n' > \"$BACKUP_DIR/.sizes\"\n"
	"  find \"$@\" -type f -print0 | xargs -0r sha256sum > \"$BACKUP_DIR/.sums\"\n"
	"  awk 'NR == FNR { p = $0; sub(/^[0-9]+ /, \"\", p); size[p] = $1; next }\n"
	"       { p = substr($0, 67); print substr($0, 1, 64), size[p], p }' \"$BACKUP_DIR/.sizes\" \"$BACKUP_DIR/.sums\"\n"
	"}\n"
	"if [ -n \"${PGHOST:-}\" ]; then\n"
	"  # Roles without their passwords: the cluster's Secrets set those.\n"
	"  pg_dumpall -h \"$PGHOST\" -U \"$PGUSER\" --globals-only --no-role-passwords -f \"$out/globals.sql\"\n"
	"  psql -h \"$PGHOST\" -U \"$PGUSER\" -d postgres -X -A -t -v ON_ERROR_STOP=1 -c \"SELECT datname FROM pg_database "
	"WHERE datallowconn AND NOT datistemplate AND datname <> 'postgres' ORDER BY datname\" > \"$out/databases\"\n"
	"  while IFS= read -r db; do\n"
	"    case $db in\n"
	"      '' | .* | *[!A-Za-z0-9_.-]*)\n"
	"        echo \"backup: database name '$db' cannot name a file; rename it (Odoo allows letters, digits, _ . -)\" >&2\n"
	"        exit 1 ;;\n"
	"    esac\n"
	"    pg_dump -h \"$PGHOST\" -U \"$PGUSER\" -Fc -f \"$out/$db.dump\" -d \"$db\"\n"
	"    pg_restore --list \"$out/$db.dump\" > /dev/null\n"
	"  done < \"$out/databases\"\n"
	"fi\n"
	"cd \"$out\"\n"
	"{\n"
	"  files=(globals.sql databases *.dump)\n"
	"  if [ -e globals.sql ]; then checksum \"${files[@]}\"; fi\n"
	"  # A database dump without its filestore is not a complete Odoo backup.\n"
	"  if [ -d \"$FILESTORE_DIR/filestore\" ]; then (cd \"$FILESTORE_DIR\" && checksum filestore); fi\n"
	"} | LC_ALL=C sort -k 3 > MANIFEST.tmp\n"
	"echo \"# end $(wc -l < MANIFEST.tmp) files\" >> MANIFEST.tmp\n"
	"mv MANIFEST.tmp MANIFEST\n"
	"rm -f \"$BACKUP_DIR/.sizes\" \"$BACKUP_DIR/.sums\"\n"
	"echo \"$stamp\" > \"$BACKUP_DIR/STAMP\"\n"
	"echo \"backup: $stamp: $(grep -vc '^#' MANIFEST) files listed\"\n";

/* upload: the dumps, the filestore streamed file by file from its volume,
 * a check that every file of the manifest is in the bucket with its size,
 * the manifest last, then the retention. */
const char backup_upload_script[] =
	"set -euo pipefail\n"
	AWS_S3_FUNCTION
	STAMPS_FUNCTION
	"stamp=$(cat \"$BACKUP_DIR/STAMP\")\n"
	"src=$BACKUP_DIR/$stamp\n"
	"# The backup volume is read-only here.\n"
	"scratch=$(mktemp -d)\n"
	"dest=s3://$S3_BUCKET/$S3_PREFIX/$stamp\n"
	"aws_s3 cp --recursive --only-show-errors --exclude MANIFEST \"$src\" \"$dest\"\n"
	"if [ -d \"$FILESTORE_DIR/filestore\" ]; then\n"
	"  aws_s3 sync --only-show-errors \"$FILESTORE_DIR/filestore\" \"$dest/filestore\"\n"
	"fi\n"
	"# Only a stamp whose every file is in the bucket, with its size, gets its MANIFEST.\n"
	"aws_s3 ls --recursive \"$dest/\" | awk -v p=\"$S3_PREFIX/$stamp/\" '{ k = $0; sub(/^[^ ]+ +[^ ]+ +[0-9]+ /, \"\", k);\n"
	"  if (index(k, p) == 1) print $3, substr(k, length(p) + 1) }' | LC_ALL=C sort > \"$scratch/stored\"\n"
	"grep -v '^#' \"$src/MANIFEST\" | cut -d ' ' -f 2- | LC_ALL=C sort > \"$scratch/listed\"\n"
	"missing=$(LC_ALL=C comm -23 \"$scratch/listed\" \"$scratch/stored\")\n"
	"if [ -n \"$missing\" ]; then\n"
	"  printf 'backup: %s is incomplete: not in the bucket with the size the manifest gives (size path):\\n%s\\n' "
	"\"$dest\" \"$(printf '%s\\n' \"$missing\" | head -n 20)\" >&2\n"
	"  echo 'backup: no MANIFEST written, so no restore will take this stamp; the next run starts a new one' >&2\n"
	"  exit 1\n"
	"fi\n"
	"aws_s3 cp --only-show-errors \"$src/MANIFEST\" \"$dest/MANIFEST\"\n"
	"echo \"backup: $dest complete: $(wc -l < \"$scratch/listed\") files, "
	"$(awk '{ s += $1 } END { print s + 0 }' \"$scratch/listed\") bytes\"\n"
	"cutoff=$(date -u -d \"@$(( $(date +%s) - RETENTION_DAYS * 86400 ))\" +%Y%m%dT%H%M%SZ)\n"
	"old_stamps=$(stamps)\n"
	"for old in $old_stamps; do\n"
	"  if [[ $old < $cutoff ]]; then\n"
	"    # The MANIFEST first: a stamp half removed never looks complete.\n"
	"    aws_s3 rm --only-show-errors \"s3://$S3_BUCKET/$S3_PREFIX/$old/MANIFEST\"\n"
	"    aws_s3 rm --recursive --only-show-errors \"s3://$S3_BUCKET/$S3_PREFIX/$old/\"\n"
	"    echo \"backup: $old removed (older than $RETENTION_DAYS days)\"\n"
	"  fi\n"
	"done\n";

/* fetch: the stamp asked for (latest: the newest with a MANIFEST), the
 * dumps into scratch space, the filestore into a staging folder beside the
 * live one; nothing the applications use is touched. */
const char restore_fetch_script[] =
	"set -euo pipefail\n"
	AWS_S3_FUNCTION
	STAMPS_FUNCTION
	"base=s3://$S3_BUCKET/$S3_PREFIX\n"
	"stamp=$BACKUP_STAMP\n"
	"if [ \"$stamp\" = latest ]; then\n"
	"  stamp=\n"
	"  all=$(stamps)\n"
	"  for s in $all; do\n"
	"    if aws_s3 ls \"$base/$s/MANIFEST\" > /dev/null; then stamp=$s; break; fi\n"
	"  done\n"
	"  if [ -z \"$stamp\" ]; then\n"
	"    echo \"restore: no complete backup (a stamp with its MANIFEST) under $base/; list them with: aws s3 ls $base/\" >&2\n"
	"    exit 1\n"
	"  fi\n"
	"fi\n"
	"if ! [[ $stamp =~ ^[0-9]{8}T[0-9]{6}Z$ ]]; then\n"
	"  echo \"restore: BACKUP_STAMP '$stamp' is not a stamp like 20261127T020000Z, nor latest\" >&2\n"
	"  exit 1\n"
	"fi\n"
	"if ! aws_s3 cp --only-show-errors \"$base/$stamp/MANIFEST\" \"$RESTORE_DIR/MANIFEST\"; then\n"
	"  echo \"restore: $base/$stamp/ has no MANIFEST: that backup never completed; pick another stamp from: aws s3 ls $base/\" >&2\n"
	"  exit 1\n"
	"fi\n"
	"aws_s3 cp --recursive --only-show-errors --exclude 'filestore/*' --exclude MANIFEST \"$base/$stamp/\" \"$RESTORE_DIR/\"\n"
	"if grep -q '^[0-9a-f]* [0-9]* filestore/' \"$RESTORE_DIR/MANIFEST\"; then\n"
	"  aws_s3 sync --only-show-errors --delete \"$base/$stamp/filestore\" \"$FILESTORE_DIR/.restore/filestore\"\n"
	"fi\n"
	"echo \"$stamp\" > \"$RESTORE_DIR/STAMP\"\n"
	"echo \"restore: $base/$stamp fetched\"\n";

/* restore: every file against the manifest, then what is not empty on the
 * target refused unless OVERWRITE=yes, and only then roles, databases
 * (pg_restore --create in parallel) and the filestore (a rename). */
const char restore_apply_script[] =
	"set -euo pipefail\n"
	"stamp=$(cat \"$RESTORE_DIR/STAMP\")\n"
	"manifest=$RESTORE_DIR/MANIFEST\n"
	"staged=$FILESTORE_DIR/.restore\n"
	"count=$(grep -vc '^#' \"$manifest\" || true)\n"
	"if [ \"$(tail -n 1 \"$manifest\")\" != \"# end $count files\" ]; then\n"
	"  echo \"restore: the MANIFEST of $stamp is cut short; nothing on the target was changed; restore another stamp\" >&2\n"
	"  exit 1\n"
	"fi\n"
	"# Every file against its SHA-256 before anything on the target changes.\n"
	"grep -v '^#' \"$manifest\" | awk -v r=\"$RESTORE_DIR/\" -v f=\"$staged/\" '{ p = $0; sub(/^[^ ]+ [^ ]+ /, \"\", p);\n"
	"  print $1 \"  \" (p ~ /^filestore\\// ? f : r) p }' > \"$RESTORE_DIR/.check\"\n"
	"if ! sha256sum --check --quiet --strict \"$RESTORE_DIR/.check\" >&2; then\n"
	"  echo \"restore: backup $stamp is damaged (the files above differ from its MANIFEST); nothing on the target was \"\\\n"
	"\"changed; restore another stamp\" >&2\n"
	"  exit 1\n"
	"fi\n"
	"dbs=$(grep -v '^#' \"$manifest\" | awk '{ p = $0; sub(/^[^ ]+ [^ ]+ /, \"\", p); if (p ~ /^[A-Za-z0-9_][A-Za-z0-9_.-]*\\.dump$/) "
	"{ sub(/\\.dump$/, \"\", p); print p } }')\n"
	"pg() { psql -h \"$PGHOST\" -U \"$PGUSER\" -X -A -t -q -v ON_ERROR_STOP=1 \"$@\"; }\n"
	"busy=\n"
	"for db in $dbs; do\n"
	"  if [ \"$(pg -d postgres -c \"SELECT count(*) FROM pg_database WHERE datname = '$db'\")\" = 1 ] &&\n"
	"     [ \"$(pg -d \"$db\" -c \"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \"\\\n"
	"\"WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'\")\" != 0 ]; then\n"
	"    busy=\"$busy database '$db',\"\n"
	"  fi\n"
	"done\n"
	"if [ -d \"$staged/filestore\" ] && [ -n \"$(ls -A \"$FILESTORE_DIR/filestore\" 2> /dev/null)\" ]; then\n"
	"  busy=\"$busy the filestore,\"\n"
	"fi\n"
	"if [ -n \"$busy\" ] && [ \"$OVERWRITE\" != yes ]; then\n"
	"  echo \"restore: refused: not empty on the target:${busy%,}; nothing was changed. To replace them with backup \"\\\n"
	"\"$stamp, run the Job again with OVERWRITE=yes (the old filestore is kept as filestore.replaced-$stamp)\" >&2\n"
	"  exit 1\n"
	"fi\n"
	"if [ -n \"$dbs\" ]; then\n"
	"  # Roles first, for the owners; a role that exists keeps its password.\n"
	"  sed 's/^CREATE ROLE \\(.*\\);$/DO $r$ BEGIN CREATE ROLE \\1; EXCEPTION WHEN duplicate_object THEN NULL; END $r$;/' \\\n"
	"    \"$RESTORE_DIR/globals.sql\" | pg -d postgres -f -\n"
	"  for db in $dbs; do\n"
	"    pg -d postgres -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' \"\\\n"
	"\"AND pid <> pg_backend_pid()\" -c \"DROP DATABASE IF EXISTS \\\"$db\\\"\" > /dev/null\n"
	"    pg_restore -h \"$PGHOST\" -U \"$PGUSER\" -d postgres --create --exit-on-error -j \"$RESTORE_JOBS\" \"$RESTORE_DIR/$db.dump\"\n"
	"    echo \"restore: database $db restored\"\n"
	"  done\n"
	"fi\n"
	"if [ -d \"$staged/filestore\" ]; then\n"
	"  if [ -n \"$(ls -A \"$FILESTORE_DIR/filestore\" 2> /dev/null)\" ]; then\n"
	"    mv \"$FILESTORE_DIR/filestore\" \"$FILESTORE_DIR/filestore.replaced-$stamp\"\n"
	"  elif [ -d \"$FILESTORE_DIR/filestore\" ]; then\n"
	"    rmdir \"$FILESTORE_DIR/filestore\"\n"
	"  fi\n"
	"  mv \"$staged/filestore\" \"$FILESTORE_DIR/filestore\"\n"
	"  rmdir \"$staged\"\n"
	"  echo \"restore: filestore restored\"\n"
	"fi\n"
	"rm -f \"$RESTORE_DIR/.check\"\n"
	"echo \"restore: backup $stamp restored ($count files checked against its MANIFEST)\"\n";
