#!/usr/bin/env bash
# make demo: the control plane and webhook up, a store namespace, `helm install bagisto ./charts/bagisto
# --wait`, then a short story: what was installed, what the webhook changed in a pod, a dry-run denial.
# Leaves the cluster running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
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

say "3. What the webhook did to a storefront pod"
pod="$(k -n "$NS" get pods -l store.platform.io/role=storefront -o jsonpath='{.items[0].metadata.name}')"
dep="$(k -n "$NS" get deployments -l store.platform.io/role=storefront -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
echo "pod $pod (from deployment ${dep:-?}): the pod template as the chart wrote it vs. the pod the API server stored"
node --input-type=module - "$NS" "$pod" <<'JS'
import { execFileSync } from 'node:child_process'
const [ns, name] = process.argv.slice(2)
const k = (...a) => JSON.parse(execFileSync('kubectl', ['-n', ns, ...a, '-o', 'json'], { encoding: 'utf8' }))
const pod = k('get', 'pod', name)
const rs = k('get', 'replicaset', pod.metadata.ownerReferences[0].name)
const tpl = rs.spec.template
const line = (s) => console.log('  ' + s)
const labels = Object.entries(pod.metadata.labels).filter(([key]) => !(key in (tpl.metadata.labels ?? {})))
for (const [key, v] of labels) line(`+ label ${key}: ${v}`)
const ann = pod.metadata.annotations?.['store.platform.io/mutated-by']
if (ann) line(`+ annotation store.platform.io/mutated-by: ${ann}`)
for (const [key, v] of Object.entries(pod.spec.securityContext ?? {})) {
  if (JSON.stringify(tpl.spec.securityContext?.[key]) !== JSON.stringify(v)) line(`+ securityContext.${key}: ${JSON.stringify(v)}`)
}
if (pod.spec.automountServiceAccountToken !== tpl.spec.automountServiceAccountToken) line(`+ automountServiceAccountToken: ${pod.spec.automountServiceAccountToken}`)
const tplInit = new Set((tpl.spec.initContainers ?? []).map((c) => c.name))
line(`  initContainers: ${(pod.spec.initContainers ?? []).map((c) => (tplInit.has(c.name) ? c.name : `+${c.name}`)).join(', ')}`)
for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
  const t = [...(tpl.spec.initContainers ?? []), ...tpl.spec.containers].find((x) => x.name === c.name) ?? {}
  for (const [key, v] of Object.entries(c.securityContext ?? {})) {
    if (JSON.stringify(t.securityContext?.[key]) !== JSON.stringify(v)) line(`+ ${c.name}.securityContext.${key}: ${JSON.stringify(v)}`)
  }
  if (!t.resources?.requests && c.resources?.requests) line(`+ ${c.name}.resources: ${JSON.stringify(c.resources)}`)
}
const tplVols = new Set((tpl.spec.volumes ?? []).map((v) => v.name))
const added = (pod.spec.volumes ?? []).filter((v) => !tplVols.has(v.name)).map((v) => v.name)
if (added.length) line(`+ volumes: ${added.join(', ')}`)
console.log(added.length + labels.length > 0 || ann ? '' : '  (the chart already set everything the webhook would: nothing to add)')
JS
echo "The pod's effective security settings:"
k -n "$NS" get pod "$pod" -o jsonpath='{"  pod: "}{.spec.securityContext}{"\n"}{range .spec.initContainers[*]}{"  init "}{.name}{": "}{.securityContext}{"\n"}{end}{range .spec.containers[*]}{"  "}{.name}{": "}{.securityContext}{"\n"}{end}'

say "4. A non-compliant pod, server dry-run: the webhook denies it, listing every violation"
SNEAKY="apiVersion: v1
kind: Pod
metadata: {name: sneaky, namespace: $NS, labels: {store.platform.io/tenant: globex}}
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
