# {{ .Values.name }
# more {{ .x }}
