{{/*
Labels: the standard app.kubernetes.io/* set plus the store platform's tenant and role labels.
*/}}

{{/*
store-lib.labels.tenant: the tenant of this release: .Values.tenant, default the release namespace.
Fails unless it is a DNS-1123 label (it is used as a label value and compared with namespace labels).
*/}}
{{- define "store-lib.labels.tenant" -}}
{{- $tenant := default (include "store-lib.names.namespace" .) (get .context.Values "tenant") -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" $tenant) -}}
{{- fail (printf "tenant: %q is not a DNS-1123 label (lower case letters, digits, '-'; at most 63)" $tenant) -}}
{{- end -}}
{{- $tenant -}}
{{- end -}}

{{/*
store-lib.labels.selector: the immutable selector labels.
(dict "context" $ "component" "storefront") - component optional.
*/}}
{{- define "store-lib.labels.selector" -}}
app.kubernetes.io/name: {{ include "store-lib.names.name" . }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- with get . "component" }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/*
store-lib.labels.tenantSelector: the selector labels plus the tenant label, for every selector that is
not immutable (Service, NetworkPolicy, PodDisruptionBudget). In a shared namespace another tenant's
pod may carry this release's instance/component labels, but the webhook (tenant-identity) only lets
it carry its own tenant: selecting on the tenant too keeps it out of this release's Service
endpoints, NetworkPolicy peers and disruption budget. Pods always carry the tenant label, so
dedicated namespaces select the same pods as before.
(dict "context" $ "component" "storefront")
*/}}
{{- define "store-lib.labels.tenantSelector" -}}
{{ include "store-lib.labels.selector" . }}
store.platform.io/tenant: {{ include "store-lib.labels.tenant" . }}
{{- end -}}

{{/*
store-lib.labels.standard: selector labels + helm.sh/chart, version, managed-by, part-of, the tenant
label and (when given) the role label, plus .Values.commonLabels.
(dict "context" $ "component" "storefront" "role" "storefront" "extra" (dict ...)) - all but context optional.
*/}}
{{- define "store-lib.labels.standard" -}}
{{- $ctx := .context -}}
{{- $labels := dict
  "helm.sh/chart" (include "store-lib.names.chart" .)
  "app.kubernetes.io/managed-by" $ctx.Release.Service
  "app.kubernetes.io/part-of" "store-platform"
  "store.platform.io/tenant" (include "store-lib.labels.tenant" .) -}}
{{- with $ctx.Chart.AppVersion }}
{{- $_ := set $labels "app.kubernetes.io/version" (toString . | trunc 63 | trimSuffix "-") -}}
{{- end }}
{{- with get . "role" }}
{{- $_ := set $labels "store.platform.io/role" . -}}
{{- end }}
{{- $labels = merge $labels (fromYaml (include "store-lib.labels.selector" .)) -}}
{{- $labels = merge $labels (get . "extra" | default dict) (get $ctx.Values "commonLabels" | default dict) -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
store-lib.labels.pod: labels for a pod template: the standard labels plus extra pod labels.
(dict "context" $ "component" "storefront" "role" "storefront" "podLabels" .Values.storefront.podLabels)
The tenant/role/part-of labels always win over podLabels.
*/}}
{{- define "store-lib.labels.pod" -}}
{{- $std := fromYaml (include "store-lib.labels.standard" .) -}}
{{- toYaml (merge $std (get . "podLabels" | default dict)) -}}
{{- end -}}
