# {{ .Values.a-b }}
