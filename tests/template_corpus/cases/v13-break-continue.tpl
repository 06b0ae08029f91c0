{{- range .Values.list }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ if eq . "c" }}{{ break }}{{ end }}
# {{ . }}
{{- end }}
