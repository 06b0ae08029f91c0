{{- range $i, $e := .Values.list }}
# {{ $i }}={{ $e }}
{{- end }}
