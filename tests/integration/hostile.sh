#!/usr/bin/env bash
# Hostile input against the release binary, with the process limited to
# 256 MB of address space and 5 seconds: each must end in exit 2 with a
# located message, never a crash, a hang or an out-of-memory kill.
. "$(dirname "$0")/lib.sh"

LIMIT_BYTES=$((256 * 1024 * 1024))
LIMIT_SECONDS=5

# hostile NAME EXPECTED-MESSAGE: runs on $WORK/h/compose.yaml
hostile() {
	local name=$1 expected=$2 start end rc ms
	start=$(date +%s%N)
	env -i PATH=/usr/bin:/bin HOME="$WORK" timeout -s KILL "$LIMIT_SECONDS" \
		prlimit --as="$LIMIT_BYTES" -- "$KG_REL" compose --project-directory "$WORK/h" config >/dev/null 2>"$WORK/h.err"
	rc=$?
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	echo "# hostile $name: exit $rc in ${ms} ms: $(head -c 200 "$WORK/h.err")"
	if [ "$rc" -ne 2 ]; then
		fail "hostile: $name" "exit $rc (137 means killed by the time limit)"
	elif ! grep -q -- "$expected" "$WORK/h.err"; then
		fail "hostile: $name" "message lacks '$expected': $(head -c 300 "$WORK/h.err")"
	elif ! errors_located "$WORK/h.err"; then
		fail "hostile: $name" "unlocated error"
	else
		ok "hostile: $name (${ms} ms, under ${LIMIT_SECONDS} s and 256 MB)"
	fi
}

mkdir -p "$WORK/h"
python3 - "$WORK/h/compose.yaml" <<'PY'
import sys
lines = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
prev = "a"
for c in "bcdefghijklm":
    lines.append(f"x-{c}: &{c} [" + ",".join(["*" + prev] * 9) + "]")
    prev = c
lines.append("services:\n  a:\n    image: x")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
hostile "alias bomb (9^13 nodes)" "aliases and merge keys expand"

python3 -c 'import sys; open(sys.argv[1],"w").write("services: " + "["*10000 + "]"*10000 + "\n")' "$WORK/h/compose.yaml"
hostile "nesting 10,000 deep" "nesting deeper than 256"

python3 -c 'import sys; open(sys.argv[1],"w").write("services: " + "{a: "*10000 + "1" + "}"*10000 + "\n")' "$WORK/h/compose.yaml"
hostile "mappings nested 10,000 deep" "nesting deeper than 256"

head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$WORK/h/compose.yaml"
hostile "100 MB file" "larger than 16 MiB"

printf 'services:\n  a:\n    image: caf\xc3\x28\n' >"$WORK/h/compose.yaml"
hostile "invalid UTF-8" "compose.yaml:3:15: error: invalid UTF-8"

printf 'services:\n  a:\n    im\0age: x\n' >"$WORK/h/compose.yaml"
hostile "NUL byte" "compose.yaml:3:7: error: the file contains a NUL byte"

printf '\xff\xfes\x00e\x00r\x00' >"$WORK/h/compose.yaml"
hostile "UTF-16 file" "error:"

python3 -c 'import sys; open(sys.argv[1],"w").write("services:\n  a:\n    image: x\n    environment:\n" + "".join(f"      K{i}: ${{V{i}:-${{W{i}:-${{X{i}:-d}}}}}}\n" for i in range(20000)))' "$WORK/h/compose.yaml"
start=$(date +%s%N)
env -i PATH=/usr/bin:/bin HOME="$WORK" timeout -s KILL "$LIMIT_SECONDS" prlimit --as="$LIMIT_BYTES" -- \
	"$KG_REL" compose --project-directory "$WORK/h" config >/dev/null 2>"$WORK/h.err"
rc=$?
echo "# hostile 20,000 nested defaults: exit $rc in $((($(date +%s%N) - start) / 1000000)) ms"
check "hostile: 20,000 nested interpolations load within bounds" test "$rc" -eq 0

# --- every command, not only the loader: the release binary under the same limits ---
# limited EXPECTED-RC NAME EXPECTED-MESSAGE ARGS...: runs kgenius ARGS under
# prlimit and timeout; the message is looked for in stdout and stderr.
limited() {
	local want=$1 name=$2 expected=$3 start rc ms
	shift 3
	start=$(date +%s%N)
	env -i PATH=/usr/bin:/bin HOME="$WORK" timeout -s KILL "$LIMIT_SECONDS" \
		prlimit --as="$LIMIT_BYTES" -- "$KG_REL" "$@" >"$WORK/l.out" 2>"$WORK/l.err" </dev/null
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "# hostile $name: exit $rc in ${ms} ms: $(cat "$WORK/l.out" "$WORK/l.err" | grep -m1 -E 'error|warning' | head -c 200)"
	if [ "$rc" -ne "$want" ]; then
		fail "hostile: $name" "exit $rc, expected $want (137 means killed by the time limit)"
	elif ! cat "$WORK/l.out" "$WORK/l.err" | grep -q -- "$expected"; then
		fail "hostile: $name" "output lacks '$expected': $(head -c 300 "$WORK/l.err")"
	else
		ok "hostile: $name (exit $rc, ${ms} ms)"
	fi
}

# and the sanitizer binary, without the memory limit (ASan reserves more)
sanitized() {
	local name=$1
	shift
	env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		timeout -s KILL 60 "$KG" "$@" >/dev/null 2>"$WORK/s.err" </dev/null
	local rc=$?
	if [ "$rc" -le 2 ] && ! grep -qE 'Sanitizer|runtime error' "$WORK/s.err"; then
		ok "hostile: $name under the sanitizers (exit $rc)"
	else
		fail "hostile: $name under the sanitizers" "exit $rc: $(head -c 300 "$WORK/s.err")"
	fi
}

M=$WORK/m
mkdir -p "$M"
deployment() { # NAME: a Deployment of two pods labelled app=NAME
	printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s, namespace: erp}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: %s}}\n  template:\n    metadata: {labels: {app: %s}}\n    spec:\n      containers:\n      - {name: c, image: "nginx:1.27"}\n' "$1" "$1" "$1"
}
pdb() { # SELECTOR-YAML: a PodDisruptionBudget with that selector (empty: none)
	printf -- '---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: erp}\nspec:\n  minAvailable: 1\n%s' "$1"
}
{ deployment web; pdb '  selector:
    matchExpressions:
    - {key: app, operator: In, values: [web]}
'; } >"$M/pdb-expressions.yaml"
{ deployment web; pdb '  selector: {}
'; } >"$M/pdb-empty.yaml"
{ deployment web; pdb ''; } >"$M/pdb-absent.yaml"
{ printf 'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: erp}\nspec: {type: ExternalName, externalName: db.example.com}\n---\n'
  printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: odoo, namespace: erp}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: odoo}}\n  template:\n    metadata: {labels: {app: odoo}}\n    spec:\n      containers:\n      - name: odoo\n        image: "odoo:17.0"\n        env: [{name: HOST, value: db}, {name: USER, value: odoo}]\n'; } >"$M/externalname.yaml"
for f in pdb-expressions pdb-empty pdb-absent externalname; do
	limited 1 "lint: $f next to a Deployment" "documents in 1 files" lint "$M/$f.yaml"
	sanitized "lint: $f" lint "$M/$f.yaml"
	sanitized "diagnose --manifests: $f" diagnose --manifests "$M/$f.yaml" /dev/null
done
check "hostile: a PodDisruptionBudget selecting {} covers the Deployment (no REL006)" \
	sh -c "! '$KG_REL' lint '$M/pdb-empty.yaml' | grep -q REL006"
check "hostile: a PodDisruptionBudget without selector selects no pods (XRF011)" \
	sh -c "'$KG_REL' lint '$M/pdb-absent.yaml' | grep -q XRF011"

# -o FILE: a device, a FIFO or a symbolic link is not replaced by a regular file
mkfifo "$M/out.fifo"
timeout 10 cat "$M/out.fifo" >"$M/fifo.read" &
reader=$!
timeout 10 "$KG_REL" lint -o "$M/out.fifo" "$ROOT/kubernetes/namespace.yaml" >/dev/null 2>&1
wait "$reader"
check "hostile: -o FIFO is written through, and stays a FIFO" sh -c "test -p '$M/out.fifo' && grep -q 'documents in' '$M/fifo.read'"
ln -s real-report.txt "$M/link-report.txt"
"$KG_REL" lint -o "$M/link-report.txt" "$ROOT/kubernetes/namespace.yaml" >/dev/null 2>&1
check "hostile: -o LINK writes the link's target, and the link stays" \
	sh -c "test -L '$M/link-report.txt' && grep -q 'documents in' '$M/real-report.txt'"
check "hostile: -o /dev/stdout into a pipe writes the report there" \
	sh -c "'$KG_REL' lint -o /dev/stdout '$ROOT/kubernetes/namespace.yaml' | grep -q 'documents in'"
if [ "$(id -u)" = 0 ]; then
	mknod "$M/null" c 1 3
	"$KG_REL" lint -o "$M/null" "$ROOT/kubernetes/namespace.yaml" >/dev/null 2>&1
	check "hostile: -o DEVICE (as root) stays a device" test -c "$M/null"
fi

# lint: anything not read to its end is an error (exit 2), never a pass
privileged='---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: "x:1", securityContext: {privileged: true}}\n'
python3 -c 'import sys; open(sys.argv[1],"w").write("a: " + "["*2000000 + "]"*2000000 + "\n")' "$M/deep.yaml"
printf '%b' "$privileged" >>"$M/deep.yaml"
limited 2 "lint: 2,000,000 nested [ then a privileged pod" "nesting deeper than 256" lint "$M/deep.yaml"
printf 'a: 1\n\0\n%b' "$privileged" >"$M/nul.yaml"
limited 2 "lint: a NUL byte then a privileged pod" "nul.yaml:2:1: error \[SCH011\] the file contains a NUL byte" lint "$M/nul.yaml"
: >"$M/empty.yaml"
limited 2 "lint: a file of zero bytes" "no document: the input is empty" lint "$M/empty.yaml"
printf 'a: 1\n\0\n%b' "$privileged" | env -i PATH=/usr/bin:/bin "$KG_REL" lint - >"$WORK/l.out" 2>&1
check "hostile: lint - with a NUL byte exits 2" test $? -eq 2
mkdir -p "$WORK/h2"
printf 'services:\n  a:\n    image: "odoo:17\\0evil"\n' >"$WORK/h2/compose.yaml"
limited 2 "compose: an escaped NUL in a string" "compose.yaml:3:13: error: the string holds a NUL character" compose --project-directory "$WORK/h2" config

# lint DIR: symbolic links that loop end the walk
mkdir -p "$M/loop"
cp "$M/pdb-empty.yaml" "$M/loop/"
ln -s . "$M/loop/a"
ln -s . "$M/loop/b"
limited 1 "lint: a directory with two links to itself (findings: exit 1)" "already read" lint "$M/loop"

# FIFOs are refused, not waited for
F=$WORK/fifo
mkdir -p "$F/env" "$F/envfile" "$F/extends" "$F/lintdir" "$F/realm"
printf 'services:\n  a:\n    image: x\n' >"$F/env/compose.yaml"
mkfifo "$F/env/.env"
limited 2 "compose: .env is a FIFO" "is not a regular file" compose --project-directory "$F/env" config
mkfifo "$F/vars"
limited 2 "compose: --env-file FIFO" "is not a regular file" compose --project-directory "$F/envfile" -f "$F/env/compose.yaml" --env-file "$F/vars" config
printf 'services:\n  a:\n    image: x\n    env_file: vars\n' >"$F/envfile/compose.yaml"
mkfifo "$F/envfile/vars"
limited 2 "compose: env_file is a FIFO" "is not a regular file" compose --project-directory "$F/envfile" config
printf 'services:\n  a:\n    extends: {file: base.yaml, service: b}\n' >"$F/extends/compose.yaml"
mkfifo "$F/extends/base.yaml"
limited 2 "compose: extends.file is a FIFO" "is not a regular file" compose --project-directory "$F/extends" config
cp "$M/pdb-empty.yaml" "$F/lintdir/a.yaml"
mkfifo "$F/lintdir/b.yaml"
limited 2 "lint: a FIFO in a linted directory" "not a regular file" lint "$F/lintdir"
cp -r "$ROOT/tests/data/migrate/keycloak/complete/." "$F/realm/"
realm=$(ls "$F/realm" | grep -m1 -- '-realm.json')
rm "$F/realm/$realm"
mkfifo "$F/realm/$realm"
limited 3 "migrate keycloak check: a FIFO realm file (unreadable: exit 3)" "not a regular file" migrate keycloak check "$F/realm"

# Compose: every failure says why; no value silently capped; no range costs memory for nothing
mkdir -p "$WORK/h3"
python3 - "$WORK/h3" <<'PY'
import sys
d = sys.argv[1]
lines = ["V0=xxxxxxxxxxxxxxxx"] + [f"V{i}=${{V{i-1}}}${{V{i-1}}}" for i in range(1, 40)]
open(d + "/.env", "w").write("\n".join(lines) + "\n")
open(d + "/compose.yaml", "w").write("services:\n  a:\n    image: x\n    environment:\n      X: ${V39}\n")
PY
limited 2 "compose: a .env whose values double on each line" ".env: error: out of memory while loading the project" compose --project-directory "$WORK/h3" config
printf 'services:\n  a:\n    image: x\n    ports: ["1-65535:1-65535"]\n' >"$WORK/h2/compose.yaml"
limited 2 "compose: ports 1-65535:1-65535" "a port range of more than 1000 ports" compose --project-directory "$WORK/h2" config
printf 'services:\n  a:\n    image: x\n    deploy: {replicas: 99999999999999999999}\n' >"$WORK/h2/compose.yaml"
limited 2 "compose: replicas 99999999999999999999" "replicas: 99999999999999999999 is out of range" compose --project-directory "$WORK/h2" config
# found by fuzz/keycloak_export: printing this file's syntax error with its
# source line made libfyaml 0.7.12 read outside the input (a segfault in the
# release binary); the parser's errors are collected instead of printed
"$KG_REL" migrate keycloak check "$ROOT/tests/data/hostile/libfyaml-error-display" >/dev/null 2>"$WORK/kc.err"
rc=$?
check "migrate keycloak check: a realm file whose syntax error libfyaml cannot display is an error, not a crash (exit $rc)" \
	test "$rc" -lt 128
check "migrate keycloak check: and the error gives its position" grep -q 'master-realm.json:1:68: error: invalid YAML' "$WORK/kc.err"
env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
	"$KG" migrate keycloak check "$ROOT/tests/data/hostile/libfyaml-error-display" >/dev/null 2>"$WORK/kc.err"
rc=$?
check "migrate keycloak check: the same file under the sanitizers exits 3 (bad input), no leak of the collected errors" \
	sh -c "[ $rc -eq 3 ] && ! grep -qE 'Sanitizer|runtime error' '$WORK/kc.err'"
# found by fuzz/compose_loader: a float that no long long holds, converted
# (undefined behaviour); and the same in lint's memory quantities
printf 'services:\n  a:\n    image: x\n    deploy: {replicas: +.INF}\n' >"$WORK/h2/compose.yaml"
sanitized "compose: replicas +.INF" compose --project-directory "$WORK/h2" config
check "compose: replicas +.INF is refused as not an integer" grep -q 'an integer' "$WORK/s.err"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: odoo:17\n    resources: {limits: {memory: 1e400Gi, cpu: 1e400}}\n' >"$M/huge-quantity.yaml"
sanitized "lint: a memory limit of 1e400Gi" lint "$M/huge-quantity.yaml"
python3 -c 'import sys; open(sys.argv[1],"w").write("{\"a\":[" + ",".join(["1"]*500000) + "]}\n")' "$M/flat.json"
limited 2 "lint: one flow list of 500,000 entries (1 MB)" "holds more than 300000 nodes" lint "$M/flat.json"

# libfyaml 0.7 leaks 4 KiB emitting a string of many escapes as JSON (issue
# pantoniou/libfyaml#233); kgenius writes JSON itself
mkdir -p "$WORK/h4"
printf 'services:\n  a:\n    image: x\n    labels:\n      k: "%s"\n' "$(printf 'a\\n%.0s' $(seq 1 40))" >"$WORK/h4/compose.yaml"
sanitized "compose config --format json: a string of 40 escapes (no leak)" compose --project-directory "$WORK/h4" config --format json
# ... and 2 KiB reading a single-quoted scalar of five or more '' escapes (the
# same bug, found by fuzz/keycloak_export); kgenius reads scalars through the
# token iterator
printf "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q}\ndata: {a: 'it''s''''''''''''''''''''''''''''''''''''''''s'}\n" >"$M/quotes.yaml"
sanitized "lint: a single-quoted scalar of 20 '' escapes (no leak)" lint "$M/quotes.yaml"

# a large Keycloak export (users inline): refused by its size, with the reason, in bounded memory
mkdir -p "$WORK/kc"
python3 -c '
import json, sys
users = [{"id": "u%d" % i, "username": "user%d" % i, "email": "user%d@example.com" % i, "enabled": True,
          "attributes": {"a": ["x"]}, "credentials": [{"type": "password", "secretData": "s"}]} for i in range(40000)]
json.dump({"realm": "big", "id": "big", "enabled": True, "keycloakVersion": "24.0.1", "users": users}, open(sys.argv[1], "w"))
' "$WORK/kc/big-realm.json"
limited 3 "migrate keycloak check: a realm export of 40,000 inline users" "holds more than 300000 nodes" migrate keycloak check "$WORK/kc"
