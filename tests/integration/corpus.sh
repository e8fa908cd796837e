#!/usr/bin/env bash
# Every Compose project of ../shared/corpus/compose loads, or fails with
# located errors, as tests/data/corpus-projects.txt expects; never a crash.
. "$(dirname "$0")/lib.sh"

while read -r id expect files; do
	dir=$WORK/corpus/$id
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_assemble "$dir" $files)
	run_kg "$WORK/out" "$WORK/err" compose --project-directory "$dir" "${fargs[@]}" config --show-secrets
	name="corpus $id loads ($expect)"
	if [ "$RC" -ne 0 ] && [ "$RC" -ne 2 ]; then
		fail "$name" "exit $RC: $(head -c 600 "$WORK/err")"
	elif [ "$expect" = ok ] && [ "$RC" -ne 0 ]; then
		fail "$name" "expected to load: $(grep error: "$WORK/err" | head -3)"
	elif [ "$expect" = error ] && [ "$RC" -ne 2 ]; then
		fail "$name" "expected located errors, got exit $RC"
	elif ! errors_located "$WORK/err"; then
		fail "$name" "an error without a location: $(grep error: "$WORK/err" | head -2)"
	elif [ "$RC" -eq 0 ] && ! python3 -c 'import sys,yaml; d=yaml.safe_load(open(sys.argv[1])); assert d["services"]' "$WORK/out"; then
		fail "$name" "the printed model does not read back as YAML with services"
	else
		ok "$name"
	fi
done < <(corpus_projects)
