#!/usr/bin/env bash
# The Ansible fleet run for real (docs/fleet/minertrace-scan.yml) over real
# SSH: a private sshd on loopback only (127.0.0.2, .3 and .4 on a free high
# port, its own host key and configuration in the test's directory, a client
# key made here), an inventory of those three "hosts" (this machine under
# three names) plus one at a loopback address where nothing listens. A
# miner runs on the machine. Checks: three scan documents fetched, the
# unreachable host recorded with its reason, the evidence archives fetched,
# the fleet report right and valid, and nothing left on the "hosts".
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
need_root
command -v ansible-playbook >/dev/null || skip "ansible is not installed (tests/install-deps.sh)"
[ -x /usr/sbin/sshd ] || skip "sshd is not installed (openssh-server)"
command -v gcc >/dev/null || skip "gcc is missing"

T=$MT_TMP
sshd_pid=
made_run_sshd=0
stop_sshd() {
	if [ -n "$sshd_pid" ]; then
		kill "$sshd_pid" 2>/dev/null || true
		wait "$sshd_pid" 2>/dev/null || true
	fi
	# sshd insists on its privilege separation directory; it is removed when
	# this test made it
	[ "$made_run_sshd" = 0 ] || rmdir /run/sshd 2>/dev/null || true
}
trap 'stop_sshd; cleanup' EXIT

# A port free on the three addresses.
port=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randint(20000, 60000)
    socks = []
    try:
        for a in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"):
            s = socket.socket()
            socks.append(s)
            s.bind((a, p))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(p)
    break
PY
)
[ -n "$port" ] || die "no free port"

ssh-keygen -q -t ed25519 -N '' -C mt-host -f "$T/host_key"
ssh-keygen -q -t ed25519 -N '' -C mt-client -f "$T/client_key"
cp "$T/client_key.pub" "$T/authorized_keys"
cat >"$T/sshd_config" <<CONF
ListenAddress 127.0.0.2:$port
ListenAddress 127.0.0.3:$port
ListenAddress 127.0.0.4:$port
HostKey $T/host_key
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
AllowTcpForwarding no
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd
	made_run_sshd=1
fi
/usr/sbin/sshd -t -f "$T/sshd_config" || die "sshd refuses its configuration"
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
sshd_pid=$!
for i in $(seq 1 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.4', $port), 0.2).close()" 2>/dev/null && break
	[ "$i" = 100 ] && die "sshd did not listen within 10 s: $(cat "$T/sshd.log")"
	sleep 0.1
done
for a in 127.0.0.2 127.0.0.3 127.0.0.4; do
	echo "[$a]:$port $(cut -d' ' -f1-2 "$T/host_key.pub")"
done >"$T/known_hosts"

cat >"$T/inventory.ini" <<INV
[fleet]
host-a ansible_host=127.0.0.2
host-b ansible_host=127.0.0.3
host-c ansible_host=127.0.0.4
host-gone ansible_host=127.0.0.5

[fleet:vars]
ansible_port=$port
ansible_user=root
ansible_ssh_private_key_file=$T/client_key
ansible_become_method=su
ansible_python_interpreter=/usr/bin/python3
INV
mkdir "$T/hosts-tmp" "$T/remote-ansible"
cat >"$T/ansible.cfg" <<CFG
[defaults]
inventory = $T/inventory.ini
timeout = 10
forks = 4
local_tmp = $T/ansible-local
remote_tmp = $T/remote-ansible
retry_files_enabled = False
[ssh_connection]
pipelining = True
ssh_args = -o UserKnownHostsFile=$T/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o ControlMaster=no -o ConnectTimeout=5
control_path_dir = $T/cp
CFG
export ANSIBLE_CONFIG=$T/ansible.cfg ANSIBLE_HOME=$T/ansible-home ANSIBLE_NOCOLOR=1

# The miner every "host" must find.
gcc -O2 -pthread -o "$T/xmrig" "$MT_SOURCE_DIR/tests/e2e/payload/mt-miner.c"
MT_BURN=60 "$T/xmrig" -o stratum+tcp://pool.example:4444 --donate-level 1 &
MT_CHILDREN+=($!)
miner_sha=$(sha256sum "$T/xmrig" | cut -d' ' -f1)

rc=0
timeout 500 ansible-playbook "$MT_SOURCE_DIR/docs/fleet/minertrace-scan.yml" \
	-e "minertrace_bin=${MT_FLEET_BIN:-$MT_BIN}" -e "minertrace_results=$T/results" \
	-e "minertrace_remote_parent=$T/hosts-tmp" -e minertrace_collect=true -e minertrace_collect_max=1 \
	-e '{"minertrace_scan_args": ["--interval", "0.5", "--no-probe"]}' >"$T/ansible.log" 2>&1 || rc=$?
expect_eq "the playbook goes on past the unreachable host (exit 0)" "$rc" 0
[ "$rc" = 0 ] || tail -n 60 "$T/ansible.log" >&2

# Three documents fetched, one failure recorded.
for h in host-a host-b host-c; do
	jq -r 'select(.schema == "minertrace-host-failure/1") | "\(.host) failed: \(.message)"' "$T/results/hosts/$h.json" 2>/dev/null | head -c 2000 >&2 || true
	check "$h: its scan document fetched" '.schema == "minertrace-scan/1"' "$T/results/hosts/$h.json"
	validate --scan "$MT_SCHEMA" "$T/results/hosts/$h.json"
	check "$h: the miner found" "[.findings[] | select(.trace.chain[0].exe.path == \"$T/xmrig\")] | length == 1" \
		"$T/results/hosts/$h.json"
	tar -tzf "$T/results/evidence/$h.tar.gz" >"$T/$h.list" 2>/dev/null || fail "$h: no evidence archive"
	grep -q '^evidence/[0-9]*/MANIFEST.sha256$' "$T/$h.list" || fail "$h: the archive holds no evidence manifest"
done
check "host-gone: the failure recorded with its reason" \
	'.schema == "minertrace-host-failure/1" and .host == "host-gone" and (.message | test("unreachable: .*(refused|Connection)"))' \
	"$T/results/hosts/host-gone.json"
expect_eq "four documents and nothing else" "$(ls "$T/results/hosts" | tr '\n' ' ')" \
	"host-a.json host-b.json host-c.json host-gone.json "

# The fleet report the playbook made.
validate --fleet "$MT_SCHEMA" "$T/results/report.json"
check "report: 4 hosts, 3 suspicious, 1 failed" \
	'.summary | .hosts == 4 and .suspicious == 3 and .failed == 1 and .clean == 0' "$T/results/report.json"
check "report: the failed host and why" \
	'[.hosts[] | select(.state == "failed") | .name] == ["host-gone"]' "$T/results/report.json"
check "report: the miner's executable on 3 hosts" \
	"[.binaries[] | select(.sha256 == \"$miner_sha\") | .hosts] == [3]" "$T/results/report.json"
check "report: the miner ranked among the findings of every host" \
	"[.findings[] | select(.exe_path == \"$T/xmrig\") | .source | split(\"/\") | last] | sort == [\"host-a.json\", \"host-b.json\", \"host-c.json\"]" \
	"$T/results/report.json"
check "report: the three documents of one machine are flagged, not merged" \
	'[.warnings[] | select(.message | test("claimed by 3 documents"))] | length == 1' "$T/results/report.json"
grep -q '^4 hosts: 3 suspicious, 0 clean, 1 failed' "$T/results/report.txt" || fail "report.txt: $(head -3 "$T/results/report.txt")"
grep -q '^| SCORE | HOST | PID |' "$T/results/report.md" || fail "report.md has no findings table"

# Nothing left on the "hosts": the private directories and Ansible's own.
expect_eq "no private directory left on the hosts" "$(find "$T/hosts-tmp" -mindepth 1 | wc -l)" 0
expect_eq "no Ansible temp directory left on the hosts" "$(find "$T/remote-ansible" -mindepth 1 | wc -l)" 0

stop_sshd
sshd_pid=
python3 -c "import socket; socket.create_connection(('127.0.0.2', $port), 0.5)" 2>/dev/null &&
	fail "sshd still listens after the test"
finish
