{{ range $a, 3 }}{{ end }}
