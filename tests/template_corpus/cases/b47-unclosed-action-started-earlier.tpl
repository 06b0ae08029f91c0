# {{ if
.Values.a
