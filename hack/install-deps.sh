#!/usr/bin/env bash
# Installs every Debian package ckube needs to build, test and run.
# Idempotent: when everything is present it only checks and exits (well under
# a second). Otherwise it runs `apt-get update` once and installs what is
# missing. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
	# build
	gcc make pkg-config clang clang-format libclang-rt-14-dev
	# libraries
	libmicrohttpd-dev libgnutls28-dev libjson-c-dev libyaml-dev libprotobuf-c-dev
	protobuf-c-compiler libgrpc-dev libssl-dev libcurl4-openssl-dev
	check libsubunit-dev
	# real parts started by tests and by `make cluster`
	etcd-server etcd-client containerd runc containernetworking-plugins
	iptables iproute2 busybox-static util-linux procps
	# compatibility tests
	python3-kubernetes
)

# One dpkg-query for all of them: fast when everything is there.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null |
	awk '$2 == "installed" { print $1 }' | sed 's/:.*//')
missing=()
for p in "${packages[@]}"; do
	grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done

if [ "${1:-}" = --check ]; then
	# Prints the missing packages on one line; exit 1 if any.
	[ ${#missing[@]} -eq 0 ] && exit 0
	echo "${missing[*]}"
	exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts daemons on install where it can; ckube starts its own
# instances with its own config, so stop the packaged ones if they run.
for svc in etcd containerd; do
	if command -v systemctl >/dev/null && systemctl is-active -q "$svc" 2>/dev/null; then
		$sudo systemctl stop "$svc" || true
	fi
done
