#!/usr/bin/env bash
# The backup CronJob and the restore Job that convert writes, run for real:
# their scripts and environment come from the generated manifests
# (job_run.py), against a real PostgreSQL and a real S3 server (s3rver) on
# loopback, both started and stopped here. Backup, retention, failures that
# must leave no complete-looking stamp, restore into a fresh server and
# folder judged by `kgenius migrate db verify` and SHA-256, refusal to
# overwrite, a corrupted object caught before the target is touched, what a
# restore does not bring back, and the CloudNativePG recovery Cluster.
# BACKUP_TEST_ROWS (default 20000) sets the size of the Odoo-like database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

ROWS=${BACKUP_TEST_ROWS:-20000}
EX=$ROOT/examples/insightpulse
BUCKET=kgtest-backups
AWS=/usr/bin/aws
S3RVER=$(command -v s3rver)
for tool in "$AWS" "$S3RVER" "$PGBIN/initdb"; do
	if [ ! -x "$tool" ]; then
		fail "backup: test tools" "${tool:-s3rver} missing (tools/install-deps --test installs awscli, s3rver, postgresql)"
		exit 0
	fi
done

S3_PID=
stop_s3() { [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null && wait "$S3_PID" 2>/dev/null; S3_PID=; }
trap 'stop_s3; pg_cleanup; rm -rf "$WORK"' EXIT

run_kg "$WORK/cv.out" "$WORK/cv.err" convert --project-directory "$EX" --env-file "$EX/.env.example" \
	-o "$WORK/k" --backup-bucket "$BUCKET" --backup-retention-days 14
check "backup: the example converts" test "$RC" -eq 0
check "backup: restore-job.yaml is written" test -s "$WORK/k/restore-job.yaml"
check "backup: the restore Job is not in the kustomization (applying never restores)" \
	bash -c "! grep -q restore '$WORK/k/kustomization.yaml'"
check "backup: the backup pod has no emptyDir for the filestore (it is streamed)" \
	bash -c "! grep -q 'filestore.tar' '$WORK/k/postgres-statefulset.yaml'"

# A PostgreSQL like the Compose one: Odoo's and Keycloak's databases and roles.
SP=$(free_port)
pg_start src "$SP" || { fail "backup: source PostgreSQL starts" "see $PGROOT/src.log"; exit 0; }
psql_at "$SP" postgres >/dev/null <<'SQL'
CREATE ROLE odoo LOGIN PASSWORD 'odoo-source-pw' CREATEDB;
CREATE ROLE keycloak LOGIN PASSWORD 'keycloak-source-pw';
CREATE ROLE reporting LOGIN PASSWORD 'reporting-pw';
CREATE DATABASE odoo OWNER odoo;
CREATE DATABASE keycloak OWNER keycloak;
ALTER DATABASE odoo SET work_mem = '8MB';
SQL
# (its closing ANALYZE warns about the catalogs a non-superuser may not analyze)
psql_at "$SP" odoo -c "SET ROLE odoo" -v rows="$ROWS" -f "$ROOT/tests/data/migrate/odoo-like.sql" >/dev/null 2>"$WORK/gen.err"
psql_at "$SP" odoo >/dev/null <<'SQL'
SET ROLE odoo;
SELECT lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8'));
SELECT nextval('res_partner_id_seq') FROM generate_series(1, 7);
GRANT SELECT ON res_partner TO reporting;
SQL
psql_at "$SP" postgres -c "CREATE TABLE in_postgres_db (id int)" >/dev/null
psql_at "$SP" keycloak -c "SET ROLE keycloak" -c "CREATE TABLE realm (id text PRIMARY KEY, name text)" \
	-c "INSERT INTO realm SELECT 'r' || g, 'realm ' || g FROM generate_series(1, 50) g" >/dev/null

# An Odoo filestore: content-addressed files of various sizes, one empty.
FS=$WORK/fs
python3 - "$FS/filestore/odoo" <<'PY'
import hashlib, os, random, sys
random.seed(17)
for i in range(300):
    data = random.randbytes(random.choice([0, 100, 4096, 70000])) if i else b""
    name = hashlib.sha1(data + bytes([i % 256, i // 256])).hexdigest()
    d = os.path.join(sys.argv[1], name[:2])
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(data)
PY

S3P=$(free_port)
mkdir -p "$WORK/s3" "$WORK/home"
"$S3RVER" -d "$WORK/s3" -a 127.0.0.1 -p "$S3P" --silent --configure-bucket "$BUCKET" >"$WORK/s3rver.log" 2>&1 &
S3_PID=$!
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 HOME=$WORK/home
s3() { "$AWS" --endpoint-url "http://127.0.0.1:$S3P" s3 "$@"; }
for _ in $(seq 1 300); do s3 ls "s3://$BUCKET" >/dev/null 2>&1 && break; kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.2; done
check "backup: s3rver answers on loopback" s3 ls "s3://$BUCKET"

SECRETS=(--secret postgres-credentials/POSTGRES_USER=postgres --secret "postgres-credentials/POSTGRES_PASSWORD=$PG_PASSWORD"
	--secret backup-s3/AWS_ACCESS_KEY_ID=S3RVER --secret backup-s3/AWS_SECRET_ACCESS_KEY=S3RVER)
backup_in() { # DIR [ARGS...]: the CronJob's pod with DIR as its emptyDir; sets RC
	local dir=$1
	shift
	python3 "$ROOT/tests/integration/job_run.py" "$WORK/k/postgres-statefulset.yaml" CronJob postgres-backup \
		--set PGHOST=127.0.0.1 --set "PGPORT=$SP" --set "S3_ENDPOINT=http://127.0.0.1:$S3P" \
		--set "BACKUP_DIR=$dir" --set "FILESTORE_DIR=$FS" --set "HOME=$WORK/home" "${SECRETS[@]}" "$@" \
		>"$dir.out" 2>"$dir.err"
	RC=$?
}
run=0
backup() { # [ARGS...]: one run of the CronJob's pod, with a fresh emptyDir; sets RC
	run=$((run + 1))
	mkdir -p "$WORK/bk$run"
	# A stamp is a second: a new run never shares one with the last.
	sleep 1
	backup_in "$WORK/bk$run" "$@"
}
complete_stamps() { # the stamps that have a MANIFEST
	s3 ls --recursive "s3://$BUCKET/postgres/" | awk '{ print $4 }' | sed -n 's|^postgres/\([0-9TZ]*\)/MANIFEST$|\1|p' | sort
}

# Retention: one stamp past 14 days, one inside, and something else in the bucket.
OLD=$(date -u -d '-15 days' +%Y%m%dT%H%M%SZ)
KEEP=$(date -u -d '-13 days' +%Y%m%dT%H%M%SZ)
echo "# end 0 files" >"$WORK/empty-manifest"
for s in "$OLD" "$KEEP"; do s3 cp --only-show-errors "$WORK/empty-manifest" "s3://$BUCKET/postgres/$s/MANIFEST"; done
s3 cp --only-show-errors "$WORK/empty-manifest" "s3://$BUCKET/postgres/notes/readme"

timed() { # VAR COMMAND...: runs it, keeps its wall seconds in VAR
	local var=$1 start end
	shift
	start=$(date +%s%N)
	"$@"
	end=$(date +%s%N)
	printf -v "$var" '%s' "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
}
timed BACKUP_SECS backup
check "backup: the job runs to the end (exit 0)" test "$RC" -eq 0
[ "$RC" -eq 0 ] || sed 's/^/  | /' "$WORK/bk$run.err" | tail -15
STAMP=$(cat "$WORK/bk1/STAMP" 2>/dev/null)
stamps_now=$(s3 ls "s3://$BUCKET/postgres/" | awk '{ print $2 }' | tr -d / | sort | tr '\n' ' ')
check "backup: retention removed exactly the stamp older than 14 days" test "$stamps_now" = "$KEEP $STAMP notes "

# What arrived: every object of the MANIFEST, with its SHA-256.
mkdir -p "$WORK/dl"
s3 cp --recursive --only-show-errors "s3://$BUCKET/postgres/$STAMP/" "$WORK/dl/" || true
M=$WORK/dl/MANIFEST
check "backup: the stamp has its MANIFEST" test -s "$M"
n=$(grep -vc '^#' "$M")
check "backup: the MANIFEST closes with its own count" test "$(tail -n 1 "$M")" = "# end $n files"
grep -v '^#' "$M" | awk -v d="$WORK/dl/" '{ p = $0; sub(/^[^ ]+ [^ ]+ /, "", p); print $1 "  " d p }' >"$WORK/dl.check"
check "backup: every object in the bucket has the SHA-256 of the MANIFEST" sha256sum --check --quiet "$WORK/dl.check"
check "backup: the MANIFEST lists every database (odoo, keycloak) and the roles" \
	bash -c "grep -q ' odoo.dump$' '$M' && grep -q ' keycloak.dump$' '$M' && grep -q ' globals.sql$' '$M'"
fs_count=$(find "$FS/filestore" -type f | wc -l)
check "backup: the MANIFEST lists every filestore file ($fs_count)" test "$(grep -c ' filestore/' "$M")" -eq "$fs_count"
(cd "$FS" && find filestore -type f -print0 | xargs -0 sha256sum | sort -k 2) >"$WORK/fs.sums"
(cd "$WORK/dl" && find filestore -type f -print0 | xargs -0 sha256sum | sort -k 2) >"$WORK/dl.sums"
check "backup: the filestore in the bucket hashes equal to the source, file by file" diff -q "$WORK/fs.sums" "$WORK/dl.sums"
check "backup: the postgres database is not backed up (a restore does not bring it back)" \
	bash -c "! grep -q ' postgres.dump$' '$M'"
check "backup: no role password in the bucket" bash -c "! grep -q -e PASSWORD -e source-pw '$WORK/dl/globals.sql'"
BACKUP_BYTES=$(grep -v '^#' "$M" | awk '{ s += $2 } END { print s }')
DB_BYTES=$(psql_at "$SP" postgres -c "SELECT sum(pg_database_size(datname)) FROM pg_database WHERE datname IN ('odoo', 'keycloak')")

# Restore into a fresh PostgreSQL and an empty volume folder. The roles exist
# there already with the cluster's own passwords (its init script makes them).
TP=$(free_port)
pg_start dst "$TP" || { fail "backup: target PostgreSQL starts" "see $PGROOT/dst.log"; exit 0; }
psql_at "$TP" postgres -c "CREATE ROLE odoo LOGIN PASSWORD 'odoo-cluster-pw'" \
	-c "CREATE ROLE keycloak LOGIN PASSWORD 'keycloak-cluster-pw'" >/dev/null
FS2=$WORK/fs2
mkdir -p "$FS2"
rrun=0
restore() { # [--set N=V...]: one run of the restore Job's pod; sets RC
	rrun=$((rrun + 1))
	mkdir -p "$WORK/rs$rrun"
	python3 "$ROOT/tests/integration/job_run.py" "${RESTORE_FILE:-$WORK/k/restore-job.yaml}" Job postgres-restore \
		--set PGHOST=127.0.0.1 --set "PGPORT=$TP" --set "S3_ENDPOINT=http://127.0.0.1:$S3P" \
		--set "RESTORE_DIR=$WORK/rs$rrun" --set "FILESTORE_DIR=$FS2" --set "HOME=$WORK/home" "${SECRETS[@]}" "$@" \
		>"$WORK/restore$rrun.out" 2>"$WORK/restore$rrun.err"
	RC=$?
}
timed RESTORE_SECS restore
check "restore: the Job restores the latest complete backup (exit 0)" test "$RC" -eq 0
[ "$RC" -eq 0 ] || sed 's/^/  | /' "$WORK/restore$rrun.err" | tail -15
check "restore: it took the stamp just written" grep -q "backup $STAMP restored" "$WORK/restore1.out"
printf '%s\n' "$PG_PASSWORD" >"$WORK/pgpw"
run_kg "$WORK/verify.out" "$WORK/verify.err" migrate db verify --source "$(pg_conninfo "$SP")" \
	--target "$(pg_conninfo "$TP")" --db odoo --db keycloak --source-password-file "$WORK/pgpw" \
	--target-password-file "$WORK/pgpw"
check "restore: kgenius migrate db verify reports both databases equal (exit 0)" test "$RC" -eq 0
[ "$RC" -eq 0 ] || cat "$WORK/verify.out" "$WORK/verify.err" | sed 's/^/  | /' | tail -10
(cd "$FS2" && find filestore -type f -print0 | xargs -0 sha256sum | sort -k 2) >"$WORK/fs2.sums"
check "restore: every filestore file hashes equal to the source" diff -q "$WORK/fs.sums" "$WORK/fs2.sums"
check "restore: no staging folder left in the volume" test ! -e "$FS2/.restore"

# What a restore brings back, and what it does not.
check "restore: sequences come back at their value" test \
	"$(psql_at "$TP" odoo -c "SELECT last_value FROM res_partner_id_seq")" = "$(psql_at "$SP" odoo -c "SELECT last_value FROM res_partner_id_seq")"
lo() { psql_at "$1" odoo -c "SELECT count(*), md5(string_agg(lo_get(oid), '' ORDER BY oid)) FROM pg_largeobject_metadata"; }
check "restore: large objects come back" test "$(lo "$TP")" = "$(lo "$SP")"
check "restore: the database's settings come back (ALTER DATABASE ... SET)" \
	bash -c "[ \"\$(PGPASSWORD=$PG_PASSWORD psql -XAtq -h 127.0.0.1 -p $TP -U postgres -d odoo -c 'SHOW work_mem')\" = 8MB ]"
check "restore: owners and grants come back" test \
	"$(psql_at "$TP" odoo -c "SELECT tableowner || ',' || has_table_privilege('reporting', 'res_partner', 'SELECT') FROM pg_tables WHERE tablename = 'res_partner'")" = "odoo,true"
check "restore: a role missing on the target comes back without a password (none is backed up)" test \
	"$(psql_at "$TP" postgres -c "SELECT rolcanlogin::text || ',' || (rolpassword IS NULL)::text FROM pg_authid WHERE rolname = 'reporting'")" = "true,true"
check "restore: a role that exists keeps the cluster's password" \
	env PGPASSWORD=odoo-cluster-pw psql -XAtq -h 127.0.0.1 -p "$TP" -U odoo -d odoo -o /dev/null -c "SELECT 1"

# A second restore onto what is no longer empty is refused, unless told.
psql_at "$TP" odoo -c "CREATE TABLE after_restore (id int); INSERT INTO after_restore VALUES (1)" >/dev/null
restore
check "restore: refused onto a non-empty database and filestore (exit non-zero)" test "$RC" -ne 0
check "restore: the refusal names what is not empty and OVERWRITE=yes" \
	grep -q "refused: not empty on the target: database 'keycloak', database 'odoo', the filestore;.*OVERWRITE=yes" "$WORK/restore$rrun.err"
check "restore: the refusal changed nothing" test "$(psql_at "$TP" odoo -c "SELECT count(*) FROM after_restore")" = 1

# A corrupted object: found before the target is touched, even with OVERWRITE=yes.
cp "$WORK/dl/odoo.dump" "$WORK/odoo.dump.bad"
printf 'X' | dd of="$WORK/odoo.dump.bad" bs=1 seek=2000 conv=notrunc status=none
s3 cp --only-show-errors "$WORK/odoo.dump.bad" "s3://$BUCKET/postgres/$STAMP/odoo.dump"
f=$(find "$FS/filestore" -type f -size +1k | sort | head -n 1)
rel=${f#"$FS"/}
head -c 100 /dev/zero >"$WORK/fs.bad"
s3 cp --only-show-errors "$WORK/fs.bad" "s3://$BUCKET/postgres/$STAMP/$rel"
# The stamp and OVERWRITE set as NOTES says, with kubectl set env --local.
if kubectl set env --local -f "$WORK/k/restore-job.yaml" --containers='*' "BACKUP_STAMP=$STAMP" OVERWRITE=yes \
	-o yaml >"$WORK/restore-set.yaml" 2>"$WORK/set-env.err"; then
	RESTORE_FILE=$WORK/restore-set.yaml restore
else
	fail "restore: kubectl set env --local sets BACKUP_STAMP and OVERWRITE" "$(head -2 "$WORK/set-env.err")"
	restore --set OVERWRITE=yes --set "BACKUP_STAMP=$STAMP"
fi
check "restore: a corrupted object in the bucket fails the restore" test "$RC" -ne 0
check "restore: the corrupted dump and filestore file are named" \
	bash -c "grep -q 'odoo.dump: FAILED' '$WORK/restore$rrun.err' && grep -q '$rel: FAILED' '$WORK/restore$rrun.err'"
check "restore: the damaged backup is refused before the target is touched" \
	test "$(psql_at "$TP" odoo -c "SELECT count(*) FROM after_restore")" = 1
check "restore: the live filestore was not touched" test ! -e "$FS2/filestore.replaced-$STAMP"
s3 cp --only-show-errors "$WORK/dl/odoo.dump" "s3://$BUCKET/postgres/$STAMP/odoo.dump"
s3 cp --only-show-errors "$WORK/dl/$rel" "s3://$BUCKET/postgres/$STAMP/$rel"
restore --set OVERWRITE=yes
check "restore: OVERWRITE=yes replaces the databases and the filestore (exit 0)" test "$RC" -eq 0
check "restore: the replaced database holds the backup again" \
	test "$(psql_at "$TP" odoo -c "SELECT count(*) FROM pg_tables WHERE tablename = 'after_restore'")" = 0
check "restore: the replaced filestore is kept beside it" test -d "$FS2/filestore.replaced-$STAMP"

# Failures leave no stamp that looks complete.
before=$(complete_stamps)
backup --set "S3_ENDPOINT=http://127.0.0.1:$(free_port)"
check "backup: an unreachable bucket fails the job (exit non-zero)" test "$RC" -ne 0
check "backup: ... and leaves no new complete stamp" test "$(complete_stamps)" = "$before"
backup --only pg-dump
FAILED_STAMP=$(cat "$WORK/bk$run/STAMP")
# A file listed by the dump that is gone when the upload runs: it never arrives.
rm -f "$f"
backup_in "$WORK/bk$run" --only upload
check "backup: a file that fails to arrive fails the job (exit non-zero)" test "$RC" -ne 0
check "backup: ... names it" grep -q "$rel" "$WORK/bk$run.err"
check "backup: ... and its stamp has objects but no MANIFEST" bash -c \
	"$AWS --endpoint-url http://127.0.0.1:$S3P s3 ls s3://$BUCKET/postgres/$FAILED_STAMP/odoo.dump >/dev/null && ! $AWS --endpoint-url http://127.0.0.1:$S3P s3 ls s3://$BUCKET/postgres/$FAILED_STAMP/MANIFEST >/dev/null"
backup --secret backup-s3/AWS_ACCESS_KEY_ID=UNKNOWN-KEY
check "backup: refused credentials fail the job (exit non-zero)" test "$RC" -ne 0
check "backup: ... and leave no new complete stamp" test "$(complete_stamps)" = "$before"
restore --set "BACKUP_STAMP=$FAILED_STAMP" --set OVERWRITE=yes
check "restore: a stamp without MANIFEST is refused as never completed" grep -q 'has no MANIFEST: that backup never completed' "$WORK/restore$rrun.err"

# CloudNativePG: the recovery Cluster, to a point in time, schema-valid and lint-clean.
run_kg "$WORK/cv.out" "$WORK/cv.err" convert --project-directory "$EX" --env-file "$EX/.env.example" \
	-o "$WORK/c" --postgres cnpg --recovery-target-time 2026-11-27T09:30:00Z --backup-bucket "$BUCKET"
check "cnpg: converts with --recovery-target-time" test "$RC" -eq 0
if python3 "$ROOT/tests/integration/k8s_validate.py" "$SHARED/k8s" "$WORK/c/postgres-recovery.yaml" "$WORK/c/restore-job.yaml" >"$WORK/val.txt" 2>&1; then
	ok "cnpg: postgres-recovery.yaml and restore-job.yaml pass the strict schema (CRDs of ../shared/k8s)"
else
	fail "cnpg: strict schema" "$(head -3 "$WORK/val.txt")"
fi
python3 - "$WORK/c/postgres-recovery.yaml" <<'PY'
import sys, yaml
c = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d)
s = c["spec"]
def check(name, cond): print(("ok   " if cond else "FAIL ") + "cnpg: " + name)
check("the recovery Cluster bootstraps from the object store, not initdb",
      s["bootstrap"] == {"recovery": {"source": "origin", "recoveryTarget": {"targetTime": "2026-11-27T09:30:00Z"}}})
ext = s["externalClusters"][0]
check("its source is the Barman Cloud plugin's ObjectStore of the old cluster",
      ext["name"] == "origin" and ext["plugin"]["name"] == "barman-cloud.cloudnative-pg.io"
      and ext["plugin"]["parameters"] == {"barmanObjectName": "postgres-backup", "serverName": "postgres"})
check("it archives under a server name of its own", s["plugins"][0]["parameters"]["serverName"] == "postgres-recovered")
check("it keeps the managed roles (passwords from the Secrets)", [r["name"] for r in s["managed"]["roles"]] == ["odoo", "keycloak"])
PY
(cd "$WORK/c" && env -i PATH=/usr/bin:/bin "$KG" lint $(ls ./*.yaml | grep -v -e kustomization -e postgres-cluster)) >"$WORK/lint.out" 2>&1
check "cnpg: kgenius lint passes the recovery Cluster with the stack it rejoins" test $? -eq 0
# With CloudNativePG the CronJob and the Job carry the filestore alone.
mkdir -p "$WORK/cbk" "$WORK/crs" "$WORK/fs3"
python3 "$ROOT/tests/integration/job_run.py" "$WORK/c/postgres-cluster.yaml" CronJob postgres-backup \
	--set "S3_ENDPOINT=http://127.0.0.1:$S3P" --set "BACKUP_DIR=$WORK/cbk" --set "FILESTORE_DIR=$FS" \
	--set "HOME=$WORK/home" "${SECRETS[@]}" >"$WORK/cbk.out" 2>"$WORK/cbk.err"
check "cnpg: the filestore backup runs (exit 0)" test $? -eq 0
python3 "$ROOT/tests/integration/job_run.py" "$WORK/c/restore-job.yaml" Job postgres-restore \
	--set "S3_ENDPOINT=http://127.0.0.1:$S3P" --set "RESTORE_DIR=$WORK/crs" --set "FILESTORE_DIR=$WORK/fs3" \
	--set "HOME=$WORK/home" "${SECRETS[@]}" >"$WORK/crs.out" 2>"$WORK/crs.err"
check "cnpg: the filestore restore runs (exit 0)" test $? -eq 0
(cd "$FS" && find filestore -type f -print0 | xargs -0 sha256sum | sort -k 2) >"$WORK/fs.sums"
(cd "$WORK/fs3" && find filestore -type f -print0 | xargs -0 sha256sum | sort -k 2) >"$WORK/fs3.sums"
check "cnpg: every filestore file hashes equal after the restore" diff -q "$WORK/fs.sums" "$WORK/fs3.sums"
check "cnpg: no database in the filestore backup" bash -c "! grep -q '\.dump$' '$WORK/crs/MANIFEST'"
stop_s3
run_kg "$WORK/cv.out" "$WORK/cv.err" convert --project-directory "$EX" --env-file "$EX/.env.example" \
	-o "$WORK/c2" --postgres cnpg --recovery-target-time "2026-11-27 09:30"
check "cnpg: a time without its offset is a usage error (exit 2) naming the option" \
	bash -c "[ $RC -eq 2 ] && grep -q -- '--recovery-target-time' '$WORK/cv.err'"

run_kg "$WORK/cv.out" "$WORK/cv.err" convert --project-directory "$EX" --env-file "$EX/.env.example" \
	-o "$WORK/c3" --recovery-target-time 2026-11-27T09:30:00Z
check "backup: --recovery-target-time without --postgres cnpg is refused (exit 2)" \
	bash -c "[ $RC -eq 2 ] && grep -q -- '--recovery-target-time sets the point in time' '$WORK/cv.err'"

echo "# backup: $(numfmt --to=iec "$DB_BYTES") of databases ($ROWS partners) + $fs_count filestore files -> $BACKUP_BYTES bytes in the bucket in $BACKUP_SECS s; restore in $RESTORE_SECS s"
