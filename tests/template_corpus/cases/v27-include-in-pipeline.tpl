{{- define "c.lbl" }}app: demo{{ end }}
# {{ include "c.lbl" . | nindent 2 | trim }}
