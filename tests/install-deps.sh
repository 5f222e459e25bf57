#!/usr/bin/env bash
# Installs what building and testing minertrace needs on Debian 12.
# Idempotent: packages already installed are not fetched again.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config
	libcurl4-openssl-dev libcjson-dev libcgroup-dev libssl-dev check
	# the gRPC messages of containerd and the CRI, generated at build time:
	# protoc-c, protobuf-c's archive, and the .proto files (containerd's API,
	# gogoproto and google.protobuf they import)
	protobuf-c-compiler libprotobuf-c-dev libprotobuf-dev
	golang-github-containerd-containerd-dev golang-github-gogo-protobuf-dev
	# end-to-end tests: a private dockerd, static test binaries, jq, schema checks
	docker.io libc6-dev curl jq python3 python3-jsonschema python3-yaml procps
	# the same on containerd (native and CRI, with a test CRI client) and Podman
	containerd runc python3-grpcio python3-grpc-tools podman conmon
	# race and rootkit tests: fault injection, namespaces, dropping privileges
	strace util-linux
	# sanitizers, fuzzing, leak checks, static analysis
	clang libclang-rt-14-dev valgrind cppcheck clang-tidy
	# the fleet run: a private sshd on loopback for the Ansible playbook (the
	# system's ssh service is never used by the tests)
	ansible openssh-server openssh-client
	# benchmarks
	psmisc hyperfine bc time
	# the static flavour: Debian's source packages, archives Debian ships
	dpkg-dev libnghttp2-dev
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root (sudo $0)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
