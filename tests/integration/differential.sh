#!/usr/bin/env bash
# Differential test against Debian's docker-compose 1.29 (`docker-compose
# config`) over the corpus projects it accepts. Every field that differs must
# be listed, with its reason, in tests/data/differential-known.txt.
. "$(dirname "$0")/lib.sh"

if ! command -v docker-compose >/dev/null; then
	fail "differential: docker-compose is installed" "install it: apt-get install docker-compose"
	exit 0
fi
known=$ROOT/tests/data/differential-known.txt
report=$WORK/report
: >"$report"
accepted=0
while read -r id expect files; do
	dir=$WORK/diff/$id
	# shellcheck disable=SC2086
	mapfile -t fargs < <(corpus_assemble "$dir" $files)
	[ ${#fargs[@]} -gt 0 ] || fargs=(-f "$dir/$(ls "$dir" | grep -E '^(docker-)?compose\.ya?ml$' | head -1)")
	# docker-compose 1.29 insists that build directories exist; the corpus
	# has only the compose files, so create the ones it names and retry.
	accepted_by_dc=false
	for _ in 1 2 3 4 5 6 7 8; do
		if (cd "$dir" && env -i PATH=/usr/bin:/bin HOME="$WORK" docker-compose --project-directory "$dir" "${fargs[@]}" config >"$WORK/dc.yaml" 2>"$WORK/dc.err"); then
			accepted_by_dc=true
			break
		fi
		missing=$(sed -n 's/^build path \(.*\) either does not exist.*/\1/p' "$WORK/dc.err" | head -1)
		[ -n "$missing" ] && [ "${missing#"$dir"/}" != "$missing" ] || break
		mkdir -p "$missing"
	done
	if ! $accepted_by_dc; then
		echo "rejected $id: $(grep -v 'variable is not set' "$WORK/dc.err" | head -1)" >>"$report"
		continue
	fi
	run_kg "$WORK/kg.json" "$WORK/kg.err" compose --project-directory "$dir" "${fargs[@]}" config --show-secrets --format json
	if [ "$RC" -ne 0 ]; then
		fail "differential $id: kgenius loads what docker-compose accepts" "$(grep error: "$WORK/kg.err" | head -2)"
		continue
	fi
	accepted=$((accepted + 1))
	python3 "$ROOT/tests/integration/compose_diff.py" "$id" "$WORK/dc.yaml" "$WORK/kg.json" >>"$report"
done < <(corpus_projects)

agree=$(grep -c '^agree' "$report")
disagree=$(grep -c '^disagree' "$report")
explained=0
while read -r line; do
	key=$(echo "$line" | awk '{print $2" "$3" "$4}' | sed 's/:$//')
	if grep -qF -- "$key" <(grep -vE '^\s*(#|$)' "$known" | cut -d'|' -f1 | sed 's/ *$//'); then
		explained=$((explained + 1))
	else
		fail "differential: $key" "unexplained: $line"
	fi
done < <(grep '^disagree' "$report")
grep '^rejected' "$report" | sed 's/^/# /'
echo "# differential: $accepted projects accepted by docker-compose 1.29; $agree of $((agree + disagree)) field comparisons agree ($(awk -v a="$agree" -v t="$((agree + disagree))" 'BEGIN{printf "%.1f", t ? 100*a/t : 0}')%); $explained disagreements explained in tests/data/differential-known.txt"
check "differential: docker-compose accepted corpus projects" test "$accepted" -gt 10
check "differential: every disagreement is explained" test "$explained" -eq "$disagree"
[ -z "${KG_DIFF_REPORT:-}" ] || cp "$report" "$KG_DIFF_REPORT"
