#!/usr/bin/env bash
# Installs ckube on this host as systemd services: the built programs, the
# units in deploy/systemd, the cluster PKI and kubeconfigs (ckubeadm), and
# the settings files the units read. Idempotent: existing valid certificates
# and keys are kept.
#
#   deploy/install.sh [--advertise-address IP] [--node-name NAME]
#                     [--extra-sans a,b] [--root DIR] [--no-start]
#   deploy/install.sh --check      # systemd-analyze verify the units in a staged root
#
#   --root DIR   install under DIR instead of / (staging, packaging, tests)
#   --no-start   do not enable and start the services
#
# Layout (kubeadm's where kubeadm has one):
#   /usr/local/bin/{kube-apiserver,ckubeadm,...}   the programs
#   /etc/systemd/system/{ckube-etcd,kube-apiserver}.service
#   /etc/default/{ckube-etcd,kube-apiserver}       settings (ADVERTISE_ADDRESS, extra args)
#   /etc/kubernetes/pki/                           the cluster PKI
#   /etc/kubernetes/{admin,scheduler,controller-manager,kube-proxy,kubelet-<node>}.kubeconfig
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${CK_BIN_DIR:-$top/_output/bin}
root=""
advertise=""
node=$(hostname | tr '[:upper:]' '[:lower:]')
sans=""
start=1
check=0
while [ $# -gt 0 ]; do
	case "$1" in
	--advertise-address) advertise=$2; shift 2 ;;
	--node-name) node=$2; shift 2 ;;
	--extra-sans) sans=$2; shift 2 ;;
	--root) root=$2; shift 2 ;;
	--no-start) start=0; shift ;;
	--check) check=1; shift ;;
	-h | --help) sed -n '2,21p' "$0"; exit 0 ;;
	*) echo "install: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

units=(ckube-etcd.service kube-apiserver.service)

if [ "$check" = 1 ]; then
	# systemd-analyze verify wants the programs and the base targets: stage them.
	command -v systemd-analyze >/dev/null || { echo "install: no systemd-analyze here"; exit 1; }
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage/usr/local/bin" "$stage/usr/bin" "$stage/etc/systemd/system" \
		"$stage/usr/lib/systemd"
	cp -a /lib/systemd/system "$stage/usr/lib/systemd/"
	for u in "${units[@]}"; do cp "$here/systemd/$u" "$stage/etc/systemd/system/"; done
	install -m 0755 "$bin/kube-apiserver" "$stage/usr/local/bin/"
	install -m 0755 "$(command -v etcd || echo /usr/bin/etcd)" "$stage/usr/bin/etcd"
	systemd-analyze verify --root="$stage" "${units[@]}"
	echo "install: units verify"
	exit 0
fi

if [ -z "$advertise" ]; then
	# The address of the default route's interface, else loopback.
	advertise=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1) }' | head -1)
	advertise=${advertise:-127.0.0.1}
fi
if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
	echo "install: run as root (or give --root DIR to stage)" >&2
	exit 1
fi
for p in kube-apiserver ckubeadm; do
	[ -x "$bin/$p" ] || { echo "install: $bin/$p is not built (run make)" >&2; exit 1; }
done

echo "install: programs into $root/usr/local/bin"
mkdir -p "$root/usr/local/bin"
for p in "$bin"/*; do
	[ -x "$p" ] && install -m 0755 "$p" "$root/usr/local/bin/"
done

echo "install: PKI and kubeconfigs into $root/etc/kubernetes"
mkdir -p "$root/etc/kubernetes/pki"
chmod 0700 "$root/etc/kubernetes/pki"
"$bin/ckubeadm" certs --cert-dir "$root/etc/kubernetes/pki" \
	--apiserver-advertise-address "$advertise" --node-name "$node" \
	${sans:+--apiserver-cert-extra-sans "$sans"}
"$bin/ckubeadm" kubeconfig --cert-dir "$root/etc/kubernetes/pki" \
	--server "https://$advertise:6443" --out-dir "$root/etc/kubernetes" --node-name "$node"

echo "install: units into $root/etc/systemd/system"
mkdir -p "$root/etc/systemd/system" "$root/etc/default"
for u in "${units[@]}"; do
	install -m 0644 "$here/systemd/$u" "$root/etc/systemd/system/$u"
done
[ -f "$root/etc/default/ckube-etcd" ] ||
	printf '# Extra etcd flags.\nETCD_ARGS=\n' >"$root/etc/default/ckube-etcd"
if [ -f "$root/etc/default/kube-apiserver" ]; then
	sed -i "s|^ADVERTISE_ADDRESS=.*|ADVERTISE_ADDRESS=$advertise|" "$root/etc/default/kube-apiserver"
else
	printf '# The address clients reach the API server at.\nADVERTISE_ADDRESS=%s\n# Extra kube-apiserver flags.\nKUBE_APISERVER_ARGS=\n' \
		"$advertise" >"$root/etc/default/kube-apiserver"
fi

if [ -n "$root" ] || [ "$start" = 0 ]; then
	echo "install: done (not started)"
	exit 0
fi
if ! [ -d /run/systemd/system ]; then
	echo "install: systemd is not running here; start the units when it is:"
	echo "  systemctl daemon-reload && systemctl enable --now ${units[*]}"
	exit 0
fi
systemctl daemon-reload
systemctl enable --now "${units[@]}"
echo "install: running; export KUBECONFIG=/etc/kubernetes/admin.kubeconfig"
