# Shared paths and helpers for scripts/testenv/*.sh (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/testenv"
TESTENV="$ROOT/.testenv"
BIN="$TESTENV/bin"
RUN="$TESTENV/run"
PKI="$TESTENV/pki"
LOGS="$TESTENV/logs"
PIDS="$RUN/pids"
KUBECONFIG_ADMIN="$TESTENV/kubeconfig"
export PATH="$BIN:$ROOT/node_modules/.bin:$PATH"

log() { printf '[up %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# free_ports N: N distinct free TCP ports on 127.0.0.1, space separated.
free_ports() {
  node -e '
    const net = require("node:net")
    const n = Number(process.argv[1]); const servers = []; const ports = []
    const next = () => {
      if (ports.length === n) { servers.forEach((s) => s.close()); console.log(ports.join(" ")); return }
      const s = net.createServer(); s.listen(0, "127.0.0.1", () => { ports.push(s.address().port); servers.push(s); next() })
    }
    next()' "$1"
}

# pid_alive NAME: the process recorded for NAME is running.
pid_alive() { [[ -f "$PIDS/$1.pid" ]] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

# start_bg NAME CMD...: start CMD in its own session, logs to .testenv/logs/NAME.log, pid recorded.
start_bg() {
  local name=$1; shift
  mkdir -p "$PIDS" "$LOGS"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

# stop_pid NAME [TIMEOUT]: TERM the recorded process (and its process group), KILL after TIMEOUT seconds.
stop_pid() {
  local name=$1 timeout=${2:-15} pid
  [[ -f "$PIDS/$name.pid" ]] || return 0
  pid="$(cat "$PIDS/$name.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < timeout * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  $name (pid $pid) did not stop after ${timeout}s: killing" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PIDS/$name.pid"
}

# wait_for DESC TIMEOUT CMD...: retry CMD every 0.5s until it succeeds.
wait_for() {
  local desc=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "timed out after ${timeout}s waiting for $desc (logs: $LOGS)"; fi
    sleep 0.5
  done
}
