{{/*
Secrets that stay stable across `helm upgrade`: an explicit value wins, else the value already in the
cluster (lookup), else a new random one. `helm template` (no cluster) always generates.
*/}}

{{/*
store-lib.secrets.name: the Secret to read credentials from: existingSecret when set, else "name".
(dict "existingSecret" .Values.existingSecret "name" "<fullname>")
*/}}
{{- define "store-lib.secrets.name" -}}
{{- default .name (get . "existingSecret") -}}
{{- end -}}

{{/*
store-lib.secrets.value: a base64-encoded value for a Secret's data.
(dict "context" $ "secret" "<secret name>" "key" "DB_PASSWORD" "value" .Values.x.password
      "length" 32 "format" "alnum|laravelKey")
format laravelKey gives "base64:<base64 of 32 random bytes>" (Laravel's APP_KEY).
*/}}
{{- define "store-lib.secrets.value" -}}
{{- $explicit := get . "value" -}}
{{- if $explicit -}}
{{- $explicit | toString | b64enc -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" (include "store-lib.names.namespace" .) .secret -}}
{{- $data := dig "data" (dict) ($existing | default dict) -}}
{{- if hasKey $data .key -}}
{{- index $data .key -}}
{{- else if eq (get . "format") "laravelKey" -}}
{{- printf "base64:%s" (randAlphaNum 32 | b64enc) | b64enc -}}
{{- else -}}
{{- randAlphaNum (get . "length" | default 32 | int) | b64enc -}}
{{- end -}}
{{- end -}}
{{- end -}}
