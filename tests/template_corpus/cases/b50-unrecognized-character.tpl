# {{ .Values.a § }}
