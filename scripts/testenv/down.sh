#!/usr/bin/env bash
# make down: stop everything `make up` started (by recorded pid, newest first), then check that no
# process of the control plane is left. Logs stay in .testenv/logs/.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if [[ ! -d "$PIDS" ]] || [[ -z "$(ls -A "$PIDS" 2>/dev/null)" ]]; then
  echo "The local control plane is not running."
else
  # clients first (in parallel), then the API server, then etcd
  stop_group() {
    local name
    for name in "$@"; do
      [[ -f "$PIDS/$name.pid" ]] || continue
      ( t0=$(date +%s%N); stop_pid "$name" 20; echo "stopped $name ($(( ($(date +%s%N) - t0) / 1000000 ))ms)" ) &
    done
    wait
  }
  stop_group webhook webhook-a webhook-b haproxy provisioner kwok kube-scheduler kube-controller-manager
  stop_group kube-apiserver
  stop_group etcd
  # anything else recorded (e.g. a webhook started by a test)
  for f in "$PIDS"/*.pid; do [[ -e "$f" ]] || continue; n="$(basename "$f" .pid)"; stop_pid "$n" 20; echo "stopped $n"; done
fi

left="$(pgrep -af -- "$BIN/(etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok) |$HERE/provisioner.mjs|$RUN/" 2>/dev/null | grep -v pgrep || true)"
if [[ -n "$left" ]]; then
  echo "error: processes of the control plane are still running:" >&2
  echo "$left" >&2
  exit 1
fi
rm -rf "$RUN" "$KUBECONFIG_ADMIN"
echo "The local control plane is down (logs: .testenv/logs/)."
