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
{{- include "store-lib.images.image" (dict "image" .Values.image "defaultTag" .Chart.AppVersion "context" .) -}}
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
{{- if and .Values.sharedNamespace .Values.ingress.enabled .Values.ingress.certManager.enabled -}}
{{- fail "ingress.certManager: cannot be used with sharedNamespace (store-admission denies an Ingress there naming a TLS Secret that does not exist yet, and ingress-shim makes it afterwards): issue a Certificate with secretTemplate.labels store.platform.io/tenant first, then set ingress.tls to its Secret (README: Tenancy)" -}}
{{- end -}}
{{- if and .Values.httpRoute.enabled (not .Values.httpRoute.parentRefs) -}}
{{- fail "httpRoute.parentRefs: at least one Gateway is required when httpRoute.enabled" -}}
{{- end -}}
{{- if and (eq .Values.media.disk "s3") (not .Values.media.s3.bucket) -}}
{{- fail "media.s3.bucket: required when media.disk is s3" -}}
{{- end -}}
{{- if and (eq .Values.mail.mailer "smtp") (not (include "bagisto.mailHost" .)) -}}
{{- fail "mail.host: required when mail.mailer is smtp (or enable mailpit)" -}}
{{- end -}}
{{- if and (ne .Values.search.engine "database") (not (include "bagisto.searchUrl" .)) -}}
{{- fail "search.url: required when search.engine is elasticsearch or opensearch (or enable opensearch)" -}}
{{- end -}}
{{- if and .Values.opensearch.enabled (ne .Values.search.engine "opensearch") -}}
{{- fail "opensearch.enabled: set search.engine to opensearch to use the in-chart OpenSearch" -}}
{{- end -}}
{{- end -}}

{{/* bagisto.dbHost / dbPort / dbName / dbUser: the database the app uses. */}}
{{- define "bagisto.dbHost" -}}
{{- if .Values.mysql.enabled }}{{ include "store-lib.names.component" (dict "context" . "component" "mysql") }}{{ else }}{{ .Values.externalDatabase.host }}{{ end -}}
{{- end -}}
{{- define "bagisto.dbPort" -}}
{{- if .Values.mysql.enabled }}{{ .Values.mysql.port }}{{ else }}{{ .Values.externalDatabase.port }}{{ end -}}
{{- end -}}

{{/* bagisto.mailHost / bagisto.searchUrl: the configured server, else the in-chart one when enabled. */}}
{{- define "bagisto.mailHost" -}}
{{- if .Values.mail.host }}{{ .Values.mail.host }}{{ else if .Values.mailpit.enabled }}{{ include "store-lib.names.component" (dict "context" . "component" "mailpit") }}{{ end -}}
{{- end -}}
{{- define "bagisto.searchUrl" -}}
{{- if .Values.search.url }}{{ .Values.search.url }}{{ else if .Values.opensearch.enabled }}http://{{ include "store-lib.names.component" (dict "context" . "component" "opensearch") }}:9200{{ end -}}
{{- end -}}

{{/*
bagisto.credentials: every credential the app reads, as {ENV_NAME: {secret, key, value, field, own}}: the
Secret and key it is read from; own: the chart's Secret holds it, with the value of the values field. A
service's own existingSecret wins, then the chart-wide existingSecret, then the chart's Secret.
Only credentials in use are listed. Nothing here ever reaches a ConfigMap.
*/}}
{{- define "bagisto.credentials" -}}
{{- $v := .Values -}}
{{- $chart := include "bagisto.secretName" . -}}
{{- $out := dict -}}
{{- if and (eq $v.mail.mailer "smtp") $v.mail.username -}}
{{- $_ := set $out "MAIL_PASSWORD" (dict "secret" (default $chart $v.mail.existingSecret) "key" (ternary $v.mail.existingSecretPasswordKey "MAIL_PASSWORD" (or (ne $v.mail.existingSecret "") (ne $v.existingSecret ""))) "value" $v.mail.password "field" "mail.password" "own" (not $v.mail.existingSecret)) -}}
{{- end -}}
{{- if and (ne $v.search.engine "database") $v.search.username -}}
{{- $_ := set $out "ELASTICSEARCH_PASS" (dict "secret" (default $chart $v.search.existingSecret) "key" (ternary $v.search.existingSecretPasswordKey "ELASTICSEARCH_PASS" (or (ne $v.search.existingSecret "") (ne $v.existingSecret ""))) "value" $v.search.password "field" "search.password" "own" (not $v.search.existingSecret)) -}}
{{- end -}}
{{- if eq $v.media.disk "s3" -}}
{{- $_ := set $out "AWS_ACCESS_KEY_ID" (dict "secret" (default $chart $v.media.s3.existingSecret) "key" "AWS_ACCESS_KEY_ID" "value" $v.media.s3.accessKeyId "field" "media.s3.accessKeyId" "own" (not $v.media.s3.existingSecret)) -}}
{{- $_ := set $out "AWS_SECRET_ACCESS_KEY" (dict "secret" (default $chart $v.media.s3.existingSecret) "key" "AWS_SECRET_ACCESS_KEY" "value" $v.media.s3.secretAccessKey "field" "media.s3.secretAccessKey" "own" (not $v.media.s3.existingSecret)) -}}
{{- end -}}
{{- toYaml $out -}}
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
  "FILESYSTEM_DISK" (ternary "s3" "public" (eq $v.media.disk "s3"))
  "VIEW_COMPILED_PATH" (printf "%s/storage/framework/views" $v.storefront.appRoot)
  "MAIL_MAILER" $v.mail.mailer
  "MAIL_FROM_ADDRESS" $v.mail.fromAddress
  "MAIL_FROM_NAME" (default $v.app.name $v.mail.fromName)
  "ADMIN_MAIL_ADDRESS" $v.mail.fromAddress
  "ADMIN_MAIL_NAME" (default $v.app.name $v.mail.fromName) -}}
{{- if eq $v.mail.mailer "smtp" -}}
{{- $_ := set $env "MAIL_HOST" (include "bagisto.mailHost" .) -}}
{{- $_ := set $env "MAIL_PORT" (toString (ternary 1025 $v.mail.port (and $v.mailpit.enabled (not $v.mail.host)))) -}}
{{- $_ := set $env "MAIL_ENCRYPTION" (ternary "null" (default "null" $v.mail.encryption) (and $v.mailpit.enabled (not $v.mail.host))) -}}
{{- with $v.mail.username }}{{ $_ := set $env "MAIL_USERNAME" . }}{{ end -}}
{{- end -}}
{{- if ne $v.search.engine "database" -}}
{{- $url := urlParse (include "bagisto.searchUrl" .) -}}
{{- $scheme := default "http" $url.scheme -}}
{{- $hostPort := splitList ":" $url.host -}}
{{- $_ := set $env "ELASTICSEARCH_SCHEME" $scheme -}}
{{- $_ := set $env "ELASTICSEARCH_HOST" (first $hostPort) -}}
{{- $_ := set $env "ELASTICSEARCH_PORT" (ternary (last $hostPort) (ternary "443" "9200" (eq $scheme "https")) (gt (len $hostPort) 1)) -}}
{{- with $v.search.username }}{{ $_ := set $env "ELASTICSEARCH_USER" . }}{{ end -}}
{{- end -}}
{{- if eq $v.media.disk "s3" -}}
{{- $_ := set $env "AWS_BUCKET" $v.media.s3.bucket -}}
{{- $_ := set $env "AWS_DEFAULT_REGION" $v.media.s3.region -}}
{{- $_ := set $env "AWS_USE_PATH_STYLE_ENDPOINT" (toString $v.media.s3.usePathStyleEndpoint) -}}
{{- with $v.media.s3.endpoint }}{{ $_ := set $env "AWS_ENDPOINT" . }}{{ end -}}
{{- with $v.media.s3.url }}{{ $_ := set $env "AWS_URL" . }}{{ end -}}
{{- end -}}
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
{{- range $name, $c := (include "bagisto.credentials" . | fromYaml) }}
- name: {{ $name }}
  valueFrom: {secretKeyRef: {name: {{ $c.secret }}, key: {{ $c.key }}}}
{{- end }}
{{- end -}}

{{/*
bagisto.env: the envFrom/env fields of a Bagisto app container, through store-lib.env.container:
the `<fullname>-env` ConfigMap (or, for the migration Job, the same variables inline), the
credentials from Secrets, then app.extra* and the workload's own extra* settings.
(dict "context" $ "values" .Values.worker "inline" false)
*/}}
{{- define "bagisto.env" -}}
{{- $ctx := .context -}}
{{- $env := include "bagisto.secretEnv" $ctx | fromYamlArray -}}
{{- $cm := printf "%s-env" (include "bagisto.fullname" $ctx) -}}
{{- if get . "inline" -}}
{{- $cm = "" -}}
{{- $env = concat (include "bagisto.inlineEnv" $ctx | fromYamlArray) $env -}}
{{- end -}}
{{- $sources := list $ctx.Values.app -}}
{{- with get . "values" }}{{ $sources = append $sources . }}{{ end -}}
{{- include "store-lib.env.container" (dict "configMap" $cm "env" $env "sources" $sources) -}}
{{- end -}}

{{/* bagisto.podSecurityContext: the restricted pod context of the Bagisto pods. */}}
{{- define "bagisto.podSecurityContext" -}}
{{- include "store-lib.security.podSecurityContext" (dict "uid" .Values.podSecurityContext.runAsUser "gid" .Values.podSecurityContext.runAsGroup "fsGroup" .Values.podSecurityContext.fsGroup) -}}
{{- end -}}

{{/*
bagisto.podCommon: spec fields shared by every Bagisto pod (service account, token automount
off, security context, pull secrets, scheduling from "scheduling" (a values block with nodeSelector...)).
(dict "context" $ "scheduling" .Values.storefront)
*/}}
{{- define "bagisto.podCommon" -}}
{{- $ctx := .context -}}
serviceAccountName: {{ include "store-lib.names.serviceAccount" (dict "context" $ctx "serviceAccount" $ctx.Values.serviceAccount) }}
automountServiceAccountToken: false
securityContext:
  {{- include "bagisto.podSecurityContext" $ctx | nindent 2 }}
{{- include "store-lib.images.pullSecrets" (dict "pullSecrets" $ctx.Values.imagePullSecrets "context" $ctx) }}
{{- with include "store-lib.pods.scheduling" (dict "values" .scheduling) }}
{{ . }}
{{- end }}
{{- end -}}

{{/*
bagisto.artisanContainer: a container running `php artisan ...` (worker, scheduler, cron), with the
app env, storage PVC, /tmp and bootstrap/cache emptyDirs and a read-only root filesystem.
(dict "context" $ "name" "worker" "args" (list ...) "values" .Values.worker "probeMatch" "queue:work")
php's memory_limit for the CLI comes from php.cliMemoryLimit (`php -d`): the image has no php.ini.
*/}}
{{- define "bagisto.artisanContainer" -}}
{{- $ctx := .context -}}
- name: {{ .name }}
  image: {{ include "bagisto.appImage" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  command: ["php", "-d", "memory_limit={{ $ctx.Values.php.cliMemoryLimit }}", "artisan"]
  args:
    {{- toYaml .args | nindent 4 }}
  {{- include "bagisto.env" (dict "context" $ctx "values" .values) | nindent 2 }}
  {{- with get . "probeMatch" }}
  livenessProbe:
    exec:
      command: ["/bin/sh", "-c", "grep -qa {{ . }} /proc/1/cmdline"]
    periodSeconds: 30
  {{- end }}
  securityContext:
    {{- include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  resources:
    {{- include "store-lib.security.resources" (dict "resources" .values.resources "name" .name) | nindent 4 }}
  volumeMounts:
    {{- include "store-lib.storefront.appMounts" (dict "appRoot" $ctx.Values.storefront.appRoot "public" false) | nindent 4 }}
    {{- with $ctx.Values.app.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/* bagisto.artisanVolumes: volumes of the artisan pods: the storage PVC and the app emptyDirs. */}}
{{- define "bagisto.artisanVolumes" -}}
- name: bagisto-storage
  persistentVolumeClaim:
    claimName: {{ include "bagisto.storageClaim" . }}
{{ include "store-lib.storefront.appVolumes" . }}
{{- with .Values.app.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* bagisto.inlineEnv: the ConfigMap's variables as a name/value list (the migration Job's). */}}
{{- define "bagisto.inlineEnv" -}}
{{- range $k, $v := (include "bagisto.appEnv" . | fromYaml) }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
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
