#!/usr/bin/env bash
# kgenius diagnose on real pastes: every file of the kubectl corpus gets the
# diagnosis its label names, ranked first; exit statuses; stdin; JSON parses;
# root causes from manifests and a Compose project, with file:line; --live
# against a kubectl stand-in that records what it was asked; secrets stay
# out of the report; 100 MB of mixed logs in bounded memory.
. "$(dirname "$0")/lib.sh"

O=$WORK/out
E=$WORK/err
KB=$ROOT/tests/data/diagnose/kb

# Runs diagnose on FILE; sets got to the first diagnosis's "id kind" ("none
# none" when there is none) and RC to the exit status.
top_diagnosis() {
	run_kg "$O" "$E" diagnose --format json "$1"
	got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnoses"]; print(d[0]["id"], d[0]["kind"]) if d else print("none none")' "$O")
}

# --- the corpus: hit rate against the labels ---
hits=0
total=0
while read -r prefix want_id want_kind; do
	case $prefix in '#'* | '') continue ;; esac
	f=$(ls "$SHARED"/corpus/kubectl/"$prefix"-* 2>/dev/null | head -1)
	total=$((total + 1))
	if [ -z "$f" ]; then
		fail "diagnose corpus $prefix" "no such corpus file"
		continue
	fi
	top_diagnosis "$f"
	# "none none": the paste shows no failure at all (exit 0)
	want_rc=1
	[ "$want_id" = none ] && want_rc=0
	if [ "$got" = "$want_id $want_kind" ] && [ "$RC" -eq "$want_rc" ]; then
		hits=$((hits + 1))
		ok "diagnose corpus $(basename "$f"): $want_id ($want_kind)"
	else
		fail "diagnose corpus $(basename "$f")" "got '$got' (exit $RC), want '$want_id $want_kind'"
	fi
done <"$ROOT/tests/data/diagnose-corpus.txt"
listed=$(ls "$SHARED"/corpus/kubectl/ | wc -l)
check "diagnose corpus: every file of corpus/kubectl has an expectation ($total of $listed)" test "$total" -eq "$listed"
echo "# diagnose corpus hit rate: $hits/$total"

# --- real pastes it was not built from (tests/data/diagnose-real.txt) ---
# Odd-numbered files were used to fix classes of misses; even-numbered files
# were held out and measured at 14/20 before any change made for them; a
# second round (f16b) then read them and fixed the classes of their misses,
# so the even half is no longer a held-out measurement. 41-60 are a second
# held-out set, collected during that round and measured after it at 7/20
# ranked first; a third round (f16c) then read them and fixed the classes of
# their misses, so that figure stays the held-out one. 61-80 are a third
# held-out set, collected during the third round and measured after it at
# 6/20 (72, 78 and 80 were fixed after that measurement). A label marked
# known-miss is a measured miss the closing note explains; it must still be
# reported as a failure (exit 1), and the test fails once it starts to hit,
# so the list cannot go stale. DIAGNOSE_TUNING_ONLY=1 runs the odd half only.
REAL=$ROOT/tests/data/diagnose/real
declare -A real_hits=([odd]=0 [even]=0 [second]=0 [third]=0 [fourth-odd]=0 [fourth-even]=0 [fifth]=0 [sixth-odd]=0 [sixth-even]=0
		[seventh-odd]=0 [seventh-even]=0 [eighth]=0 [ninth]=0 [tenth]=0 [eleventh]=0 [twelfth]=0 [thirteenth]=0 [fourteenth]=0 [fifteenth]=0 [sixteenth]=0) \
	real_total=([odd]=0 [even]=0 [second]=0 [third]=0 [fourth-odd]=0 [fourth-even]=0 [fifth]=0 [sixth-odd]=0
		[sixth-even]=0 [seventh-odd]=0 [seventh-even]=0 [eighth]=0 [ninth]=0 [tenth]=0 [eleventh]=0 [twelfth]=0 [thirteenth]=0 [fourteenth]=0 [fifteenth]=0 [sixteenth]=0)
while read -r prefix want_id want_kind mark _; do
	case $prefix in '#'* | '') continue ;; esac
	case $mark in known-miss) ;; *) mark= ;; esac
	f=$(ls "$REAL/$prefix"-* 2>/dev/null | head -1)
	half=odd
	[ $((10#$prefix % 2)) -eq 0 ] && half=even
	[ $((10#$prefix)) -gt 40 ] && half=second
	[ $((10#$prefix)) -gt 60 ] && half=third
	# 81-120: odd numbers were the fourth set's tuning half, even ones its held-out half
	[ $((10#$prefix)) -gt 80 ] && half=fourth-odd
	[ $((10#$prefix)) -gt 80 ] && [ $((10#$prefix % 2)) -eq 0 ] && half=fourth-even
	[ $((10#$prefix)) -gt 120 ] && half=fifth
	# 161-200: the sixth set's odd numbers are its tuning half, even ones its held-out half
	[ $((10#$prefix)) -gt 160 ] && half=sixth-odd
	[ $((10#$prefix)) -gt 160 ] && [ $((10#$prefix % 2)) -eq 0 ] && half=sixth-even
	# 201-240: the seventh set, likewise
	[ $((10#$prefix)) -gt 200 ] && half=seventh-odd
	[ $((10#$prefix)) -gt 200 ] && [ $((10#$prefix % 2)) -eq 0 ] && half=seventh-even
	# 241-280: the eighth set, held out whole (nobody tuned on it)
	[ $((10#$prefix)) -gt 240 ] && half=eighth
	# 281-320: the ninth set, held out whole
	[ $((10#$prefix)) -gt 280 ] && half=ninth
	# 321-360: the tenth set, held out whole
	[ $((10#$prefix)) -gt 320 ] && half=tenth
	# 361-400: the eleventh set, held out whole
	[ $((10#$prefix)) -gt 360 ] && half=eleventh
	# 401-440: the twelfth set, held out whole
	[ $((10#$prefix)) -gt 400 ] && half=twelfth
	# 441-480: the thirteenth set, held out whole
	[ $((10#$prefix)) -gt 440 ] && half=thirteenth
	# 481-520: the fourteenth set, held out whole (measured at 2c18e6d, then its classes fixed)
	[ $((10#$prefix)) -gt 480 ] && half=fourteenth
	# 521-560: the fifteenth set, measured at 2c18e6d and again after the fourteenth's fixes (d5b1d25)
	[ $((10#$prefix)) -gt 520 ] && half=fifteenth
	# 561-600: the sixteenth set, measured at 3c32b7d (with the fifteenth's fixes) and at 22c527f (after three rounds
	# that never saw it), then its classes fixed
	[ $((10#$prefix)) -gt 560 ] && half=sixteenth
	# whoever changes the knowledge base for these pastes works with the
	# tuning half only, so the held-out figure stays a measurement
	case $half in odd | fourth-odd | sixth-odd | seventh-odd) ;; *) [ -n "${DIAGNOSE_TUNING_ONLY:-}" ] && continue ;; esac
	real_total[$half]=$((real_total[$half] + 1))
	if [ -z "$f" ]; then
		fail "diagnose real $prefix" "no such file in tests/data/diagnose/real"
		continue
	fi
	top_diagnosis "$f"
	want_rc=1
	[ "$want_id" = none ] && want_rc=0
	if [ "$want_id" != none ] && [ "$RC" -ne 1 ]; then
		fail "diagnose real $(basename "$f")" "exit $RC: a paste that shows a failure must never get 'no known failure'"
	elif [ "$got" = "$want_id $want_kind" ] && [ "$RC" -eq "$want_rc" ]; then
		real_hits[$half]=$((real_hits[$half] + 1))
		if [ -n "$mark" ]; then
			fail "diagnose real $(basename "$f")" "hits '$want_id $want_kind' now: remove known-miss from tests/data/diagnose-real.txt"
		else
			ok "diagnose real $(basename "$f"): $want_id ($want_kind)"
		fi
	elif [ -n "$mark" ]; then
		ok "diagnose real $(basename "$f"): known miss, got '$got', label '$want_id $want_kind'"
	else
		fail "diagnose real $(basename "$f")" "got '$got' (exit $RC), want '$want_id $want_kind'"
	fi
done <"$ROOT/tests/data/diagnose-real.txt"
echo "# diagnose real pastes ranked first: tuning half ${real_hits[odd]}/${real_total[odd]}, held-out half ${real_hits[even]}/${real_total[even]}, second held-out set ${real_hits[second]}/${real_total[second]}, third ${real_hits[third]}/${real_total[third]}, fourth: tuning half ${real_hits[fourth-odd]}/${real_total[fourth-odd]}, held-out half ${real_hits[fourth-even]}/${real_total[fourth-even]}, fifth ${real_hits[fifth]}/${real_total[fifth]}, sixth: tuning half ${real_hits[sixth-odd]}/${real_total[sixth-odd]}, held-out half ${real_hits[sixth-even]}/${real_total[sixth-even]}, seventh: tuning half ${real_hits[seventh-odd]}/${real_total[seventh-odd]}, held-out half ${real_hits[seventh-even]}/${real_total[seventh-even]}, eighth ${real_hits[eighth]}/${real_total[eighth]}, ninth ${real_hits[ninth]}/${real_total[ninth]}, tenth ${real_hits[tenth]}/${real_total[tenth]}, eleventh ${real_hits[eleventh]}/${real_total[eleventh]}, twelfth ${real_hits[twelfth]}/${real_total[twelfth]}, thirteenth ${real_hits[thirteenth]}/${real_total[thirteenth]}, fourteenth ${real_hits[fourteenth]}/${real_total[fourteenth]}, fifteenth ${real_hits[fifteenth]}/${real_total[fifteenth]}, sixteenth ${real_hits[sixteenth]}/${real_total[sixteenth]}"

# --- exit statuses, stdin, JSON ---
run_kg "$O" "$E" diagnose "$KB/crashloop.neg.txt"
check "diagnose: a healthy output exits 0" test "$RC" -eq 0
check "diagnose: and says so" grep -q 'no known failure in 2 lines of 1 input' "$O"
# healthy start-up logs of each component (tests/data/diagnose/healthy/README.md): no diagnosis at all
for f in "$ROOT"/tests/data/diagnose/healthy/*.txt; do
	top_diagnosis "$f"
	check "diagnose: healthy $(basename "$f") gives no diagnosis (got '$got')" test "$got $RC" = "none none 0"
done
run_kg "$O" "$E" diagnose "$WORK/nope.txt"
check "diagnose: an unreadable input exits 2" test "$RC" -eq 2
check "diagnose: and names it" grep -q 'nope.txt: error: cannot open' "$E"
run_kg "$O" "$E" diagnose --bogus
check "diagnose: an unknown option exits 2" test "$RC" -eq 2
env -i PATH=/usr/bin:/bin ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" diagnose <"$SHARED"/corpus/kubectl/22-* >"$O" 2>"$E"
RC=$?
check "diagnose: standard input is read when no input is named" grep -q 'pg-password-mismatch, cause' "$O"
check "diagnose: from standard input exits 1" test "$RC" -eq 1
cat "$SHARED"/corpus/kubectl/05-* "$SHARED"/corpus/kubectl/23-* "$SHARED"/corpus/kubectl/28-* >"$WORK/pasted.txt"
run_kg "$O" "$E" diagnose --format json "$WORK/pasted.txt"
check "diagnose: several pastes joined give one diagnosis each" \
	python3 -c 'import json,sys; ids=[d["id"] for d in json.load(open(sys.argv[1]))["diagnoses"]]; sys.exit(not {"config-object-missing","oom-killed","dns-unresolved"} <= set(ids[:3]))' "$O"
run_kg "$O" "$E" diagnose --list
check "diagnose: --list prints the 565 entries" test "$(wc -l <"$O")" -eq 565

# --- secrets stay out of the report ---
printf '%s\n' 'odoo.sql_db: connect failed: dsn "host=db user=odoo password=Hunter2Secret dbname=odoo" fe_sendauth: no password supplied' \
	'jdbc: postgresql://keycloak:KcPassw0rd@pg:5432/keycloak UnknownHostException: pg' >"$WORK/secret.log"
run_kg "$O" "$E" diagnose "$WORK/secret.log"
check "diagnose: a password in a log line is masked" sh -c "! grep -q Hunter2Secret '$O'"
check "diagnose: a password in a URL is masked" sh -c "! grep -q KcPassw0rd '$O'"
check "diagnose: the masked line is still quoted" grep -q 'password=\*\*\*\*' "$O"
# what people paste: environment, odoo.conf, HTTP headers, URLs with '@' in the password
printf '%s\n' 'PGPASSWORD=PgEnvSecret1 psql: error: FATAL:  password authentication failed for user "odoo"' \
	'db_password = two words secret' 'ERROR odoo.http: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.TokenPart.Sig' \
	'ERROR webhook: Authorization: Basic b2RvbzpCYXNpY1NlY3JldA== api_key=ApiKeySecret9' \
	'Caused by: org.postgresql.util.PSQLException: postgresql://kc:Pa@ss@word@pg:5432/kc UnknownHostException: pg' \
	>"$WORK/secret2.log"
run_kg "$O" "$E" diagnose "$WORK/secret2.log"
check "diagnose: PGPASSWORD=, Bearer, Basic, api_key= and a password with '@' are masked" \
	sh -c "! grep -E -q 'PgEnvSecret1|TokenPart|b2RvbzpCYXNpY1NlY3JldA|ApiKeySecret9|Pa@ss|ss@word' '$O'"
# terminal control characters from the input never reach the terminal
printf '\033[31m2024-01-01 10:00:00,000 ERROR\033[0m [org.keycloak] (main) \033]0;pwned\007 boom\r\n' >"$WORK/esc.log"
run_kg "$O" "$E" diagnose "$WORK/esc.log"
check "diagnose: an unrecognised error exits 1" test "$RC" -eq 1
check "diagnose: and no ESC, BEL or CR from the input is printed" \
	python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(any(c in d for c in (b"\x1b", b"\x07", b"\r")))' "$O"

# --- root causes: manifests ---
M=$WORK/manifests
mkdir -p "$M"
cat >"$M/odoo.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: odoo, namespace: erp}
spec:
  replicas: 1
  selector: {matchLabels: {app: odoo}}
  template:
    metadata: {labels: {app: odoo}}
    spec:
      containers:
      - name: odoo
        image: odoo:17.0
        command: ["odoo", "--workers=2"]
        env:
        - {name: HOST, value: postgres}
YAML
run_kg "$O" "$E" diagnose --manifests "$M"
check "diagnose --manifests alone predicts the failure (exit 1)" test "$RC" -eq 1
check "diagnose --manifests: predicted fe_sendauth from the command: line" \
	grep -q "pg-no-password, predicted" "$O"
check "diagnose --manifests: names file:line:col of the command:" grep -q "root cause: $M/odoo.yaml:13:[0-9]*: Deployment/odoo" "$O"
printf 'psycopg2.OperationalError: connection to server at "postgres" (10.0.0.1), port 5432 failed: fe_sendauth: no password supplied\n' >"$WORK/odoo.log"
run_kg "$O" "$E" diagnose --format json --manifests "$M" "$WORK/odoo.log"
check "diagnose --manifests with a log: the cause carries the manifest line" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnoses"][0]; rc=d["root_causes"][0]; sys.exit(not (d["id"]=="pg-no-password" and d["kind"]=="cause" and rc["rule"]=="APP006" and rc["line"]==13))' "$O"
run_kg "$O" "$E" diagnose --manifests "$ROOT/kubernetes"
check "diagnose --manifests on the example: nothing known to fail (exit 0)" test "$RC" -eq 0

# --- root causes: Compose ---
C=$WORK/compose
mkdir -p "$C"
cat >"$C/docker-compose.yml" <<'YAML'
services:
  odoo:
    image: odoo:17.0
    environment:
      USER: odoo
  postgres:
    image: postgres:16
    environment:
      POSTGRES_USER: odoo
      POSTGRES_PASSWORD: s3cretpw
YAML
run_kg "$O" "$E" diagnose --compose "$C/docker-compose.yml"
check "diagnose --compose predicts the unresolved default host db" grep -q 'HOST is not set, so the Odoo image connects to "db"' "$O"
check "diagnose --compose predicts the fallback password odoo" grep -q 'PASSWORD is not set, so the image uses the password odoo' "$O"
check "diagnose --compose names the Compose line" grep -q "root cause: $C/docker-compose.yml:2:3: service odoo" "$O"
check "diagnose --compose never prints the password" sh -c "! grep -q s3cretpw '$O'"
run_kg "$O" "$E" diagnose --compose "$ROOT/examples/insightpulse/docker-compose.yml" --env-file "$ROOT/examples/insightpulse/.env.example"
check "diagnose --compose on the example: nothing known to fail (exit 0)" test "$RC" -eq 0

# --- --live against a kubectl stand-in ---
BIN=$WORK/bin
mkdir -p "$BIN"
cat >"$BIN/kubectl" <<'SH'
#!/bin/sh
echo "$*" >>"$KUBECTL_LOG"
case "$1 $2" in
"get pods") cat <<'JSON'
{
  "apiVersion": "v1", "kind": "List",
  "items": [{
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "odoo-5d8f7c9b6-2jx7p", "namespace": "erp"},
    "status": {"phase": "Running", "containerStatuses": [{
      "name": "odoo", "ready": false, "restartCount": 6,
      "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=odoo pod=odoo-5d8f7c9b6-2jx7p_erp"}},
      "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}
    }]}
  }]
}
JSON
;;
"get events"|"get pvc"|"get hpa") echo '{"apiVersion": "v1", "kind": "List", "items": []}' ;;
"logs -n") echo 'Database connection failure: connection to server at "postgres" (10.0.0.9), port 5432 failed: fe_sendauth: no password supplied' ;;
*) echo "unexpected: $*" >&2; exit 1 ;;
esac
SH
chmod +x "$BIN/kubectl"
export KUBECTL_LOG=$WORK/kubectl.log
env -i PATH="$BIN:/usr/bin:/bin" KUBECTL_LOG="$KUBECTL_LOG" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" diagnose --live -n erp >"$O" 2>"$E"
RC=$?
check "diagnose --live: finds the cause in the previous run's log (exit 1)" test "$RC" -eq 1
check "diagnose --live: fe_sendauth ranked first" sh -c "grep -m1 '^1\. ' '$O' | grep -q 'no password'"
check "diagnose --live: the exit code of the failed run is explained" grep -q 'exit code 1' "$O"
check "diagnose --live: asked for the pods of the namespace as JSON" grep -qx 'get pods -n erp -o json' "$KUBECTL_LOG"
check "diagnose --live: read the previous logs of the restarting container" \
	grep -qx 'logs -n erp odoo-5d8f7c9b6-2jx7p -c odoo --tail=500 --previous' "$KUBECTL_LOG"
printf '#!/bin/sh\necho "error: You must be logged in to the server (Unauthorized)" >&2\nexit 1\n' >"$BIN/kubectl"
env -i PATH="$BIN:/usr/bin:/bin" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" diagnose --live >"$O" 2>"$E"
RC=$?
check "diagnose --live: kubectl failing exits 3" test "$RC" -eq 3
check "diagnose --live: and says what kubectl said" grep -q 'Unauthorized' "$E"
env -i PATH="/usr/bin:/bin" ASAN_OPTIONS="$ASAN_OPTIONS" "$KG" diagnose --live --kubectl "$WORK/no-kubectl" >"$O" 2>"$E"
RC=$?
check "diagnose --live: no kubectl exits 3" test "$RC" -eq 3

# --- 100 MB of mixed logs, bounded memory (release binary) ---
BIG=$WORK/big.log
python3 - "$BIG" "$SHARED/corpus/kubectl" <<'PY'
import os, sys, random
out, corpus = sys.argv[1], sys.argv[2]
random.seed(7)
pastes = [open(os.path.join(corpus, f), 'rb').read() for f in sorted(os.listdir(corpus))]
filler = [
    b'2024-05-02 10:20:01,004 41 INFO prod werkzeug: 10.244.0.1 - - "POST /web/dataset/call_kw HTTP/1.1" 200 - 4 0.003 0.005\n',
    b'{"timestamp":"2024-05-02T10:20:01Z","level":"INFO","loggerName":"org.keycloak.events","message":"type=LOGIN, realmId=insightpulse"}\n',
    b'        at org.keycloak.services.resources.RealmsResource.getProtocol(RealmsResource.java:201)\n',
    b'2024-05-02 10:20:01.402 UTC [1] LOG:  checkpoint complete: wrote 412 buffers (2.5%)\n',
]
with open(out, 'wb') as f:
    size = 0
    while size < 100 * 1024 * 1024:
        if random.random() < 0.001:
            chunk = random.choice(pastes)
        elif random.random() < 0.00001:
            chunk = b'x' * (300 * 1024) + b'\n'   # a line far beyond 64 KiB
        else:
            chunk = random.choice(filler)
        f.write(chunk)
        size += len(chunk)
PY
python3 - "$KG_REL" "$BIG" "$O" >"$WORK/big.stat" <<'PY'
import os, resource, subprocess, sys, time
kg, big, out = sys.argv[1:]
t = time.time()
with open(out, 'wb') as fo:
    rc = subprocess.call([kg, 'diagnose', '--format', 'json', big], stdout=fo)
wall = time.time() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(rc, rss, "%.2f" % wall)
PY
read -r big_rc big_rss big_wall <"$WORK/big.stat"
echo "# diagnose 100 MB mixed logs: exit $big_rc, max RSS ${big_rss} MiB, ${big_wall} s"
check "diagnose 100 MB: finishes with findings (exit 1)" test "$big_rc" -eq 1
check "diagnose 100 MB: max RSS under 32 MiB (${big_rss} MiB)" test "$big_rss" -lt 32
check "diagnose 100 MB: the long lines were cut and counted" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["inputs"]["truncated_lines"] > 0 and d["inputs"]["bytes"] > 100*1024*1024))' "$O"
check "diagnose 100 MB: the pasted failures are all found" \
	python3 -c 'import json,sys; ids={d["id"] for d in json.load(open(sys.argv[1]))["diagnoses"]}; sys.exit(not {"pg-role-missing","keycloak-no-tls","oom-killed","pvc-unbound"} <= ids)' "$O"
rm -f "$BIG"

# --- the documentation lists what the binary knows ---
"$KG_REL" diagnose --list | awk '{print $1}' | sort >"$WORK/ids.bin"
grep -oE '^\| `[a-z0-9-]+` \|' "$ROOT/docs/DIAGNOSE.md" | sed -E 's/^\| `([^`]+)` \|/\1/' | sort >"$WORK/ids.doc"
check "diagnose: docs/DIAGNOSE.md lists exactly the knowledge base's entries" cmp -s "$WORK/ids.bin" "$WORK/ids.doc"
