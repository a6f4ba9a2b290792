{{/*
store-lib.utils.render: renders a value that may contain templates (like Bitnami's tplvalues.render).
(dict "value" .Values.x "context" $)
*/}}
{{- define "store-lib.utils.render" -}}
{{- if typeIs "string" .value -}}
{{- tpl .value .context -}}
{{- else -}}
{{- tpl (toYaml .value) .context -}}
{{- end -}}
{{- end -}}

{{/*
store-lib.utils.checksum: sha256 of a rendered template file, for pod annotations that roll pods on
config changes. (dict "context" $ "path" "/configmap-nginx.yaml")
*/}}
{{- define "store-lib.utils.checksum" -}}
{{- include (print .context.Template.BasePath .path) .context | sha256sum -}}
{{- end -}}
