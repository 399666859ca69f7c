#!/usr/bin/env bash
# Runs each benchmark binary given (make bench passes _output/bench/*) one
# after another, under a header that says which machine and when; each
# benchmark prints markdown. The whole report also goes to
# ${CK_BENCH_OUT:-_output/bench/results.md} for copying into bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${CK_BENCH_OUT:-_output/bench/results.md}
mkdir -p "$(dirname "$out")"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
{
	echo "# ckube benchmarks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) cores ($cpu), $mem RAM, $(uname -sr)"
	echo "- etcd: $(/usr/bin/etcd --version 2>/dev/null | head -1)"
	echo "- ckube commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
	for bin in "$@"; do
		echo
		echo "## $(basename "$bin")"
		echo
		"$bin"
	done
} | tee "$out"
