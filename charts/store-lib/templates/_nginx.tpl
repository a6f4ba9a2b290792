{{/*
The nginx sidecar: serves public/ (static files, the storage symlink) and passes PHP to PHP-FPM over
FastCGI on 127.0.0.1. Runs non-root with a read-only root filesystem.
*/}}

{{/*
store-lib.nginx.serverBlock: ONE nginx server block (http context; no user/pid directives), the
`default.conf` of the nginx ConfigMap.
(dict "port" 8080 "appRoot" "/var/www/html" "fpmPort" 9000 "clientMaxBodySize" "64m"
      "staticExpires" "30d" "buildExpires" "1y" "fastcgiReadTimeout" 360 "statusPort" 8081)
With "statusPort", a second server block (store-lib.nginx.statusServer) serves the status pages there.
*/}}
{{- define "store-lib.nginx.serverBlock" -}}
{{- $appRoot := get . "appRoot" | default "/var/www/html" -}}
server {
    listen {{ get . "port" | default 8080 | int }};
    server_name _;
    root {{ $appRoot }}/public;
    index index.php index.html;
    charset utf-8;
    server_tokens off;
    client_max_body_size {{ get . "clientMaxBodySize" | default "64m" }};

    # Liveness/readiness of nginx itself: never touches PHP.
    location = /health {
        access_log off;
        default_type text/plain;
        return 200 "ok\n";
    }

    # Dotfiles (.env, .git, ...) are never served; ACME challenges are.
    location ~ /\.(?!well-known) {
        deny all;
    }

    # Vite build output: content-hashed names, cache for long.
    location ^~ /build/ {
        expires {{ get . "buildExpires" | default "1y" }};
        add_header Cache-Control "public, immutable";
        access_log off;
        try_files $uri =404;
    }

    # Other static assets (themes, uploads through the public/storage symlink). A missing file
    # falls through to Laravel: Bagisto renders resized images (/cache/...) and sitemaps itself.
    location ~* \.(?:css|js|mjs|map|json|ico|gif|jpe?g|png|svg|webp|avif|woff2?|ttf|otf|eot|txt|xml)$ {
        expires {{ get . "staticExpires" | default "30d" }};
        add_header Cache-Control "public";
        access_log off;
        try_files $uri /index.php?$query_string;
    }

    # Laravel front controller.
    location / {
        try_files $uri $uri/ /index.php?$query_string;
    }

    # Only the front controller runs PHP: public/storage holds user uploads, and an uploaded
    # (or stray) .php file must never be executed.
    location ~ \.php$ {
        return 404;
    }

    location = /index.php {
        try_files $uri =404;
        fastcgi_split_path_info ^(.+\.php)(/.+)$;
        fastcgi_pass 127.0.0.1:{{ get . "fpmPort" | default 9000 | int }};
        fastcgi_index index.php;
        fastcgi_read_timeout {{ get . "fastcgiReadTimeout" | default 120 | int }}s;
        fastcgi_buffers 16 16k;
        fastcgi_buffer_size 32k;
        # The standard FastCGI parameters, inline (no dependency on a fastcgi_params file).
        fastcgi_param SCRIPT_FILENAME   $realpath_root$fastcgi_script_name;
        fastcgi_param SCRIPT_NAME       $fastcgi_script_name;
        fastcgi_param PATH_INFO         $fastcgi_path_info;
        fastcgi_param DOCUMENT_ROOT     $realpath_root;
        fastcgi_param DOCUMENT_URI      $document_uri;
        fastcgi_param QUERY_STRING      $query_string;
        fastcgi_param REQUEST_METHOD    $request_method;
        fastcgi_param CONTENT_TYPE      $content_type;
        fastcgi_param CONTENT_LENGTH    $content_length;
        fastcgi_param REQUEST_URI       $request_uri;
        fastcgi_param REQUEST_SCHEME    $scheme;
        fastcgi_param HTTPS             $https if_not_empty;
        fastcgi_param SERVER_PROTOCOL   $server_protocol;
        fastcgi_param GATEWAY_INTERFACE CGI/1.1;
        fastcgi_param SERVER_SOFTWARE   nginx;
        fastcgi_param REMOTE_ADDR       $remote_addr;
        fastcgi_param REMOTE_PORT       $remote_port;
        fastcgi_param SERVER_ADDR       $server_addr;
        fastcgi_param SERVER_PORT       $server_port;
        fastcgi_param SERVER_NAME       $server_name;
        fastcgi_param REDIRECT_STATUS   200;
        fastcgi_param HTTP_PROXY        "";
    }
}
{{- with get . "statusPort" }}

{{ include "store-lib.nginx.statusServer" (dict "port" . "fpmPort" (get $ "fpmPort")) }}
{{- end }}
{{- end -}}

{{/*
store-lib.nginx.statusServer: the internal status server block: nginx's stub_status at /stub_status,
php-fpm's status page (pm.status_path /status) at /fpm-status and its ping at /fpm-ping, on a port
of its own that the Service and the NetworkPolicy never open, and to loopback clients only (the
exporter sidecars, `kubectl port-forward`). Query strings pass through (/fpm-status?full&json).
(dict "port" 8081 "fpmPort" 9000)
*/}}
{{- define "store-lib.nginx.statusServer" -}}
server {
    listen {{ .port | int }};
    server_name _;
    server_tokens off;
    access_log off;
    allow 127.0.0.1;
    allow ::1;
    deny all;

    location = /stub_status {
        stub_status;
    }

    location ~ ^/fpm-(status|ping)$ {
        fastcgi_pass 127.0.0.1:{{ get . "fpmPort" | default 9000 | int }};
        fastcgi_param SCRIPT_NAME     /$1;
        fastcgi_param SCRIPT_FILENAME /$1;
        fastcgi_param REQUEST_METHOD  $request_method;
        fastcgi_param QUERY_STRING    $query_string;
    }

    location / {
        return 404;
    }
}
{{- end -}}

{{/*
store-lib.nginx.container: the nginx sidecar container.
(dict "image" "repo:tag" "port" 8080 "appRoot" "/var/www/html" "resources" (dict ...)
      "uid" 101 "gid" 101 "pullPolicy" "IfNotPresent" "probes" true "statusPort" 8081)
Mounts public and storage read-only, its config from the volume nginx-config at /etc/nginx/conf.d,
and emptyDirs for /var/cache/nginx, /var/run and /tmp.
*/}}
{{- define "store-lib.nginx.container" -}}
{{- $appRoot := get . "appRoot" | default "/var/www/html" -}}
{{- $port := get . "port" | default 8080 | int -}}
- name: nginx
  image: {{ .image }}
  imagePullPolicy: {{ get . "pullPolicy" | default "IfNotPresent" }}
  ports:
    - name: http
      containerPort: {{ $port }}
      protocol: TCP
    {{- with get . "statusPort" }}
    - name: status
      containerPort: {{ . | int }}
      protocol: TCP
    {{- end }}
  {{- if or (not (hasKey . "probes")) .probes }}
  startupProbe:
    httpGet: {path: /health, port: http}
    periodSeconds: 2
    failureThreshold: 30
  readinessProbe:
    httpGet: {path: /health, port: http}
    periodSeconds: 5
    timeoutSeconds: 2
    failureThreshold: 3
  livenessProbe:
    httpGet: {path: /health, port: http}
    periodSeconds: 10
    timeoutSeconds: 2
    failureThreshold: 6
  {{- end }}
  securityContext:
    {{- include "store-lib.security.containerSecurityContext" (dict "readOnlyRootFilesystem" true "uid" (get . "uid") "gid" (get . "gid")) | nindent 4 }}
  resources:
    {{- include "store-lib.security.resources" (dict "resources" .resources "name" "nginx") | nindent 4 }}
  volumeMounts:
    - name: bagisto-public
      mountPath: {{ $appRoot }}/public
      readOnly: true
    - name: bagisto-storage
      mountPath: {{ $appRoot }}/storage
      readOnly: true
    - name: nginx-config
      mountPath: /etc/nginx/conf.d
      readOnly: true
    - name: nginx-cache
      mountPath: /var/cache/nginx
    - name: nginx-run
      mountPath: /var/run
    - name: nginx-tmp
      mountPath: /tmp
{{- end -}}
