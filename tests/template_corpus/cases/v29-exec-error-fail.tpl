# a
{{ fail "boom" }}
