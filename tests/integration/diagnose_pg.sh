#!/usr/bin/env bash
# diagnose against PostgreSQL's own errors: a real server (Debian's) is made
# to fail in ways no knowledge-base entry describes (a template database's
# collation left this list when an entry for it was written), and diagnose reads the
# server's log. PostgreSQL judges the answer: psql's verbose report of the
# same error gives its SQLSTATE and the C function that raised it
# (LOCATION), and the catalogue diagnose names must give the same two. A
# client program's error (pg_dump) must be named as that program's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

P=55493
pg_start dx "$P" "log_line_prefix = '%m [%p] '" ||
	{ fail "diagnose (PostgreSQL): start a cluster" "$(cat "$PGROOT"/dx.*log)"; exit 0; }

# Each statement fails in the last of its commands.
statements=(
	"SELECT no_such_function(1)"
	"SELECT 1/0"
	"CREATE TABLE c(a int); INSERT INTO c VALUES (1); ALTER TABLE c ADD CONSTRAINT c_big CHECK (a > 5)"
	"BEGIN; VACUUM"
	"CREATE ROLE r; CREATE TABLE owned(a int); ALTER TABLE owned OWNER TO r; DROP ROLE r"
	"CREATE TABLE p(id int primary key); CREATE TABLE ch(p int references p); INSERT INTO ch VALUES (7)"
	"SELECT 'abc'::int"
	"CREATE INDEX ON pg_class(relname)"
)

n=0
for sql in "${statements[@]}"; do
	n=$((n + 1))
	before=$(wc -l <"$PGROOT/dx.log")
	PGPASSWORD=$PG_PASSWORD psql -X -q -v VERBOSITY=verbose -h 127.0.0.1 -p "$P" -U postgres -d postgres \
		-c "$sql" >"$WORK/psql$n.txt" 2>&1
	tail -n +"$((before + 1))" "$PGROOT/dx.log" >"$WORK/log$n.txt"
	# "ERROR:  22012: division by zero" and "LOCATION:  int4div, int.c:869"
	code=$(sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\): .*/\1/p' "$WORK/psql$n.txt" | head -1)
	func=$(sed -n 's/^LOCATION:  \([A-Za-z0-9_]*\), .*/\1/p' "$WORK/psql$n.txt" | head -1)
	message=$(sed -n 's/^ERROR:  [0-9A-Z]\{5\}: //p' "$WORK/psql$n.txt" | head -1)
	if [ -z "$code" ] || [ -z "$func" ]; then
		fail "diagnose (PostgreSQL): the server reports '$sql' with a SQLSTATE and a location" "$(cat "$WORK/psql$n.txt")"
		continue
	fi
	run_kg "$WORK/dx$n.json" "$WORK/dx$n.err" diagnose --format json "$WORK/log$n.txt"
	got=$(python3 - "$WORK/dx$n.json" "$func" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))["diagnoses"]
		top = d[0] if d else {}
		places = top.get("catalogue", {}).get("places", [])
		# the place the server names, if the message has it
		found = [p for p in places if p["function"] == sys.argv[2]]
		print(top.get("kind", "none"), (found or places or [{"sqlstate": ""}])[0]["sqlstate"][:5],
		      found[0]["function"] if found else "-")
	EOF
	)
	check "diagnose (PostgreSQL): '$message' named from the catalogue as $code, raised in $func() (exit 1)" \
		test "$got" = "catalogue $code $func" -a "$RC" -eq 1
	[ "$got" = "catalogue $code $func" ] || echo "#   got: $got; the log: $(cat "$WORK/log$n.txt")"
done

# The human report gives PostgreSQL's hint and the source line.
run_kg "$WORK/dx1.txt" "$WORK/dx1.err" diagnose "$WORK/log1.txt"
check "diagnose (PostgreSQL): the report quotes PostgreSQL's hint and links the source at its release" \
	grep -q "fix: PostgreSQL's own hint: No function matches the given name and argument types" \
	"$WORK/dx1.txt"
check "diagnose (PostgreSQL): ... and links the source line at its release tag" \
	grep -Eq "source: https://github.com/postgres/postgres/blob/REL_[0-9]+_[0-9]+/src/backend/parser/parse_func.c#L[0-9]+" \
	"$WORK/dx1.txt"

# A client program: pg_dump's own message, named as pg_dump's.
PGPASSWORD=$PG_PASSWORD pg_dump --strict-names -t no_such_table -h 127.0.0.1 -p "$P" -U postgres postgres \
	>/dev/null 2>"$WORK/dump.txt"
run_kg "$WORK/dump.json" "$WORK/dump.err" diagnose --format json "$WORK/dump.txt"
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnoses"]; t=d[0] if d else {}; print(t.get("kind"), t.get("catalogue", {}).get("program"))' "$WORK/dump.json")
check "diagnose (PostgreSQL): pg_dump's error ($(head -c 80 "$WORK/dump.txt")) named as pg_dump's" \
	test "$got" = "catalogue pg_dump"
