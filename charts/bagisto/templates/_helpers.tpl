{{/*
bagisto.fullname: the standard full name (release "bagisto" -> "bagisto"). Every template uses it, so
it also runs the cross-field checks first (bagisto.validate renders nothing).
*/}}
{{- define "bagisto.fullname" -}}
{{- include "bagisto.validate" . -}}
{{- include "store-lib.names.fullname" (dict "context" .) -}}
{{- end -}}

{{/* bagisto.appImage: the Bagisto PHP-FPM image reference. */}}
{{- define "bagisto.appImage" -}}
{{- include "store-lib.images.image" (dict "image" .Values.image "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{/* bagisto.secretName: the Secret holding APP_KEY / DB_PASSWORD / REDIS_PASSWORD / MYSQL_ROOT_PASSWORD. */}}
{{- define "bagisto.secretName" -}}
{{- include "store-lib.secrets.name" (dict "existingSecret" .Values.existingSecret "name" (include "bagisto.fullname" .)) -}}
{{- end -}}

{{/* bagisto.storageClaim: the PVC mounted as bagisto-storage. */}}
{{- define "bagisto.storageClaim" -}}
{{- default (printf "%s-storage" (include "bagisto.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{/* bagisto.redisPassword: "true" when pods must send a Redis password. */}}
{{- define "bagisto.redisPassword" -}}
{{- if .Values.redis.enabled -}}{{ .Values.redis.auth.enabled }}{{- else -}}{{ or .Values.externalRedis.usePassword (ne .Values.externalRedis.password "") }}{{- end -}}
{{- end -}}

{{/* bagisto.validate: cross-field checks the schema cannot express. */}}
{{- define "bagisto.validate" -}}
{{- if and .Values.sharedNamespace (not .Values.tenant) -}}
{{- fail "tenant: required when sharedNamespace is true (each tenant in a shared namespace must be named)" -}}
{{- end -}}
{{- if and .Values.sharedNamespace .Values.tenantPolicy.enabled -}}
{{- fail "tenantPolicy.enabled: a namespace-wide ResourceQuota/LimitRange cannot be used with sharedNamespace" -}}
{{- end -}}
{{- if and (not .Values.mysql.enabled) (not .Values.externalDatabase.host) -}}
{{- fail "externalDatabase.host: required when mysql.enabled is false" -}}
{{- end -}}
{{- if and (not .Values.redis.enabled) (not .Values.externalRedis.host) -}}
{{- fail "externalRedis.host: required when redis.enabled is false" -}}
{{- end -}}
{{- if and .Values.ingress.certManager.enabled .Values.ingress.certManager.clusterIssuer .Values.ingress.certManager.issuer -}}
{{- fail "ingress.certManager: set clusterIssuer or issuer, not both" -}}
{{- end -}}
{{- if and .Values.ingress.certManager.enabled (not (or .Values.ingress.certManager.clusterIssuer .Values.ingress.certManager.issuer)) -}}
{{- fail "ingress.certManager: set clusterIssuer or issuer" -}}
{{- end -}}
{{- if and .Values.httpRoute.enabled (not .Values.httpRoute.parentRefs) -}}
{{- fail "httpRoute.parentRefs: at least one Gateway is required when httpRoute.enabled" -}}
{{- end -}}
{{- end -}}

{{/* bagisto.dbHost / dbPort / dbName / dbUser: the database the app uses. */}}
{{- define "bagisto.dbHost" -}}
{{- if .Values.mysql.enabled }}{{ include "store-lib.names.component" (dict "context" . "component" "mysql") }}{{ else }}{{ .Values.externalDatabase.host }}{{ end -}}
{{- end -}}
{{- define "bagisto.dbPort" -}}
{{- if .Values.mysql.enabled }}{{ .Values.mysql.port }}{{ else }}{{ .Values.externalDatabase.port }}{{ end -}}
{{- end -}}

{{/*
bagisto.appEnv: the non-secret environment of every Bagisto container, as a map (YAML). Used by the
`<fullname>-env` ConfigMap and inline by the migration Job (a pre-upgrade hook must not depend on
objects the upgrade has not applied yet).
*/}}
{{- define "bagisto.appEnv" -}}
{{- $v := .Values -}}
{{- $db := ternary $v.mysql.auth $v.externalDatabase $v.mysql.enabled -}}
{{- $env := dict
  "APP_NAME" $v.app.name
  "APP_ENV" $v.app.env
  "APP_DEBUG" (toString $v.app.debug)
  "APP_URL" $v.app.url
  "APP_ADMIN_URL" $v.app.adminUrl
  "APP_TIMEZONE" $v.app.timezone
  "APP_LOCALE" $v.app.locale
  "APP_CURRENCY" $v.app.currency
  "LOG_CHANNEL" $v.app.logChannel
  "LOG_LEVEL" $v.app.logLevel
  "DB_CONNECTION" "mysql"
  "DB_HOST" (include "bagisto.dbHost" .)
  "DB_PORT" (include "bagisto.dbPort" .)
  "DB_DATABASE" $db.database
  "DB_USERNAME" $db.username
  "REDIS_CLIENT" "phpredis"
  "REDIS_HOST" (ternary (include "store-lib.names.component" (dict "context" . "component" "redis")) $v.externalRedis.host $v.redis.enabled)
  "REDIS_PORT" (toString (ternary $v.redis.port $v.externalRedis.port $v.redis.enabled))
  "REDIS_SCHEME" (ternary "tcp" $v.externalRedis.scheme $v.redis.enabled)
  "SESSION_DRIVER" "redis"
  "CACHE_DRIVER" "redis"
  "CACHE_STORE" "redis"
  "QUEUE_CONNECTION" "redis"
  "FILESYSTEM_DISK" "public"
  "VIEW_COMPILED_PATH" (printf "%s/storage/framework/views" $v.storefront.appRoot) -}}
{{- range $k, $val := $v.app.extraEnv }}{{ $_ := set $env $k (toString $val) }}{{ end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* bagisto.secretEnv: env entries for the secret values (explicit keys, never the whole Secret). */}}
{{- define "bagisto.secretEnv" -}}
- name: APP_KEY
  valueFrom: {secretKeyRef: {name: {{ include "bagisto.secretName" . }}, key: APP_KEY}}
- name: DB_PASSWORD
  valueFrom: {secretKeyRef: {name: {{ include "bagisto.secretName" . }}, key: DB_PASSWORD}}
{{- if eq (include "bagisto.redisPassword" .) "true" }}
- name: REDIS_PASSWORD
  valueFrom: {secretKeyRef: {name: {{ include "bagisto.secretName" . }}, key: REDIS_PASSWORD}}
{{- end }}
{{- end -}}

{{/* bagisto.podSecurityContext: the restricted pod context of the Bagisto pods. */}}
{{- define "bagisto.podSecurityContext" -}}
{{- include "store-lib.security.podSecurityContext" (dict "uid" .Values.podSecurityContext.runAsUser "gid" .Values.podSecurityContext.runAsGroup "fsGroup" .Values.podSecurityContext.fsGroup) -}}
{{- end -}}

{{/*
bagisto.appPodSpecCommon: spec fields shared by every Bagisto pod (service account, token automount
off, security context, pull secrets, scheduling from "scheduling" (a values block with nodeSelector...)).
(dict "context" $ "scheduling" .Values.storefront)
*/}}
{{- define "bagisto.podCommon" -}}
{{- $ctx := .context -}}
serviceAccountName: {{ include "store-lib.names.serviceAccount" (dict "context" $ctx "serviceAccount" $ctx.Values.serviceAccount) }}
automountServiceAccountToken: false
securityContext:
  {{- include "bagisto.podSecurityContext" $ctx | nindent 2 }}
{{- include "store-lib.images.pullSecrets" (dict "pullSecrets" $ctx.Values.imagePullSecrets) }}
{{- with .scheduling }}
{{- with get . "nodeSelector" }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with get . "tolerations" }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with get . "affinity" }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with get . "topologySpreadConstraints" }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
bagisto.artisanContainer: a container running `php artisan ...` (worker, scheduler, cron), with the
app env, storage PVC, /tmp and bootstrap/cache emptyDirs and a read-only root filesystem.
(dict "context" $ "name" "worker" "args" (list ...) "resources" .Values.worker.resources "probeMatch" "queue:work")
*/}}
{{- define "bagisto.artisanContainer" -}}
{{- $ctx := .context -}}
- name: {{ .name }}
  image: {{ include "bagisto.appImage" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  command: ["php", "artisan"]
  args:
    {{- toYaml .args | nindent 4 }}
  envFrom:
    - configMapRef:
        name: {{ include "bagisto.fullname" $ctx }}-env
  env:
    {{- include "bagisto.secretEnv" $ctx | nindent 4 }}
  {{- with get . "probeMatch" }}
  livenessProbe:
    exec:
      command: ["/bin/sh", "-c", "grep -qa {{ . }} /proc/1/cmdline"]
    periodSeconds: 30
  {{- end }}
  securityContext:
    {{- include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  resources:
    {{- include "store-lib.security.resources" (dict "resources" .resources "name" .name) | nindent 4 }}
  volumeMounts:
    {{- include "store-lib.storefront.appMounts" (dict "appRoot" $ctx.Values.storefront.appRoot "public" false) | nindent 4 }}
{{- end -}}

{{/* bagisto.artisanVolumes: volumes of the artisan pods: the storage PVC and the app emptyDirs. */}}
{{- define "bagisto.artisanVolumes" -}}
- name: bagisto-storage
  persistentVolumeClaim:
    claimName: {{ include "bagisto.storageClaim" . }}
{{ include "store-lib.storefront.appVolumes" . }}
{{- end -}}

{{/* bagisto.migrationEnv: the app environment inline (name/value list) plus the secret env. */}}
{{- define "bagisto.migrationEnv" -}}
{{- range $k, $v := (include "bagisto.appEnv" . | fromYaml) }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
{{ include "bagisto.secretEnv" . }}
{{- end -}}

{{/*
bagisto.fpmPingProbe: asks php-fpm's own ping page (ping.path /ping -> "pong") over FastCGI with
cgi-fcgi (libfcgi-bin, in the image): unlike an open port, it fails when every worker is stuck.
*/}}
{{- define "bagisto.fpmPingProbe" -}}
exec:
  command:
    - /bin/sh
    - -c
    - SCRIPT_NAME=/ping SCRIPT_FILENAME=/ping REQUEST_METHOD=GET cgi-fcgi -bind -connect 127.0.0.1:{{ .Values.php.fpmPort }} | grep -q pong
timeoutSeconds: 3
{{- end -}}
