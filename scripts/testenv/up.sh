#!/usr/bin/env bash
# make up: start the local control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok with two fake nodes, the hostPath provisioner) and the webhook on 127.0.0.1,
# registered by URL from the configurations in manifests/webhook/.
# Writes .testenv/kubeconfig (admin), logs to .testenv/logs/, state to .testenv/run/state.env.
# TESTENV_WEBHOOK=0 starts the control plane without the webhook.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$HERE/pki.sh"

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b is missing: run 'make testenv' first"
done
command -v openssl >/dev/null || die "openssl is needed"

if [[ -f "$RUN/state.env" ]]; then
  if pid_alive kube-apiserver && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
    echo "The control plane is already up (KUBECONFIG=$KUBECONFIG_ADMIN). Run 'make down' first to restart it."
    exit 0
  fi
  log "stale state from an earlier run: cleaning up first"
  bash "$HERE/down.sh" >/dev/null
fi

start=$SECONDS
rm -rf "$RUN" "$LOGS"; mkdir -p "$RUN" "$LOGS" "$PIDS"
up_ok=0
on_exit() {
  ((up_ok)) && return
  echo "make up failed: stopping what was started (logs kept in $LOGS)" >&2
  bash "$HERE/down.sh" >&2 || true
}
trap on_exit EXIT

read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHED_PORT KWOK_PORT WEBHOOK_PORT <<<"$(free_ports 7)"
APISERVER="https://127.0.0.1:$APISERVER_PORT"
cat > "$RUN/state.env" <<ENV
ETCD_PORT=$ETCD_PORT
APISERVER_PORT=$APISERVER_PORT
APISERVER_URL=$APISERVER
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
WEBHOOK_PORT=$WEBHOOK_PORT
KUBECONFIG=$KUBECONFIG_ADMIN
ENV

log "certificates"
pki_generate
pki_kubeconfig "$KUBECONFIG_ADMIN" "$APISERVER" admin
for c in kube-controller-manager kube-scheduler kwok provisioner webhook-client; do
  pki_kubeconfig "$RUN/$c.kubeconfig" "$APISERVER" "$c"
done

log "etcd on 127.0.0.1:$ETCD_PORT"
start_bg etcd "$BIN/etcd" --name testenv --data-dir "$RUN/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "testenv=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync \
  --quota-backend-bytes 2147483648 --log-level warn
wait_for "etcd" 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

log "kube-apiserver on $APISERVER"
start_bg kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
  --cert-dir "$RUN/apiserver" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode RBAC \
  --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,DefaultStorageClass,DefaultTolerationSeconds,StorageObjectInUseProtection,PersistentVolumeClaimResize,RuntimeClass,Priority,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota \
  --allow-privileged=true \
  --enable-priority-and-fairness=false \
  --profiling=false \
  --v=1
wait_for "kube-apiserver /readyz" 90 kubectl_admin get --raw /readyz
wait_for "RBAC bootstrap roles" 30 kubectl_admin get clusterrole system:kube-controller-manager

log "kube-controller-manager, kube-scheduler"
start_bg kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$RUN/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig "$RUN/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig "$RUN/kube-controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$RUN/kcm" \
  --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --controllers '*' --allocate-node-cidrs=false \
  --concurrent-deployment-syncs 5 --concurrent-replicaset-syncs 5 \
  --profiling=false --v=1
start_bg kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig "$RUN/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig "$RUN/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig "$RUN/kube-scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --leader-elect=false --profiling=false --v=1

log "kwok (fake nodes, explicit stages: scripts/testenv/kwok.yaml)"
start_bg kwok "$BIN/kwok" --kubeconfig "$RUN/kwok.kubeconfig" --config "$HERE/kwok.yaml" \
  --server-address "127.0.0.1:$KWOK_PORT"
kubectl_admin apply -f "$HERE/cluster.yaml" >/dev/null
# The PolicyReport CRD the webhook's background audit writes to (manifests/webhook/crds/).
kubectl_admin apply -f "$ROOT/manifests/webhook/crds/" >/dev/null
wait_for "PolicyReport CRD established" 30 kubectl_admin wait --for=condition=Established crd/policyreports.wgpolicyk8s.io --timeout=2s
mkdir -p "$RUN/pv"
KUBECONFIG="$RUN/provisioner.kubeconfig" start_bg provisioner node "$HERE/provisioner.mjs" "$RUN/pv"

wait_for "kube-controller-manager (default service account)" 60 kubectl_admin -n default get serviceaccount default
wait_for "kube-scheduler /readyz" 60 curl -ksf "https://127.0.0.1:$SCHED_PORT/readyz"
wait_for "fake nodes Ready" 60 kubectl_admin wait --for=condition=Ready node/kwok-amd64 node/kwok-arm64 --timeout=2s

if [[ "${TESTENV_WEBHOOK:-1}" != 0 ]]; then
  bash "$HERE/webhook.sh" start
else
  log "TESTENV_WEBHOOK=0: the webhook is not started"
fi

up_ok=1
log "control plane up in $((SECONDS - start))s"
kubectl_admin get nodes -L kubernetes.io/arch
cat <<MSG

  export KUBECONFIG=$KUBECONFIG_ADMIN
  make down    # stops everything (logs: .testenv/logs/)
MSG
