# a

{{ else }}
