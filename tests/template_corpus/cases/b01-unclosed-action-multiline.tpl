# a
# {{ .Values.name
