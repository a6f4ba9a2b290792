#!/usr/bin/env bash
# Builds the local control plane into .testenv/bin/ from the Go module proxy:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok.
# Each component is rebuilt only when its stamp (versions + this script) changes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/scripts/testenv"
# shellcheck disable=SC1091
source "$HERE/versions.env"
TESTENV="${TESTENV_DIR:-$ROOT/.testenv}"
BIN="$TESTENV/bin"
WORK="$TESTENV/build"
mkdir -p "$BIN" "$WORK"

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod GOWORK=off
# Bump when the way the binaries are built changes (flags, packages): stamps carry it with the versions,
# so editing comments or messages here rebuilds nothing.
BUILD_REV=1

log() { printf '[testenv %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# fresh NAME KEY: true when the stamp for NAME matches KEY and its binaries exist.
fresh() {
  local name=$1 key=$2; shift 2
  [[ -f "$BIN/.stamp-$name" && "$(cat "$BIN/.stamp-$name")" == "$key" ]] || return 1
  local b; for b in "$@"; do [[ -x "$BIN/$b" ]] || return 1; done
}

# Progress lines while a long `go build` runs (the compiler itself prints nothing).
with_progress() {
  local label=$1; shift
  local start=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30
    kill -0 "$pid" 2>/dev/null && log "$label: still building ($((SECONDS - start))s)"
  done
  wait "$pid"
  log "$label: built in $((SECONDS - start))s"
}

build_k8s() {
  local key="k8s=$K8S_VERSION rev=$BUILD_REV"
  local bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
  if fresh k8s "$key" "${bins[@]}"; then log "kubernetes $K8S_VERSION: up to date"; return; fi
  log "kubernetes $K8S_VERSION: resolving modules"
  local dir="$WORK/k8s"; rm -rf "$dir"; mkdir -p "$dir"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local staging="v0.${K8S_VERSION#v1.}"
  # The replace list is derived from kubernetes' own go.mod: every ./staging/src/k8s.io/* module.
  local gomod
  gomod="$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  {
    echo "module storeadmission.local/testenv/k8s"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod" | while read -r m; do
      echo "	$m => $m $staging"
    done
    echo ")"
  } > "$dir/go.mod"
  cat > "$dir/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true)
  (cd "$dir" && go mod download)
  local date; date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local ld="-s -w"
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$date -X $p.gitCommit=0000000000000000000000000000000000000000"
  done
  log "kubernetes $K8S_VERSION: compiling ${bins[*]} (the long one: about 8-10 min cold on 2 cores)"
  (cd "$dir" && with_progress kubernetes go build -tags tools -trimpath -ldflags "$ld" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  echo "$key" > "$BIN/.stamp-k8s"
}

build_etcd() {
  local key="etcd=$ETCD_VERSION rev=$BUILD_REV"
  if fresh etcd "$key" etcd; then log "etcd $ETCD_VERSION: up to date"; return; fi
  local dir="$WORK/etcd"; rm -rf "$dir"; mkdir -p "$dir"
  cat > "$dir/go.mod" <<GOMOD
module storeadmission.local/testenv/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
  cat > "$dir/main.go" <<'GO'
// etcd built from go.etcd.io/etcd/server/v3 (what etcd's own main package does).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  log "etcd $ETCD_VERSION: resolving modules"
  (cd "$dir" && go mod tidy)
  (cd "$dir" && with_progress etcd go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
  echo "$key" > "$BIN/.stamp-etcd"
}

build_kwok() {
  local key="kwok=$KWOK_VERSION rev=$BUILD_REV"
  if fresh kwok "$key" kwok; then log "kwok $KWOK_VERSION: up to date"; return; fi
  local dir="$WORK/kwok"; rm -rf "$dir"; mkdir -p "$dir"
  cat > "$dir/go.mod" <<GOMOD
module storeadmission.local/testenv/kwok

go 1.24.0

require sigs.k8s.io/kwok $KWOK_VERSION
GOMOD
  cat > "$dir/tools.go" <<'GO'
//go:build tools

package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
GO
  log "kwok $KWOK_VERSION: resolving modules"
  (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true)
  (cd "$dir" && go mod download)
  (cd "$dir" && with_progress kwok go build -tags tools -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok)
  echo "$key" > "$BIN/.stamp-kwok"
}

start=$SECONDS
only=("$@")
[[ ${#only[@]} -gt 0 ]] || only=(etcd kwok k8s)
for c in "${only[@]}"; do "build_$c"; done
log "control plane binaries ready in $BIN ($((SECONDS - start))s)"
