{{/*
Policy objects: NetworkPolicy, the tenant's ResourceQuota and LimitRange, PodDisruptionBudget and
HorizontalPodAutoscaler. Each renders a whole manifest.
*/}}

{{/* store-lib.policy.metadata: name, namespace and standard labels. (dict "context" $ "name" n "component" c) */}}
{{- define "store-lib.policy.metadata" -}}
metadata:
  name: {{ .name }}
  namespace: {{ include "store-lib.names.namespace" . }}
  labels:
    {{- include "store-lib.labels.standard" (dict "context" .context "component" (get . "component")) | nindent 4 }}
{{- end -}}

{{/*
store-lib.policy.releasePeer: a NetworkPolicy peer matching only this release's pods of this tenant.
(dict "context" $)
*/}}
{{- define "store-lib.policy.releasePeer" -}}
podSelector:
  matchLabels:
    app.kubernetes.io/instance: {{ .context.Release.Name }}
    store.platform.io/tenant: {{ include "store-lib.labels.tenant" . }}
{{- end -}}

{{/*
store-lib.policy.networkPolicy: an Ingress NetworkPolicy for the pods of one component.
(dict "context" $ "name" n "component" c "ports" (list 3306) "from" (list peer...) "releaseOnly" true
      "extraRules" (list (dict "ports" ... "from" ...)))
releaseOnly (default true when "from" is empty): only this release's pods of this tenant may connect.
extraRules: further ingress rules as written (e.g. a metrics port open to the monitoring namespace).
*/}}
{{- define "store-lib.policy.networkPolicy" -}}
{{- $from := get . "from" | default list -}}
{{- if and (not $from) (or (not (hasKey . "releaseOnly")) .releaseOnly) -}}
{{- $from = list (fromYaml (include "store-lib.policy.releasePeer" .)) -}}
{{- end -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
{{ include "store-lib.policy.metadata" . }}
spec:
  podSelector:
    matchLabels:
      {{- include "store-lib.labels.tenantSelector" (dict "context" .context "component" .component) | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - ports:
        {{- range .ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      {{- with $from }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- range (get . "extraRules" | default list) }}
    - {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end -}}

{{/*
store-lib.policy.resourceQuota: the tenant's namespace ResourceQuota.
(dict "context" $ "name" n "hard" (dict "requests.cpu" "4" ...))
*/}}
{{- define "store-lib.policy.resourceQuota" -}}
apiVersion: v1
kind: ResourceQuota
{{ include "store-lib.policy.metadata" . }}
spec:
  hard:
    {{- toYaml (required "resourceQuota: hard is required" .hard) | nindent 4 }}
{{- end -}}

{{/*
store-lib.policy.limitRange: the tenant's container LimitRange (defaults for containers that set none).
(dict "context" $ "name" n "default" (dict "cpu" "500m" "memory" "512Mi") "defaultRequest" (dict ...) "max" (dict ...))
*/}}
{{- define "store-lib.policy.limitRange" -}}
apiVersion: v1
kind: LimitRange
{{ include "store-lib.policy.metadata" . }}
spec:
  limits:
    - type: Container
      {{- with get . "default" }}
      default:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with get . "defaultRequest" }}
      defaultRequest:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with get . "max" }}
      max:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/*
store-lib.policy.pdb: a PodDisruptionBudget for one component; minAvailable or maxUnavailable.
(dict "context" $ "name" n "component" c "minAvailable" 1 "maxUnavailable" nil)
*/}}
{{- define "store-lib.policy.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
{{ include "store-lib.policy.metadata" . }}
spec:
  {{- if not (kindIs "invalid" (get . "maxUnavailable")) }}
  {{- if ne (toString (get . "maxUnavailable")) "" }}
  maxUnavailable: {{ get . "maxUnavailable" }}
  {{- else }}
  minAvailable: {{ get . "minAvailable" | default 1 }}
  {{- end }}
  {{- else }}
  minAvailable: {{ get . "minAvailable" | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "store-lib.labels.tenantSelector" (dict "context" .context "component" .component) | nindent 6 }}
{{- end -}}

{{/*
store-lib.policy.hpa: an autoscaling/v2 HorizontalPodAutoscaler for a Deployment.
(dict "context" $ "name" n "component" c "target" "<deployment>" "minReplicas" 2 "maxReplicas" 10
      "cpu" 70 "memory" 80 "behavior" (dict ...)) - cpu/memory are average utilization percentages.
*/}}
{{- define "store-lib.policy.hpa" -}}
{{- if lt (int .maxReplicas) (int .minReplicas) -}}
{{- fail (printf "autoscaling: maxReplicas (%v) is below minReplicas (%v)" .maxReplicas .minReplicas) -}}
{{- end -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{{ include "store-lib.policy.metadata" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .target }}
  minReplicas: {{ .minReplicas | int }}
  maxReplicas: {{ .maxReplicas | int }}
  metrics:
    {{- with get . "cpu" }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . | int }}
    {{- end }}
    {{- with get . "memory" }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . | int }}
    {{- end }}
  {{- with get . "behavior" }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
