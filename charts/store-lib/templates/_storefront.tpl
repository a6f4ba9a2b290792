{{/*
The storefront pod pattern: init container copy-public-files + app (PHP-FPM) + nginx sidecar sharing
the emptyDir "bagisto-public" and the PVC "bagisto-storage". Read-only root filesystems everywhere;
the paths the images must write get emptyDirs.
*/}}

{{/*
store-lib.storefront.initContainer: the copy-public-files init container (same image as the app).
(dict "image" "repo:tag" "appRoot" "/var/www/html" "publicTarget" "/public-shared"
      "storageTarget" "/storage-shared" "resources" (dict ...) "pullPolicy" "IfNotPresent")
*/}}
{{- define "store-lib.storefront.initContainer" -}}
{{- $appRoot := get . "appRoot" | default "/var/www/html" -}}
{{- $publicTarget := get . "publicTarget" | default "/public-shared" -}}
{{- $storageTarget := get . "storageTarget" | default "/storage-shared" -}}
- name: copy-public-files
  image: {{ .image }}
  imagePullPolicy: {{ get . "pullPolicy" | default "IfNotPresent" }}
  command:
    - /bin/sh
    - -ec
    - |
      {{- include "store-lib.storefront.copyPublicFilesScript" . | nindent 6 }}
  env:
    - name: PUBLIC_SOURCE
      value: {{ printf "%s/public" $appRoot | quote }}
    - name: PUBLIC_TARGET
      value: {{ $publicTarget | quote }}
    - name: STORAGE_TARGET
      value: {{ $storageTarget | quote }}
    - name: STORAGE_LINK_TARGET
      value: {{ printf "%s/storage/app/public" $appRoot | quote }}
  securityContext:
    {{- include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  resources:
    {{- include "store-lib.security.resources" (dict "resources" .resources "name" "copy-public-files") | nindent 4 }}
  volumeMounts:
    - name: bagisto-public
      mountPath: {{ $publicTarget }}
    - name: bagisto-storage
      mountPath: {{ $storageTarget }}
{{- end -}}

{{/*
store-lib.storefront.volumes: the storefront pod's volumes.
(dict "context" $ "storageClaim" "<pvc>" "nginxConfigMap" "<cm>" "phpConfigMap" "<cm>" "publicSizeLimit" "1Gi")
phpConfigMap is optional (the zz-chart.conf php-fpm pool fragment).
*/}}
{{- define "store-lib.storefront.volumes" -}}
- name: bagisto-public
  emptyDir:
    {{- with get . "publicSizeLimit" }}
    sizeLimit: {{ . }}
    {{- else }} {}
    {{- end }}
- name: bagisto-storage
  persistentVolumeClaim:
    claimName: {{ required "storageClaim is required" .storageClaim }}
- name: nginx-config
  configMap:
    name: {{ required "nginxConfigMap is required" .nginxConfigMap }}
- name: nginx-cache
  emptyDir: {}
- name: nginx-run
  emptyDir: {}
- name: nginx-tmp
  emptyDir: {}
{{- with get . "phpConfigMap" }}
- name: php-fpm-config
  configMap:
    name: {{ . }}
{{- end }}
{{ include "store-lib.storefront.appVolumes" . }}
{{- end -}}

{{/* store-lib.storefront.appVolumes: the emptyDirs the app image writes: PHP /tmp, Laravel bootstrap/cache. */}}
{{- define "store-lib.storefront.appVolumes" -}}
- name: php-tmp
  emptyDir: {}
- name: bootstrap-cache
  emptyDir: {}
{{- end -}}

{{/*
store-lib.storefront.appMounts: mounts of the app (PHP-FPM) container: public and storage read-write,
/tmp and bootstrap/cache emptyDirs, and the php-fpm pool fragment when "phpConfigMap" is set.
(dict "appRoot" "/var/www/html" "phpConfigMap" "<cm>" "public" true)
"public": false leaves out the bagisto-public mount (worker, scheduler and migration pods).
*/}}
{{- define "store-lib.storefront.appMounts" -}}
{{- $appRoot := get . "appRoot" | default "/var/www/html" -}}
{{- if or (not (hasKey . "public")) .public -}}
- name: bagisto-public
  mountPath: {{ $appRoot }}/public
{{ end -}}
- name: bagisto-storage
  mountPath: {{ $appRoot }}/storage
- name: php-tmp
  mountPath: /tmp
- name: bootstrap-cache
  mountPath: {{ $appRoot }}/bootstrap/cache
{{- if get . "phpConfigMap" }}
- name: php-fpm-config
  mountPath: /usr/local/etc/php-fpm.d/zz-chart.conf
  subPath: zz-chart.conf
  readOnly: true
{{- end }}
{{- end -}}
