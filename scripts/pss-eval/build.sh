#!/usr/bin/env bash
# Builds .testenv/bin/pss-eval (scripts/pss-eval/main.go) against k8s.io/pod-security-admission
# v0.<minor>.<patch> of the pinned K8S_VERSION, from the Go module proxy. Rebuilt only when the
# stamp (module version + source hash) changes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/scripts/testenv/versions.env"
TESTENV="${TESTENV_DIR:-$ROOT/.testenv}"
BIN="$TESTENV/bin"
WORK="$TESTENV/build/pss-eval"
PSA_VERSION="v0.${K8S_VERSION#v1.}"
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod GOWORK=off

key="psa=$PSA_VERSION src=$(sha256sum "$ROOT/scripts/pss-eval/main.go" | cut -c1-16)"
stamp="$BIN/.stamp-pss-eval"
if [[ -x "$BIN/pss-eval" && -f "$stamp" && "$(cat "$stamp")" == "$key" ]]; then
  echo "[pss-eval] k8s.io/pod-security-admission $PSA_VERSION: up to date"
  exit 0
fi
echo "[pss-eval] building against k8s.io/pod-security-admission $PSA_VERSION"
mkdir -p "$BIN"
rm -rf "$WORK" && mkdir -p "$WORK"
cp "$ROOT/scripts/pss-eval/main.go" "$WORK/"
cat > "$WORK/go.mod" <<EOF
module storeadmission.local/testenv/pss-eval

go 1.24.0

require k8s.io/pod-security-admission $PSA_VERSION
EOF
(cd "$WORK" && go mod tidy && go build -trimpath -ldflags='-s -w' -o "$BIN/pss-eval.tmp" .)
mv "$BIN/pss-eval.tmp" "$BIN/pss-eval"
echo "$key" > "$stamp"
echo "[pss-eval] built $BIN/pss-eval"
