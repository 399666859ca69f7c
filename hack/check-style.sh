#!/usr/bin/env bash
# Checks formatting (clang-format, .clang-format at the root) and that no
# banned function is called (CONVENTIONS.md: sprintf, strcpy, strcat, strtok,
# atoi, gets). Prints each offence on one line; exit 1 if any.
set -uo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files -co --exclude-standard -- '*.c' '*.h')
bad=0
for f in $files; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "check-style: '$f' is not formatted (run 'make fmt')"
		bad=1
	fi
done
# Word boundary then the name then '(' : catches calls, not snprintf/strncpy.
banned='(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|strncat|strtok|atoi|atol|gets)[[:space:]]*\('
if hits=$(grep -nE "$banned" $files /dev/null | grep -v 'check-style: allow'); then
	echo "$hits" | sed 's/^/check-style: banned function: /'
	bad=1
fi
exit $bad
