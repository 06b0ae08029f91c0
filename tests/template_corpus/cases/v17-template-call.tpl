{{- define "c.t" }}# t {{ . }}{{ end }}
{{ template "c.t" .Values.name }}
