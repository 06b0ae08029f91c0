{{- define "lib.label" -}}from-lib-{{ .Chart.Name }}{{- end -}}
