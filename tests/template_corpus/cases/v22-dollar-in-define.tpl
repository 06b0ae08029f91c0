{{ define "c.d" }}{{ $.Values.name }}{{ end }}
# {{ include "c.d" . }}
