#!/usr/bin/env bash
# Sets up this machine (build/setup.sh installs Docker and the rest if missing), builds
# dist/skiff, makes sure the Docker daemon runs, then starts a single-node cluster
# (`skiff server` with its embedded agent). The admin kubeconfig goes to /etc/skiff/skiff.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "quickstart: run as root (it installs packages and starts Docker): sudo bash build/quickstart.sh" >&2
  exit 1
fi
bash build/setup.sh
node_modules/.bin/node build/build.ts
if ! docker version >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    systemctl start docker
  else
    echo "quickstart: starting dockerd (log: /var/log/skiff-dockerd.log)"
    nohup dockerd >/var/log/skiff-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
  docker version >/dev/null 2>&1 || { echo "quickstart: the Docker daemon did not start; see its log" >&2; exit 1; }
fi
cat <<'HINT'
quickstart: starting skiff server (Ctrl-C stops it; containers keep running).
Once it logs "API server ready", from another shell:
  export KUBECONFIG=/etc/skiff/skiff.yaml      # as root, or copy the file and chmod it
  kubectl get nodes
  kubectl create deployment web --image=nginx:1.27     # any image Docker can pull, or one
                                                       # loaded with: dist/skiff image import FILE.tar
  kubectl expose deployment web --port=80 --type=NodePort
  curl http://127.0.0.1:$(kubectl get service web -o jsonpath='{.spec.ports[0].nodePort}')/
HINT
exec dist/skiff server "$@"
