#!/usr/bin/env bash
# kgenius verify against local servers started here (verify_server.py): an
# "old" deployment over HTTP, a "new" one over HTTPS with a self-signed
# certificate, a slow one, one whose Keycloak issuer is wrong, certificates
# near expiry or for another host; and the data checks against a real
# PostgreSQL cluster and real filestore directories.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

O=$WORK/out
E=$WORK/err
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; pg_cleanup; rm -rf "$WORK"' EXIT

serve() { # NAME ARGS...: starts a server, sets PORT
	local name=$1
	shift
	python3 "$ROOT/tests/integration/verify_server.py" "$WORK/$name.port" "$@" &
	PIDS+=($!)
	for _ in $(seq 1 100); do
		[ -s "$WORK/$name.port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$WORK/$name.port")
}
cert() { # NAME DAYS HOST
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/$1.key" -out "$WORK/$1.pem" -days "$2" \
		-subj "/CN=$3" -addext "subjectAltName=DNS:$3" >/dev/null 2>&1
}
kv() {
	env -i PATH=/usr/bin:/bin HOME="$WORK" PGPASSWORD="$PG_PASSWORD" ASAN_OPTIONS="$ASAN_OPTIONS" \
		UBSAN_OPTIONS="$UBSAN_OPTIONS" "$KG" verify "$@" >"$O" 2>"$E"
	RC=$?
}
ok_of() { # NAME: "true" or "false" for that check in the JSON report
	python3 -c 'import json,sys; print(str([c["ok"] for c in json.load(open(sys.argv[1]))["checks"] if c["name"]==sys.argv[2]][0]).lower())' "$O" "$1"
}

cert good 365 localhost
cert soon 5 localhost
serve old
OLD=http://127.0.0.1:$PORT
serve new --tls "$WORK/good.pem" "$WORK/good.key"
NEW=https://localhost:$PORT
NEWIP=https://127.0.0.1:$PORT
# 1 s per request: large against any scheduling noise on a loaded machine, so
# "slower" is certain (its median is at least 1000 ms, its rate at most 4/s)
serve slow --delay-ms 1000
SLOW=http://127.0.0.1:$PORT
serve wrongissuer --issuer-base http://old-host.example
WRONG=http://127.0.0.1:$PORT
serve expiring --tls "$WORK/soon.pem" "$WORK/soon.key"
SOON=https://localhost:$PORT
serve nows --no-websocket
NOWS=http://127.0.0.1:$PORT
serve bigdiscovery --discovery-entries 290000
BIG=http://127.0.0.1:$PORT

kv --odoo "$NEW" --keycloak "$NEW" --realm insightpulse --keycloak-management "$OLD" --cacert "$WORK/good.pem" \
	--format json
check "verify: a healthy deployment passes every check (exit 0)" test "$RC" -eq 0
check "verify: Odoo health, login and websocket upgrade" sh -c "[ $(ok_of 'odoo /web/health') = true ] && [ $(ok_of 'odoo /web/login') = true ] && [ $(ok_of 'odoo websocket upgrade') = true ]"
check "verify: Keycloak discovery with the public issuer, and readiness" sh -c "[ $(ok_of 'keycloak discovery') = true ] && [ $(ok_of 'keycloak /health/ready') = true ]"
check "verify: the certificate's host name and expiry" \
	python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["group"]=="tls"]; sys.exit(not (len(c)==2 and all(x["ok"] for x in c) and "expires in 36" in c[0]["detail"]))' "$O"
# The same server measured twice: two runs one after the other on a shared
# machine can differ by any factor, so the allowance is wide; what is tested
# is that both are measured and compared, not the machine's steadiness.
kv --odoo "$OLD" --compare-with "$OLD" --duration 2 --concurrency 4 --max-slowdown 10000 --format json
check "verify: a new deployment as fast as the old one passes (exit 0)" test "$RC" -eq 0
check "verify: old and new measured side by side (requests, p50/p95/p99)" \
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["performance"]; sys.exit(not (p["old"]["requests"]>0 and p["new"]["requests"]>0 and p["new"]["p99_ms"]>=p["new"]["p50_ms"]>0))' "$O"

kv --odoo "$SLOW" --compare-with "$OLD" --duration 2 --concurrency 4 --max-slowdown 100 --format json
check "verify: a new deployment slower than the old one fails (exit 1)" test "$RC" -eq 1
check "verify: the performance check is the one that failed" test "$(ok_of 'request mix')" = false

kv --keycloak "$WRONG" --realm insightpulse
check "verify: a Keycloak issuer other than the public URL fails" sh -c "[ $RC -eq 1 ] && grep -q 'the issuer is not' '$O'"
# a discovery document of 580 KB (290,000 entries): not parsed, named; within 256 MB
env -i PATH=/usr/bin:/bin HOME="$WORK" prlimit --as=$((256 * 1024 * 1024)) -- \
	"$KG_REL" verify --keycloak "$BIG" --realm insightpulse >"$O" 2>"$E"
RC=$?
check "verify: a huge discovery document fails, named, within 256 MB" sh -c "[ $RC -eq 1 ] && grep -q 'answered more than 64 KiB' '$O'"
kv --odoo "$SOON" --cacert "$WORK/soon.pem" --format json
check "verify: a certificate expiring within 14 days fails" \
	python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["group"]=="tls"][0]; sys.exit(not (not c["ok"] and "renew" in c["detail"]))' "$O"
kv --odoo "$NEWIP" --cacert "$WORK/good.pem" --format json
check "verify: a certificate for another host name fails" test "$(ok_of "certificate of $NEWIP")" = false
kv --odoo "$NEW"
check "verify: an untrusted certificate fails without --cacert" sh -c "[ $RC -eq 1 ] && grep -q 'FAIL.*tls' '$O'"
kv --odoo "$NOWS"
check "verify: no websocket upgrade on /websocket fails" sh -c "[ $RC -eq 1 ] && grep -q 'FAIL.*odoo websocket upgrade.*answered 400' '$O'"
kv --odoo http://127.0.0.1:1
check "verify: an unreachable deployment fails, saying why" sh -c "[ $RC -eq 1 ] && grep -q 'Could not connect\|Couldn.t connect' '$O'"
kv
check "verify: nothing to verify is a usage error (exit 2)" test "$RC" -eq 2

# --- data: databases and filestore ---
mkdir -p "$WORK/fs-src/filestore/odoo/ab" "$WORK/fs-dst/filestore/odoo/ab"
printf 'attachment' >"$WORK/fs-src/x"
sha=$(sha1sum <"$WORK/fs-src/x" | cut -c1-40)
rm "$WORK/fs-src/x"
mkdir -p "$WORK/fs-src/filestore/odoo/${sha:0:2}" "$WORK/fs-dst/filestore/odoo/${sha:0:2}"
printf 'attachment' >"$WORK/fs-src/filestore/odoo/${sha:0:2}/$sha"
printf 'attachment' >"$WORK/fs-dst/filestore/odoo/${sha:0:2}/$sha"
kv --filestore "$WORK/fs-src:$WORK/fs-dst" --filestore-target-shell "sh -c 'exec sh'"
check "verify: identical filestores pass" test "$RC" -eq 0
printf 'attachmenT' >"$WORK/fs-dst/filestore/odoo/${sha:0:2}/$sha"
kv --filestore "$WORK/fs-src:$WORK/fs-dst"
check "verify: a changed file on the target fails and is named" sh -c "[ $RC -eq 1 ] && grep -q 'FAIL.*filestore.*$sha' '$O'"
check "verify: verify changes nothing" grep -q 'attachmenT' "$WORK/fs-dst/filestore/odoo/${sha:0:2}/$sha"
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
	P=$(free_port)
	pg_start v "$P" || fail "verify: start a cluster" "$(cat "$PGROOT"/v.*log)"
	for db in a b; do
		psql_at "$P" postgres -c "CREATE DATABASE $db" >/dev/null
		psql_at "$P" "$db" -c "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g" >/dev/null
	done
	kv --source "$(pg_conninfo "$P")" --target "$(pg_conninfo "$P")" --db a:b
	check "verify: identical databases pass" test "$RC" -eq 0
	psql_at "$P" b -c "UPDATE t SET v = 'x' WHERE id = 7" >/dev/null
	kv --source "$(pg_conninfo "$P")" --target "$(pg_conninfo "$P")" --db a:b
	check "verify: a changed row fails the database check" sh -c "[ $RC -eq 1 ] && grep -q 'FAIL.*database a -> b.*0/1 tables identical' '$O'"
	check "verify: the differing table is counted as a difference" grep -q 'FAIL.*database a -> b.*0/1 tables identical.* 1 differences' "$O"
fi
