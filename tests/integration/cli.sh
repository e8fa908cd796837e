#!/usr/bin/env bash
# The command-line contract: help, version, exit statuses, colour, quiet and
# verbose, output files, secret redaction, determinism.
. "$(dirname "$0")/lib.sh"

EX=$ROOT/examples/insightpulse
ENVF=$EX/.env.example
O=$WORK/out
E=$WORK/err

run_kg "$O" "$E" --version
check "cli: --version prints the version" grep -qE '^kgenius [0-9]+\.[0-9]+\.[0-9]+$' "$O"
run_kg "$O" "$E" help
check "cli: help lists the commands and exit statuses" grep -q 'compose' "$O"
check "cli: help documents exit status 3" grep -q '3  environment or internal error' "$O"
run_kg "$O" "$E" compose --help
check "cli: compose --help exits 0" test "$RC" -eq 0
check "cli: compose --help documents --show-secrets" grep -q -- '--show-secrets' "$O"
run_kg "$O" "$E" help compose
check "cli: help compose equals compose --help" grep -q -- '--project-directory' "$O"
run_kg "$O" "$E" frobnicate
check "cli: unknown command exits 2" test "$RC" -eq 2
run_kg "$O" "$E" --bogus
check "cli: unknown global option exits 2" test "$RC" -eq 2
run_kg "$O" "$E" compose config --bogus
check "cli: unknown command option exits 2" test "$RC" -eq 2
run_kg "$O" "$E" compose
check "cli: compose without subcommand exits 2" test "$RC" -eq 2
run_kg "$O" "$E" compose config --format xml
check "cli: bad --format exits 2" test "$RC" -eq 2
run_kg "$O" "$E" --color=sometimes help
check "cli: bad --color exits 2" test "$RC" -eq 2

# Every number on the command line is parsed strictly: a usage error (exit 2)
# that names the option, before anything runs.
for v in 4x -1 99999999999999999999 ''; do
	run_kg "$O" "$E" migrate db copy --source x --target y --db a --jobs "$v"
	check "cli: migrate db --jobs '$v' is a usage error naming the option" \
		sh -c "[ $RC -eq 2 ] && grep -q -- '--jobs takes a whole number from 1 to 64' '$E'"
done
run_kg "$O" "$E" migrate filestore --jobs 4x a b
check "cli: migrate filestore --jobs 4x is a usage error" sh -c "[ $RC -eq 2 ] && grep -q -- '--jobs takes' '$E'"
run_kg "$O" "$E" verify --odoo http://127.0.0.1:9 --duration 10s
check "cli: verify --duration 10s is a usage error" sh -c "[ $RC -eq 2 ] && grep -q -- '--duration takes a number' '$E'"
run_kg "$O" "$E" verify --odoo http://127.0.0.1:9 --concurrency 99999999999999999999
check "cli: verify --concurrency overflow is a usage error" sh -c "[ $RC -eq 2 ] && grep -q -- '--concurrency takes' '$E'"
run_kg "$O" "$E" convert --odoo-replicas 2x
check "cli: convert --odoo-replicas 2x is a usage error" sh -c "[ $RC -eq 2 ] && grep -q -- '--odoo-replicas takes' '$E'"
run_kg "$O" "$E" convert --help
check "cli: convert --help shows each default from the options" grep -q -- '--odoo-replicas N          minimum Odoo web pods (default 2)' "$O"

run_kg "$O" "$E" compose --project-directory "$EX" --env-file "$ENVF" config
check "cli: the example loads (exit 0)" test "$RC" -eq 0
check "cli: the example prints its four services" python3 -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert sorted(d["services"]) == ["db", "keycloak", "odoo", "traefik"], d["services"].keys()
assert d["name"] == "insightpulse"
assert d["services"]["odoo"]["deploy"]["resources"]["limits"]["memory"] == 4 * 2**30
' "$O"
check "cli: credentials are redacted by default" grep -q 'POSTGRES_PASSWORD: <redacted>' "$O"
check "cli: no credential value is printed" test "$(grep -c 'change-me' "$O")" -eq 0
cp "$O" "$WORK/first"
run_kg "$O" "$E" compose --project-directory "$EX" --env-file "$ENVF" config
check "cli: output is deterministic" cmp -s "$O" "$WORK/first"
run_kg "$O" "$E" compose --project-directory "$EX" --env-file "$ENVF" config --show-secrets
check "cli: --show-secrets prints the values" grep -q 'POSTGRES_PASSWORD: change-me' "$O"
run_kg "$O" "$E" compose --project-directory "$EX" --env-file "$ENVF" config --format json
check "cli: --format json is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$O"

run_kg "$O" "$E" compose --project-directory "$EX" --env-file "$ENVF" config -o "$WORK/model.yaml"
check "cli: -o writes the file" test -s "$WORK/model.yaml"
check "cli: -o file is mode 0600" test "$(stat -c %a "$WORK/model.yaml")" = 600
check "cli: -o leaves no temporary file" test "$(find "$WORK" -name 'model.yaml.tmp.*' | wc -l)" -eq 0
check "cli: -o prints nothing on stdout" test ! -s "$O"
run_kg "$O" "$E" compose --project-directory "$EX" --env-file "$ENVF" config -o "$WORK/no/such/dir/x.yaml"
check "cli: unwritable output exits 3" test "$RC" -eq 3

mkdir -p "$WORK/w"
printf 'services:\n  a:\n    image: x\n    environment:\n      A: ${UNSET_VAR}\n' >"$WORK/w/compose.yaml"
run_kg "$O" "$E" compose --project-directory "$WORK/w" config
check "cli: warnings keep exit 0" test "$RC" -eq 0
check "cli: warnings are located" grep -q 'compose.yaml:5:10: warning: variable UNSET_VAR is not set' "$E"
run_kg "$O" "$E" -q compose --project-directory "$WORK/w" config
check "cli: -q hides warnings" test ! -s "$E"
run_kg "$O" "$E" --color=always compose --project-directory "$WORK/w" config
check "cli: --color=always colours diagnostics" grep -q $'\033\\[' "$E"
run_kg "$O" "$E" compose --project-directory "$WORK/w" config
check "cli: no colour when stderr is not a terminal" test "$(grep -c $'\033' "$E")" -eq 0

printf 'services:\n  a:\n    image: [x]\n' >"$WORK/w/compose.yaml"
run_kg "$O" "$E" compose --project-directory "$WORK/w" config
check "cli: bad input exits 2" test "$RC" -eq 2
check "cli: errors say file:line:col, what and how" grep -q 'compose.yaml:3:12: error: services.a.image must be a string' "$E"
check "cli: nothing is printed on stdout after an error" test ! -s "$O"

printf 'services:\n  s:\n    image: from-stdin\n' | env -i PATH=/usr/bin:/bin HOME="$WORK" "$KG" compose --project-directory "$WORK/w" -f - config >"$O" 2>"$E"
check "cli: -f - reads standard input" grep -q 'image: from-stdin' "$O"

printf 'name: x\nservices:\n  a:\n    image: x\n    labels:\n      rule: "^(.*)$$"\n' >"$WORK/w/compose.yaml"
run_kg "$O" "$E" compose --project-directory "$WORK/w" config -o "$WORK/w/again.yaml"
run_kg "$O" "$E" compose --project-directory "$WORK/w" -f "$WORK/w/again.yaml" config
check "cli: printed model reads back with the same values (\$\$ escaping)" grep -qF 'rule: ^(.*)$$' "$O"

printf 'services:\n  a:\n    image: x\n' >"$WORK/w/compose.yaml"
printf 'services:\n  a:\n    restart: always\n' >"$WORK/w/compose.override.yaml"
printf 'X=1\n' >"$WORK/w/.env"
run_kg "$O" "$E" -v compose --project-directory "$WORK/w" config
check "cli: -v names the files and variables read" grep -q 'compose.override.yaml: note: compose file 2 of 2' "$E"
check "cli: -v names the .env read" grep -q '.env: note: variables read from' "$E"
run_kg "$O" "$E" compose --project-directory "$WORK/w" config
check "cli: notes are hidden by default" test "$(grep -c 'note:' "$E")" -eq 0

# A real terminal, through script(1): colour by default, none with NO_COLOR.
printf 'services:\n  a:\n    image: x\n    environment:\n      A: ${UNSET_VAR}\n' >"$WORK/w/compose.yaml"
script -qec "env -i PATH=/usr/bin:/bin HOME=$WORK $KG_REL compose --project-directory $WORK/w config >/dev/null" "$WORK/tty.log" >/dev/null 2>&1
check "cli: colour on a terminal" grep -q $'\033\\[' "$WORK/tty.log"
script -qec "env -i PATH=/usr/bin:/bin HOME=$WORK NO_COLOR=1 $KG_REL compose --project-directory $WORK/w config >/dev/null" "$WORK/tty.log" >/dev/null 2>&1
check "cli: NO_COLOR turns colour off on a terminal" test "$(grep -c $'\033\\[' "$WORK/tty.log")" -eq 0
check "cli: the warning still shows on the terminal" grep -q 'UNSET_VAR' "$WORK/tty.log"

make -s -C "$ROOT" install DESTDIR="$WORK/inst" PREFIX=/opt/kg >/dev/null 2>&1
check "cli: make install honours DESTDIR and PREFIX" test -x "$WORK/inst/opt/kg/bin/kgenius"
check "cli: make install puts kgenius-online beside kgenius" test -x "$WORK/inst/opt/kg/bin/kgenius-online"
"$WORK/inst/opt/kg/bin/kgenius" migrate keycloak --help >"$O" 2>"$E"
check "cli: the installed kgenius runs migrate through kgenius-online" grep -q 'usage: kgenius migrate keycloak check' "$O"

# kgenius starts without libpq and libcurl (and their 30 libraries): they
# are kgenius-online's, which kgenius runs for migrate and verify.
check "cli: kgenius does not load libpq or libcurl" sh -c "! ldd '$KG_REL' | grep -Eq 'libpq|libcurl'"
check "cli: kgenius-online has them" sh -c "ldd '$ROOT/build/kgenius-online' | grep -q libpq"
run_kg "$O" "$E" help verify
check "cli: kgenius help verify is kgenius-online's help" grep -q -- '--keycloak-management URL' "$O"
cp "$KG_REL" "$WORK/alone"
"$WORK/alone" verify >"$O" 2>"$E"
check "cli: without kgenius-online, migrate and verify exit 3" test "$?" -eq 3
check "cli: ... and say what to build or install" grep -q 'cannot run .*kgenius-online.*build or install both' "$E"
run_kg "$O" "$E" -q --color=never verify --odoo
check "cli: global options and the command line reach kgenius-online as given" grep -q -- '--odoo' "$E"
