{{ if true }}{{ define "c.y" }}{{ end }}{{ end }}
