# a
{{/* never
closed }}
