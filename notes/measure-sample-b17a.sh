#!/bin/bash
# Run from the worktree: bash notes/measure-sample-b17a.sh build/kgenius notes/sample-b17a-lines.tsv
# measure.sh KGENIUS TSV: how many sampled lines rank their family first
kg=$1; tsv=$2; n=0; hit=0; t=$(mktemp)
while IFS=$'\t' read -r id line; do
	n=$((n + 1)); printf '%s\n' "$line" > "$t"
	got=$("$kg" diagnose --format json "$t" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin)["diagnoses"]; print(d[0]["id"] if d else "none")')
	[ "$got" = "$id" ] && hit=$((hit + 1))
done < "$tsv"
rm -f "$t"; echo "$hit/$n"
