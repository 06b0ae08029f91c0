# {{ .Values.name | "x" }}
