#!/usr/bin/env bash
# Sets up the machine (build/setup.sh), then runs the typecheck and the whole test
# suite on the pinned Node. Extra arguments go to the test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
echo "test: typecheck"
tsc -p tsconfig.json
echo "test: node --test"
exec node build/run-tests.ts "$@"
