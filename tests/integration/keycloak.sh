#!/usr/bin/env bash
# kgenius migrate keycloak check on realm export fixtures: a complete
# export, the two traps (a realm file without its users files, a partial
# export with masked secrets), the counts against a database laid out with
# Keycloak's tables, and the import Job, which kgenius lint must accept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

O=$WORK/out
E=$WORK/err
FIX=$ROOT/tests/data/migrate/keycloak
kc() {
	env -i PATH=/usr/bin:/bin HOME="$WORK" PGPASSWORD="$PG_PASSWORD" ASAN_OPTIONS="$ASAN_OPTIONS" \
		UBSAN_OPTIONS="$UBSAN_OPTIONS" "$KG" migrate keycloak check "$@" >"$O" 2>"$E"
	RC=$?
}

kc "$FIX/complete" --format json --job "$WORK/job.yaml" --namespace erp --db-host keycloak-db
check "keycloak check: a complete export exits 0" test "$RC" -eq 0
check "keycloak check: counts users, clients, roles, groups with subgroups, identity providers" \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["realms"][0]; e=r["export"]; sys.exit(not (r["realm"]=="insightpulse" and r["keycloak_version"]=="26.0.7" and e=={"users":4,"clients":3,"realm_roles":2,"client_roles":3,"groups":3,"identity_providers":1}))' "$O"
check "keycloak check: the Job imports with the export's Keycloak version" grep -q 'image: quay.io/keycloak/keycloak:26.0.7' "$WORK/job.yaml"
check "keycloak check: the Job reads the export from a Secret, never a ConfigMap" grep -q 'secretName: keycloak-realm-export' "$WORK/job.yaml"
"$KG_REL" lint --fail-on error "$WORK/job.yaml" >"$WORK/lint.out" 2>&1
check "keycloak check: kgenius lint finds no error in the Job" test $? -eq 0

kc "$FIX/realm-only"
check "keycloak check: a realm file without its users files exits 1" test "$RC" -eq 1
check "keycloak check: and says the import would create no user" grep -q 'create no user' "$O"
kc "$FIX/partial"
check "keycloak check: a partial export exits 1" test "$RC" -eq 1
check "keycloak check: and names the masked secrets" grep -q 'client secrets are masked' "$O"
kc "$WORK/nowhere"
check "keycloak check: no export directory exits 3" test "$RC" -eq 3

# --- counts against databases laid out like Keycloak's ---
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	fail "keycloak check: PostgreSQL server" "no server binaries (tools/install-deps --test installs them)"
	exit 0
fi
P=$(free_port)
pg_start kc "$P" || { fail "keycloak check: start a cluster" "$(cat "$PGROOT"/kc.*log)"; exit 0; }
for db in kcsrc kcdst; do
	psql_at "$P" postgres -c "CREATE DATABASE $db" >/dev/null
	psql_at "$P" "$db" -c "
	CREATE TABLE realm (id varchar(36) PRIMARY KEY, name varchar(255) UNIQUE);
	CREATE TABLE user_entity (id varchar(36) PRIMARY KEY, realm_id varchar(255), username varchar(255));
	CREATE TABLE client (id varchar(36) PRIMARY KEY, realm_id varchar(36), client_id varchar(255));
	CREATE TABLE keycloak_role (id varchar(36) PRIMARY KEY, realm_id varchar(255), client_role boolean, client varchar(36), name varchar(255));
	CREATE TABLE keycloak_group (id varchar(36) PRIMARY KEY, realm_id varchar(36), name varchar(255), parent_group varchar(36));
	CREATE TABLE identity_provider (internal_id varchar(36) PRIMARY KEY, realm_id varchar(36), provider_alias varchar(255));
	INSERT INTO realm VALUES ('r1', 'insightpulse');
	INSERT INTO user_entity VALUES ('u1', 'r1', 'alice'), ('u2', 'r1', 'bob'), ('u3', 'r1', 'carol'), ('u4', 'r1', 'service-account-odoo');
	INSERT INTO client VALUES ('c1', 'r1', 'odoo'), ('c2', 'r1', 'realm-management'), ('c3', 'r1', 'account');
	INSERT INTO keycloak_role VALUES ('k1', 'r1', false, NULL, 'erp-user'), ('k2', 'r1', false, NULL, 'erp-admin'),
	  ('k3', 'c1', true, 'c1', 'manager'), ('k4', 'c1', true, 'c1', 'viewer'), ('k5', 'c2', true, 'c2', 'view-users');
	INSERT INTO keycloak_group VALUES ('g1', 'r1', 'finance', NULL), ('g2', 'r1', 'payables', 'g1'), ('g3', 'r1', 'sales', NULL);
	INSERT INTO identity_provider VALUES ('i1', 'r1', 'google');" >/dev/null
done
psql_at "$P" kcdst -c "DELETE FROM user_entity WHERE id = 'u3'" >/dev/null
SRCDB=$(pg_conninfo "$P")
kc "$FIX/complete" --source "$SRCDB" --source-db kcsrc
check "keycloak check: the export matches the source database (exit 0)" test "$RC" -eq 0
check "keycloak check: the source's counts are shown" grep -q 'source   users 4, clients 3, realm roles 2, client roles 3, groups 3, identity providers 1' "$O"
kc "$FIX/complete" --source "$SRCDB" --source-db kcsrc --target "$SRCDB" --target-db kcdst
check "keycloak check: a target that lacks a user exits 1" test "$RC" -eq 1
check "keycloak check: and says the import did not complete" grep -q 'target database.s counts differ' "$O"
psql_at "$P" kcsrc -c "INSERT INTO user_entity VALUES ('u5', 'r1', 'dave')" >/dev/null
kc "$FIX/complete" --source "$SRCDB" --source-db kcsrc
check "keycloak check: an export older than the source database exits 1" test "$RC" -eq 1
check "keycloak check: and says to export again" grep -q 'export again' "$O"
