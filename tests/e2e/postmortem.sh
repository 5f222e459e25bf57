#!/usr/bin/env bash
# The post-mortem on real containers: the timeline and how the attacker got
# in, in the three shapes of the incidents, and trusted registries.
#   1. an application whose init spawns a shell that writes the miner into
#      /tmp and a root crontab entry, starts the miner and deletes its file;
#      the miner holds a connection to a fake pool on 127.0.0.1:3333 inside
#      the container's own network namespace; a second container of the
#      same image runs the same miner and keeps its file, a third of the
#      same image and one of another image do not (the first incident);
#   2. docker exec -u 1000 into a legitimate image, the miner's config.json
#      and a pool variable beside it;
#   3. an image whose own entrypoint is the miner, with and without
#      --trusted-registry and the configuration file.
. "$(dirname "$0")/lib.sh"
use_dockerd

# 1. The application spawned a shell.
name=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=1 -e MT_EXEC_DELAY_MS=300 \
	-e MT_POOL_PORT=3333 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi \
	--write /var/spool/cron/crontabs/root '* * * * * /tmp/kdevtmpfsi' \
	-o stratum+tcp://pool.example:3333)
cid=$(docker inspect -f '{{.Id}}' "$name")
init=$(docker inspect -f '{{.State.Pid}}' "$name")
miner=$(container_pid "$cid" kdevtmpfsi) || die "the miner did not start"
wait_deleted "$miner" || fail "the shell did not delete the miner's binary"
# a second container of the same image, the same miner dropped into it and
# kept in its writable layer; a third of the same image without the miner;
# one of another image
name2=$(run_container app2 metabase/metabase:v0.46.6 -e MT_BURN=1 -e MT_KEEP=1 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi -o stratum+tcp://pool.example:3333)
cid2=$(docker inspect -f '{{.Id}}' "$name2")
miner2=$(container_pid "$cid2" kdevtmpfsi) || die "the second miner did not start"
name3=$(run_container app3 metabase/metabase:v0.46.6 -- idle)
cid3=$(docker inspect -f '{{.Id}}' "$name3")
name4=$(run_container web0 acme/web:1.4 -- idle)
cid4=$(docker inspect -f '{{.Id}}' "$name4")
f=$MT_TMP/app.json
mt --json "$miner" >"$f"
validate "$MT_SCHEMA" "$f"
check "story: the application spawned a shell" \
	'.postmortem.entry_story.kind == "application-spawned-shell"' "$f"
check "story: the application is the init, the shell its child" \
	".postmortem.entry_story.application == \"init\" and .postmortem.entry_story.application_pid == $init and .postmortem.entry_story.spawned == \"sh\"" "$f"
check "story: image and version from the tag" \
	'.postmortem.entry_story.image == "metabase/metabase:v0.46.6" and .postmortem.entry_story.image_version == "v0.46.6" and .postmortem.entry_story.image_version_from == "tag"' "$f"
check "story: said plainly" \
	'.postmortem.entry_story.text | test("^the application spawned a shell: init .* typical of remote code execution in the application; check image metabase/metabase:v0.46.6, version v0.46.6")' "$f"
check "timeline: ordered" \
	'[.postmortem.timeline.events[].time] as $t | $t == ($t | sort)' "$f"
check "timeline: the binary written (untrusted file time) before the miner started" \
	"(.postmortem.timeline.events | map(.source == \"exe-modified\") | index(true)) < (.postmortem.timeline.events | map(.source == \"process-start\" and .pid == $miner) | index(true))" "$f"
check "timeline: written before started, by time" \
	"([.postmortem.timeline.events[] | select(.source == \"exe-modified\")][0] | .untrusted == true and .clock == \"file\") and ([.postmortem.timeline.events[] | select(.source == \"exe-modified\")][0].time < [.postmortem.timeline.events[] | select(.source == \"process-start\" and .pid == $miner)][0].time)" "$f"
check "timeline: deleted after it started (kernel's change time)" \
	"[.postmortem.timeline.events[] | select(.source == \"exe-changed\")][0].time > [.postmortem.timeline.events[] | select(.source == \"process-start\" and .pid == $miner)][0].time" "$f"
check "timeline: engine times of the container, kernel times of the chain" \
	'[.postmortem.timeline.events[] | select(.clock == "engine") | .source] | contains(["image-created", "container-created", "container-started"])' "$f"
check "timeline: the shell and the init started" \
	"[.postmortem.timeline.events[] | select(.source == \"process-start\") | .pid] | contains([$init])" "$f"
check "timeline: the boot time to the millisecond" '.postmortem.timeline.boot_time != null' "$f"
check "what happened: names the entry, the binary and its deletion" \
	'.postmortem.what_happened | test("How it got in: the application spawned a shell") and test("The binary /tmp/kdevtmpfsi \\(SHA-256 [0-9a-f]{64}\\) is dropped into the container.s writable layer") and test("was deleted after it started")' "$f"
check "persistence: the root crontab in the writable layer, with its content" \
	'.postmortem.persistence.checked_container and ([.postmortem.persistence.items[] | select(.where == "container")] == [.postmortem.persistence.items[] | select(.where == "container" and .kind == "cron" and .path == "/var/spool/cron/crontabs/root" and .content == "* * * * * /tmp/kdevtmpfsi\n" and .size == 26)]) and ([.postmortem.persistence.items[] | select(.where == "container")] | length == 1)' "$f"
check "persistence: its time in the timeline, untrusted" \
	'[.postmortem.timeline.events[] | select(.source == "persistence-modified" and .untrusted and (.what | test("crontabs/root")))] | length == 1' "$f"
check "what happened: the crontab left behind" \
	'.postmortem.what_happened | test("Left behind to come back: cron /var/spool/cron/crontabs/root \\(in the container\\)")' "$f"
check "network: read in the container's network namespace" \
	".postmortem.network.checked and .postmortem.network.netns == .chain[0].namespaces.net and .postmortem.network.sockets >= 2" "$f"
check "network: the pool connection marked" \
	'[.postmortem.network.connections[] | select(.pool_port)] == [.postmortem.network.connections[] | select(.state == "established" and .remote == "127.0.0.1" and .remote_port == 3333 and .listening == false)] and ([.postmortem.network.connections[] | select(.pool_port)] | length == 1)' "$f"
check "network: the listening socket" \
	'[.postmortem.network.connections[] | select(.listening)] | length == 1 and .[0].local_port == 3333 and .[0].pool_port == false' "$f"
check "what happened: the pool" \
	'.postmortem.what_happened | test("It is connected to 127.0.0.1:3333, a mining pool port")' "$f"
check "spread: the second container's miner, by SHA-256" \
	"[.postmortem.spread.processes[] | select(.pid == $miner2)] == [{\"pid\": $miner2, \"comm\": \"kdevtmpfsi\", \"exe\": \"/tmp/kdevtmpfsi\", \"container_id\": \"$cid2\", \"match\": \"sha256\"}]" "$f"
check "spread: one more container" \
	".postmortem.spread.checked and .postmortem.spread.other_containers >= 1 and ([.postmortem.spread.processes[] | select(.container_id == \"$cid\")] | length == 0)" "$f"
check "what happened: the spread" \
	'.postmortem.what_happened | test("The same miner runs in [0-9]+ more containers?")' "$f"
check "same image: asked for the target's image" \
	".postmortem.spread.same_image.checked and .postmortem.spread.same_image.image_id == \"$(docker inspect -f '{{.Image}}' "$name")\"" "$f"
check "same image: the second container runs the miner, its file in the writable layer" \
	"[.postmortem.spread.same_image.containers[] | select(.id == \"$cid2\") | {name, state, runs_miner, file_in_layer}] == [{\"name\": \"$name2\", \"state\": \"running\", \"runs_miner\": true, \"file_in_layer\": true}]" "$f"
check "same image: the third container listed, no miner, no file" \
	"[.postmortem.spread.same_image.containers[] | select(.id == \"$cid3\") | {name, runs_miner, file_in_layer}] == [{\"name\": \"$name3\", \"runs_miner\": false, \"file_in_layer\": false}]" "$f"
check "same image: neither the target's own container nor another image's" \
	"[.postmortem.spread.same_image.containers[] | select(.id == \"$cid\" or .id == \"$cid4\")] | length == 0" "$f"
check "same image: counted and created times" \
	'.postmortem.spread.same_image | .running_miner >= 1 and .file_in_layer >= 1 and .layers_searched >= 2 and ([.containers[].created] | all(test("^[0-9-]+T[0-9:.]+Z$")))' "$f"
check "what happened: the same file in other writable layers" \
	'.postmortem.what_happened | test("more containers? of the same image; the same miner runs in [1-9][0-9]* of them; the same file lies in the writable layer of [1-9][0-9]* containers? \\([0-9]+ searched\\)")' "$f"
check "no registry check without trusted registries" '.postmortem.registry == null' "$f"
check "miner config: the pool from its command line" \
	'.postmortem.miner_config.checked and .postmortem.miner_config.environ_read and .postmortem.miner_config.config_file == null and .postmortem.miner_config.settings == [{"setting": "pool", "value": "stratum+tcp://pool.example:3333", "source": "argv", "name": "-o"}]' "$f"
check "what happened: the configured pool" \
	'.postmortem.what_happened | test("Its own configuration names the pool stratum\\+tcp://pool.example:3333\\.")' "$f"
mt --json --no-engine "$miner" >"$MT_TMP/app-no-engine.json"
check "same image: not asked with --no-engine" \
	'.postmortem.spread.same_image == {"checked": false, "image_id": null, "running_miner": 0, "file_in_layer": 0, "layers_searched": 0, "containers": [], "truncated": false} and .engine.requests == 0' "$MT_TMP/app-no-engine.json"

mt --format=markdown "$miner" >"$MT_TMP/app.md"
awk '/^### What happened/ {w = NR} /^### Timeline/ {t = NR} /^### Process chain/ {c = NR}
     END {exit !(w && t && c && w < t && t < c)}' "$MT_TMP/app.md" ||
	fail "markdown: What happened, then the timeline, before the details"
grep -q '^| [0-9T:.-]*Z | file (untrusted) | the target.s binary /tmp/kdevtmpfsi last written |$' "$MT_TMP/app.md" ||
	fail "markdown: the binary's untrusted write time in the timeline table"
grep -q '^- \*\*cron\*\* (container) `/var/spool/cron/crontabs/root`, written .*; content `\* \* \* \* \* /tmp/kdevtmpfsi\\n`$' "$MT_TMP/app.md" ||
	fail "markdown: the crontab and its content"
grep -q '^| established | 127.0.0.1:[0-9]* | 127.0.0.1:3333 | \*\*yes\*\* |$' "$MT_TMP/app.md" ||
	fail "markdown: the pool connection in the network table"
grep -q 'How it got in: the application spawned a shell' "$MT_TMP/app.md" ||
	fail "markdown: the story in What happened"
grep -q "^| ${cid2:0:12} | $name2 | running | [0-9T:.-]*Z | \\*\\*yes\\*\\* | \\*\\*yes\\*\\* |\$" "$MT_TMP/app.md" ||
	fail "markdown: the second container of the same image, miner and file"
grep -q "^| ${cid3:0:12} | $name3 | running | [0-9T:.-]*Z | no | no |\$" "$MT_TMP/app.md" ||
	fail "markdown: the third container of the same image, neither"
mt --color=never "$miner" >"$MT_TMP/app.txt"
grep -q '^Story       application-spawned-shell: the application spawned a shell' "$MT_TMP/app.txt" ||
	fail "text: no Story line"
grep -q '^Timeline    ' "$MT_TMP/app.txt" || fail "text: no Timeline"
grep -Eq "^(Spread)? +PID $miner2 kdevtmpfsi /tmp/kdevtmpfsi \(sha256\) container ${cid2:0:12}\$" "$MT_TMP/app.txt" ||
	fail "text: the second container's miner as spread"
grep -Eq "^(Same image)? +${cid2:0:12} $name2 running, created [0-9T:.-]+Z, runs the same miner, the same file in its writable layer\$" "$MT_TMP/app.txt" ||
	fail "text: the second container of the same image"
grep -q "^Same image  [0-9]* more containers\\? of the same image; the same miner runs in" "$MT_TMP/app.txt" ||
	fail "text: no Same image line"
grep -Eq '^(Network)? +established 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:3333 \(a mining pool port\)$' "$MT_TMP/app.txt" ||
	fail "text: no pool connection"
grep -q ' file  \* the target.s binary /tmp/kdevtmpfsi last written' "$MT_TMP/app.txt" ||
	fail "text: the untrusted file time is not marked"

# 2. docker exec -u 1000 into a legitimate image.
name=$(run_container web acme/web:1.4 -- idle)
cid=$(docker inspect -f '{{.Id}}' "$name")
docker cp "$MT_PAYLOAD/mt-miner" "$name:/tmp/xmrig"
# xmrig's config.json beside the binary, a worker name with terminal escapes
printf '{"pools": [{"url": "pool.supportxmr.com:443", "user": "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A", "rig-id": "r\\u001b[31mred", "tls": true}], "cpu": {"max-threads-hint": 50}}\n' \
	>"$MT_TMP/config.json"
docker cp "$MT_TMP/config.json" "$name:/tmp/config.json"
docker exec -d -u 1000 -e MT_BURN=1 -e POOL_URL=backup.pool.example:5555 "$name" \
	/tmp/xmrig --donate-level 1 -a rx/0
miner=$(container_pid "$cid" xmrig) || die "the exec'd miner did not start"
f=$MT_TMP/exec.json
mt --json "$miner" >"$f"
validate "$MT_SCHEMA" "$f"
check "exec: story" '.postmortem.entry_story.kind == "exec" and .postmortem.entry_story.application == null' "$f"
check "exec: session ID, user and command" \
	'.postmortem.entry_story.exec.id == .entry.exec_id and .postmortem.entry_story.exec.user == "1000" and .postmortem.entry_story.exec.command == "/tmp/xmrig --donate-level 1 -a rx/0"' "$f"
check "exec: when, from its exec_start event" \
	'.postmortem.entry_story.exec.time != null and ([.postmortem.timeline.events[] | select(.source == "exec" and (.what | startswith("exec_start")))] | length == 1)' "$f"
check "exec: the session started before the miner" \
	"[.postmortem.timeline.events[] | select(.source == \"exec\" and (.what | startswith(\"exec_start\")))][0].time <= [.postmortem.timeline.events[] | select(.source == \"process-start\" and .pid == $miner)][0].time" "$f"
check "exec: no persistence in the container" \
	'.postmortem.persistence.checked_container and ([.postmortem.persistence.items[] | select(.where == "container")] | length == 0)' "$f"
check "exec: said plainly" \
	'.postmortem.entry_story.text | test("ran docker exec: session [0-9a-f]{12}, as user \"1000\", command \"/tmp/xmrig --donate-level 1 -a rx/0\", at 20")' "$f"
check "miner config: argv, environment and config.json beside the binary, each with its source" \
	'.postmortem.miner_config.config_file == "/tmp/config.json" and .postmortem.miner_config.config_error == null and [.postmortem.miner_config.settings[] | [.setting, .value, .source, .name]] == [["donate-level", "1", "argv", "--donate-level"], ["algo", "rx/0", "argv", "-a"], ["pool", "backup.pool.example:5555", "environ", "POOL_URL"], ["pool", "pool.supportxmr.com:443", "/tmp/config.json", "pools[0].url"], ["user", "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A", "/tmp/config.json", "pools[0].user"], ["rig-id", "r\u001b[31mred", "/tmp/config.json", "pools[0].rig-id"], ["threads", "50", "/tmp/config.json", "cpu.max-threads-hint"]]' "$f"
check "what happened: pool, wallet and worker" \
	'.postmortem.what_happened | test("Its own configuration names the pool backup.pool.example:5555, the wallet \\(user\\) 44AFFq5k[0-9A-Za-z]+, the worker r\u001b\\[31mred\\.")' "$f"
mt --color=never "$miner" >"$MT_TMP/exec.txt"
grep -q '^            rig-id r\\e\[31mred (/tmp/config.json pools\[0\].rig-id)$' "$MT_TMP/exec.txt" ||
	fail "text: the worker from config.json, escaped"
grep -q '^Config      donate-level 1 (argv --donate-level)$' "$MT_TMP/exec.txt" ||
	fail "text: no Config lines"
mt --format=markdown "$miner" >"$MT_TMP/exec.md"
grep -q '^| pool | `pool.supportxmr.com:443` | /tmp/config.json `pools\[0\].url` |$' "$MT_TMP/exec.md" ||
	fail "markdown: the configured pool"
grep -q '^| rig-id | `r\\e\[31mred` |' "$MT_TMP/exec.md" || fail "markdown: the worker, escaped"

# 3. An unwanted image, with and without trusted registries.
name=$(run_container xmrig xmrig/xmrig:6.21.0 -e MT_BURN=1)
cid=$(docker inspect -f '{{.Id}}' "$name")
miner=$(container_pid "$cid" xmrig) || die "the image's miner did not start"
f=$MT_TMP/unwanted.json
mt --json "$miner" >"$f"
validate "$MT_SCHEMA" "$f"
check "unwanted: story" \
	'.postmortem.entry_story.kind == "unwanted-image" and (.postmortem.entry_story.text | startswith("an unwanted image: the entrypoint of image xmrig/xmrig:6.21.0, version 6.21.0 (tag) is the miner itself"))' "$f"
check "unwanted: nothing checked without trusted registries" \
	'.postmortem.registry == null and ([.verdict.signals[].id] | index("untrusted-registry") == null)' "$f"

f=$MT_TMP/untrusted.json
mt --json --trusted-registry=registry.example.com/ --trusted-registry ghcr.io/acme "$miner" >"$f"
validate "$MT_SCHEMA" "$f"
check "untrusted: Docker Hub is not a trusted registry" \
	'.postmortem.registry.trusted == false and .postmortem.registry.image == "docker.io/xmrig/xmrig:6.21.0" and .postmortem.registry.registry == "docker.io" and .postmortem.registry.matched == null' "$f"
check "untrusted: said, with the trusted ones" \
	'.postmortem.registry.text == "the image docker.io/xmrig/xmrig:6.21.0 is not from a trusted registry: it comes from docker.io (Docker Hub), trusted are registry.example.com/, ghcr.io/acme"' "$f"
check "untrusted: a signal" '[.verdict.signals[].id] | index("untrusted-registry") != null' "$f"
check "untrusted: in what happened" '.postmortem.what_happened | test("is not from a trusted registry")' "$f"
mt --color=never --trusted-registry=registry.example.com/ "$miner" >"$MT_TMP/untrusted.txt"
grep -q '^Registry    not trusted: the image docker.io/xmrig/xmrig:6.21.0 is not from a trusted registry' \
	"$MT_TMP/untrusted.txt" || fail "text: no Registry line"

f=$MT_TMP/trusted.json
mt --json --trusted-registry=docker.io/xmrig/ "$miner" >"$f"
check "trusted: the prefix matched" \
	'.postmortem.registry.trusted == true and .postmortem.registry.matched == "docker.io/xmrig/" and ([.verdict.signals[].id] | index("untrusted-registry") == null)' "$f"

# The configuration file, joined with the command line.
printf '# ours\ntrusted-registry registry.example.com/\n' >"$MT_TMP/minertrace.conf"
mt --json --config="$MT_TMP/minertrace.conf" --trusted-registry=quay.io/acme "$miner" >"$f"
check "config: its prefixes and the command line's" \
	'.postmortem.registry.trusted == false and (.postmortem.registry.text | endswith("trusted are registry.example.com/, quay.io/acme"))' "$f"
printf 'trusted-registry docker.io/xmrig\n' >"$MT_TMP/minertrace.conf"
mt --json --config="$MT_TMP/minertrace.conf" "$miner" >"$f"
check "config: a matching prefix" '.postmortem.registry.trusted == true' "$f"
printf 'trusted-registry docker.io/xmrig\nregistry x\n' >"$MT_TMP/bad.conf"
rc=0
mt --json --config="$MT_TMP/bad.conf" "$miner" >"$MT_TMP/bad.out" 2>"$MT_TMP/bad.err" || rc=$?
expect_eq "config: a bad line is a usage error" "$rc" 2
grep -q "^minertrace: config: $MT_TMP/bad.conf, line 2: expected \"trusted-registry PREFIX\"" \
	"$MT_TMP/bad.err" || fail "config: the error names the file and line: $(cat "$MT_TMP/bad.err")"
[ ! -s "$MT_TMP/bad.out" ] || fail "config: a report despite a bad configuration"
rc=0
mt --json --config="$MT_TMP/missing.conf" "$miner" >/dev/null 2>"$MT_TMP/missing.err" || rc=$?
expect_eq "config: a named file must exist" "$rc" 2
ln -s "$MT_TMP/minertrace.conf" "$MT_TMP/link.conf"
rc=0
mt --json --config="$MT_TMP/link.conf" "$miner" >/dev/null 2>&1 || rc=$?
expect_eq "config: a symbolic link is refused" "$rc" 2
finish
