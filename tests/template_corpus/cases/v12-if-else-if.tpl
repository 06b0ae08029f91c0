{{ if eq .Values.name "x" }}# x{{ else if .Values.enabled }}# enabled{{ else }}# none{{ end }}
