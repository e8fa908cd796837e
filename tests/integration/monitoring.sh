#!/usr/bin/env bash
# Monitoring: the alerts convert writes, judged by Prometheus's own promtool
# (check rules, and unit tests where each alert fires on synthetic series and
# stays silent on healthy ones), in the default mode and with CloudNativePG,
# ingress-nginx and KEDA; --monitoring none; and Debian's
# prometheus-postgres-exporter running the generated custom queries against
# a PostgreSQL started here: the Odoo worker usage moves when sessions of the
# Odoo role are busy.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pglib.sh"

EX=$ROOT/examples/insightpulse
ENVF=$EX/.env.example
DATA=$ROOT/tests/data/monitoring

if ! command -v promtool >/dev/null; then
	fail "monitoring: promtool" "promtool is not installed (tools/install-deps --test installs Debian's prometheus)"
fi
for mode in "statefulset" "cnpg-nginx-keda --postgres cnpg --ingress nginx --autoscaling keda"; do
	set -- $mode
	name=$1
	shift
	convert "$WORK/$name" --project-directory "$EX" --env-file "$ENVF" "$@"
	check "monitoring ($name): converts with monitoring.yaml" test "$RC" -eq 0 -a -s "$WORK/$name/monitoring.yaml"
	P=$WORK/promtool-$name
	python3 "$ROOT/tests/integration/monitoring_rules.py" "$WORK/$name/monitoring.yaml" "$P" \
		"$DATA/common.test.yaml" "$DATA/$name.test.yaml"
	command -v promtool >/dev/null || continue
	if promtool check rules "$P/all.yaml" "$P/dashboards.yaml" >"$WORK/check.txt" 2>&1; then
		ok "monitoring ($name): promtool check rules accepts every alert and every dashboard query"
	else
		fail "monitoring ($name): promtool check rules" "$(tail -5 "$WORK/check.txt")"
	fi
	cp "$DATA/common.test.yaml" "$DATA/$name.test.yaml" "$P/"
	if (cd "$P" && promtool test rules common.test.yaml "$name.test.yaml") >"$WORK/test.txt" 2>&1; then
		ok "monitoring ($name): promtool test rules: each alert fires and stays silent as expected"
	else
		fail "monitoring ($name): promtool test rules" "$(grep -v '^ *$' "$WORK/test.txt" | head -12)"
	fi
done

# What the monitoring needs from the workloads, and --monitoring none.
check "monitoring: the StatefulSet runs the exporter with the custom queries" \
	grep -q -- '--extend.query-path=/etc/postgres-exporter/queries.yaml' "$WORK/statefulset/postgres-statefulset.yaml"
check "monitoring: Keycloak's metrics are on" grep -A1 -q 'name: KC_METRICS_ENABLED' "$WORK/statefulset/keycloak-deployment.yaml"
check "monitoring (cnpg): the Cluster reads the same custom queries" \
	grep -q 'customQueriesConfigMap' "$WORK/cnpg-nginx-keda/postgres-cluster.yaml"
convert "$WORK/none" --project-directory "$EX" --env-file "$ENVF" --monitoring none
check "monitoring: --monitoring none converts" test "$RC" -eq 0
check "monitoring: --monitoring none writes no monitoring.yaml" test ! -e "$WORK/none/monitoring.yaml"
check "monitoring: --monitoring none leaves it out of the kustomization" \
	bash -c "! grep -q monitoring.yaml '$WORK/none/kustomization.yaml'"
check "monitoring: --monitoring none adds no exporter and no Keycloak metrics" \
	bash -c "! grep -q -e postgres-exporter -e KC_METRICS_ENABLED '$WORK/none/postgres-statefulset.yaml' '$WORK/none/keycloak-deployment.yaml'"
convert "$WORK/gw" --project-directory "$EX" --env-file "$ENVF" --ingress gateway
check "monitoring (gateway): no request alert without the controller's metrics" \
	bash -c "! grep -q -e OdooHighErrorRatio -e traefik_ '$WORK/gw/monitoring.yaml'"
check "monitoring (gateway): NOTES says so" grep -q "Envoy metrics are not scraped" "$WORK/gw/NOTES.md"

# Logs go to the standard output: corpus projects whose odoo.conf writes a log
# file (in /etc/odoo, a read-only ConfigMap in the cluster) lose that key, with
# a located warning.
with_logfile=0
converted=0
while read -r id expect files; do
	[ "$expect" = ok ] || continue
	dir=$WORK/cc/$id
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_assemble "$dir" $files)
	convert "$dir/out" --project-directory "$dir" "${fargs[@]}" --domain example.com --issuer-email ops@example.com
	[ "$RC" -eq 0 ] && [ -e "$dir/out/config.yaml" ] || continue
	converted=$((converted + 1))
	# The project's odoo.conf, when its Odoo service mounts one.
	if grep -q "from the project's odoo.conf" "$dir/out/config.yaml" && grep -rqE '^logfile *= */' "$dir"; then
		with_logfile=$((with_logfile + 1))
		grep -q 'warning: odoo.conf sends Odoo.s log to a file (logfile = /' "$WORK/cv.err" ||
			fail "monitoring: corpus $id: the dropped logfile is warned about" "$(grep -m1 logfile "$WORK/cv.err")"
	fi
	if grep -qE '^ *(logfile|syslog) *=' "$dir/out/config.yaml"; then
		fail "monitoring: corpus $id: no log file in the generated odoo.conf" "$(grep -m1 -E 'logfile|syslog' "$dir/out/config.yaml")"
	fi
done < <(corpus_projects)
check "monitoring: $converted corpus projects convert with Odoo logging to stdout ($with_logfile set a log file)" \
	test "$with_logfile" -ge 3

# The exporter with the generated custom queries, against a real server
# (then scraped by a real Prometheus for kgenius verify --prometheus).
EXPORTER=$(command -v prometheus-postgres-exporter)
if [ -z "$EXPORTER" ]; then
	fail "monitoring: the postgres exporter" "prometheus-postgres-exporter is not installed (tools/install-deps --test)"
	exit 0
fi
PORT=$(free_port)
pg_start mon "$PORT" || { fail "monitoring: start PostgreSQL" "$(cat "$PGROOT"/mon*.log)"; exit 0; }
psql_at "$PORT" postgres -c "CREATE ROLE odoo LOGIN PASSWORD 'odoo-test-pw'" >/dev/null
python3 - "$WORK/statefulset/monitoring.yaml" "$WORK/queries.yaml" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ConfigMap" and d["metadata"]["name"] == "postgres-exporter-queries":
        open(sys.argv[2], "w").write(d["data"]["queries.yaml"])
PY
EPORT=$(free_port)
DATA_SOURCE_URI="127.0.0.1:$PORT/postgres?sslmode=disable" DATA_SOURCE_USER=postgres DATA_SOURCE_PASS=$PG_PASSWORD \
	"$EXPORTER" --extend.query-path="$WORK/queries.yaml" --web.listen-address="127.0.0.1:$EPORT" --log.format=json \
	>"$WORK/exporter.log" 2>&1 &
EXPORTER_PID=$!
SESSIONS=()
PROM_PID=
trap 'kill "${SESSIONS[@]}" $PROM_PID 2>/dev/null; kill "$EXPORTER_PID" 2>/dev/null; wait 2>/dev/null; pg_cleanup; rm -rf "$WORK"' EXIT

scrape() { # METRIC: its value, or nothing
	curl -s "http://127.0.0.1:$EPORT/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {print $2; exit}'
}
# Wait until an expected condition holds (up to a minute: readiness, not a timing margin).
wait_for() { # DESCRIPTION COMMAND...
	local i
	for i in $(seq 1 120); do "${@:2}" && return 0; sleep 0.5; done
	return 1
}
value_is() { [ "$(scrape "$1")" = "$2" ]; }
check "monitoring: the exporter serves pg_up 1" wait_for "exporter up" value_is pg_up 1
workers=$(grep -Eo 'workers = [0-9]+' "$WORK/statefulset/config.yaml" | head -1 | grep -Eo '[0-9]+')
max_pods=$(grep -Eo 'maxReplicas: [0-9]+' "$WORK/statefulset/odoo-deployment.yaml" | grep -Eo '[0-9]+')
capacity=$((workers * max_pods))
check "monitoring: the worker capacity is the sizing's ($workers workers x $max_pods pods)" \
	value_is kgenius_odoo_workers_capacity "$capacity"
check "monitoring: no busy Odoo worker at rest" value_is kgenius_odoo_workers_busy 0
check "monitoring: max_connections is read from the server" value_is kgenius_connections_max 100
for i in 1 2 3; do
	PGPASSWORD=odoo-test-pw psql -X -q -h 127.0.0.1 -p "$PORT" -U odoo -d postgres -c "SELECT pg_sleep(120)" \
		>/dev/null 2>&1 &
	SESSIONS+=($!)
done
# An idle session of the Odoo role is not a busy worker.
PGPASSWORD=odoo-test-pw psql -X -q -h 127.0.0.1 -p "$PORT" -U odoo -d postgres -c "SELECT 1" >/dev/null
active() { [ "$(psql_at "$PORT" postgres -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'odoo' AND state = 'active'")" = 3 ]; }
wait_for "three busy sessions" active
check "monitoring: three busy Odoo sessions read as 3 busy workers" value_is kgenius_odoo_workers_busy 3
usage=$(python3 -c "print(3 / $capacity)")
check "monitoring: and as a usage of $usage (3 of $capacity)" value_is kgenius_odoo_workers_usage "$usage"
used=$(scrape kgenius_connections_used)
check "monitoring: the connections count them ($used)" test "${used:-0}" -ge 3
psql_at "$PORT" postgres -c "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE usename = 'odoo'" >/dev/null
wait "${SESSIONS[@]}" 2>/dev/null
SESSIONS=()
check "monitoring: back to 0 busy workers when the sessions end" wait_for "sessions gone" value_is kgenius_odoo_workers_busy 0
check "monitoring: the exporter logs JSON lines" python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]" "$WORK/exporter.log"

# kgenius verify --prometheus against a real Prometheus scraping that exporter
# as the PodMonitor would (job NS/postgres, label namespace).
PROMETHEUS=$(command -v prometheus)
if [ -z "$PROMETHEUS" ]; then
	fail "monitoring: verify --prometheus" "prometheus is not installed (tools/install-deps --test)"
	exit 0
fi
PPORT=$(free_port)
: >"$WORK/extra-rules.yaml"
cat >"$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [$WORK/extra-rules.yaml]
scrape_configs:
  - job_name: insightpulse/postgres
    static_configs:
      - targets: ['127.0.0.1:$EPORT']
        labels: {namespace: insightpulse, pod: postgres-0}
YAML
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
promql() { # QUERY: the first sample's value, or nothing
	curl -s -G "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}
query_is() { [ "$(promql "$1")" = "$2" ]; }
verify_prom() { run_kg "$WORK/v.out" "$WORK/v.err" verify --prometheus "http://127.0.0.1:$PPORT" --namespace insightpulse; }
check "monitoring: Prometheus scrapes the exporter" wait_for "scraped" query_is 'up{namespace="insightpulse"}' 1
verify_prom
check "verify --prometheus: the targets up and no alert firing (exit 0)" test "$RC" -eq 0
check "verify --prometheus: reports the target up" grep -q 'monitoring   prometheus targets .*1 of 1 targets in namespace insightpulse up' "$WORK/v.out"
cat >"$WORK/extra-rules.yaml" <<'YAML'
groups:
  - name: test
    rules:
      - {alert: BackupTooOld, expr: vector(1), labels: {namespace: insightpulse, severity: critical}}
      - {alert: ElsewhereAlert, expr: vector(1), labels: {namespace: shop}}
YAML
kill -HUP "$PROM_PID"
check "monitoring: the firing alert is loaded" wait_for "firing" query_is 'count(ALERTS{alertstate="firing"})' 2
verify_prom
check "verify --prometheus: an alert firing in the namespace fails (exit 1)" test "$RC" -eq 1
check "verify --prometheus: names it, and not another namespace's" \
	grep -q 'FAIL monitoring   alerts .*1 alerts firing in namespace insightpulse: BackupTooOld$' "$WORK/v.out"
run_kg "$WORK/v.out" "$WORK/v.err" verify --prometheus "http://127.0.0.1:$EPORT" --namespace insightpulse
check "verify --prometheus: a URL that is not Prometheus fails and says so" \
	grep -q "FAIL monitoring   prometheus targets .*did not answer with a Prometheus query result" "$WORK/v.out"
kill "$EXPORTER_PID"
wait "$EXPORTER_PID" 2>/dev/null
check "monitoring: Prometheus sees the exporter gone" wait_for "down" query_is 'up{namespace="insightpulse"}' 0
verify_prom
check "verify --prometheus: a target down fails and is named" \
	grep -q 'FAIL monitoring   prometheus targets .*0 of 1 targets in namespace insightpulse up; down: insightpulse/postgres postgres-0' "$WORK/v.out"
run_kg "$WORK/v.out" "$WORK/v.err" verify --prometheus "http://127.0.0.1:$PPORT"
check "verify --prometheus without --namespace is a usage error (exit 2)" test "$RC" -eq 2
