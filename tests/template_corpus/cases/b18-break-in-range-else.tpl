{{ range .Values.list }}{{ else }}
{{ break }}{{ end }}
