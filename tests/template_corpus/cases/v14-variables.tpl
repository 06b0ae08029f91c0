{{- $x := 1 }}{{ $x = 2 }}
# {{ $x }} {{ $.Values.name }} {{ len $.Values.list }}
