{{/*
Names. Every helper takes a dict with "context" (the root context, $).
*/}}

{{/* store-lib.names.name: the chart name, or .Values.nameOverride; 63 chars. */}}
{{- define "store-lib.names.name" -}}
{{- $ctx := .context -}}
{{- default $ctx.Chart.Name (get $ctx.Values "nameOverride") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
store-lib.names.fullname: .Values.fullnameOverride, else the release name when it already contains
the chart name, else "<release>-<name>"; truncated to 63 chars (DNS-1123).
*/}}
{{- define "store-lib.names.fullname" -}}
{{- $ctx := .context -}}
{{- $override := get $ctx.Values "fullnameOverride" -}}
{{- if $override -}}
{{- $override | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "store-lib.names.name" . -}}
{{- if contains $name $ctx.Release.Name -}}
{{- $ctx.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" $ctx.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* store-lib.names.component: "<fullname>-<component>" (dict "context" $ "component" "mysql"); 63 chars. */}}
{{- define "store-lib.names.component" -}}
{{- printf "%s-%s" (include "store-lib.names.fullname" .) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* store-lib.names.chart: "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "store-lib.names.chart" -}}
{{- printf "%s-%s" .context.Chart.Name .context.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* store-lib.names.namespace: the release namespace (.Values.namespaceOverride when set). */}}
{{- define "store-lib.names.namespace" -}}
{{- default .context.Release.Namespace (get .context.Values "namespaceOverride") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
store-lib.names.serviceAccount: the ServiceAccount name from
(dict "context" $ "serviceAccount" .Values.serviceAccount): its name, else the fullname when created,
else "default".
*/}}
{{- define "store-lib.names.serviceAccount" -}}
{{- $sa := .serviceAccount | default dict -}}
{{- if get $sa "create" -}}
{{- default (include "store-lib.names.fullname" .) (get $sa "name") -}}
{{- else -}}
{{- default "default" (get $sa "name") -}}
{{- end -}}
{{- end -}}
