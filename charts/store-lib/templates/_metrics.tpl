{{/*
Prometheus exporters for the storefront pod, as sidecars: they read the status pages over loopback
(nginx's stub_status on the internal status port, php-fpm's status over FastCGI) and serve
/metrics. Restricted like every container of the pod: non-root, read-only root, no capabilities.
A liveness probe (restarts only the exporter) but no readiness probe: a pod's readiness is every
container's, and a stuck exporter must not take the storefront out of its Service.
*/}}

{{/*
store-lib.metrics.nginxExporter: nginx-prometheus-exporter reading http://127.0.0.1:<statusPort>/stub_status.
(dict "image" "repo:tag" "pullPolicy" "IfNotPresent" "statusPort" 8081 "port" 9113 "resources" (dict ...))
*/}}
{{- define "store-lib.metrics.nginxExporter" -}}
- name: nginx-exporter
  image: {{ .image }}
  imagePullPolicy: {{ get . "pullPolicy" | default "IfNotPresent" }}
  args:
    - --nginx.scrape-uri=http://127.0.0.1:{{ .statusPort | int }}/stub_status
    - --web.listen-address=:{{ get . "port" | default 9113 | int }}
  ports:
    - name: nginx-metrics
      containerPort: {{ get . "port" | default 9113 | int }}
      protocol: TCP
  livenessProbe:
    httpGet: {path: /metrics, port: nginx-metrics}
    periodSeconds: 30
    timeoutSeconds: 5
  securityContext:
    {{- include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  resources:
    {{- include "store-lib.security.resources" (dict "resources" .resources "name" "nginx-exporter") | nindent 4 }}
{{- end -}}

{{/*
store-lib.metrics.fpmExporter: hipages php-fpm_exporter reading php-fpm's pm.status_path over FastCGI.
(dict "image" "repo:tag" "pullPolicy" "IfNotPresent" "fpmPort" 9000 "statusPath" "/status" "port" 9253 "resources" (dict ...))
*/}}
{{- define "store-lib.metrics.fpmExporter" -}}
- name: php-fpm-exporter
  image: {{ .image }}
  imagePullPolicy: {{ get . "pullPolicy" | default "IfNotPresent" }}
  args: [server]
  env:
    - name: PHP_FPM_SCRAPE_URI
      value: {{ printf "tcp://127.0.0.1:%d%s" (get . "fpmPort" | default 9000 | int) (get . "statusPath" | default "/status") | quote }}
    - name: PHP_FPM_WEB_LISTEN_ADDRESS
      value: {{ printf ":%d" (get . "port" | default 9253 | int) | quote }}
    - name: PHP_FPM_FIX_PROCESS_COUNT
      value: "true"
  ports:
    - name: fpm-metrics
      containerPort: {{ get . "port" | default 9253 | int }}
      protocol: TCP
  livenessProbe:
    httpGet: {path: /metrics, port: fpm-metrics}
    periodSeconds: 30
    timeoutSeconds: 5
  securityContext:
    {{- include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  resources:
    {{- include "store-lib.security.resources" (dict "resources" .resources "name" "php-fpm-exporter") | nindent 4 }}
{{- end -}}
