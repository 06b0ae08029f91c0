{{- $n := "" }}{{ range .Values.list }}{{ $n = . }}{{ end }}
# {{ $n }}
