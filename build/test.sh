#!/usr/bin/env bash
# Sets up the machine (build/setup.sh), then runs the typecheck and the whole test
# suite on the pinned Node. Extra arguments go to the test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
echo "test: typecheck"
tsc -p tsconfig.json
echo "test: build dist/skiff for the end-to-end suites"
export SKIFF_BUILD_STARTED_AT="$(date +%s%3N)"
node build/build.ts
export SKIFF_BINARY="$PWD/dist/skiff"
echo "test: node --test"
exec node build/run-tests.ts "$@"
