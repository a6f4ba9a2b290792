{{/*
Pod-level building blocks shared by every workload of a chart: scheduling and user-supplied
containers, rendered so that the result already meets Pod Security "restricted" and is a fixed point
of the store-admission mutating webhook.
*/}}

{{/*
store-lib.pods.scheduling: the scheduling fields of a pod spec from a workload's values block.
(dict "values" .Values.worker) reads nodeSelector, tolerations, affinity, topologySpreadConstraints
and priorityClassName; unset or empty fields render nothing.
*/}}
{{- define "store-lib.pods.scheduling" -}}
{{- $v := .values | default dict -}}
{{- $out := dict -}}
{{- range $field := list "priorityClassName" "nodeSelector" "tolerations" "affinity" "topologySpreadConstraints" }}
{{- with get $v $field }}{{ $_ := set $out $field . }}{{ end -}}
{{- end -}}
{{- with $out }}{{ toYaml . }}{{ end -}}
{{- end -}}

{{/*
store-lib.pods.annotations: a pod template's annotations: "base" (checksums, the webhook's
app-container annotation) then .podAnnotations of the values block; the base wins on a clash.
(dict "base" (dict "checksum/env" "...") "values" .Values.worker) - renders nothing when both are empty.
*/}}
{{- define "store-lib.pods.annotations" -}}
{{- $all := merge (dict) (get . "base" | default dict) (get (.values | default dict) "podAnnotations" | default dict) -}}
{{- with $all -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
store-lib.pods.containers: user-supplied containers (sidecars, init containers) made restricted:
each container's securityContext is the restricted one with the user's fields on top (so an explicit
value is kept and judged by the webhook), and cpu/memory requests plus a memory limit are required.
(dict "containers" .Values.storefront.sidecars "name" "storefront.sidecars")
*/}}
{{- define "store-lib.pods.containers" -}}
{{- $where := get . "name" | default "containers" -}}
{{- range $i, $c := (get . "containers" | default list) }}
{{- $name := required (printf "%s[%d].name is required" $where $i) (get $c "name") -}}
{{- $restricted := fromYaml (include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true)) -}}
{{- $sc := mergeOverwrite $restricted (get $c "securityContext" | default dict) -}}
{{- $res := fromYaml (include "store-lib.security.resources" (dict "resources" (get $c "resources") "name" (printf "%s[%s]" $where $name))) -}}
{{- $out := merge (dict "securityContext" $sc "resources" $res) (omit $c "name" "securityContext" "resources") }}
- name: {{ $name }}
  {{- toYaml $out | nindent 2 }}
{{- end }}
{{- end -}}
