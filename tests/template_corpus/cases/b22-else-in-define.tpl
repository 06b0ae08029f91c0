{{ define "c.x" }}a{{ else }}b{{ end }}
