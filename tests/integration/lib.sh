# Shared by the integration tests: each test prints "ok NAME" or
# "FAIL NAME: why"; tests/run counts those lines.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
KG=${KG:-$ROOT/build/san/kgenius}
KG_REL=${KG_REL:-$ROOT/build/kgenius}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kgenius-it-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; }

# check NAME CONDITION-COMMAND...: ok when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "$*"; fi
}

# run_kg OUT ERR ARGS...: runs the sanitizer binary with a clean
# environment; sets RC.
run_kg() {
	local out=$1 err=$2
	shift 2
	env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		"$KG" "$@" >"$out" 2>"$err"
	RC=$?
}

# convert OUTDIR ARGS...: kgenius convert (sanitizer binary, clean
# environment) into OUTDIR; output in $WORK/cv.out and cv.err; sets RC.
convert() { # OUTDIR ARGS...
	local out=$1
	shift
	env -i PATH=/usr/bin:/bin HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		"$KG" convert -o "$out" "$@" >"$WORK/cv.out" 2>"$WORK/cv.err"
	RC=$?
}

# Every error line must be "file:line:col: error: ..." or "file: error: ...".
errors_located() {
	! grep -E 'error:' "$1" | grep -vqE '^[^ :]+(:[0-9]+:[0-9]+)?: error: '
}

# corpus_assemble DIR FILE=TARGET...: copies corpus files under their
# original names; prints the -f arguments, in order.
corpus_assemble() {
	local dir=$1 spec src dst
	shift
	mkdir -p "$dir"
	for spec in "$@"; do
		src=${spec%%=*}
		dst=${spec#*=}
		case $dst in -f:*) dst=${dst#-f:}; printf -- '-f\n%s\n' "$dir/$dst" ;; esac
		mkdir -p "$dir/$(dirname "$dst")"
		cp "$SHARED/corpus/compose/$src" "$dir/$dst"
	done
}

# corpus_dirs: tests/data/corpus-dirs.txt without comments.
corpus_dirs() {
	grep -vE '^\s*(#|$)' "$ROOT/tests/data/corpus-dirs.txt"
}

# corpus_dir_args DEST DIR ARGS...: copies the project folder DIR to DEST
# (writable) and prints convert's arguments, "-f FILE" made absolute.
corpus_dir_args() {
	local dest=$1 dir=$2
	shift 2
	cp -r "$SHARED/corpus/compose/projects/$dir" "$dest"
	chmod -R u+w "$dest"
	printf -- '--project-directory\n%s\n' "$dest"
	while [ $# -gt 0 ]; do
		case $1 in
			-f) printf -- '-f\n%s\n' "$dest/$2"; shift 2 ;;
			*) printf '%s\n' "$1"; shift ;;
		esac
	done
}

# corpus_projects: the table without comments, one project a line.
corpus_projects() {
	grep -vE '^\s*(#|$)' "$ROOT/tests/data/corpus-projects.txt" | sed 's/ *#.*$//'
}
