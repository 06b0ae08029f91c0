# a
{{- /* comment */ -}}
# b
