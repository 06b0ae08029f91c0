{{ if true }}a{{ else }}b
