# a
{{ break }}
