#!/usr/bin/env bash
# The e2e stage: brings the local control plane up (unless it already is), runs the tap tests of
# test/e2e one file at a time against it, and always tears down what it started. TAP on stdout;
# the control plane's own output goes to stderr.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

started=0
if [[ -f "$RUN/state.env" ]] && pid_alive kube-apiserver; then
  echo "e2e: reusing the running control plane (left up afterwards)" >&2
else
  started=1
  if ! bash "$HERE/up.sh" >&2; then
    echo "e2e: make up failed; last lines of the logs:" >&2
    for f in "$LOGS"/*.log; do [[ -e "$f" ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
    exit 1
  fi
fi
teardown() { ((started)) && bash "$HERE/down.sh" >&2; }
trap teardown EXIT
trap 'exit 130' INT TERM

npx tap --reporter=tap --jobs=1 --timeout=1200 "${@:-test/e2e}"
