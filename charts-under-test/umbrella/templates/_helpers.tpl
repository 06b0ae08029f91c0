{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "umbrella.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified app name. */}}
{{- define "umbrella.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "umbrella.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "umbrella.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels that select the pods. */}}
{{- define "umbrella.selectorLabels" -}}
app.kubernetes.io/name: {{ include "umbrella.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of the web pods: the selector labels with the user's extra labels over them. */}}
{{- define "umbrella.podLabels" -}}
{{- $labels := include "umbrella.selectorLabels" . | fromYaml -}}
{{- toYaml (mergeOverwrite $labels .Values.podLabels) -}}
{{- end -}}

{{/* Name of the Secret that holds the API token. */}}
{{- define "umbrella.secretName" -}}
{{- if .Values.auth.create -}}
{{- include "umbrella.fullname" . -}}
{{- else -}}
{{- .Values.auth.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* An image reference from a mapping with repository and tag. */}}
{{- define "umbrella.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}
