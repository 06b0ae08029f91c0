{{ $z := 1 }}
{{ define "c.z" }}{{ $z }}{{ end }}
