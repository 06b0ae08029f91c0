# name: {{ .Values.name }}
