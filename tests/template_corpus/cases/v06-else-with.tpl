{{ with .Values.missing }}# a{{ else with .Values.name }}# {{ . }}{{ else }}# c{{ end }}
