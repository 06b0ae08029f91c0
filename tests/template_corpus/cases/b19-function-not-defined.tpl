# {{ .Values.name | upperr }}
