{{ block "c.b" . }}x
