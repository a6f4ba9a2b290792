#!/usr/bin/env bash
# The webhook on the local control plane: node bin/store-admission.js serve on 127.0.0.1, registered by URL.
#   webhook.sh start                 serve with the generated cert (.testenv/pki/webhook.*) and register
#                                    the configurations of manifests/webhook/ with our CA as caBundle
#   webhook.sh start --self-signed   serve without --tls-*: the configurations are registered with no
#                                    caBundle, and the webhook must patch its own CA into both of them
#   webhook.sh start --ha [ARGS]     two replicas without --tls-* (ports in .testenv/run/ha.env) behind
#                                    HAProxy on the webhook port (TCP, TLS passed through, /readyz
#                                    checked as endpoints are), registered by URL with no caBundle:
#                                    they must agree on one CA (Secret store-admission-tls). ARGS go
#                                    to both replicas (e.g. --ca-validity-seconds 40)
#   webhook.sh replica a|b kill|term|start   SIGKILL / SIGTERM one replica, or start it again
#   webhook.sh stop                  stop it (the configurations stay: validation then fails closed)
#   webhook.sh register              (re)apply the configurations with our CA
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -f "$RUN/state.env" ]] || die "the control plane is not up (make up)"
source "$RUN/state.env"
URL="https://127.0.0.1:$WEBHOOK_PORT"

render() { node "$HERE/webhook-config.mjs" --url "$URL" "$@"; }

register() {
  render --ca-file "$PKI/ca.crt" --rbac | kubectl_admin apply -f - >/dev/null
}

register_without_ca() {
  render --rbac > "$RUN/webhook-config-noca.yaml"
  kubectl_admin delete mutatingwebhookconfiguration store-admission-mutate --ignore-not-found >/dev/null
  kubectl_admin delete validatingwebhookconfiguration store-admission-validate --ignore-not-found >/dev/null
  kubectl_admin apply -f "$RUN/webhook-config-noca.yaml" >/dev/null
}

# probe: a server dry-run pod in a throw-away store namespace comes back mutated.
probe() {
  local ns=$PROBE_NS
  kubectl_admin get ns "$ns" >/dev/null 2>&1 || kubectl_admin create ns "$ns" >/dev/null
  kubectl_admin label ns "$ns" store.platform.io/tenant=probe --overwrite >/dev/null
  kubectl_admin -n "$ns" run probe --image=registry.k8s.io/pause:3.10 --restart=Never --dry-run=server -o yaml 2>/dev/null \
    | grep -q 'store.platform.io/mutated-by'
}

# HA: replica NAME on its port, with the arguments the pair was started with.
start_replica() {
  local name=$1
  source "$RUN/ha.env"
  local port_var="PORT_${name^^}"
  # shellcheck disable=SC2086 # HA_ARGS is a word list
  start_bg "webhook-$name" node "$ROOT/bin/store-admission.js" serve --host 127.0.0.1 --port "${!port_var}" \
    --policy "$RUN/policy.yaml" --kubeconfig "$RUN/webhook-client.kubeconfig" --namespace store-admission --audit-interval "${TESTENV_AUDIT_INTERVAL:-5s}" --audit-identity "testenv-webhook-$name" $HA_ARGS
}

start_ha() {
  command -v haproxy >/dev/null || die "haproxy is needed for the HA pair: make ha-deps"
  local port_a port_b
  read -r port_a port_b <<<"$(free_ports 2)"
  printf 'PORT_A=%s\nPORT_B=%s\nHA_ARGS="%s"\n' "$port_a" "$port_b" "$*" > "$RUN/ha.env"
  # TCP passthrough, as kube-proxy spreads a Service; only replicas whose /readyz answers 200 get
  # new connections, as only ready pods are endpoints. A connect that fails is tried on the other.
  cat > "$RUN/haproxy.cfg" <<CFG
global
  maxconn 2048
defaults
  mode tcp
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch
frontend webhook
  bind 127.0.0.1:$WEBHOOK_PORT
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server check check-ssl verify none inter 500ms fall 2 rise 1
  server a 127.0.0.1:$port_a
  server b 127.0.0.1:$port_b
CFG
  log "webhook HA pair on 127.0.0.1:$port_a and :$port_b behind HAProxy on $URL (shared CA, no caBundle registered)"
  register_without_ca
  start_bg haproxy haproxy -db -f "$RUN/haproxy.cfg"
  start_replica a
  start_replica b
  wait_for "replica a /readyz" 90 curl -ksf "https://127.0.0.1:$port_a/readyz"
  wait_for "replica b /readyz" 90 curl -ksf "https://127.0.0.1:$port_b/readyz"
}

stop_all() {
  stop_pid webhook 30
  stop_pid webhook-a 30
  stop_pid webhook-b 30
  stop_pid haproxy 10
}

start() {
  local mode=${1:-}
  stop_all
  [[ -f "$RUN/policy.yaml" ]] || cp "$ROOT/manifests/webhook/policy.yaml" "$RUN/policy.yaml"
  [[ -f "$ROOT/dist/cli/main.js" ]] || die "dist/ is not built (make build)"
  # A short audit interval (TESTENV_AUDIT_INTERVAL, default 5s) so tests see reports quickly.
  local args=(serve --host 127.0.0.1 --port "$WEBHOOK_PORT" --policy "$RUN/policy.yaml"
    --kubeconfig "$RUN/webhook-client.kubeconfig" --namespace store-admission
    --audit-interval "${TESTENV_AUDIT_INTERVAL:-5s}" --audit-identity testenv-webhook)
  if [[ "$mode" == --ha ]]; then
    shift
    start_ha "$@"
  elif [[ "$mode" == --self-signed ]]; then
    log "webhook on $URL (self-signed: it patches the caBundles itself)"
    register_without_ca
    start_bg webhook node "$ROOT/bin/store-admission.js" "${args[@]}"
  else
    log "webhook on $URL (cert from .testenv/pki, registered by URL from manifests/webhook)"
    register
    start_bg webhook node "$ROOT/bin/store-admission.js" "${args[@]}" --tls-cert "$PKI/webhook.crt" --tls-key "$PKI/webhook.key"
  fi
  wait_for "webhook /readyz" 60 curl -ksf "$URL/readyz"
  PROBE_NS="testenv-probe-$(date +%s%N | tail -c 7)"
  wait_for "the API server calling the webhook" 30 probe
  kubectl_admin delete ns "$PROBE_NS" --wait=false >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop_all ;;
  replica)
    [[ "${2:-}" =~ ^(a|b)$ ]] || die "usage: webhook.sh replica a|b kill|term|start"
    case "${3:-}" in
      kill) kill -KILL "$(cat "$PIDS/webhook-$2.pid")"; rm -f "$PIDS/webhook-$2.pid" ;;
      term) stop_pid "webhook-$2" 40 ;;
      start) start_replica "$2" ;;
      *) die "usage: webhook.sh replica a|b kill|term|start" ;;
    esac ;;
  register) register ;;
  *) die "usage: webhook.sh start [--self-signed | --ha ARGS] | replica a|b kill|term|start | stop | register" ;;
esac
