{{ if true }}{{ $y := 1 }}{{ end }}
# {{ $y }}
