{{/*
store-lib.images.image: the image reference of an image values block
  {registry, repository, tag, digest}
(dict "image" .Values.image "context" $ "defaultTag" .Chart.AppVersion) -> "registry/repository:tag" or
"registry/repository@sha256:..." (a digest wins over the tag). With "context", a non-empty
.Values.global.imageRegistry replaces every image's registry (an air-gapped mirror, as in Bitnami
charts). Fails on an empty or "latest" tag without a digest: images are pinned.
*/}}
{{- define "store-lib.images.image" -}}
{{- $img := .image -}}
{{- $repo := required "image.repository is required" (get $img "repository") -}}
{{- $ref := $repo -}}
{{- $registry := get $img "registry" -}}
{{- with get . "context" }}{{ with get (.Values.global | default dict) "imageRegistry" }}{{ $registry = . }}{{ end }}{{ end -}}
{{- with $registry }}{{ $ref = printf "%s/%s" . $repo }}{{ end -}}
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
(dict "pullSecrets" .Values.imagePullSecrets "context" $) - with "context", .Values.global.imagePullSecrets
come first; a name is listed once.
*/}}
{{- define "store-lib.images.pullSecrets" -}}
{{- $all := get . "pullSecrets" | default list -}}
{{- with get . "context" }}{{ $all = concat (get (.Values.global | default dict) "imagePullSecrets" | default list) $all }}{{ end -}}
{{- $list := list -}}
{{- range $all -}}
{{- $name := kindIs "map" . | ternary (get (kindIs "map" . | ternary . dict) "name") . -}}
{{- if not (has (dict "name" $name) $list) }}{{ $list = append $list (dict "name" $name) }}{{ end -}}
{{- end -}}
{{- if $list }}
imagePullSecrets:
{{ toYaml $list }}
{{- end -}}
{{- end -}}
