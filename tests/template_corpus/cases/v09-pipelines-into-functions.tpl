# {{ .Values.name | upper | quote }}
# {{ printf "%s-%d" .Values.name 3 | trunc 63 | trimSuffix "-" }}
