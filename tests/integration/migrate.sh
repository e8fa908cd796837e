#!/usr/bin/env bash
# kgenius migrate db against two real PostgreSQL 15 clusters started here:
# plan, copy with its backup, verify (and its bisection to the changed
# keys), sequences including unowned ones, a copy killed with SIGKILL that
# resumes without losing or duplicating rows, and passwords kept off the
# command lines of pg_dump and pg_restore.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

O=$WORK/out
E=$WORK/err
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	fail "migrate: PostgreSQL server" "no server binaries under /usr/lib/postgresql (tools/install-deps --test installs them)"
	exit 0
fi
SP=$(free_port)
pg_start src "$SP" "wal_level = logical" "log_statement = ddl" "log_line_prefix = '%m %a %d '" || { fail "migrate: start the source cluster" "$(cat "$PGROOT"/src.*log)"; exit 0; }
TP=$(free_port)
pg_start dst "$TP" "wal_level = logical" "log_statement = ddl" || { fail "migrate: start the target cluster" "$(cat "$PGROOT"/dst.*log)"; exit 0; }
ok "migrate: two PostgreSQL clusters on 127.0.0.1:$SP and :$TP, run as $( [ "$(id -u)" = 0 ] && echo postgres || id -un)"

SRC=$(pg_conninfo "$SP")
DST=$(pg_conninfo "$TP")
psql_at "$SP" postgres -c "CREATE DATABASE odoo" -c "CREATE DATABASE keycloak" >/dev/null
psql_at "$SP" odoo -v rows=30000 -f "$ROOT/tests/data/migrate/odoo-like.sql" >/dev/null
psql_at "$SP" keycloak -c "CREATE TABLE realm (id varchar(36) PRIMARY KEY, name varchar NOT NULL);
	CREATE TABLE user_entity (id varchar(36) PRIMARY KEY, realm_id varchar(36) REFERENCES realm(id), username varchar);
	INSERT INTO realm VALUES ('r1', 'master'), ('r2', 'insightpulse');
	INSERT INTO user_entity SELECT md5(g::text), 'r2', 'user' || g FROM generate_series(1, 500) g;" >/dev/null
psql_at "$TP" postgres -c "CREATE DATABASE odoo" -c "CREATE DATABASE keycloak" -c "CREATE DATABASE busy" >/dev/null
psql_at "$TP" busy -c "CREATE TABLE res_partner (id int)" >/dev/null

kg() { # runs the sanitizer binary with the password in PGPASSWORD only
	env -i PATH="${KG_PATH:-/usr/bin:/bin}" HOME="$WORK" PGPASSWORD="$PG_PASSWORD" ASAN_OPTIONS="$ASAN_OPTIONS" \
		UBSAN_OPTIONS="$UBSAN_OPTIONS" "$KG" "$@" >"$O" 2>"$E"
	RC=$?
}

# --- plan ---
kg migrate db plan --source "$SRC" --target "$DST" --db odoo --db keycloak
check "migrate plan: ready (exit 0)" test "$RC" -eq 0
check "migrate plan: counts the unowned sequences" grep -q '2 owned by no column' "$O"
check "migrate plan: finds the many2many table without a primary key" grep -q '1 tables without a primary key' "$O"
check "migrate plan: says copy changes nothing on the source" grep -q 'nothing on the source changes' "$O"
kg migrate db plan --source "$SRC" --target "$DST" --db odoo:busy
check "migrate plan: a target that already holds tables is a blocker (exit 1)" test "$RC" -eq 1
check "migrate plan: and says so" grep -q 'BLOCKER.*holds 1 tables' "$O"

# --- copy, with its backup, then the verification it runs ---
kg migrate db copy --source "$SRC" --target "$DST" --db odoo --db keycloak --backup-dir "$WORK/backup" \
	--split-larger-than 1 --jobs 3
check "migrate copy: exit 0" test "$RC" -eq 0
check "migrate copy: verified identical afterwards" grep -q 'verify odoo -> odoo: OK: 5/5 tables identical' "$O"
check "migrate copy: keycloak's database too" grep -q 'verify keycloak -> keycloak: OK: 2/2 tables identical' "$O"
check "migrate copy: the large table went in key ranges" grep -q 'public.res_partner:2/' "$E"
check "migrate copy: a backup per database, mode 0600" test "$(stat -c %a "$WORK/backup/odoo.dump")" = 600
check "migrate copy: the backup restores (pg_restore --list)" sh -c "pg_restore --list '$WORK/backup/odoo.dump' | grep -q 'TABLE DATA public res_partner'"
check "migrate copy: no progress schema left on the target" test "$(psql_at "$TP" odoo -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'kgenius_migrate'")" = 0
check "migrate copy: unowned sequence carried over (nextval 4243)" test "$(psql_at "$TP" odoo -c "SELECT nextval('ir_sequence_002')")" = 4243
check "migrate copy: the trigger's sequence too (next invoice number follows)" \
	test "$(psql_at "$TP" odoo -c "SELECT nextval('ir_sequence_001')")" = 15001
check "migrate copy: serial sequences follow their tables" \
	test "$(psql_at "$TP" odoo -c "SELECT nextval('res_partner_id_seq')")" = 30001
check "migrate copy: the trigger exists on the target" \
	test "$(psql_at "$TP" odoo -c "SELECT count(*) FROM pg_trigger WHERE tgname = 'account_move_name'")" = 1
check "migrate copy: the generated column is computed on the target" \
	test "$(psql_at "$TP" odoo -c "SELECT count(*) FROM ir_attachment WHERE file_size = octet_length(db_datas)")" = 3000

# --- verify names what differs ---
psql_at "$TP" odoo -c "UPDATE res_partner SET email = 'changed' WHERE id = 777;
	DELETE FROM res_groups_users_rel WHERE gid = 6 AND uid = 5;
	INSERT INTO account_move (name, amount) VALUES ('EXTRA', 1)" >/dev/null
kg migrate db verify --source "$SRC" --target "$DST" --db odoo --format json
check "migrate verify: differences exit 1" test "$RC" -eq 1
check "migrate verify: the changed row is named by its key" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t={x["table"]:x for x in d["databases"][0]["tables"]}; sys.exit(not ("(777) differs" in t["public.res_partner"]["keys"] and "(6,5) missing on the target" in t["public.res_groups_users_rel"]["keys"] and "(15001) only on the target" in t["public.account_move"]["keys"]))' "$O"
check "migrate verify: the target's sequence is now ahead, which is fine" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(any(x["kind"]=="sequence" for x in d["databases"][0]["differences"]))' "$O"
psql_at "$TP" odoo -c "SELECT setval('ir_sequence_002', 10); DROP INDEX res_groups_users_rel_uid_idx" >/dev/null
kg migrate db verify --source "$SRC" --target "$DST" --db odoo
check "migrate verify: a sequence behind the source is reported" grep -q 'sequence public.ir_sequence_002: source last_value 4242 (is_called true), target 10 (is_called true)' "$O"
check "migrate verify: a missing index is reported" grep -q 'index CREATE INDEX res_groups_users_rel_uid_idx.*missing on the target' "$O"

# --- nothing lost silently: large objects, materialized views, a sequence
# restarted by hand (is_called = false, what Odoo's "next number" edit does) ---
psql_at "$SP" postgres -c "CREATE DATABASE losses" >/dev/null
psql_at "$TP" postgres -c "CREATE DATABASE losses" >/dev/null
psql_at "$SP" losses -c "CREATE TABLE doc (id int PRIMARY KEY, body oid, amount int);
	INSERT INTO doc SELECT g, NULL, g FROM generate_series(1, 100) g;
	SELECT lo_from_bytea(424242, 'a small large object');
	SELECT lo_from_bytea(424243, decode(repeat(md5('x'), 90000), 'hex'));
	SELECT lo_create(424244);
	CREATE MATERIALIZED VIEW doc_total AS SELECT count(*) AS n, sum(amount) AS total FROM doc;
	CREATE MATERIALIZED VIEW doc_never AS SELECT id FROM doc WITH NO DATA;
	CREATE SEQUENCE inv_seq; SELECT nextval('inv_seq'); ALTER SEQUENCE inv_seq RESTART WITH 500;" >/dev/null
kg migrate db copy --source "$SRC" --target "$DST" --db losses --no-backup --format json
check "migrate copy (large objects, views, sequences): exit 0" test "$RC" -eq 0
lo_sum="SELECT count(*) || ':' || coalesce(string_agg(oid::text || '=' || md5(lo_get(oid)), ',' ORDER BY oid), '') FROM pg_largeobject_metadata"
check "migrate copy: every large object arrives with its content" \
	test "$(psql_at "$TP" losses -c "$lo_sum")" = "$(psql_at "$SP" losses -c "$lo_sum")"
check "migrate copy: a populated materialized view is populated on the target, with its rows" \
	test "$(psql_at "$TP" losses -c "SELECT n || '/' || total FROM doc_total")" = "100/5050"
check "migrate copy: one never populated stays so" \
	test "$(psql_at "$TP" losses -c "SELECT relispopulated FROM pg_class WHERE relname = 'doc_never'")" = f
check "migrate copy: a sequence restarted with is_called = false hands out its restart value" \
	test "$(psql_at "$TP" losses -c "SELECT nextval('inv_seq')")" = 500
psql_at "$TP" losses -c "SELECT setval('inv_seq', 1, false); SELECT lo_put(424242, 0, 'A');
	REFRESH MATERIALIZED VIEW doc_total WITH NO DATA" >/dev/null
kg migrate db verify --source "$SRC" --target "$DST" --db losses
check "migrate verify: a changed large object, an unpopulated view and a sequence restarted lower differ (exit 1)" test "$RC" -eq 1
check "migrate verify: names the large object" grep -q 'large object 424242' "$O"
check "migrate verify: names the materialized view" grep -q 'materialized view public.doc_total: .*not populated on the target' "$O"
check "migrate verify: names the sequence with is_called" grep -q 'sequence public.inv_seq: source last_value 500 (is_called false), target 1 (is_called false)' "$O"

# --- a copy killed with SIGKILL resumes, without lost or duplicated rows ---
psql_at "$TP" postgres -c "CREATE DATABASE odoo2" >/dev/null
env -i PATH=/usr/bin:/bin HOME="$WORK" PGPASSWORD="$PG_PASSWORD" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" migrate db copy \
	--source "$SRC" --target "$DST" --db odoo:odoo2 --no-backup --split-larger-than 1 --jobs 1 --format json \
	>"$WORK/killed.out" 2>"$WORK/killed.err" &
pid=$!
for _ in $(seq 1 200); do
	[ "$(grep -c '"event":"copied"' "$WORK/killed.err" 2>/dev/null)" -ge 2 ] && break
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
done_before=$(psql_at "$TP" odoo2 -c "SELECT count(*) FROM kgenius_migrate.progress WHERE item LIKE 'data:%'" 2>/dev/null || echo 0)
check "migrate copy: killed after some parts were recorded ($done_before)" test "${done_before:-0}" -ge 1
kg migrate db copy --source "$SRC" --target "$DST" --db odoo:odoo2 --no-backup --split-larger-than 1 --jobs 2
check "migrate copy: the resumed copy exits 0" test "$RC" -eq 0
check "migrate copy: it skipped what was already copied" grep -qE "\($done_before already copied\)" "$E"
check "migrate copy: the resumed copy verifies identical (no lost or duplicated row)" grep -q 'verify odoo -> odoo2: OK: 5/5 tables identical' "$O"

# --- a worker whose target session is terminated mid-COPY: the run ends
# with the error, the source holds no open transaction, and it resumes ---
psql_at "$SP" postgres -c "CREATE DATABASE cut" >/dev/null
psql_at "$TP" postgres -c "CREATE DATABASE cut" >/dev/null
psql_at "$SP" cut -c "CREATE TABLE big (id int PRIMARY KEY, pad text);
	INSERT INTO big SELECT g, repeat('x', 1000) FROM generate_series(1, 30000) g; ANALYZE big" >/dev/null
# The worker's COPY on the target waits on a row lock held here (a unique
# index the test adds) at its second row, with megabytes of the part still
# to come from the source: it is caught mid-stream whatever the machine's
# speed, and its target session is terminated there.
PGPASSWORD=$PG_PASSWORD pg_dump --schema-only --section=pre-data "$(pg_conninfo "$SP" cut)" | psql_at "$TP" cut >/dev/null 2>&1
psql_at "$TP" cut -c "CREATE SCHEMA kgenius_migrate; CREATE TABLE kgenius_migrate.progress (item text PRIMARY KEY,
	rows bigint, bytes bigint, done_at timestamptz NOT NULL DEFAULT now()); CREATE UNIQUE INDEX big_hold ON big (id)" >/dev/null
psql_at "$TP" cut -c "BEGIN; INSERT INTO big VALUES (2, 'held'); SELECT pg_sleep(120)" >/dev/null 2>&1 &
holder=$!
timeout 60 env -i PATH=/usr/bin:/bin HOME="$WORK" PGPASSWORD="$PG_PASSWORD" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" migrate db copy \
	--source "$SRC" --target "$DST" --db cut --no-backup --split-larger-than 20 --jobs 1 --format json \
	>"$WORK/cut.out" 2>"$WORK/cut.err" &
cpid=$!
victim=
for _ in $(seq 1 300); do
	victim=$(psql_at "$TP" cut -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'kgenius-migrate'
		AND query LIKE 'COPY %' AND wait_event_type = 'Lock'" 2>/dev/null)
	[ -n "$victim" ] && break
	sleep 0.1
done
[ -n "$victim" ] && psql_at "$TP" postgres -c "SELECT pg_terminate_backend($victim)" >/dev/null
kill "$holder" 2>/dev/null
psql_at "$TP" postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'cut' AND query LIKE '%pg_sleep%'" >/dev/null
wait "$holder" 2>/dev/null
wait "$cpid"
RC=$?
check "migrate copy: a worker's target session was terminated mid-COPY (${victim:-not found})" test -n "$victim"
check "migrate copy: the run ends with exit 3, not a hang (exit $RC)" test "$RC" -eq 3
check "migrate copy: and says the target's session ended" grep -q 'terminat' "$WORK/cut.err"
left_src=1
for _ in $(seq 1 50); do # a closed session's backend takes a moment to leave pg_stat_activity
	left_src=$(psql_at "$SP" postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kgenius-migrate'")
	[ "$left_src" = 0 ] && break
	sleep 0.1
done
check "migrate copy: no kgenius session is left on the source ($left_src)" test "$left_src" = 0
psql_at "$TP" cut -c "DROP INDEX big_hold" >/dev/null
kg migrate db copy --source "$SRC" --target "$DST" --db cut --no-backup --split-larger-than 1 --jobs 2
check "migrate copy: the failed copy resumes and verifies identical" grep -q 'verify cut -> cut: OK: 1/1 tables identical' "$O"

# --- kgenius killed during the post-data step: its pg_restore dies with it,
# its work directory goes with the next run, and the resumed copy completes ---
SLOW=$WORK/slow
mkdir -p "$SLOW"
cat >"$SLOW/pg_restore" <<SH
#!/bin/sh
case "\$*" in *rest.list*) echo \$\$ >"$WORK/restore.pid"; exec sleep 60 ;; esac
exec /usr/bin/pg_restore "\$@"
SH
chmod +x "$SLOW/pg_restore"
psql_at "$TP" postgres -c "CREATE DATABASE odoo5" >/dev/null
rm -f "$WORK/restore.pid"
env -i PATH="$SLOW:/usr/bin:/bin" HOME="$WORK" PGPASSWORD="$PG_PASSWORD" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" migrate db copy \
	--source "$SRC" --target "$DST" --db odoo:odoo5 --no-backup --jobs 2 --format json >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -s "$WORK/restore.pid" ] && break; sleep 0.1; done
workdirs=$(ls -d /tmp/kgenius-migrate."$pid".* 2>/dev/null | wc -l)
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
child=$(cat "$WORK/restore.pid" 2>/dev/null)
for _ in $(seq 1 50); do kill -0 "${child:-0}" 2>/dev/null || break; sleep 0.1; done
check "migrate copy: killed during post-data, its pg_restore (${child:-none}) died with it" \
	sh -c "test -n '$child' && ! kill -0 '$child' 2>/dev/null"
[ -n "$child" ] && kill "$child" 2>/dev/null
kg migrate db copy --source "$SRC" --target "$DST" --db odoo:odoo5 --no-backup --jobs 2
check "migrate copy: the copy resumed after that completes and verifies identical" grep -q 'verify odoo -> odoo5: OK: 5/5 tables identical' "$O"
check "migrate copy: the killed run's work directory ($workdirs) is gone" \
	sh -c "test '$workdirs' -ge 1 && ! ls -d /tmp/kgenius-migrate.$pid.* >/dev/null 2>&1"

# --- a fresh backup on every run, named inside the backup directory ---
psql_at "$SP" keycloak -c "CREATE TABLE added_later (id int PRIMARY KEY)" >/dev/null
psql_at "$TP" postgres -c "CREATE DATABASE keycloak2" >/dev/null
kg migrate db copy --source "$SRC" --target "$DST" --db keycloak:keycloak2 --backup-dir "$WORK/backup"
check "migrate copy: the second copy with the same backup directory exits 0" test "$RC" -eq 0
check "migrate copy: its backup is fresh (holds the table created since the first)" \
	sh -c "pg_restore --list '$WORK/backup/keycloak.dump' | grep -q 'TABLE public added_later'"
psql_at "$SP" keycloak -c "DROP TABLE added_later" >/dev/null
psql_at "$SP" postgres -c 'CREATE DATABASE "../escape"' >/dev/null
psql_at "$TP" postgres -c 'CREATE DATABASE "../escape"' >/dev/null
kg migrate db copy --source "$SRC" --target "$DST" --db ../escape --backup-dir "$WORK/backup/inner"
check "migrate copy: a database named ../escape copies (exit 0)" test "$RC" -eq 0
check "migrate copy: its backup stays inside the backup directory" \
	sh -c "test -f '$WORK/backup/inner/%2E%2E%2Fescape.dump' && ! test -e '$WORK/backup/escape.dump'"
kg migrate db plan --source "$SRC" --target "$DST" --db odoo:
check "migrate: --db odoo: is a usage error (exit 2), not the maintenance database" test "$RC" -eq 2
kg migrate db plan --source "$SRC" --target "$DST" --db :odoo
check "migrate: --db :odoo is a usage error (exit 2)" test "$RC" -eq 2
kg migrate db plan --source "$SRC" --target "$DST" --db nosuchdb
check "migrate plan: a database it cannot reach is a blocker with libpq's reason" grep -q 'BLOCKER.*database "nosuchdb" does not exist' "$O"
kg migrate db copy --source "$SRC" --target "$DST" --db keycloak:nosuchdb --no-backup
check "migrate copy: into a database that does not exist, exit 3 with libpq's reason" \
	sh -c "test $RC -eq 3 && grep -q 'database \"nosuchdb\" does not exist' '$E'"
check "migrate copy: and no stray warning about a transaction it never began" sh -c "! grep -q 'no transaction in progress' '$E'"
kg migrate db --help
check "migrate db --help: exit 0 with the usage" sh -c "test $RC -eq 0 && grep -q 'usage: kgenius migrate db' '$O'"

# --- passwords: never on a child's command line ---
SHIM=$WORK/shim
mkdir -p "$SHIM"
for tool in pg_dump pg_restore; do
	cat >"$SHIM/$tool" <<SH
#!/bin/sh
echo "$tool \$*" >>"$WORK/argv.log"
[ -n "\$PGPASSWORD" ] && echo "$tool has PGPASSWORD" >>"$WORK/argv.log"
exec /usr/bin/$tool "\$@"
SH
	chmod +x "$SHIM/$tool"
done
printf '%s\n' "$PG_PASSWORD" >"$WORK/pw"
chmod 600 "$WORK/pw"
psql_at "$TP" postgres -c "CREATE DATABASE odoo3" >/dev/null
env -i PATH="$SHIM:/usr/bin:/bin" HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" migrate db copy \
	--source "$SRC" --target "$DST" --source-password-file "$WORK/pw" --target-password-file "$WORK/pw" \
	--db keycloak:odoo3 --backup-dir "$WORK/backup3" >"$O" 2>"$E"
RC=$?
check "migrate copy with password files: exit 0" test "$RC" -eq 0
check "migrate copy: pg_dump and pg_restore ran" test "$(grep -c '^pg_' "$WORK/argv.log")" -ge 3
check "migrate copy: no child had the password on its command line" sh -c "! grep -q '$PG_PASSWORD' '$WORK/argv.log'"
check "migrate copy: each child had it in PGPASSWORD" grep -q 'pg_restore has PGPASSWORD' "$WORK/argv.log"
check "migrate copy: the report never prints it" sh -c "! grep -q '$PG_PASSWORD' '$O' '$E'"
printf 'wrong-password\n' >"$WORK/badpw"
env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" migrate db verify --source "$SRC" \
	--target "$DST" --source-password-file "$WORK/badpw" --db odoo >"$O" 2>"$E"
RC=$?
check "migrate: a wrong password exits 3" test "$RC" -eq 3
check "migrate: and says authentication failed, without the password" \
	sh -c "grep -q 'password authentication failed' '$E' && ! grep -q wrong-password '$E'"
kg migrate db copy --source "$SRC" --target "$DST" --db odoo:busy --no-backup
check "migrate copy: into a database it did not create exits 3" test "$RC" -eq 3
check "migrate copy: and says why" grep -q 'already holds some of the source' "$E"
kg migrate db copy --source "$SRC" --target "$DST" --db odoo
check "migrate copy: no backup directory is a usage error (exit 2)" test "$RC" -eq 2

# --- online: start, a writer that never stops, cutover, rollback, abort ---
psql_at "$SP" postgres -c "CREATE DATABASE erp" -c "CREATE ROLE app LOGIN PASSWORD 'app-pw'" >/dev/null
psql_at "$SP" erp -v rows=20000 -f "$ROOT/tests/data/migrate/odoo-like.sql" >/dev/null
psql_at "$SP" erp -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO app; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO app" >/dev/null
psql_at "$TP" postgres -c "CREATE DATABASE erp" -c "CREATE ROLE app LOGIN PASSWORD 'app-pw'" >/dev/null

kg migrate db start --source "$SRC" --target "$DST" --db erp --no-backup
check "migrate start: refuses a table without replica identity (exit 3)" test "$RC" -eq 3
check "migrate start: names it and the fix" grep -q 'res_groups_users_rel has no primary key.*--fix-replica-identity' "$E"
check "migrate start: left nothing behind" test "$(psql_at "$SP" erp -c "SELECT count(*) FROM pg_publication")" = 0
kg migrate db start --source "$SRC" --target "$DST" --db erp:busy --no-backup --fix-replica-identity
check "migrate start: into a target that holds tables, exit 3" test "$RC" -eq 3
check "migrate start: the failed start removed its publication and slot" test "$(psql_at "$SP" erp -c \
	"SELECT (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_replication_slots)")" = 0
check "migrate start: and put back the replica identity it changed" \
	test "$(psql_at "$SP" erp -c "SELECT relreplident FROM pg_class WHERE relname = 'res_groups_users_rel'")" = d

# The writer: one INSERT every few milliseconds as the application role,
# on the source until the cutover's hook says the switch is made, then on
# the target; "id|time" is printed only once committed (autocommit); after a
# lost session it connects again, and while fenced it is refused.
writer() { # DB LOG
	local db=$1 log=$2 port
	while [ ! -e "$WORK/stop-writer" ]; do
		port=$SP
		[ -e "$WORK/switched" ] && port=$TP
		while [ ! -e "$WORK/stop-writer" ]; do
			echo "INSERT INTO account_move (name, amount, payload) VALUES ('/', 1, '{\"w\": 1}') RETURNING id, extract(epoch from clock_timestamp());"
			sleep 0.003
		done | PGPASSWORD=app-pw psql -X -q -A -t -h 127.0.0.1 -p "$port" -U app -d "$db" >>"$log" 2>>"$log.err"
		sleep 0.02
	done
}
ids() { grep -E '^[0-9]+\|' "$1" | cut -d'|' -f1 | sort -n; }
rm -f "$WORK/stop-writer" "$WORK/switched"
writer erp "$WORK/ids.src" &
wpid=$!
sleep 0.3
kg migrate db start --source "$SRC" --target "$DST" --db erp --no-backup --fix-replica-identity --jobs 2
check "migrate start: copy in the slot's snapshot, then replicating (exit 0)" test "$RC" -eq 0
check "migrate start: the many2many table got its unique index as replica identity" grep -q 'REPLICA IDENTITY USING INDEX' "$E"
psql_at "$TP" erp -c "GRANT ALL ON ALL TABLES IN SCHEMA public TO app; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO app" >/dev/null
psql_at "$SP" erp -c "UPDATE res_groups_users_rel SET gid = 20 WHERE uid = 3; DELETE FROM res_partner WHERE id = 19999" >/dev/null
check "migrate start: UPDATE and DELETE still work on the source" test "$(psql_at "$SP" erp -c "SELECT count(*) FROM res_groups_users_rel WHERE uid = 3 AND gid = 20")" -ge 1
sleep 0.5
kg migrate db status --source "$SRC" --target "$DST" --db erp
check "migrate status: slot active, subscription enabled, no apply error" grep -q 'slot kgenius_erp active, subscription enabled, lag [0-9]* bytes, apply errors 0' "$O"
psql_at "$SP" erp -c "ALTER SEQUENCE ir_sequence_002 RESTART WITH 777" >/dev/null
kg migrate db cutover --source "$SRC" --target "$DST" --db erp --keep-rollback \
	--hook "touch $WORK/hook-ran $WORK/switched; echo hook says hello" --format json
check "migrate cutover: exit 0" test "$RC" -eq 0
check "migrate cutover: the hook's output is not in the JSON report" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$O"
check "migrate cutover: a sequence restarted on the source (is_called = false) hands out its restart value" \
	test "$(psql_at "$TP" erp -c "SELECT nextval('ir_sequence_002')")" = 777
check "migrate cutover: the hook ran at the switch point" test -e "$WORK/hook-ran"
window=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["write_unavailable_seconds"])' "$O" 2>/dev/null)
echo "# migrate cutover: writes refused for ${window:-?} s under a writer: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["steps"])' "$O" 2>/dev/null)"
check "migrate cutover --keep-rollback: write-unavailability window under 2 s as kgenius measures it (${window:-?} s)" \
	python3 -c "import sys; sys.exit(not float('${window:-99}') < 2)"
check "migrate cutover: an application session cannot write to the old database, not even with BEGIN READ WRITE" \
	sh -c "! PGPASSWORD=app-pw psql -X -q -h 127.0.0.1 -p $SP -U app -d erp -c \"BEGIN READ WRITE; INSERT INTO account_move (name, amount) VALUES ('/', 3); COMMIT\" 2>/dev/null"
before=$(ids "$WORK/ids.src" | wc -l)
for _ in $(seq 1 300); do [ "$(ids "$WORK/ids.src" | wc -l)" -gt $((before + 20)) ] && break; sleep 0.05; done
touch "$WORK/stop-writer"
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
gap=$(python3 -c 'import sys; t=sorted(float(l.split("|")[1]) for l in open(sys.argv[1]) if "|" in l); print("%.3f" % max(b-a for a,b in zip(t,t[1:])))' "$WORK/ids.src")
echo "# migrate cutover: the writer's longest gap between two commits: ${gap:-?} s"
check "migrate cutover --keep-rollback: the writer's own longest gap between commits is under 2 s (${gap:-?} s)" \
	python3 -c "import sys; sys.exit(not float('${gap:-99}') < 2)"
committed=$(ids "$WORK/ids.src" | wc -l)
check "migrate cutover: the writer committed rows before and after the switch ($committed)" test "$committed" -gt 40
check "migrate cutover: while fenced the source refused the application" grep -q 'too many connections for database' "$WORK/ids.src.err"
ids "$WORK/ids.src" >"$WORK/ids.want"
psql_at "$TP" erp -c "SELECT id FROM account_move WHERE payload->>'w' = '1' ORDER BY id" >"$WORK/ids.got"
check "migrate cutover: every committed id is on the target, none lost ($committed)" sh -c "comm -23 '$WORK/ids.want' '$WORK/ids.got' | wc -l | grep -qx 0"
check "migrate cutover: and none appeared twice" test "$(sort "$WORK/ids.got" | uniq -d | wc -l)" -eq 0
# the way back has applied the target's commits before the two are compared
for _ in $(seq 1 300); do
	[ "$(psql_at "$TP" erp -c "SELECT confirmed_flush_lsn >= pg_current_wal_lsn() FROM pg_replication_slots WHERE slot_name = 'kgenius_back_erp'")" = t ] && break
	sleep 0.05
done
kg migrate db verify --source "$SRC" --target "$DST" --db erp
check "migrate cutover: the target verifies identical to the source" grep -q 'verify erp -> erp: OK: 5/5 tables identical' "$O"
check "migrate cutover: target sequences continue after the source's" \
	test "$(psql_at "$TP" erp -c "SELECT nextval('account_move_id_seq') > (SELECT max(id) FROM account_move)")" = t

# after the switch the application writes to the target; rollback brings them back
rm -f "$WORK/stop-writer"
writer erp "$WORK/ids.dst" &
wpid=$!
# A superuser (who can override any fence) writes a row on the old database;
# the application then writes the same id on the new one: the way back
# cannot apply it. The id is far beyond what the writer reaches.
conflict=$(psql_at "$TP" erp -c "SELECT last_value + 1000000 FROM account_move_id_seq")
psql_at "$SP" erp -c "SET default_transaction_read_only = off" -c "INSERT INTO account_move (id, name, amount) VALUES ($conflict, 'conflict', 0)" >/dev/null
PGPASSWORD=app-pw psql -X -q -h 127.0.0.1 -p "$TP" -U app -d erp -c "INSERT INTO account_move (id, name, amount) VALUES ($conflict, 'new side', 0)" >/dev/null
started=$(date +%s)
kg migrate db rollback --source "$SRC" --target "$DST" --db erp
took=$(( $(date +%s) - started ))
check "migrate rollback: a conflict on the old database fails the rollback (exit 3)" test "$RC" -eq 3
check "migrate rollback: at once, not after the 60 s timeout (${took} s)" test "$took" -lt 30
check "migrate rollback: and says it is a conflict" grep -q 'failed to apply a change (a conflict' "$E"
check "migrate rollback: the new database takes the application's writes again" \
	sh -c "PGPASSWORD=app-pw psql -X -q -A -t -h 127.0.0.1 -p $TP -U app -d erp -c \"INSERT INTO account_move (name, amount) VALUES ('/', 4) RETURNING id\" | grep -qE '^[0-9]+$'"
psql_at "$SP" erp -c "SET default_transaction_read_only = off" -c "DELETE FROM account_move WHERE name = 'conflict'" >/dev/null
kg migrate db rollback --source "$SRC" --target "$DST" --db erp
check "migrate rollback: exit 0" test "$RC" -eq 0
touch "$WORK/stop-writer"
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
ids "$WORK/ids.dst" >"$WORK/ids.want2"
psql_at "$SP" erp -c "SELECT id FROM account_move WHERE payload->>'w' = '1' ORDER BY id" >"$WORK/ids.got2"
check "migrate rollback: the writes made on the target are all on the source ($(wc -l <"$WORK/ids.want2"))" \
	sh -c "test -s '$WORK/ids.want2' && comm -23 '$WORK/ids.want2' '$WORK/ids.got2' | wc -l | grep -qx 0"
check "migrate rollback: the source accepts the application's writes again" \
	sh -c "PGPASSWORD=app-pw psql -X -q -A -t -h 127.0.0.1 -p $SP -U app -d erp -c \"INSERT INTO account_move (name, amount) VALUES ('/', 2) RETURNING id\" | grep -qE '^[0-9]+$'"
check "migrate rollback: the target is read-only for the application" \
	sh -c "! PGPASSWORD=app-pw psql -X -q -h 127.0.0.1 -p $TP -U app -d erp -c \"INSERT INTO account_move (name, amount) VALUES ('/', 2)\" 2>/dev/null"

# abort at any stage leaves nothing behind on either side
psql_at "$TP" postgres -c "CREATE DATABASE erp2" >/dev/null
kg migrate db start --source "$SRC" --target "$DST" --db erp:erp2 --no-backup --fix-replica-identity
check "migrate start again (into erp2): exit 0" test "$RC" -eq 0
kg migrate db abort --source "$SRC" --target "$DST" --db erp:erp2
check "migrate abort: exit 0" test "$RC" -eq 0
left=$(( $(psql_at "$SP" erp -c "SELECT count(*) FROM pg_replication_slots") + $(psql_at "$SP" erp -c "SELECT count(*) FROM pg_publication") \
	+ $(psql_at "$SP" erp -c "SELECT count(*) FROM pg_subscription") + $(psql_at "$TP" erp2 -c "SELECT count(*) FROM pg_subscription") \
	+ $(psql_at "$TP" erp2 -c "SELECT count(*) FROM pg_publication") + $(psql_at "$TP" erp2 -c "SELECT count(*) FROM pg_replication_slots") ))
check "migrate abort: no slot, publication or subscription on either side ($left)" test "$left" -eq 0
check "migrate: the subscription's password never reached the servers' logs" \
	sh -c "! grep -q '$PG_PASSWORD' '$PGROOT/src.log' '$PGROOT/dst.log'"
kg migrate db status --source "$SRC" --target "$DST" --db erp:erp2 --format json --watch 2
check "migrate status --watch 2 --format json: two JSON lines, the slot gone after abort" \
	python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; sys.exit(not (len(l)==2 and not l[0]["slot_active"] and l[0]["subscription"]=="missing"))' "$O"

# --- the traffic plan: the old Traefik forwards both names to the cluster ---
kg migrate traffic --domain example.com --to 203.0.113.10 -o "$WORK/traffic.yaml"
check "migrate traffic: exit 0" test "$RC" -eq 0
check "migrate traffic: HTTPS of erp and auth passed through by SNI to the load balancer" python3 -c '
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
r = c["tcp"]["routers"]
ok = all(r["kgenius-%s-https" % n]["rule"] == "HostSNI(`%s.example.com`)" % n and r["kgenius-%s-https" % n]["tls"]["passthrough"] is True
         and r["kgenius-%s-https" % n]["entryPoints"] == ["websecure"] for n in ("erp", "auth"))
ok = ok and c["tcp"]["services"]["kgenius-cluster-https"]["loadBalancer"]["servers"] == [{"address": "203.0.113.10:443"}]
h = c["http"]["routers"]["kgenius-erp-http"]
ok = ok and h["rule"] == "Host(`erp.example.com`)" and h["priority"] > 1000
ok = ok and c["http"]["services"]["kgenius-cluster-http"]["loadBalancer"]["servers"] == [{"url": "http://203.0.113.10"}]
sys.exit(not ok)' "$WORK/traffic.yaml"
check "migrate traffic: the plan says to lower the TTL first and names the hook" \
	sh -c "grep -q 'lower the TTL' '$O' && grep -q -- \"--hook 'cp $WORK/traffic.yaml\" '$O'"
kg migrate traffic --domain 'example.com`) || HostSNI(`*' --to 203.0.113.10 -o "$WORK/bad.yaml"
check "migrate traffic: a domain that would break out of the rule is refused (exit 2)" \
	sh -c "test $RC -eq 2 && ! test -e '$WORK/bad.yaml'"
