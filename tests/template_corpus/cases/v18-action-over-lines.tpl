# {{ .Values.name
  | upper }}
