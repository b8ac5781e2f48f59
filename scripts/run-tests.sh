#!/usr/bin/env bash
# Type-checks, then runs every test file under test/ with Node's test runner.
# Node 20's runner does not expand globs or pick up .ts files itself, so the list is built here.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsc -p .
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
