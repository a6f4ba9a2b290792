{{/*
Security contexts meeting Pod Security "restricted".
*/}}

{{/*
store-lib.security.podSecurityContext: pod-level context.
(dict "uid" 33 "gid" 33 "fsGroup" 33) - uid/gid default 33 (www-data), fsGroup defaults to gid.
*/}}
{{- define "store-lib.security.podSecurityContext" -}}
{{- $uid := get . "uid" | default 33 | int64 -}}
{{- $gid := get . "gid" | default 33 | int64 -}}
{{- if eq $uid 0 }}{{ fail "podSecurityContext: uid 0 (root) is not allowed" }}{{ end -}}
runAsNonRoot: true
runAsUser: {{ $uid }}
runAsGroup: {{ $gid }}
fsGroup: {{ get . "fsGroup" | default $gid | int64 }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
store-lib.security.containerSecurityContext: container-level context.
(dict "readOnlyRootFilesystem" true "uid" 101 "gid" 101) - readOnlyRootFilesystem defaults to true;
uid/gid are optional overrides of the pod's.
*/}}
{{- define "store-lib.security.containerSecurityContext" -}}
{{- $ro := true -}}
{{- if hasKey . "readOnlyRootFilesystem" }}{{ $ro = .readOnlyRootFilesystem }}{{ end -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: {{ $ro }}
runAsNonRoot: true
{{- with get . "uid" }}
runAsUser: {{ . | int64 }}
{{- end }}
{{- with get . "gid" }}
runAsGroup: {{ . | int64 }}
{{- end }}
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
store-lib.security.resources: a resources block; fails unless cpu+memory requests and a memory
limit are set (the webhook's `resources` rule). (dict "resources" .Values.x.resources "name" "x")
*/}}
{{- define "store-lib.security.resources" -}}
{{- $r := .resources | default dict -}}
{{- $req := get $r "requests" | default dict -}}
{{- $lim := get $r "limits" | default dict -}}
{{- if not (and (get $req "cpu") (get $req "memory") (get $lim "memory")) -}}
{{- fail (printf "%s.resources: set requests.cpu, requests.memory and limits.memory" (get . "name" | default "container")) -}}
{{- end -}}
{{- toYaml $r -}}
{{- end -}}
