#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time: hack/run-fuzz.sh SECONDS BIN...
# Seeds come from test/fuzz/corpus/<target>/ when present; the working
# corpus lives under _output/fuzz/corpus/. Prints executions per target and
# fails on the first crash, leak or timeout (the reproducer is kept).
set -uo pipefail
secs=$1
shift
status=0
printf '%-24s %12s %s\n' target executions result
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=_output/fuzz/corpus/$name
	mkdir -p "$corpus" _output/fuzz/artifacts
	seeds=()
	[ -d "test/fuzz/corpus/$name" ] && seeds=("test/fuzz/corpus/$name")
	log=_output/fuzz/$name.log
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix=_output/fuzz/artifacts/"$name"- "$corpus" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		printf '%-24s %12s %s\n' "$name" "${execs:-?}" ok
	else
		printf '%-24s %12s %s\n' "$name" "${execs:-?}" "FAILED (exit $rc, see $log)"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
		status=1
	fi
done
exit $status
