{{/*
store-lib.php.fpmPool: the php-fpm pool fragment `zz-chart.conf` (mounted at
/usr/local/etc/php-fpm.d/zz-chart.conf). Listens on the pod's port (kubelet tcpSocket probes reach
it; the NetworkPolicy admits only the nginx port), ping and status for probes/metrics.
(dict "port" 9000 "pm" (dict "mode" "dynamic" "maxChildren" 20 ...) "ini" (dict "memory_limit" "512M"))
*/}}
{{- define "store-lib.php.fpmPool" -}}
{{- $pm := get . "pm" | default dict -}}
[www]
listen = {{ get . "port" | default 9000 | int }}
pm = {{ get $pm "mode" | default "dynamic" }}
pm.max_children = {{ get $pm "maxChildren" | default 20 | int }}
pm.start_servers = {{ get $pm "startServers" | default 4 | int }}
pm.min_spare_servers = {{ get $pm "minSpareServers" | default 2 | int }}
pm.max_spare_servers = {{ get $pm "maxSpareServers" | default 6 | int }}
pm.max_requests = {{ get $pm "maxRequests" | default 500 | int }}
pm.process_idle_timeout = {{ get $pm "processIdleTimeout" | default "10s" }}
ping.path = /ping
ping.response = pong
pm.status_path = /status
clear_env = no
catch_workers_output = yes
decorate_workers_output = no
{{- range $k, $v := (get . "ini" | default dict) }}
php_admin_value[{{ $k }}] = {{ $v }}
{{- end }}
{{- end -}}
