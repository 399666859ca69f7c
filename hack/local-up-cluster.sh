#!/usr/bin/env bash
# Brings up a secured single-node ckube cluster on this machine (`make cluster`):
# the cluster PKI and kubeconfigs (ckubeadm), etcd, then every control-plane
# and node component that has been built, all state under one directory.
#
#   hack/local-up-cluster.sh [--state-dir DIR] [--detach] [--down]
#
#   --state-dir DIR  where everything lives (default $CK_STATE_DIR, else
#                    _output/local-up); a second run reuses it (PKI, etcd data)
#   --detach         return once healthy, leaving the cluster running, with
#                    DIR/admin.kubeconfig written and the PIDs in DIR/pids
#   --down           stop what --detach started, by the PIDs it recorded
#
# Without --detach, Ctrl-C stops everything it started, by PID.
# Environment: CK_BIN_DIR (built programs, default _output/bin), CK_ETCD_PORT
# (2379; the peer port is the next one), CK_API_PORT (6443).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s.%N)

state=${CK_STATE_DIR:-$PWD/_output/local-up}
detach=0
down=0
while [ $# -gt 0 ]; do
	case "$1" in
	--state-dir) state=$2; shift 2 ;;
	--state-dir=*) state=${1#*=}; shift ;;
	--detach) detach=1; shift ;;
	--down) down=1; shift ;;
	-h | --help) sed -n '2,19p' "$0"; exit 0 ;;
	*) echo "local-up: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
mkdir -p "$state"
state=$(cd "$state" && pwd)
bin=${CK_BIN_DIR:-$PWD/_output/bin}
etcd_port=${CK_ETCD_PORT:-2379}
api_port=${CK_API_PORT:-6443}
pidfile="$state/pids"

# Stops the processes listed in the pid file (last started first).
stop_recorded() {
	[ -f "$pidfile" ] || return 0
	mapfile -t recorded <"$pidfile"
	for ((i = ${#recorded[@]} - 1; i >= 0; i--)); do
		pid=${recorded[i]%% *}
		kill -TERM "$pid" 2>/dev/null || true
	done
	for entry in "${recorded[@]}"; do
		pid=${entry%% *}
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	rm -f "$pidfile"
}

if [ "$down" = 1 ]; then
	[ -f "$pidfile" ] || { echo "local-up: nothing recorded in $pidfile"; exit 0; }
	echo "local-up: stopping the cluster in $state"
	stop_recorded
	exit 0
fi

if [ -f "$pidfile" ]; then
	for entry in $(cut -d' ' -f1 "$pidfile"); do
		if kill -0 "$entry" 2>/dev/null; then
			echo "local-up: a cluster from $state is running (pid $entry); stop it with --down" >&2
			exit 1
		fi
	done
	rm -f "$pidfile"
fi

# Build what is missing (`make cluster` has built already).
if [ ! -x "$bin/kube-apiserver" ] || [ ! -x "$bin/ckubeadm" ]; then
	echo "local-up: building"
	make -j"$(nproc)" >/dev/null
fi
mkdir -p "$state/etcd" "$state/logs" "$state/pki"

started=()
start() { # name, then the command: started in its own session, logged, recorded
	local name=$1
	shift
	setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
	local pid=$!
	started+=("$pid")
	echo "$pid $name" >>"$pidfile"
}

cleanup() {
	trap - INT TERM EXIT
	echo "local-up: stopping"
	stop_recorded
}
if [ "$detach" = 0 ]; then
	trap cleanup INT TERM EXIT
else
	trap 'stop_recorded' ERR
fi

# ---- PKI and kubeconfigs ----------------------------------------------------
node=$(hostname | tr '[:upper:]' '[:lower:]')
server="https://127.0.0.1:$api_port"
"$bin/ckubeadm" certs --cert-dir "$state/pki" --apiserver-advertise-address 127.0.0.1 \
	--node-name "$node" >"$state/logs/ckubeadm.log"
"$bin/ckubeadm" kubeconfig --cert-dir "$state/pki" --server "$server" --out-dir "$state" \
	--node-name "$node" >>"$state/logs/ckubeadm.log"

# ---- etcd ---------------------------------------------------------------------
echo "local-up: state in $state"
start etcd etcd --name local --data-dir "$state/etcd" \
	--listen-client-urls "http://127.0.0.1:$etcd_port" \
	--advertise-client-urls "http://127.0.0.1:$etcd_port" \
	--listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
	--initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
	--initial-cluster "local=http://127.0.0.1:$((etcd_port + 1))"
etcd_healthy() {
	curl -s "http://127.0.0.1:$etcd_port/health" 2>/dev/null | grep -q '"health":"true"'
}
for _ in $(seq 400); do
	etcd_healthy && break
	sleep 0.025
done
etcd_healthy || { echo "local-up: etcd did not become healthy (see $state/logs/etcd.log)"; exit 1; }
echo "local-up: etcd is up at 127.0.0.1:$etcd_port"

# ---- kube-apiserver -----------------------------------------------------------
start kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
	--bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address 127.0.0.1 \
	--tls-cert-file "$state/pki/apiserver.crt" --tls-private-key-file "$state/pki/apiserver.key" \
	--client-ca-file "$state/pki/ca.crt" \
	--kubelet-client-certificate "$state/pki/apiserver-kubelet-client.crt" \
	--kubelet-client-key "$state/pki/apiserver-kubelet-client.key" \
	--service-account-key-file "$state/pki/sa.pub" \
	--service-account-signing-key-file "$state/pki/sa.key" \
	--service-account-issuer https://kubernetes.default.svc.cluster.local \
	--authorization-mode Node,RBAC \
	--enable-admission-plugins NodeRestriction \
	--disable-admission-plugins ServiceAccount
# (ServiceAccount admission waits for the controller that creates each
# namespace's `default` account: kube-controller-manager, a later issue.)
ready() {
	curl -s --cacert "$state/pki/ca.crt" "$server/readyz" 2>/dev/null | grep -qx ok
}
for _ in $(seq 300); do
	ready && break
	kill -0 "${started[-1]}" 2>/dev/null || break
	sleep 0.025
done
ready || { echo "local-up: kube-apiserver did not become ready (see $state/logs/kube-apiserver.log)"; exit 1; }
echo "local-up: kube-apiserver is up at $server"

# ---- the other components, as they exist ----------------------------------------
missing=()
for c in kube-controller-manager kube-scheduler kubelet kube-proxy; do
	if [ ! -x "$bin/$c" ]; then
		missing+=("$c")
		continue
	fi
	case $c in
	kube-controller-manager)
		start "$c" "$bin/$c" --kubeconfig "$state/controller-manager.kubeconfig" \
			--service-account-private-key-file "$state/pki/sa.key" \
			--root-ca-file "$state/pki/ca.crt" ;;
	kube-scheduler)
		start "$c" "$bin/$c" --kubeconfig "$state/scheduler.kubeconfig" ;;
	kubelet)
		start "$c" "$bin/$c" --kubeconfig "$state/kubelet-$node.kubeconfig" \
			--hostname-override "$node" --root-dir "$state/kubelet" ;;
	kube-proxy)
		start "$c" "$bin/$c" --kubeconfig "$state/kube-proxy.kubeconfig" \
			--hostname-override "$node" ;;
	esac
	echo "local-up: $c started (log: $state/logs/$c.log)"
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "local-up: not built yet, so not started: ${missing[*]}"
fi

t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "local-up: ready in %.1f s\n", b - a }'
echo "local-up: export KUBECONFIG=$state/admin.kubeconfig   # then: kubectl get namespaces"
if [ "$detach" = 1 ]; then
	trap - ERR
	echo "local-up: detached; stop it with: $0 --state-dir $state --down"
	exit 0
fi
echo "local-up: running; Ctrl-C stops everything."
wait "${started[0]}"
