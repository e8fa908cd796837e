# PostgreSQL clusters for the tests: Debian's server binaries, on loopback
# ports, in temporary directories, run as the postgres user when the tests
# run as root (the server refuses root). Stopped and removed at exit.
# shellcheck shell=bash

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PGROOT=$(mktemp -d "${TMPDIR:-/tmp}/kgenius-pg-XXXXXX")
PG_PASSWORD=kgenius-test-pw
PG_CLUSTERS=()

# From /, which the postgres user can always enter: the clone the tests run in
# may be a directory only root can read (psql and pg_ctl warn, and a warning
# would land in the output a test compares).
as_pg() {
	if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_cleanup() {
	local dir
	for dir in "${PG_CLUSTERS[@]}"; do
		as_pg "$PGBIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1
	done
	rm -rf "$PGROOT"
}
trap 'pg_cleanup; rm -rf "$WORK"' EXIT

# pg_start NAME PORT [postgresql.conf lines...]: initdb and start.
pg_start() {
	local name=$1 port=$2 dir=$PGROOT/$1
	shift 2
	[ "$(id -u)" = 0 ] && chown postgres "$PGROOT"
	chmod 755 "$PGROOT"
	printf '%s\n' "$PG_PASSWORD" >"$PGROOT/pw"
	[ "$(id -u)" = 0 ] && chown postgres "$PGROOT/pw"
	as_pg "$PGBIN/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
		--pwfile="$PGROOT/pw" -E UTF8 --locale=C.UTF-8 >"$PGROOT/$name.initdb.log" 2>&1 || return 1
	{
		echo "listen_addresses = '127.0.0.1'"
		echo "port = $port"
		echo "unix_socket_directories = '$dir'"
		echo "fsync = off"
		echo "max_connections = 100"
		printf '%s\n' "$@"
	} >>"$dir/postgresql.conf"
	as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$PGROOT/$name.log" -w -t 60 start >/dev/null || return 1
	PG_CLUSTERS+=("$dir")
}

# pg_conninfo PORT [DB]
pg_conninfo() {
	echo "host=127.0.0.1 port=$1 user=postgres dbname=${2:-postgres}"
}

# psql_at PORT DB SQL...: runs SQL, prints tuples only.
psql_at() {
	local port=$1 db=$2
	shift 2
	PGPASSWORD=$PG_PASSWORD psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# A free TCP port on loopback.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
