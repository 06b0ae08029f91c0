{{ with .Values.a }}{{ else if .Values.b }}{{ end }}
