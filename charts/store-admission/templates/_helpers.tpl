{{/*
Names are fixed (not derived from the release): the server's generated certificate names the
Service store-admission.<namespace>.svc, and it patches the caBundle of store-admission-mutate and
store-admission-validate. Install one release per cluster.
*/}}

{{/* Labels of every object: the kustomize base's two, plus Helm's. */}}
{{- define "store-admission.labels" -}}
app.kubernetes.io/name: store-admission
app.kubernetes.io/part-of: store-platform
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The webhook pods (Deployment selector, Service, PDB, NetworkPolicy); immutable once installed. */}}
{{- define "store-admission.selectorLabels" -}}
app.kubernetes.io/name: store-admission
app.kubernetes.io/component: webhook
{{- end }}

{{/* Name of a cluster-scoped object (webhooks.nameSuffix). */}}
{{- define "store-admission.clusterName" -}}
{{- printf "%s%s" .name .context.Values.webhooks.nameSuffix -}}
{{- end }}

{{- define "store-admission.image" -}}
{{- $image := .Values.image -}}
{{- $ref := printf "%s/%s" $image.registry $image.repository | trimPrefix "/" -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $ref $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end }}

{{/* The Secret holding the CA the serving certificate chains to (key ca.crt). */}}
{{- define "store-admission.caSecret" -}}
{{- if .Values.certManager.enabled -}}store-admission-serving-tls{{- else -}}store-admission-tls{{- end -}}
{{- end }}

{{/* namespaceSelector of the store webhooks: store namespaces (with "shared": only shared ones),
minus the excluded ones, plus webhooks.extraNamespaceSelectorExpressions. */}}
{{- define "store-admission.namespaceSelector" -}}
matchExpressions:
  - {key: store.platform.io/tenant, operator: Exists}
{{- if .shared }}
  - {key: store.platform.io/shared, operator: In, values: ["true"]}
{{- end }}
  {{- include "store-admission.excludedNamespaces" .context | nindent 2 }}
{{- with .context.Values.webhooks.extraNamespaceSelectorExpressions }}
{{ toYaml . | indent 2 }}
{{- end }}
{{- end }}

{{/* The namespaces no webhook sees: webhooks.excludedNamespaces and the release namespace. */}}
{{- define "store-admission.excludedNamespaces" -}}
- key: kubernetes.io/metadata.name
  operator: NotIn
  values: {{ concat .Values.webhooks.excludedNamespaces (list .Release.Namespace) | uniq | toJson }}
{{- end }}

{{/* clientConfig of a webhook; the caBundle comes from the replicas or cert-manager's cainjector. */}}
{{- define "store-admission.clientConfig" -}}
service:
  name: store-admission
  namespace: {{ .context.Release.Namespace }}
  path: {{ .path }}
  port: 443
{{- end }}

{{- define "store-admission.injectCa" -}}
{{- if .Values.certManager.enabled }}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/store-admission-serving
{{- end }}
{{- end }}
