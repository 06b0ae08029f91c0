{{/* Chart name. */}}
{{- define "ecr-tpl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified app name. */}}
{{- define "ecr-tpl.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "ecr-tpl.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Common labels. */}}
{{- define "ecr-tpl.labels" -}}
app.kubernetes.io/name: {{ include "ecr-tpl.name" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: {{ .Values.metadata.component }}
app.kubernetes.io/part-of: {{ .Values.metadata.partOf }}
{{- end -}}

{{/* Selector labels. */}}
{{- define "ecr-tpl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ecr-tpl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
