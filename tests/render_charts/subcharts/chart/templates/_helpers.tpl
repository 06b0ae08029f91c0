{{- define "common.name" -}}parent-{{ .Chart.Name }}{{- end -}}
