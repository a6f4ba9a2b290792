{{/*
store-lib.env.container: the `envFrom:` and `env:` fields of an app container: the chart's own
ConfigMap and variables, plus what the user adds from Secrets as well as ConfigMaps, so that
credentials never have to go through a ConfigMap. Every workload of a chart renders its environment
through this one helper.
(dict "configMap" "<fullname>-env" "env" (list (dict "name" "APP_KEY" "valueFrom" ...)) "sources" (list .Values.app .Values.worker))
"configMap" and "env" are optional. "sources" is a list of values blocks, general first; each may hold:
  extraEnvVarsCM      name of a ConfigMap whose keys all become variables
  extraEnvVarsSecret  name of a Secret whose keys all become variables
  extraEnvFrom        a list of EnvFromSource (configMapRef / secretRef, optional prefix)
  extraEnvVars        a list of EnvVar (value, or valueFrom.secretKeyRef ...)
Kubernetes lets `env` override `envFrom`, and a later envFrom source an earlier one: the user's
variables come after the chart's.
*/}}
{{- define "store-lib.env.container" -}}
{{- $from := list -}}
{{- $env := get . "env" | default list -}}
{{- with get . "configMap" }}{{ $from = append $from (dict "configMapRef" (dict "name" .)) }}{{ end -}}
{{- range $src := (get . "sources" | default list) }}
{{- with get $src "extraEnvVarsCM" }}{{ $from = append $from (dict "configMapRef" (dict "name" .)) }}{{ end -}}
{{- with get $src "extraEnvVarsSecret" }}{{ $from = append $from (dict "secretRef" (dict "name" .)) }}{{ end -}}
{{- $from = concat $from (get $src "extraEnvFrom" | default list) -}}
{{- $env = concat $env (get $src "extraEnvVars" | default list) -}}
{{- end -}}
{{- $out := dict -}}
{{- with $from }}{{ $_ := set $out "envFrom" . }}{{ end -}}
{{- with $env }}{{ $_ := set $out "env" . }}{{ end -}}
{{- with $out }}{{ toYaml . }}{{ end -}}
{{- end -}}
