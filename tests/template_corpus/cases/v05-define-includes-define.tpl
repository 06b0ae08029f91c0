{{- define "c.a" }}A{{ include "c.b" . }}{{ end }}
{{- define "c.b" }}B{{ end }}
# {{ include "c.a" . }}
