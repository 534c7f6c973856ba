#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine to build and test skiff: system packages the tests
# use, then the npm dependencies — among them the pinned Node.js runtime
# (node-linux-<arch>, exact version and integrity in package-lock.json), which runs
# everything afterwards. The system's own node/npm only downloads packages; no
# package install script runs (--ignore-scripts).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v git >/dev/null 2>&1 || need+=(git)
# The arm64 executable is smoke-tested under user-mode emulation.
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross libstdc++6-arm64-cross)
# End-to-end suites drive the server with the real kubectl and the Python client.
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
/usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1 || need+=(python3-kubernetes)
# Agent tests run pods on a real Docker daemon (started by the tests themselves) from a
# locally built busybox image: no registry is needed.
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need[*]}; run as root or install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/node ] || [ "$(cat node_modules/.skiff-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.skiff-lock-hash
fi

want="v$(sed -n 's/.*"node": "\([0-9.]*\)".*/\1/p' package.json | head -1)"
have=$(node_modules/.bin/node --version)
if [ "$have" != "$want" ]; then
  echo "setup: node_modules/.bin/node is $have, expected $want; delete node_modules and run again" >&2
  exit 1
fi
echo "setup: ready (Node $have at node_modules/.bin/node)"
