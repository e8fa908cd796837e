#!/usr/bin/env bash
# kgenius convert on the bundled example and on the corpus: strict schema
# validation, kubectl kustomize, every requirement on the parsed objects,
# determinism, secrets, refusals.
. "$(dirname "$0")/lib.sh"

EX=$ROOT/examples/insightpulse
ENVF=$EX/.env.example
VALIDATE=(python3 "$ROOT/tests/integration/k8s_validate.py" "$SHARED/k8s")

convert "$WORK/k" --project-directory "$EX" --env-file "$ENVF"
check "convert: the example converts (exit 0)" test "$RC" -eq 0

# Every flow the stack needs is allowed by the policies convert wrote, judged
# by lint --flows with the controller of the mode. REQUIRED lists purposes
# that must be among the flows.
flows_allowed() { # NAME DIR CONTROLLER REQUIRED...
	local name=$1 dir=$2 controller=$3
	shift 3
	"$KG" lint --flows --format json --controller "$controller" "$dir" >"$WORK/flows.json" 2>"$WORK/flows.err"
	python3 - "$WORK/flows.json" "$@" >"$WORK/flows.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bad = [f"{f['purpose']} {f['from']} -> {f['to']} {f['protocol']} {f['port']}: {f['reason']}" for f in r["flows"] if f["verdict"] != "allowed"]
missing = [p for p in sys.argv[2:] if p not in {f["purpose"] for f in r["flows"]}]
print("; ".join(bad + [f"no {p} flow" for p in missing]))
sys.exit(1 if bad or missing else 0)
PY
	if [ $? -eq 0 ]; then
		ok "$name: every required flow is allowed ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["flows"])' "$WORK/flows.json") flows)"
	else
		fail "$name: every required flow is allowed" "$(head -c 400 "$WORK/flows.txt")"
	fi
	# No error finding either: server values (APP015-APP019), schema, flows.
	"$KG" lint --controller "$controller" "$dir" >"$WORK/lint-out.txt" 2>&1
	check "$name: kgenius lint finds no error in the output" test $? -eq 0
}
flows_allowed "convert" "$WORK/k" traefik route HTTP-01 DNS database OIDC "OIDC (hairpin)" backup
if "${VALIDATE[@]}" "$WORK"/k/*.yaml >"$WORK/val.txt" 2>&1; then
	ok "convert: every file passes strict Kubernetes 1.33 and CRD schema validation"
else
	fail "convert: schema validation" "$(head -5 "$WORK/val.txt")"
fi
if command -v kubectl >/dev/null; then
	# "> FILE", not "-o FILE": Debian 12's kubectl (1.20, what install-deps installs) has no -o for kustomize
	check "convert: kubectl kustomize succeeds" sh -c 'kubectl kustomize "$1" >"$2"' _ "$WORK/k" "$WORK/kust.yaml"
	check "convert: kustomize renders every object" test "$(grep -c '^kind:' "$WORK/kust.yaml")" -ge 40
	check "convert: kustomize makes the five Secrets from the secret files" test "$(grep -c '^kind: Secret' "$WORK/kust.yaml")" -eq 5
else
	fail "convert: kubectl kustomize succeeds" "kubectl is not installed (tools/install-deps --test installs it)"
fi
python3 "$ROOT/tests/integration/convert_check.py" "$WORK/k"

# Secrets stay out of the terminal.
hexes=$(for f in "$WORK"/k/secrets/*/*; do cat "$f"; echo; done | grep -Eo '^[0-9a-f]{64}$' | sort -u)
check "convert: generated credentials are in the secret files" test -n "$hexes"
check "convert: no credential in any manifest" test "$(grep -lE '[0-9a-f]{64}' "$WORK"/k/*.yaml | wc -l)" -eq 0
leaked=0
for h in $hexes; do grep -q "$h" "$WORK/cv.out" "$WORK/cv.err" "$WORK"/k/*.md "$WORK"/k/*.yaml && leaked=1; done
check "convert: no secret value on stdout, stderr, in NOTES or in a manifest" test "$leaked" -eq 0
check "convert: warnings are located and point to the project files" grep -q 'docker-compose.yml:117:14: warning: --optimized' "$WORK/cv.err"

# Regenerating reuses the credentials: same input, same bytes.
cp -r "$WORK/k" "$WORK/k2"
convert "$WORK/k2" --project-directory "$EX" --env-file "$ENVF"
check "convert: regenerating into the same directory changes nothing" diff -r "$WORK/k" "$WORK/k2"
# The repository's kubernetes/ is what convert makes on a fresh checkout:
# its own credentials, which git does not hold (secrets/ is ignored).
git -C "$ROOT" archive HEAD kubernetes | tar -x -C "$WORK" --transform 's,^kubernetes,committed,'
check "convert: the repository holds no secret file" test ! -e "$WORK/committed/secrets"
convert "$WORK/committed" --project-directory "$EX" --env-file "$ENVF"
check "convert: the repository's kubernetes/ is what convert produces" diff -r -x secrets "$ROOT/kubernetes" "$WORK/committed"
check "convert: a fresh checkout gets credentials of its own" test -n "$(cat "$WORK"/committed/secrets/postgres-credentials/POSTGRES_PASSWORD)"
check "convert: fresh credentials differ from this machine's" test "$(cat "$WORK/committed/secrets/postgres-credentials/POSTGRES_PASSWORD")" != "$(cat "$WORK/k/secrets/postgres-credentials/POSTGRES_PASSWORD")"

# Refusals and modes.
convert "$WORK/rwo" --project-directory "$EX" --env-file "$ENVF" --rwx-storage-class do-block-storage
check "convert: an RWO filestore for several pods is refused (exit 2)" test "$RC" -eq 2
check "convert: the refusal explains Multi-Attach and the options" grep -q 'Multi-Attach.*' "$WORK/cv.err"
check "convert: nothing written after a refusal" test ! -e "$WORK/rwo"
convert "$WORK/one" --project-directory "$EX" --env-file "$ENVF" --odoo-replicas 1 --odoo-max-replicas 1 --rwx-storage-class do-block-storage
check "convert: one Odoo pod may use block storage" test "$RC" -eq 0
check "convert: one Odoo pod runs its own crons" grep -q 'max_cron_threads = 1' "$WORK/one/config.yaml"
check "convert: one Odoo pod gets a ReadWriteOnce claim" grep -q 'ReadWriteOnce' "$WORK/one/storage.yaml"
convert "$WORK/ref" --project-directory "$EX" --env-file "$ENVF" --secrets reference
check "convert: --secrets reference writes no Secret" test "$(grep -c '^kind: Secret' "$WORK/ref/config.yaml")" -eq 0 -a ! -e "$WORK/ref/secrets" -a "$(grep -c secretGenerator "$WORK/ref/kustomization.yaml")" -eq 0
check "convert: --secrets reference lists the Secrets to create" grep -q 'Secret `postgres-credentials` with keys POSTGRES_USER, POSTGRES_PASSWORD' "$WORK/ref/NOTES.md"
convert "$WORK/ngx" --project-directory "$EX" --env-file "$ENVF" --ingress nginx
check "convert: --ingress nginx converts" test "$RC" -eq 0
"${VALIDATE[@]}" "$WORK"/ngx/*.yaml >/dev/null 2>&1
check "convert: --ingress nginx output is schema-valid" test $? -eq 0
python3 "$ROOT/tests/integration/convert_check.py" "$WORK/ngx" --ingress nginx | sed 's/convert: /convert (nginx): /'
for mode in "keda --autoscaling keda" "cnpg --postgres cnpg" "gateway --ingress gateway"; do
	set -- $mode
	name=$1
	shift
	convert "$WORK/m-$name" --project-directory "$EX" --env-file "$ENVF" "$@"
	check "convert ($name): converts" test "$RC" -eq 0
	if "${VALIDATE[@]}" "$WORK/m-$name"/*.yaml >"$WORK/val.txt" 2>&1; then
		ok "convert ($name): schema-valid"
	else
		fail "convert ($name): schema-valid" "$(head -3 "$WORK/val.txt")"
	fi
	if command -v kubectl >/dev/null; then
		check "convert ($name): kubectl kustomize succeeds" sh -c 'kubectl kustomize "$1" >"$2"' _ "$WORK/m-$name" "$WORK/kust-$name.yaml"
	fi
	python3 "$ROOT/tests/integration/convert_modes_check.py" "$WORK/m-$name" "$name"
	case $name in
	gateway) flows_allowed "convert ($name)" "$WORK/m-$name" cilium route HTTP-01 DNS database OIDC backup ;;
	cnpg) flows_allowed "convert ($name)" "$WORK/m-$name" traefik route HTTP-01 DNS OIDC replication operator ;;
	*) flows_allowed "convert ($name)" "$WORK/m-$name" traefik route HTTP-01 DNS database OIDC ;;
	esac
done
flows_allowed "convert (nginx)" "$WORK/ngx" nginx route HTTP-01 DNS database OIDC "OIDC (hairpin)"
convert "$WORK/all" --project-directory "$EX" --env-file "$ENVF" --postgres cnpg --autoscaling keda --ingress gateway
flows_allowed "convert (all modes)" "$WORK/all" cilium route HTTP-01 DNS OIDC replication operator
"${VALIDATE[@]}" "$WORK"/all/*.yaml >/dev/null 2>&1
check "convert: the three modes together are schema-valid" test $? -eq 0
# Every Traefik middleware family, for both controllers.
MW=$ROOT/tests/fixtures/middlewares
convert "$WORK/mw" --project-directory "$MW" --issuer-email ops@example.org
check "convert (middlewares): converts" test "$RC" -eq 0
"${VALIDATE[@]}" "$WORK"/mw/*.yaml >/dev/null 2>&1
check "convert (middlewares): schema-valid" test $? -eq 0
check "convert (middlewares): unmappable rule reported with its line" grep -q 'docker-compose.yml:22:7: warning: Traefik rule "HostRegexp' "$WORK/cv.err"
check "convert (middlewares): unknown middleware type reported with its line" grep -q 'docker-compose.yml:32:7: warning: Traefik middleware exotic of type plugin' "$WORK/cv.err"
PYTHONPATH="$ROOT/tests/integration" python3 - "$WORK/mw" <<'PY'
import sys, k8s_docs
docs = k8s_docs.load(sys.argv[1])
mw = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "Middleware"}
sec = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Secret"}
def check(name, cond): print(("ok   " if cond else "FAIL ") + "convert (middlewares): " + name)
check("rateLimit with integer average and burst", mw["limit"]["rateLimit"] == {"average": 50, "burst": 100})
check("ipAllowList source ranges as a list", mw["allow"]["ipAllowList"]["sourceRange"] == ["10.0.0.0/8", "192.168.1.0/24"])
check("basicAuth users in a Secret, not in the Middleware", mw["auth"]["basicAuth"] == {"secret": "auth-basic-auth"}
      and sec["auth-basic-auth"]["stringData"]["users"].startswith("ops:$apr1$"))
check("CORS headers typed (list, integer)", mw["cors"]["headers"]["accessControlAllowMethods"] == ["GET", "POST", "OPTIONS"]
      and mw["cors"]["headers"]["accessControlMaxAge"] == 600)
check("redirectScheme with a boolean", mw["tohttps"]["redirectScheme"] == {"scheme": "https", "permanent": True})
check("no Middleware for the unknown type", "exotic" not in mw)
PY
convert "$WORK/mwn" --project-directory "$MW" --issuer-email ops@example.org --ingress nginx
"${VALIDATE[@]}" "$WORK"/mwn/*.yaml >/dev/null 2>&1
check "convert (middlewares, nginx): schema-valid" test $? -eq 0
PYTHONPATH="$ROOT/tests/integration" python3 - "$WORK/mwn" <<'PY'
import sys, k8s_docs
docs = k8s_docs.load(sys.argv[1])
ann = next(d for d in docs if d["kind"] == "Ingress")["metadata"]["annotations"]
sec = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Secret"}
p = "nginx.ingress.kubernetes.io/"
def check(name, cond): print(("ok   " if cond else "FAIL ") + "convert (middlewares, nginx): " + name)
check("rate limit", ann.get(p + "limit-rps") == "50")
check("allow list", ann.get(p + "whitelist-source-range") == "10.0.0.0/8, 192.168.1.0/24")
check("basic auth from a Secret with key auth", ann.get(p + "auth-type") == "basic" and "ops:$apr1$" in sec[ann[p + "auth-secret"]]["stringData"]["auth"])
check("CORS enabled with origins and methods, credentials off as in Traefik",
      ann.get(p + "enable-cors") == "true" and ann.get(p + "cors-allow-origin") == "https://portal.example.org"
      and ann.get(p + "cors-allow-methods") == "GET,POST,OPTIONS" and ann.get(p + "cors-allow-credentials") == "false")
check("HTTPS redirect", ann.get(p + "force-ssl-redirect") == "true")
PY
# Traefik label keys in any case, and under deploy.labels.
convert "$WORK/tc" --project-directory "$ROOT/tests/fixtures/traefik-case"
check "convert (Traefik label case): converts" test "$RC" -eq 0
"${VALIDATE[@]}" "$WORK"/tc/*.yaml >/dev/null 2>&1
check "convert (Traefik label case): schema-valid" test $? -eq 0
check "convert (Traefik label case): every label is mapped" test "$(grep -c 'not mapped' "$WORK/cv.err")" -eq 0
check "convert (Traefik label case): the Compose HTTP to HTTPS redirect is in NOTES" grep -q 'HTTP to HTTPS redirect' "$WORK/tc/NOTES.md"
python3 - "$WORK/tc" <<'PY'
import glob, sys, yaml
docs = [d for f in glob.glob(sys.argv[1] + "/*.yaml") for d in yaml.safe_load_all(open(f)) if d]
mw = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "Middleware"}
def check(name, cond): print(("ok   " if cond else "FAIL ") + "convert (Traefik label case): " + name)
check("headers.customrequestheaders becomes customRequestHeaders",
      mw.get("erp-headers", {}).get("headers") == {"customRequestHeaders": {"X-Forwarded-Proto": "https"}})
check("compress=true becomes a compress Middleware", mw.get("erp-compress") == {"compress": {}})
ing = next(d for d in docs if d["kind"] == "Ingress")
check("the HTTPS Ingress takes the TLS router's middlewares, not the HTTP router's redirect",
      "erp-redirect" not in ing["metadata"]["annotations"].get("traefik.ingress.kubernetes.io/router.middlewares", "")
      and "erp-headers" in ing["metadata"]["annotations"].get("traefik.ingress.kubernetes.io/router.middlewares", ""))
check("middlewares no converted route uses are not emitted", "unused-mw" not in mw and "erp-redirect" not in mw)
PY
# Credentials as projects write them: a secret file behind *_FILE,
# placeholders, passwords inside URLs and JDBC strings.
SF=$ROOT/tests/fixtures/secret-files
convert "$WORK/sf" --project-directory "$SF" --issuer-email ops@example.org --odoo-replicas 1 --odoo-max-replicas 1 \
	--rwx-storage-class do-block-storage-retain
check "convert (secret files): converts" test "$RC" -eq 0
check "convert (secret files): POSTGRES_PASSWORD_FILE's secret file is the password" \
	test "$(cat "$WORK/sf/secrets/postgres-credentials/POSTGRES_PASSWORD")" = "$(head -1 "$SF/db_password.txt")"
check "convert (secret files): PASSWORD_FILE's secret file is Odoo's password" \
	test "$(cat "$WORK/sf/secrets/odoo-db/password")" = "$(head -1 "$SF/db_password.txt")"
check "convert (secret files): no *_FILE variable points into the pods' empty /run/secrets" test "$(grep -c '_FILE$' "$WORK"/sf/*-deployment.yaml "$WORK"/sf/postgres-statefulset.yaml | awk -F: '{s+=$2} END {print s}')" -eq 0
check "convert (secret files): a placeholder is not a credential (change_me_before_first_start)" \
	test "$(cat "$WORK/sf/secrets/keycloak-db/password")" != change_me_before_first_start
check "convert (secret files): a placeholder is not a credential ({keycloak admin password})" \
	test "$(cat "$WORK/sf/secrets/keycloak-admin/password")" != "{keycloak admin password}"
check "convert (secret files): placeholders are reported" test "$(grep -c 'weak (a placeholder' "$WORK/cv.err")" -eq 2
check "convert (secret files): no password of a URL, a redis URL or a JDBC string in a manifest" \
	test "$(grep -lE 'Url-Embedded-Pw|Redis-Embedded-Pw|Jdbc-Pw' "$WORK"/sf/*.yaml "$WORK"/sf/NOTES.md | wc -l)" -eq 0
python3 "$ROOT/tests/integration/convert_versions.py" "$WORK/sf" secret-files | sed 's/corpus secret-files/fixture secret-files/'
check "convert (secret files): those values are in Secrets" \
	test "$(for f in odoo-env/DATABASE_URL odoo-env/REDIS_URL keycloak-env/KC_SPI_EVENTS_STORE_JDBC; do cat "$WORK/sf/secrets/$f"; echo; done | grep -c Pw)" -eq 3
# Smaller ones: usage errors name the option; a project name with '_' is
# still a namespace; one minimum Odoo pod lints clean; NOTES matches the
# mode; the admin console is explained; only used middlewares.
convert "$WORK/bd" --project-directory "$EX" --env-file "$ENVF" --domain "bad domain"
check "convert: --domain 'bad domain' is a usage error naming the option (exit 2)" test "$RC" -eq 2 -a ! -e "$WORK/bd"
check "convert: the message names --domain" grep -q -- "--domain takes a DNS name" "$WORK/cv.err"
convert "$WORK/bn" --project-directory "$EX" --env-file "$ENVF" --namespace Bad_NS
check "convert: --namespace Bad_NS is a usage error naming the option (exit 2)" grep -q -- "--namespace takes a DNS label" "$WORK/cv.err"
check "convert: --namespace Bad_NS is not called an internal error" test "$(grep -c 'please report' "$WORK/cv.err")" -eq 0
mkdir -p "$WORK/my_proj" && cp "$ROOT/tests/fixtures/db-choice/docker-compose.yml" "$WORK/my_proj/"
convert "$WORK/my_proj/out" --project-directory "$WORK/my_proj" --issuer-email ops@example.org --odoo-replicas 1 --odoo-max-replicas 1 \
	--rwx-storage-class do-block-storage-retain
check "convert: project my_proj gets namespace my-proj" grep -q 'namespace: my-proj' "$WORK/my_proj/out/odoo-deployment.yaml"
convert "$WORK/r1" --project-directory "$EX" --env-file "$ENVF" --odoo-replicas 1
env -i PATH=/usr/bin:/bin HOME="$WORK" "$KG" lint --fail-on warning "$WORK/r1" >"$WORK/lint-r1.txt" 2>&1
check "convert: --odoo-replicas 1 output passes kgenius lint --fail-on warning" test $? -eq 0
check "convert: NOTES says KEDA in KEDA mode, not HPA" grep -q 'a KEDA ScaledObject on busy workers' "$WORK/m-keda/NOTES.md"
check "convert: NOTES says no Middleware resources with ingress-nginx" test "$(grep -c 'Middleware resources' "$WORK/ngx/NOTES.md")" -eq 0
check "convert: NOTES says how to reach Keycloak's admin console" grep -q 'port-forward svc/keycloak 8080' "$WORK/k/NOTES.md"
# An Odoo built by the project: role and version from the Dockerfile's FROM.
BO=$ROOT/tests/fixtures/built-odoo
convert "$WORK/bo" --project-directory "$BO" --issuer-email ops@example.org
check "convert (built Odoo): without an image to pull it is refused (exit 2) asking for --odoo-image" \
	grep -q 'docker-compose.yml:6:7: error: service odoo is built by the project (FROM odoo:14.0).*--odoo-image' "$WORK/cv.err"
convert "$WORK/bo" --project-directory "$BO" --issuer-email ops@example.org --odoo-image registry.example.org/acme/odoo:14-addons
check "convert (built Odoo): converts with --odoo-image" test "$RC" -eq 0
check "convert (built Odoo): the pods run the pushed image" \
	test "$(grep -c 'image: registry.example.org/acme/odoo:14-addons' "$WORK/bo/odoo-deployment.yaml")" -ge 3
check "convert (built Odoo): the facts are FROM's version (14.0: /web/database/selector)" \
	grep -q 'path: /web/database/selector' "$WORK/bo/odoo-deployment.yaml"
check "convert (built Odoo): NOTES says to build and push the image" grep -q 'tag it `registry.example.org/acme/odoo:14-addons` and push it' "$WORK/bo/NOTES.md"
# The database is the service the applications connect to.
DC=$ROOT/tests/fixtures/db-choice
convert "$WORK/dc" --project-directory "$DC" --issuer-email ops@example.org --odoo-replicas 1 --odoo-max-replicas 1 \
	--rwx-storage-class do-block-storage-retain
check "convert (database choice): converts" test "$RC" -eq 0
check "convert (database choice): the StatefulSet runs the service Odoo connects to, not the first postgres image" \
	test "$(python3 -c 'import sys,yaml; d=[x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"]=="StatefulSet"][0]; print(d["metadata"]["name"], d["spec"]["template"]["spec"]["containers"][0]["image"])' "$WORK/dc/postgres-statefulset.yaml")" = "database postgres:15"
check "convert (database choice): the sidecar that runs the postgres image is reported, not converted" \
	grep -q 'docker-compose.yml:5:5: warning: service backup runs the PostgreSQL image but no application connects to it' "$WORK/cv.err"
convert "$WORK/dc2" --project-directory "$DC" -f "$DC/two-servers.yml" --domain example.org --issuer-email ops@example.org
check "convert (database choice): two PostgreSQL servers are refused (exit 2), not merged" test "$RC" -eq 2
check "convert (database choice): the refusal names both servers where Keycloak's is written" \
	grep -q 'two-servers.yml:23:18: error: service keycloak uses PostgreSQL service kc-db while odoo uses odoo-db' "$WORK/cv.err"
# Keycloak before 24 has only KC_PROXY=edge to trust the ingress's headers.
convert "$WORK/kc22" --project-directory "$ROOT/tests/fixtures/keycloak22" --issuer-email ops@example.org
check "convert (Keycloak 22): converts" test "$RC" -eq 0
"${VALIDATE[@]}" "$WORK"/kc22/*.yaml >/dev/null 2>&1
check "convert (Keycloak 22): schema-valid" test $? -eq 0
python3 "$ROOT/tests/integration/convert_versions.py" "$WORK/kc22" keycloak22 | sed 's/corpus keycloak22/fixture keycloak22/'
# A database outside the project (a DigitalOcean managed PostgreSQL): no
# PostgreSQL in the cluster, the host and port kept, TLS required, egress
# to its port, the flows allowed.
XD=$WORK/xdb
convert "$XD" --project-directory "$ROOT/tests/fixtures/external-db" --domain example.org --issuer-email ops@example.org
check "convert (external database): converts (exit 0)" test "$RC" -eq 0
"${VALIDATE[@]}" "$XD"/*.yaml >"$WORK/val.txt" 2>&1
check "convert (external database): schema-valid" test $? -eq 0
check "convert (external database): no StatefulSet, Service, claim or role script for PostgreSQL" \
	test "$(cat "$XD"/*.yaml | grep -cE '^kind: StatefulSet$|volumeClaimTemplates|^  name: postgres(-init|-headless)?$')" -eq 0
check "convert (external database): no PostgreSQL max_connections written" test "$(grep -c 'max_connections=' "$XD"/*.yaml | awk -F: '{s += $2} END {print s}')" -eq 0
check "convert (external database): Odoo keeps the host and port" \
	python3 - "$XD/odoo-deployment.yaml" <<'PY'
import sys, yaml
d = next(x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"] == "Deployment" and x["metadata"]["name"] == "odoo")
env = {e["name"]: e.get("value") for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}
sys.exit(0 if env["HOST"] == "mydb-do-user-1-0.b.db.ondigitalocean.com" and env["PORT"] == "25060" else 1)
PY
check "convert (external database): odoo.conf asks for TLS (db_sslmode = require)" grep -q '^    db_sslmode = require$' "$XD/config.yaml"
check "convert (external database): Keycloak's JDBC URL asks for TLS" \
	grep -A1 'name: KC_DB_URL_PROPERTIES' "$XD/keycloak-deployment.yaml" | grep -q 'value: "?sslmode=require"'
check "convert (external database): the backup dumps the outside host over TLS" \
	python3 - "$XD/postgres-statefulset.yaml" <<'PY'
import sys, yaml
cj = next(x for x in yaml.safe_load_all(open(sys.argv[1])) if x and x["kind"] == "CronJob")
pod = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
env = {e["name"]: e.get("value") for c in pod.get("initContainers", []) + pod["containers"] for e in c.get("env", [])}
images = {c["image"] for c in pod.get("initContainers", [])}
sys.exit(0 if env.get("PGHOST") == "mydb-do-user-1-0.b.db.ondigitalocean.com" and env.get("PGPORT") == "25060" and env.get("PGSSLMODE") == "require" and images == {"postgres:18"} else 1)
PY
check "convert (external database): Odoo's and the backup's policies allow egress to TCP 25060 anywhere" \
	python3 - "$XD/network-policies.yaml" <<'PY'
import sys, yaml
pols = {x["metadata"]["name"]: x for x in yaml.safe_load_all(open(sys.argv[1])) if x}
def reaches(name):
    return any({"protocol": "TCP", "port": 25060} in r.get("ports", []) and {"ipBlock": {"cidr": "0.0.0.0/0"}} in r.get("to", [])
               for r in pols[name]["spec"].get("egress", []))
sys.exit(0 if all(reaches(n) for n in ("odoo", "keycloak", "postgres-backup")) and "postgres" not in pols else 1)
PY
check "convert (external database): NOTES names the host, TLS mode and the connection budget" \
	grep -q 'must accept [0-9]* connections' "$XD/NOTES.md"
check "convert (external database): NOTES says no PostgreSQL runs in the cluster" grep -q 'No PostgreSQL in the cluster: the applications connect to mydb-do-user-1-0.b.db.ondigitalocean.com on port 25060' "$XD/NOTES.md"
flows_allowed "convert (external database)" "$XD" traefik database backup
check "convert (external database): lint --flows draws the database flow to port 25060" \
	python3 -c 'import json,sys; sys.exit(0 if any(f["purpose"] == "database" and f["port"] == 25060 and f["verdict"] == "allowed" for f in json.load(open(sys.argv[1]))["flows"]) else 1)' "$WORK/flows.json"
convert "$WORK/xdb-cnpg" --project-directory "$ROOT/tests/fixtures/external-db" --postgres cnpg --domain example.org --issuer-email ops@example.org
check "convert (external database): --postgres cnpg is refused (exit 2)" test "$RC" -eq 2
check "convert (external database): the refusal says why" grep -q 'docker-compose.yml:8:13: error: the applications connect to the database at mydb-do-user-1-0.b.db.ondigitalocean.com, outside the project; --postgres cnpg' "$WORK/cv.err"
convert "$WORK/bad" --project-directory "$EX" --env-file "$ENVF" --odoo-max-replicas 40
check "convert: a connection budget that cannot fit is refused" grep -q 'connection budget does not fit' "$WORK/cv.err"

# Every Odoo or Keycloak stack of the corpus converts, or fails with a reason.
# judge_corpus NAME OUTDIR: after convert, the outcome of one project.
judge_corpus() {
	local name="convert: corpus $1" out=$2 want
	want=$(awk -v id="${3:-$1}" '$1 == id { sub(/^[^ ]+ /, ""); print }' "$ROOT/tests/data/corpus-convert.txt")
	case $want in
		converts) check "$name: converts, as tests/data/corpus-convert.txt expects" test "$RC" -eq 0 ;;
		refused*) check "$name: refused as tests/data/corpus-convert.txt expects (${want#refused })" \
			grep -qF -- "${want#refused }" "$WORK/cv.err" ;;
		*) fail "$name" "no expectation in tests/data/corpus-convert.txt" ;;
	esac
	if [ "$RC" -eq 0 ]; then
		if "${VALIDATE[@]}" "$out"/*.yaml >"$WORK/val.txt" 2>&1; then
			ok "$name converts to schema-valid manifests"
			python3 "$ROOT/tests/integration/convert_versions.py" "$out" "$1"
		else
			fail "$name converts to schema-valid manifests" "$(head -3 "$WORK/val.txt")"
		fi
		flows_allowed "$name" "$out" traefik DNS
	elif [ "$RC" -eq 2 ] && grep -q 'error:' "$WORK/cv.err" && errors_located "$WORK/cv.err"; then
		ok "$name is refused with a reason: $(grep -m1 'error:' "$WORK/cv.err" | sed 's/.*error: //' | cut -c1-90)"
	else
		fail "$name" "exit $RC: $(head -c 300 "$WORK/cv.err")"
	fi
}
while read -r id expect files; do
	[ "$expect" = ok ] || continue
	dir=$WORK/cc/$id
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_assemble "$dir" $files)
	convert "$dir/out" --project-directory "$dir" "${fargs[@]}" --domain example.com --issuer-email ops@example.com
	judge_corpus "$id" "$dir/out"
done < <(corpus_projects)
while read -r dir args; do
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_dir_args "$WORK/cd-$dir" "$dir" $args)
	convert "$WORK/cd-$dir/out" "${fargs[@]}" --domain example.com --issuer-email ops@example.com
	judge_corpus "project $dir" "$WORK/cd-$dir/out" "$dir"
done < <(corpus_dirs)
