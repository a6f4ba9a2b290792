#!/usr/bin/env bash
# The webhook on the local control plane: node bin/store-admission.js serve on 127.0.0.1, registered by URL.
#   webhook.sh start                 serve with the generated cert (.testenv/pki/webhook.*) and register
#                                    the configurations of manifests/webhook/ with our CA as caBundle
#   webhook.sh start --self-signed   serve without --tls-*: the configurations are registered with no
#                                    caBundle, and the webhook must patch its own CA into both of them
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

start() {
  local mode=${1:-}
  stop_pid webhook 20
  [[ -f "$RUN/policy.yaml" ]] || cp "$ROOT/manifests/webhook/policy.yaml" "$RUN/policy.yaml"
  [[ -f "$ROOT/dist/cli/main.js" ]] || die "dist/ is not built (make build)"
  # A short audit interval (TESTENV_AUDIT_INTERVAL, default 5s) so tests see reports quickly.
  local args=(serve --host 127.0.0.1 --port "$WEBHOOK_PORT" --policy "$RUN/policy.yaml"
    --kubeconfig "$RUN/webhook-client.kubeconfig" --namespace store-admission
    --audit-interval "${TESTENV_AUDIT_INTERVAL:-5s}" --audit-identity testenv-webhook)
  if [[ "$mode" == --self-signed ]]; then
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
  stop) stop_pid webhook 20 ;;
  register) register ;;
  *) die "usage: webhook.sh start [--self-signed] | stop | register" ;;
esac
