{{ if .Values.enabled }}
# x
