#!/usr/bin/env bash
# make demo: the control plane and webhook up, a store namespace, `helm install bagisto ./charts/bagisto
# --wait`, then a short story: what was installed, what the webhook changed in a pod, a dry-run denial.
# Leaves the cluster running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export KUBECONFIG="$KUBECONFIG_ADMIN"
# the chart's tenant defaults to the release namespace: the namespace is named after its tenant
TENANT=${DEMO_TENANT:-acme}
NS=${DEMO_NAMESPACE:-$TENANT}
H="$BIN/helm"; [[ -x "$BIN/helm3" ]] && H="$BIN/helm3"
k() { kubectl_admin "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

bash "$HERE/up.sh"

say "1. A store namespace: tenant '$TENANT', Pod Security 'restricted' enforced"
k apply -f - <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $NS
  labels:
    store.platform.io/tenant: $TENANT
    pod-security.kubernetes.io/enforce: restricted
YAML

say "2. helm install bagisto ./charts/bagisto --wait (migration hook included)"
if "$H" status bagisto -n "$NS" --kubeconfig "$KUBECONFIG_ADMIN" >/dev/null 2>&1; then
  echo "(already installed: helm upgrade instead)"
  "$H" upgrade bagisto ./charts/bagisto -n "$NS" --wait --timeout 5m --kubeconfig "$KUBECONFIG_ADMIN" | sed -n '1,8p'
else
  "$H" install bagisto ./charts/bagisto -n "$NS" --wait --timeout 5m --kubeconfig "$KUBECONFIG_ADMIN" | sed -n '1,8p'
fi
echo
k -n "$NS" get deployments,statefulsets,jobs,pvc,services
echo
k -n "$NS" get pods -o wide -L store.platform.io/role

say "3. What the webhook did to a pod"
echo "The chart's own pods already carry everything the policy asks for, so the webhook only stamps them:"
k -n "$NS" get pods -l store.platform.io/role=storefront \
  -o custom-columns='POD:.metadata.name,MUTATED-BY:.metadata.annotations.store\.platform\.io/mutated-by,TENANT:.metadata.labels.store\.platform\.io/tenant,FIRST-INIT:.spec.initContainers[0].name'
echo
echo "A bare storefront Deployment (just the bagisto and nginx containers, storage claim named by annotation)."
echo "PodSecurity warns about its template; the webhook makes the pods compliant, so they are admitted:"
k apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: bare-storefront, namespace: $NS}
spec:
  replicas: 1
  selector: {matchLabels: {app: bare-storefront}}
  template:
    metadata:
      labels: {app: bare-storefront, store.platform.io/role: storefront}
      annotations: {store.platform.io/storage-claim: bagisto-storage}
    spec:
      containers:
      - {name: bagisto, image: ghcr.io/store-platform/bagisto-php-fpm:2.3.0-php8.3}
      - {name: nginx, image: docker.io/nginxinc/nginx-unprivileged:1.28.0-alpine}
YAML
k -n "$NS" rollout status deployment/bare-storefront --timeout=60s
echo "Its pod as stored by the API server, compared with the template it came from (JSON Patch, RFC 6902):"
node --input-type=module - "$NS" <<'JS'
import { execFileSync } from 'node:child_process'
import jsonpatch from 'fast-json-patch'
const [ns] = process.argv.slice(2)
const k = (...a) => JSON.parse(execFileSync('kubectl', ['-n', ns, ...a, '-o', 'json'], { encoding: 'utf8' }))
const pod = k('get', 'pods', '-l', 'app=bare-storefront').items[0]
const rs = k('get', 'replicaset', pod.metadata.ownerReferences[0].name)
const before = { metadata: { labels: rs.spec.template.metadata.labels, annotations: rs.spec.template.metadata.annotations }, spec: rs.spec.template.spec }
// the service account token volume comes from the built-in ServiceAccount admission plugin, not the webhook
const tokenVolume = (pod.spec.volumes ?? []).find((v) => v.name.startsWith('kube-api-access-'))?.name
const spec = structuredClone(pod.spec)
spec.volumes = (spec.volumes ?? []).filter((v) => v.name !== tokenVolume)
for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
  if (c.volumeMounts) c.volumeMounts = c.volumeMounts.filter((m) => m.name !== tokenVolume)
  if (c.volumeMounts?.length === 0) delete c.volumeMounts
}
if (spec.volumes.length === 0) delete spec.volumes
const after = { metadata: { labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec }
// what the scheduler, the built-in admission plugins and kwok add is left out
const notOurs = /^\/(metadata\/labels\/pod-template-hash|spec\/(nodeName|tolerations|priority|preemptionPolicy|serviceAccount|serviceAccountName|enableServiceLinks)$)/
const ops = jsonpatch.compare(before, after).filter((op) => !notOurs.test(op.path))
for (const op of ops) {
  const v = JSON.stringify(op.value)
  console.log(`  ${op.op.padEnd(7)} ${op.path}${v === undefined ? '' : ' = ' + (v.length > 110 ? v.slice(0, 107) + '...' : v)}`)
}
JS

say "4. A non-compliant Deployment, server dry-run: the webhook denies it, listing every violation"
SNEAKY="apiVersion: apps/v1
kind: Deployment
metadata: {name: sneaky, namespace: $NS}
spec:
  selector: {matchLabels: {app: sneaky}}
  template:
    metadata: {labels: {app: sneaky, store.platform.io/tenant: globex}}
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: docker.io/library/nginx:latest
        securityContext: {privileged: true, runAsUser: 0}"
echo "$SNEAKY" | sed 's/^/  | /'
echo "\$ kubectl apply --dry-run=server -f sneaky.yaml"
echo "$SNEAKY" | k apply --dry-run=server -f - 2>&1 | sed 's/^/  /' || true

say "The cluster is still up"
cat <<MSG
  export KUBECONFIG=$KUBECONFIG_ADMIN
  kubectl -n $NS get pods
  make down    # when you are done
MSG

say "5. The background audit: what runs in $NS, as the namespace's PolicyReport"
echo "The webhook audits what already runs every few seconds here (--audit-interval; 1h by default)"
echo "and keeps one PolicyReport per store namespace (store-admission audit -n $NS prints the same)."
REPORT=policyreports.v1alpha2.wgpolicyk8s.io
for _ in $(seq 1 60); do k -n "$NS" get "$REPORT" store-admission >/dev/null 2>&1 && break; sleep 1; done
k -n "$NS" get "$REPORT" store-admission \
  -o jsonpath='{range .results[?(@.result!="pass")]}  {.result}  {.resources[0].kind}/{.resources[0].name}: {.message}{"\n"}{end}'
echo "\$ kubectl -n $NS get policyreports"
k -n "$NS" get "$REPORT"
echo "Summary of PolicyReport $NS/store-admission:"
k -n "$NS" get "$REPORT" store-admission -o jsonpath='  pass={.summary.pass} fail={.summary.fail} warn={.summary.warn} error={.summary.error} skip={.summary.skip}{"\n"}'
