#!/usr/bin/env bash
# Every jq recipe of docs/json.md runs against a real trace (a miner started
# with docker exec into a legitimate image) and prints something.
. "$(dirname "$0")/lib.sh"
use_dockerd

name=$(run_container web acme/web:1.4 -- idle)
cid=$(docker inspect -f '{{.Id}}' "$name")
docker cp "$MT_PAYLOAD/mt-miner" "$name:/tmp/xmrig"
docker exec -d -u 1000 -e MT_BURN=1 "$name" /tmp/xmrig $'arg\xff' --donate-level 1
pid=$(container_pid "$cid" xmrig) || die "the miner did not start"
mt --json "$pid" >"$MT_TMP/trace.json"

# the recipes: lines after "# ..." comments in the ```sh block of the jq section
awk '/^## jq recipes/ {on = 1} on && /^```sh/ {code = 1; next} code && /^```/ {exit}
     code && /^minertrace/ {if (cmd != "") print cmd; cmd = $0; next}
     code && /^  / {cmd = cmd "\n" $0; next}
     code && /^$/ {if (cmd != "") print cmd; cmd = ""}
     END {if (cmd != "") print cmd}' "$MT_SOURCE_DIR/docs/json.md" |
	awk 'BEGIN {RS = "minertrace --json 4599 \\| "} NR > 1 {printf "%s%c", $0, 0}' >"$MT_TMP/recipes"
n=0
while IFS= read -r -d '' recipe; do
	n=$((n + 1))
	out=$(bash -c "set -o pipefail; cat '$MT_TMP/trace.json' | $recipe" 2>&1) && [ -n "$out" ] &&
		echo "ok: recipe $n: $(printf '%s' "$out" | head -n1 | cut -c1-80)" ||
		fail "recipe $n failed: $recipe -> $out"
done <"$MT_TMP/recipes"
[ "$n" -ge 10 ] || fail "only $n recipes found in docs/json.md"
finish
