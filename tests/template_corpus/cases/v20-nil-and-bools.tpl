# {{ if and true (not false) }}yes{{ end }} {{ default "d" nil }}
