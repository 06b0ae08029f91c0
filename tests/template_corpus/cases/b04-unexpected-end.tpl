# a
{{ end }}
