{{ range .Values.list }}
{{ if . }}
# x
{{ end }}
