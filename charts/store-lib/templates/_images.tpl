{{/*
store-lib.images.image: the image reference of an image values block
  {registry, repository, tag, digest}
(dict "image" .Values.image "context" $ "defaultTag" .Chart.AppVersion) -> "registry/repository:tag" or
"registry/repository@sha256:..." (a digest wins over the tag). Fails on an empty or "latest" tag
without a digest: images are pinned.
*/}}
{{- define "store-lib.images.image" -}}
{{- $img := .image -}}
{{- $repo := required "image.repository is required" (get $img "repository") -}}
{{- $ref := $repo -}}
{{- with get $img "registry" }}{{ $ref = printf "%s/%s" . $repo }}{{ end -}}
{{- $digest := get $img "digest" -}}
{{- $tag := toString (default (get . "defaultTag") (get $img "tag")) -}}
{{- if $digest -}}
{{- if not (regexMatch "^sha256:[a-f0-9]{64}$" $digest) -}}
{{- fail (printf "image %s: digest %q is not sha256:<64 hex>" $ref $digest) -}}
{{- end -}}
{{- printf "%s@%s" $ref $digest -}}
{{- else if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "image %s: pin a tag (not %q) or a digest" $ref $tag) -}}
{{- else -}}
{{- printf "%s:%s" $ref $tag -}}
{{- end -}}
{{- end -}}

{{/*
store-lib.images.pullSecrets: imagePullSecrets from a list of names or {name: ...} maps.
(dict "pullSecrets" .Values.imagePullSecrets)
*/}}
{{- define "store-lib.images.pullSecrets" -}}
{{- $list := list -}}
{{- range (get . "pullSecrets" | default list) -}}
{{- if kindIs "map" . }}{{ $list = append $list (dict "name" .name) }}{{ else }}{{ $list = append $list (dict "name" .) }}{{ end -}}
{{- end -}}
{{- if $list }}
imagePullSecrets:
{{ toYaml $list }}
{{- end -}}
{{- end -}}
