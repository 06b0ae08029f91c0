{{ define "c.m" }}a{{ end }}
{{ define "c.m" }}b{{ end }}
