{{ range $a, $b, $c := .Values.list }}{{ end }}
