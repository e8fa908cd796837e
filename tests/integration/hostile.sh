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
