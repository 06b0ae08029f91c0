# a
{{ template "nope" }}
