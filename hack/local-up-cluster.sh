#!/usr/bin/env bash
# Brings up a single-node ckube cluster on this machine (`make cluster`):
# etcd, then every control-plane and node component that has been built,
# all state under one directory ($CK_STATE_DIR, default _output/local-up).
# Ctrl-C stops everything it started, by PID.
#
# Components that do not exist yet are named and skipped: the README's
# component table says which are built today.
set -euo pipefail
cd "$(dirname "$0")/.."
state=${CK_STATE_DIR:-$PWD/_output/local-up}
bin=${CK_BIN_DIR:-$PWD/_output/bin}
etcd_port=${CK_ETCD_PORT:-2379}
mkdir -p "$state/etcd" "$state/logs"

pids=()
stop() {
	trap - INT TERM EXIT
	echo "local-up: stopping"
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop INT TERM EXIT

echo "local-up: state in $state"
etcd --name local --data-dir "$state/etcd" \
	--listen-client-urls "http://127.0.0.1:$etcd_port" \
	--advertise-client-urls "http://127.0.0.1:$etcd_port" \
	--listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
	--initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
	--initial-cluster "local=http://127.0.0.1:$((etcd_port + 1))" \
	>"$state/logs/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$etcd_port" endpoint health >/dev/null 2>&1 && break
	sleep 0.1
done
ETCDCTL_API=3 etcdctl --endpoints "127.0.0.1:$etcd_port" endpoint health >/dev/null 2>&1 ||
	{ echo "local-up: etcd did not become healthy (see $state/logs/etcd.log)"; exit 1; }
echo "local-up: etcd is up at 127.0.0.1:$etcd_port (pid ${pids[0]})"

missing=()
for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
	if [ ! -x "$bin/$c" ]; then
		missing+=("$c")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "local-up: not built yet, so not started: ${missing[*]}"
fi
if [ ${#missing[@]} -eq 5 ]; then
	echo "local-up: no ckube component exists yet; only etcd runs. Ctrl-C to stop."
fi
wait "${pids[0]}"
