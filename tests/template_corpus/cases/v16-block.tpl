{{ block "c.blk" . }}# default block{{ end }}
