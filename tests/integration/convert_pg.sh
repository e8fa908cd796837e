#!/usr/bin/env bash
# Every corpus stack that convert turns into a PostgreSQL StatefulSet, judged
# by a real PostgreSQL: the server starts with exactly the settings of the
# manifests, the image's first-start steps and the manifests' init script
# run, and every application role logs in over TCP with its Secret's values.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

[ -x "$PGBIN/postgres" ] || { fail "convert_pg: PostgreSQL server binaries" "none under /usr/lib/postgresql"; exit 0; }
[ "$(id -u)" = 0 ] && chown postgres "$PGROOT"
chmod 755 "$PGROOT"

# judge NAME OUTDIR: one stack against a fresh cluster.
judge() {
	local name=$1 out=$2 d=$PGROOT/$1 port settings=() s
	mkdir -p "$d/spec"
	python3 "$ROOT/tests/integration/pg_stack.py" "$out" "$d/spec"
	case $? in
		0) ;;
		3) ok "convert_pg: corpus $name runs no PostgreSQL of its own"; return ;;
		*) fail "convert_pg: corpus $name" "pg_stack.py could not read the output"; return ;;
	esac
	chmod -R a+rX "$d"
	# The official image's entrypoint: POSTGRES_USER and POSTGRES_DB default
	# to postgres when unset or empty.
	(
		. "$d/spec/env.sh"
		printf '%s\n' "$POSTGRES_PASSWORD" >"$d/pw"
		printf '%s\n' "${POSTGRES_USER:-postgres}" >"$d/user"
		printf '%s\n' "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}" >"$d/db"
	)
	chown -R postgres "$d" 2>/dev/null
	if ! as_pg "$PGBIN/initdb" -N -D "$d/data" -U "$(cat "$d/user")" --pwfile="$d/pw" --auth-local=trust \
		--auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1; then
		fail "convert_pg: corpus $name: initdb with the manifests' superuser" "$(tail -2 "$d/initdb.log")"
		return
	fi
	port=$(free_port)
	mapfile -t settings <"$d/spec/settings"
	local opts="-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=off"
	for s in "${settings[@]}"; do opts+=" -c $s"; done
	if ! as_pg "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -o "$opts" -w -t 60 start >/dev/null 2>&1; then
		fail "convert_pg: corpus $name: PostgreSQL starts with ${settings[*]}" "$(grep -m2 -E 'FATAL|LOG:.*invalid|outside' "$d/server.log")"
		return
	fi
	PG_CLUSTERS+=("$d/data")
	local superuser db bad=""
	superuser=$(cat "$d/user")
	db=$(cat "$d/db")
	for s in "${settings[@]}"; do
		got=$(as_pg psql -X -At -h "$d" -p "$port" -U "$superuser" -d postgres -c "SHOW ${s%%=*}" 2>&1)
		[ "$got" = "${s#*=}" ] || bad+=" ${s%%=*}=$got (manifest ${s#*=})"
	done
	check "convert_pg: corpus $name: PostgreSQL runs with exactly the manifests' settings (${settings[*]})" test -z "$bad"
	if [ "$db" != postgres ]; then
		as_pg psql -X -q -h "$d" -p "$port" -U "$superuser" -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
	fi
	if [ -s "$d/spec/init.sh" ]; then
		if ! as_pg env PGHOST="$d" PGPORT="$port" bash -c '. "$1/spec/env.sh"; export POSTGRES_USER=$(cat "$1/user") POSTGRES_DB=$(cat "$1/db"); sh "$1/spec/init.sh"' _ "$d" >"$d/init.log" 2>&1; then
			fail "convert_pg: corpus $name: the init script runs" "$(tail -3 "$d/init.log")"
		else
			ok "convert_pg: corpus $name: the init script runs"
		fi
	fi
	local line user pw ldb
	while read -r line; do
		eval "set -- $line"
		user=$1 pw=$2 ldb=$3
		if PGPASSWORD=$pw psql -X -At -h 127.0.0.1 -p "$port" -U "$user" -d "$ldb" -c 'SELECT 1' >"$d/login.log" 2>&1; then
			ok "convert_pg: corpus $name: role \"$user\" logs in to \"$ldb\" with its Secret's password"
		else
			fail "convert_pg: corpus $name: role \"$user\" logs in to \"$ldb\" with its Secret's password" "$(head -2 "$d/login.log")"
		fi
	done <"$d/spec/logins"
	as_pg "$PGBIN/pg_ctl" -D "$d/data" -m immediate stop >/dev/null 2>&1
}

while read -r id expect files; do
	[ "$expect" = ok ] || continue
	dir=$WORK/cc/$id
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_assemble "$dir" $files)
	run_kg "$WORK/cv.out" "$WORK/cv.err" convert -o "$dir/out" --project-directory "$dir" "${fargs[@]}" \
		--domain example.com --issuer-email ops@example.com
	[ "$RC" -eq 0 ] && judge "$id" "$dir/out"
done < <(corpus_projects)
while read -r dir args; do
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_dir_args "$WORK/cd-$dir" "$dir" $args)
	run_kg "$WORK/cv.out" "$WORK/cv.err" convert -o "$WORK/cd-$dir/out" "${fargs[@]}" --domain example.com \
		--issuer-email ops@example.com
	[ "$RC" -eq 0 ] && judge "$dir" "$WORK/cd-$dir/out"
done < <(corpus_dirs)
run_kg "$WORK/cv.out" "$WORK/cv.err" convert -o "$WORK/sf" --project-directory "$ROOT/tests/fixtures/secret-files" \
	--issuer-email ops@example.org --odoo-replicas 1 --odoo-max-replicas 1 --rwx-storage-class do-block-storage-retain
[ "$RC" -eq 0 ] && judge secret-files "$WORK/sf"
run_kg "$WORK/cv.out" "$WORK/cv.err" convert -o "$WORK/dc" --project-directory "$ROOT/tests/fixtures/db-choice" \
	--issuer-email ops@example.org --odoo-replicas 1 --odoo-max-replicas 1 --rwx-storage-class do-block-storage-retain
[ "$RC" -eq 0 ] && judge db-choice "$WORK/dc"
run_kg "$WORK/cv.out" "$WORK/cv.err" convert -o "$WORK/bo" --project-directory "$ROOT/tests/fixtures/built-odoo" \
	--issuer-email ops@example.org --odoo-image registry.example.org/acme/odoo:14-addons
[ "$RC" -eq 0 ] && judge built-odoo "$WORK/bo"
run_kg "$WORK/cv.out" "$WORK/cv.err" convert -o "$WORK/kc22" --project-directory "$ROOT/tests/fixtures/keycloak22" \
	--issuer-email ops@example.org
[ "$RC" -eq 0 ] && judge keycloak22 "$WORK/kc22"
