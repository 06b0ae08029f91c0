# {{ .Values.a) }}
