{{/*
The storefront pod pattern: init container copy-public-files + app (PHP-FPM) + nginx sidecar sharing
the emptyDir "bagisto-public" and the PVC "bagisto-storage". Read-only root filesystems everywhere;
the paths the images must write get emptyDirs.
*/}}

{{/*
store-lib.storefront.copyPublicFilesScript: the POSIX sh script of the copy-public-files init
container. It reads only PUBLIC_SOURCE, PUBLIC_TARGET, STORAGE_TARGET and STORAGE_LINK_TARGET; it is
idempotent and works with a read-only source tree. The admission webhook injects the same text.
*/}}
{{- define "store-lib.storefront.copyPublicFilesScript" -}}
set -eu
: "${PUBLIC_SOURCE:?}" "${PUBLIC_TARGET:?}" "${STORAGE_TARGET:?}" "${STORAGE_LINK_TARGET:?}"
# 1. Empty the shared public dir (a previous run may have left read-only copies).
for entry in "$PUBLIC_TARGET"/* "$PUBLIC_TARGET"/.[!.]* "$PUBLIC_TARGET"/..?*; do
  if [ -L "$entry" ]; then rm -f "$entry"
  elif [ -e "$entry" ]; then chmod -R u+w "$entry" && rm -rf "$entry"
  fi
done
# 2. Copy the image's public files (links kept as links), then make the copy writable.
cp -RP "$PUBLIC_SOURCE"/. "$PUBLIC_TARGET"/
rm -rf "$PUBLIC_TARGET/storage"
for entry in "$PUBLIC_TARGET"/* "$PUBLIC_TARGET"/.[!.]* "$PUBLIC_TARGET"/..?*; do
  if [ -e "$entry" ] && [ ! -L "$entry" ]; then chmod -R u+w "$entry"; fi
done
# 3. Create Laravel's storage tree on the storage volume.
for dir in app/public framework/cache/data framework/sessions framework/views logs; do
  mkdir -p "$STORAGE_TARGET/$dir"
done
# 4. Recreate the public/storage symlink (emptyDirs do not keep the image's link).
rm -f "$PUBLIC_TARGET/storage"
ln -s "$STORAGE_LINK_TARGET" "$PUBLIC_TARGET/storage"
echo "copy-public-files: $PUBLIC_SOURCE -> $PUBLIC_TARGET; storage tree in $STORAGE_TARGET; storage -> $STORAGE_LINK_TARGET"
{{- end -}}

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
