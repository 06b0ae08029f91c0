{{ range .Values.list }}{{ else if true }}{{ end }}
